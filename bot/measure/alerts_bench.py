"""Benchmark of the alert pipeline: matching a large change against many watches, the whole
refresh path on a database, and delivery throughput within Telegram's limits.

Figures, not pass/fail: `riskguide alerts bench` prints them for the closing notes (`--json`:
one object). The watches are realistic queries (names as typed, reordered, misspelt,
unrelated names) drawn from the real registry grown by recombining real name parts
(bot.measure.registry_bench).
"""

from __future__ import annotations

import gc
import random
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.config import Settings
from bot.listings.model import Entry, Snapshot, utcnow
from bot.listings.service import ListingService
from bot.measure.memory import peak_rss_mb
from bot.measure.portal_emulator import latest_files
from bot.measure.registry_bench import grow, load_entries, sample_queries
from bot.storage.database import Database, now
from bot.storage.schema import recipients, watches
from bot.watch.matching import WatchRow
from bot.watch.model import ADDED, Change
from bot.watch.refresh import RefreshService
from bot.watch.watch_index import WatchIndex

_RECIPIENTS = 5000


def _changes(entries: Sequence[Entry]) -> list[Change]:
    as_of = utcnow().date()
    return [Change(registry=e.registry, kind=ADDED, key=str(i), name=e.name, entry_kind=e.kind,
                   as_of=as_of, origin="file", aliases=e.aliases, included_on=e.included_on)
            for i, e in enumerate(entries)]


def _watch_queries(changed: Sequence[Entry], others: Sequence[Entry], n: int) -> list[str]:
    """Return n watch names: a tenth spell changed entries, the rest other names."""
    hit = sample_queries(changed, n // 10, seed=3)
    miss = sample_queries(others, n - len(hit), seed=5)
    out = hit + miss
    random.Random(9).shuffle(out)
    return out


async def measure(root: Path, *, changes: int = 1000, watches: int = 100_000,
                  refresh_path: bool = True) -> dict[str, Any]:
    """Return the matching (and refresh path) figures as one JSON-ready object.

    Matching is timed as a running bot does it: the watch index is built once (timed
    apart), then one refresh's changes are looked up in it. The memory the index holds is
    measured in a second build under tracemalloc, so that tracing slows no timed figure.
    """
    entries, _ = load_entries(latest_files(root))
    grown = grow(entries, max(changes * 4, 5000))
    rng = random.Random(1)
    changed = rng.sample(grown, changes)
    changed_ids = {id(e) for e in changed}
    others = [e for e in grown if id(e) not in changed_ids]
    queries = _watch_queries(changed, others, watches)
    rows = [WatchRow(i, i % _RECIPIENTS, q) for i, q in enumerate(queries)]
    batch = _changes(changed)

    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    index = WatchIndex(rows)
    build, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    found = index.match(batch)
    took, took_cpu = time.perf_counter() - t0, time.process_time() - c0
    figures: dict[str, Any] = {
        "changes": changes, "watches": len(rows), "distinct_names": index.distinct_names,
        "index_build_s": round(build, 3), "index_build_cpu_s": round(build_cpu, 3),
        "matching_s": round(took, 3), "matching_cpu_s": round(took_cpu, 3),
        "names_checked": index.last_checked, "matches": len(found),
        "definite_matches": sum(1 for m in found if m.definite),
        "alerted_watches": len({m.watch.watch_id for m in found}),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    del index, found
    gc.collect()
    tracemalloc.start()
    index = WatchIndex(rows)
    figures["index_mb"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 1)
    tracemalloc.stop()
    del index
    if refresh_path:
        with tempfile.TemporaryDirectory(prefix="riskguide-bench-") as tmp:
            figures["refresh_path"] = await _refresh_path(Path(tmp), changed, others, queries)
        figures["peak_rss_mb_with_refresh_path"] = round(peak_rss_mb(), 1)
    return figures


def report(figures: dict[str, Any]) -> str:
    """Return the figures of `measure` as the lines a person reads."""
    f = figures
    lines = [
        f"alerts bench: {f['changes']} changed entries, {f['watches']} watches "
        f"({f['distinct_names']} distinct names)",
        f"watch index: built in {f['index_build_s']:.2f} s ({f['index_build_cpu_s']:.2f} s CPU), "
        f"holds {f['index_mb']:.0f} MB",
        f"matching: {f['matching_s']:.2f} s ({f['matching_cpu_s']:.2f} s CPU), "
        f"{f['names_checked']} names checked, {f['matches']} matches "
        f"({f['definite_matches']} definite) for {f['alerted_watches']} watches",
        f"peak memory: {f['peak_rss_mb']:.0f} MB resident",
    ]
    r = f.get("refresh_path")
    if r:
        lines.append(
            f"refresh path (SQLite, {r['entries_before']} → {r['entries_after']} entries): "
            f"{r['first_s']:.2f} s for diff, watch index, matching, {r['events']} events and "
            f"{r['queued']} outbox rows in one transaction; the next refresh "
            f"({r['next_events']} events, index kept): {r['next_s']:.2f} s")
    return "\n".join(lines)


async def run(root: Path, *, changes: int = 1000, watches: int = 100_000) -> str:
    """Return the benchmark report as text (sections: watch index, matching, refresh path)."""
    return report(await measure(root, changes=changes, watches=watches))


async def _refresh_path(tmp: Path, changed: list[Entry], others: list[Entry],
                        queries: list[str]) -> dict[str, Any]:
    """Time the whole path on SQLite twice: diff, match, events and outbox rows in one
    commit, first with the watch index to build, then for ten removals with the index kept."""
    settings = Settings(data_dir=tmp)
    listings = ListingService(settings)
    db = Database(f"sqlite+aiosqlite:///{tmp / 'bench.db'}")
    await db.migrate()
    try:
        at = now()
        async with db.begin() as conn:
            await conn.execute(insert(recipients), [
                dict(id=i + 1, platform="telegram", kind="private", address=str(i),
                     chat_id=str(i), lang="ru", active=True, created_at=at)
                for i in range(_RECIPIENTS)])
            await conn.execute(insert(watches), [
                dict(recipient_id=i % _RECIPIENTS + 1, query=q, norm=f"{i}:{q.lower()}",
                     created_at=at) for i, q in enumerate(queries)])
        fa = [replace(e, registry="foreign_agents", entry_id=f"b{i}")
              for i, e in enumerate(others[:20000])]
        new = [replace(e, registry="foreign_agents", entry_id=f"n{i}")
               for i, e in enumerate(changed)]
        day = utcnow().date()
        refresh = RefreshService(db, listings)
        out: dict[str, Any] = {"entries_before": len(fa), "entries_after": len(fa) + len(new)}
        for n, content in enumerate((fa, fa + new, fa + new[10:])):
            listings.store.save(Snapshot("foreign_agents", "file", "bench",
                                         day - timedelta(days=2 - n), utcnow(),
                                         tuple(content)))
            t0 = time.perf_counter()
            processed = await refresh.process("foreign_agents")
            took = time.perf_counter() - t0
            if n == 1:
                out.update(first_s=round(took, 3), events=processed.changes,
                           queued=processed.queued)
            elif n == 2:
                out.update(next_s=round(took, 3), next_events=processed.changes)
        return out
    finally:
        await db.close()
