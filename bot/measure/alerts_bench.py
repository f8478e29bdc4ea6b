"""Benchmark of the alert pipeline: matching a large change against many watches, the whole
refresh path on a database, and delivery throughput within Telegram's limits.

Figures, not pass/fail: `riskguide alerts bench` prints them for the closing notes. The
watches are realistic queries (names as typed, reordered, misspelt, unrelated names) drawn
from the real registry grown by recombining real name parts (bot.measure.registry_bench).
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.config import Settings
from bot.listings.model import Entry, Snapshot, utcnow
from bot.listings.service import ListingService
from bot.measure.portal_emulator import latest_files
from bot.measure.registry_bench import grow, load_entries, sample_queries
from bot.storage.database import Database, now
from bot.storage.schema import recipients, watches
from bot.watch.matching import WatchRow, match_watches
from bot.watch.model import ADDED, Change
from bot.watch.refresh import RefreshService


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


async def run(root: Path, *, changes: int = 1000, watches: int = 10_000) -> str:
    """Return the benchmark report as text (sections: matching, refresh path)."""
    watches_n = watches
    entries, _ = load_entries(latest_files(root))
    grown = grow(entries, max(changes * 4, 5000))
    rng = random.Random(1)
    changed = rng.sample(grown, changes)
    changed_ids = {id(e) for e in changed}
    others = [e for e in grown if id(e) not in changed_ids]
    queries = _watch_queries(changed, others, watches_n)
    rows = [WatchRow(i, i % 5000, q) for i, q in enumerate(queries)]
    lines = [f"alerts bench: {changes} changed entries, {len(rows)} watches "
             f"({len({q.lower() for q in queries})} distinct names)"]

    t0 = time.perf_counter()
    found = match_watches(_changes(changed), rows)
    t_match = time.perf_counter() - t0
    definite = sum(1 for m in found if m.definite)
    lines.append(f"matching: {t_match:.2f} s, {len(found)} matches ({definite} definite), "
                 f"{t_match / len(rows) * 1e6:.0f} µs per watch")

    with tempfile.TemporaryDirectory(prefix="riskguide-bench-") as tmp:
        lines.append(await _refresh_path(Path(tmp), changed, others, queries))
    return "\n".join(lines)


async def _refresh_path(tmp: Path, changed: list[Entry], others: list[Entry],
                        queries: list[str]) -> str:
    """Time the whole path on SQLite: diff, match, events and outbox rows in one commit."""
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
                for i in range(5000)])
            await conn.execute(insert(watches), [
                dict(recipient_id=i % 5000 + 1, query=q, norm=f"{i}:{q.lower()}",
                     created_at=at) for i, q in enumerate(queries)])
        fa = [replace(e, registry="foreign_agents", entry_id=f"b{i}")
              for i, e in enumerate(others[:20000])]
        new = [replace(e, registry="foreign_agents", entry_id=f"n{i}")
               for i, e in enumerate(changed)]
        day = utcnow().date()
        before = Snapshot("foreign_agents", "file", "bench", day - timedelta(days=1), utcnow(),
                          tuple(fa))
        after = Snapshot("foreign_agents", "file", "bench", day, utcnow(), tuple(fa + new))
        refresh = RefreshService(db, listings)
        listings.store.save(before)
        await refresh.process("foreign_agents")
        listings.store.save(after)
        t0 = time.perf_counter()
        processed = await refresh.process("foreign_agents")
        took = time.perf_counter() - t0
        return (f"refresh path (SQLite, {len(fa)} → {len(fa) + len(new)} entries): {took:.2f} s "
                f"for diff, matching, {processed.changes} events and {processed.queued} "
                "outbox rows in one transaction")
    finally:
        await db.close()
