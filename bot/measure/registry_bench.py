"""Benchmark of checks: latency, index build time and memory, next to a naive baseline.

Runs at the real registry size (the newest shared snapshots) and with the registry grown to
N entries by recombining real name parts, so that the grown data has realistic token
statistics. The baseline is rapidfuzz WRatio over the raw published names, the obvious first
implementation, so the ratio between the two is visible.
"""

from __future__ import annotations

import gc
import pickle
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.listings import everyday
from bot.listings.index import NameIndex
from bot.listings.model import FILE, PERSON, REGISTRIES, Entry, Snapshot, utcnow
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


def bundled_entries() -> tuple[list[Entry], list[DataInfo]]:
    """Return the entries and data facts of the four lists shipped with the bot: what a fresh
    install checks names against, the newest real data of every list."""
    from bot.listings import bundle

    entries: list[Entry] = []
    data: list[DataInfo] = []
    for registry, snapshot in bundle.load_all().items():
        entries += snapshot.entries
        data.append(DataInfo(registry, "bundled", snapshot.as_of, snapshot.fetched_at,
                             snapshot.source))
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


def _time_queries(fn: Callable[[str], object], queries: Sequence[str]) -> dict[str, float]:
    """Return p50, p99 and mean milliseconds of fn over queries, one call each, in wall-clock
    time and in the thread's CPU time ("cpu_" keys): on the shared machine the wall clock
    also counts the moments another process had the core."""
    times, cpu = [], []
    for q in queries:
        t0, c0 = time.perf_counter(), time.thread_time()
        fn(q)
        cpu.append((time.thread_time() - c0) * 1000)
        times.append((time.perf_counter() - t0) * 1000)
    out: dict[str, float] = {}
    for prefix, values in (("", times), ("cpu_", cpu)):
        values.sort()
        out |= {prefix + "p50": statistics.median(values),
                prefix + "p99": values[min(len(values) - 1, int(len(values) * 0.99))],
                prefix + "mean": statistics.fmean(values)}
    return out


def _measure(entries: list[Entry], data: list[DataInfo],
             queries: Sequence[str]) -> dict[str, float]:
    """Return build and cache-load seconds, the index's pickled size, and per-query figures
    of the index and of the naive baseline (the first 100 queries) in the same run."""
    gc.collect()
    t0 = time.perf_counter()
    index = NameIndex(entries)
    build = time.perf_counter() - t0
    blob = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    del index
    gc.collect()
    t0 = time.perf_counter()
    index = pickle.loads(blob)  # what cached_index reads: the tables and the entries' rows
    load = time.perf_counter() - t0
    gc.freeze()  # as the service does: the long-lived tables stay out of the collector's walks
    for q in queries[:20]:  # warm the morphology and transliteration caches like a live bot
        index.search(q)
    for word in ("germany", "германия"):  # and the frequency tables a typo search reads once
        everyday.is_correct_spelling(word)
    ours = _time_queries(lambda q: build_result(q, index.search(q), data), queries)
    raw = [e.name for e in entries]
    naive = _time_queries(
        lambda q: process.extract(q, raw, scorer=fuzz.WRatio, limit=5), queries[:100])
    gc.unfreeze()
    return {"entries": len(entries), "names": len(index), "build_s": build,
            "cache_load_s": load, "cache_mb": len(blob) / 2**20,
            "p50_ms": ours["p50"], "p99_ms": ours["p99"], "mean_ms": ours["mean"],
            "naive_p50_ms": naive["p50"], "naive_mean_ms": naive["mean"],
            "speedup_mean": naive["mean"] / ours["mean"] if ours["mean"] else 0.0,
            "speedup_p50": naive["p50"] / ours["p50"] if ours["p50"] else 0.0,
            "p50_cpu_ms": ours["cpu_p50"], "p99_cpu_ms": ours["cpu_p99"],
            "mean_cpu_ms": ours["cpu_mean"], "naive_mean_cpu_ms": naive["cpu_mean"],
            "speedup_mean_cpu": naive["cpu_mean"] / ours["cpu_mean"] if ours["cpu_mean"]
            else 0.0}


def store_grown(data_dir: Path, entries: Sequence[Entry]) -> None:
    """Store entries as every list's latest snapshot in a fresh instance's data directory
    (through the service's own store, so a process started on it reads them as it would)."""
    import os

    from bot.config import load_settings
    from bot.listings.service import ListingService
    from bot.listings.store import validate_and_store

    env = {"RISKGUIDE_DATA_DIR": str(data_dir)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        service = ListingService(load_settings(chat=False))
        for registry in REGISTRIES:
            mine = tuple(e for e in entries if e.registry == registry)
            if mine:
                snap = Snapshot(registry=registry, origin=FILE, source="bench-grown.json",
                                as_of=utcnow().date(), fetched_at=utcnow(), entries=mine)
                validate_and_store(service.store, snap, force=True)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run_process(args: Sequence[str], env: dict[str, str], stdin: str = "") -> dict[str, float]:
    """Return the wall seconds and peak resident megabytes of one riskguide process."""
    import os
    import subprocess
    import sys

    script = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
              "p = subprocess.run(sys.argv[1:], input=sys.stdin.read(), text=True, "
              "capture_output=True); print(time.perf_counter() - t, "
              "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)")
    out = subprocess.run(
        [sys.executable, "-c", script, sys.executable, "-m", "bot.cli", *args],
        input=stdin, text=True, capture_output=True, env=os.environ | env, check=True)
    seconds, rss_kb, code = out.stdout.split()
    if code != "0":
        raise RuntimeError(f"riskguide {' '.join(args)} exited {code}")
    return {"s": float(seconds), "peak_mb": int(rss_kb) / 1024}


def startup(data_dir: Path, cache_dir: Path, *, runs: int = 3) -> dict[str, float]:
    """Return `check` process start-up (one name, to its answer) with an empty name-index
    cache and with a warm one (the median of `runs`), and the check process's peak memory."""
    import shutil

    env = {"RISKGUIDE_DATA_DIR": str(data_dir), "RISKGUIDE_CACHE_DIR": str(cache_dir),
           "RISKGUIDE_REFRESH_INTERVAL": "0"}
    shutil.rmtree(cache_dir, ignore_errors=True)
    cold = _run_process(["check", "Ходорковский Михаил", "--json"], env)
    warm = [_run_process(["check", "Ходорковский Михаил", "--json"], env) for _ in range(runs)]
    return {"cold_s": cold["s"], "warm_s": statistics.median(w["s"] for w in warm),
            "peak_mb": max(w["peak_mb"] for w in warm)}


def run_memory(data_dir: Path, cache_dir: Path) -> float:
    """Return the peak resident megabytes of a bot process answering a check: the console
    chat (`riskguide chat`), which builds the same App as `riskguide run` without a token."""
    env = {"RISKGUIDE_DATA_DIR": str(data_dir), "RISKGUIDE_CACHE_DIR": str(cache_dir),
           "RISKGUIDE_REFRESH_INTERVAL": "0"}
    return _run_process(["chat"], env, stdin="/check Ходорковский Михаил\n\n")["peak_mb"]


def measure(root: Path, *, grown_size: int = 100_000, n_queries: int = 300,
            processes: bool = True) -> dict[str, Any]:
    """Return every figure of the benchmark as one JSON-ready object.

    Per-query figures at the real size (the newest shared snapshots) and grown to
    grown_size, each beside the naive baseline in the same run; process figures (start-up
    with a cold and a warm name-index cache, peak memory of `check` and of a bot process)
    for a fresh install (the bundled lists) and for a store holding grown_size entries.
    """
    import tempfile

    entries, data = load_entries(latest_files(root))
    real = _measure(entries, data, sample_queries(entries, n_queries))
    four_entries, four_data = bundled_entries()
    four = _measure(four_entries, four_data, sample_queries(four_entries, n_queries))
    grown = grow(entries, grown_size)
    big = _measure(grown, data, sample_queries(grown, n_queries))
    out: dict[str, Any] = {"real": real, "four_lists": four, "grown": big}
    if processes:
        with tempfile.TemporaryDirectory(prefix="riskguide-bench-") as tmp:
            fresh, stored = Path(tmp) / "fresh", Path(tmp) / "grown"
            store_grown(stored, grown)
            out["real"]["check_startup"] = startup(fresh, Path(tmp) / "cache-fresh")
            out["real"]["run_peak_mb"] = run_memory(fresh, Path(tmp) / "cache-fresh")
            out["grown"]["check_startup"] = startup(stored, Path(tmp) / "cache-grown", runs=2)
            out["grown"]["run_peak_mb"] = run_memory(stored, Path(tmp) / "cache-grown")
    return out


def format_table(figures: dict[str, Any]) -> str:
    """Return the benchmark figures as the human-readable table."""
    lines = [
        f"{'size':>6} {'entries':>7} {'build s':>7} {'load s':>6} {'p50 ms':>6} {'p99 ms':>6} "
        f"{'mean ms':>7} | {'naive p50':>9} {'naive mean':>10} {'x mean':>6} {'x p50':>6}",
    ]
    for label in ("real", "four_lists", "grown"):
        if label not in figures:
            continue
        m = figures[label]
        lines.append(
            f"{label[:6]:>6} {int(m['entries']):7d} {m['build_s']:7.2f} {m['cache_load_s']:6.2f} "
            f"{m['p50_ms']:6.2f} {m['p99_ms']:6.2f} {m['mean_ms']:7.2f} | "
            f"{m['naive_p50_ms']:9.2f} {m['naive_mean_ms']:10.2f} {m['speedup_mean']:6.1f} "
            f"{m['speedup_p50']:6.1f}")
    for label in ("real", "grown"):
        st = figures[label].get("check_startup")
        if st:
            lines.append(
                f"{label}: `check` process {st['cold_s']:.2f} s with an empty index cache, "
                f"{st['warm_s']:.2f} s cached, peak {st['peak_mb']:.0f} MB; bot process "
                f"(console chat) peak {figures[label]['run_peak_mb']:.0f} MB")
    for label in ("real", "four_lists", "grown"):
        if label not in figures:
            continue
        m = figures[label]
        lines.append(f"{label}: CPU time per query p50 {m['p50_cpu_ms']:.2f} ms, p99 "
                     f"{m['p99_cpu_ms']:.2f} ms, mean {m['mean_cpu_ms']:.2f} ms (naive "
                     f"{m['naive_mean_cpu_ms']:.2f} ms, x{m['speedup_mean_cpu']:.1f})")
    lines.append("real = the newest shared snapshots (two lists); four_lists = the four lists "
                 "shipped with the bot (processes: the same); "
                 "naive = rapidfuzz WRatio over raw published names (first 100 queries)")
    lines.append("goals: x15 (real) and x80 (100,000) faster than naive per query; "
                 "`check` start-up 1 s real size, 5 s at 100,000")
    return "\n".join(lines)


def run(root: Path, *, grown_size: int = 100_000, n_queries: int = 300,
        processes: bool = True) -> str:
    """Return the benchmark table as text (real size, then grown to grown_size)."""
    return format_table(measure(root, grown_size=grown_size, n_queries=n_queries,
                                processes=processes))
