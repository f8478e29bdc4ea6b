"""Benchmark of checks: latency, index build time and memory, next to a naive baseline.

Runs at the real registry size (the newest shared snapshots) and with the registry grown to
N entries by recombining real name parts, so that the grown data has realistic token
statistics. The baseline is rapidfuzz WRatio over the raw published names, the obvious first
implementation, so the ratio between the two is visible.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.listings.index import NameIndex
from bot.listings.model import PERSON, Entry, utcnow
from bot.listings.status import CheckResult, DataInfo, build_result
from bot.measure import registry_eval
from bot.measure.portal_emulator import latest_files


def load_entries(files: dict[str, Path]) -> tuple[list[Entry], list[DataInfo]]:
    """Return the entries and data facts of mirror snapshot files."""
    entries: list[Entry] = []
    data: list[DataInfo] = []
    for registry, path in files.items():
        entries += registry_eval.read_snapshot_entries(registry, path)
        data.append(DataInfo(registry, "mirror", registry_eval.snapshot_date(path), utcnow(),
                             path.name))
    return entries, data


def checker_for_files(files: dict[str, Path]) -> Callable[[str], CheckResult]:
    """Return a check function over mirror files (the same index and status as the service)."""
    entries, data = load_entries(files)
    index = NameIndex(entries)
    return lambda q: build_result(q, index.search(q), data)


def grow(entries: Sequence[Entry], size: int, seed: int = 7) -> list[Entry]:
    """Return entries plus synthetic ones up to size, recombined from real name parts."""
    rng = random.Random(seed)
    people = [e.name.split() for e in entries if e.kind == PERSON and len(e.name.split()) >= 3]
    orgs = [e for e in entries if e.kind != PERSON]
    org_words = [w for e in orgs for w in e.name.split() if w.isalpha() and len(w) > 3]
    out = list(entries)
    n = 0
    while len(out) < size:
        n += 1
        base = rng.choice(entries)
        if rng.random() < 0.6 and people:
            parts = [rng.choice(people)[i] for i in range(3)]
            name = " ".join(parts)
            out.append(replace(base, entry_id=f"syn{n}", kind=PERSON, name=name, aliases=()))
        else:
            words = rng.sample(org_words, k=rng.randint(2, 5))
            name = f"{rng.choice(['Фонд', 'Проект', 'Центр', 'Союз'])} «{' '.join(words)}»"
            out.append(replace(base, entry_id=f"syn{n}", kind="organisation", name=name,
                               aliases=(" ".join(words),)))
    return out


def sample_queries(entries: Sequence[Entry], n: int, seed: int = 11) -> list[str]:
    """Return realistic queries: names as typed, reordered, misspelt, and random non-names."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        e = rng.choice(entries)
        words = e.name.split()[:3]
        r = rng.random()
        if r < 0.3:
            q = " ".join(reversed(words[:2]))
        elif r < 0.6 and words:
            w = list(words[0])
            if len(w) > 3:
                i = rng.randrange(1, len(w) - 1)
                w[i], w[i + 1] = w[i + 1], w[i]
            q = " ".join(["".join(w), *words[1:2]])
        elif r < 0.8:
            q = rng.choice(["Пугачева Алла", "Harvard University", "Иванов Сергей Петрович",
                            "Сбербанк", "Human Rights Watch", "Мемориал", "Mikhail Khodorkovsky"])
        else:
            q = e.name
        out.append(q)
    return out


def _time_queries(fn: Callable[[str], object], queries: Sequence[str]) -> tuple[float, float]:
    times = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return statistics.median(times), p99


def _measure(entries: list[Entry], data: list[DataInfo],
             queries: Sequence[str]) -> dict[str, float]:
    gc.collect()
    t0 = time.perf_counter()
    index = NameIndex(entries)
    build = time.perf_counter() - t0
    del index
    gc.collect()
    tracemalloc.start()
    index = NameIndex(entries)
    mem = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    for q in queries[:20]:  # warm the morphology and transliteration caches like a live bot
        index.search(q)
    p50, p99 = _time_queries(lambda q: build_result(q, index.search(q), data), queries)
    raw = [e.name for e in entries]
    t0 = time.perf_counter()
    base_build = time.perf_counter() - t0
    b50, b99 = _time_queries(
        lambda q: process.extract(q, raw, scorer=fuzz.WRatio, limit=5), queries[:100])
    return {"entries": len(entries), "build_s": build, "mem_mb": mem, "p50": p50, "p99": p99,
            "base_build_s": base_build, "base_p50": b50, "base_p99": b99}


def run(root: Path, *, grown_size: int = 100_000, n_queries: int = 300) -> str:
    """Return the benchmark table as text (real size, then grown to grown_size)."""
    entries, data = load_entries(latest_files(root))
    rows = [("real", _measure(entries, data, sample_queries(entries, n_queries)))]
    grown = grow(entries, grown_size)
    rows.append(("grown", _measure(grown, data, sample_queries(grown, n_queries))))
    lines = [
        f"{'size':>8} {'entries':>8} {'build s':>8} {'mem MB':>7} {'p50 ms':>7} {'p99 ms':>7}"
        f" | {'naive p50':>9} {'naive p99':>9} {'p99 ratio':>9}",
    ]
    for label, m in rows:
        ratio = m["base_p99"] / m["p99"] if m["p99"] else 0.0
        lines.append(
            f"{label:>8} {int(m['entries']):8d} {m['build_s']:8.2f} {m['mem_mb']:7.1f} "
            f"{m['p50']:7.2f} {m['p99']:7.2f} | {m['base_p50']:9.2f} {m['base_p99']:9.2f} "
            f"{ratio:8.1f}x"
        )
    lines.append("targets: p99 < 5 ms real size, < 50 ms grown to 100,000; build < 2 s real size")
    lines.append("naive = rapidfuzz WRatio over raw published names (first 100 queries)")
    return "\n".join(lines)
