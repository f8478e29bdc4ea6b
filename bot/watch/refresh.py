"""Turn stored snapshots into events and queued alerts: the one path after every refresh.

A scheduled refresh, `riskguide registry update` and `riskguide registry import` all store a
snapshot through the listings layer's validation, then call `process`. Processing diffs the
latest good snapshot against the last one this database turned into events, and writes the
events, the alert and digest rows and the new position in one transaction. A crash before
that commit leaves the position where it was, so the next run does the same work again; a
crash after it has nothing left to do. A refused fetch stores nothing and makes no events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot import redact
from bot.listings import parse
from bot.listings.model import REGISTRIES, Snapshot
from bot.listings.service import ListingService, UpdateReport
from bot.listings.store import StoreOutcome
from bot.storage.database import Database, now
from bot.storage.schema import batches, events, recipients, registry_state, watches
from bot.watch.diff import diff
from bot.watch.matching import WatchMatch, WatchRow
from bot.watch.model import Change
from bot.watch.outbox import enqueue
from bot.watch.watch_index import WatchIndex

log = logging.getLogger(__name__)
T = TypeVar("T")

# How often processing starts again after losing the position to another process.
MAX_RACES = 20


@dataclass(frozen=True)
class Processed:
    """What processing one registry did: the changes found and the messages queued."""

    registry: str
    outcome: str  # "baseline" | "no_changes" | "events" | "up_to_date" | "no_data"
    changes: int = 0
    queued: int = 0
    counts: dict[str, int] = field(default_factory=dict)


async def in_daemon_thread(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Return fn(*args, **kwargs) run in a daemon thread, awaited without blocking the loop.

    Unlike asyncio.to_thread, a fetch still waiting on a slow portal does not keep the
    process alive when the user leaves the console chat: the store writes atomically, so
    a fetch cut short leaves the last good snapshot as it was.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]

    def work() -> None:
        try:
            result, error = fn(*args, **kwargs), None
        except BaseException as exc:  # handed to the awaiting task, which decides
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=work, name="registry-fetch", daemon=True).start()
    return await future


class RefreshService:
    """Refreshes registries and turns new snapshots into events and outbox rows."""

    def __init__(self, db: Database, listings: ListingService) -> None:
        """Use db for events and deliveries, listings for snapshots and fetching."""
        self.db = db
        self.listings = listings
        # Built at the first processing with changes, then kept in step with the database:
        # each refresh analyses only the watches added since the last one.
        self.watch_index = WatchIndex()

    async def refresh(self, registries: tuple[str, ...] = REGISTRIES, *,
                      force: bool = False) -> list[tuple[UpdateReport, Processed]]:
        """Fetch every registry from its sources, then process what was stored.

        The fetch is blocking HTTP and runs in a thread so chats keep being answered; a
        failed or refused fetch is recorded with its reason and processing still runs (it
        may have snapshots imported by another process to catch up on).
        """
        reports = await in_daemon_thread(self.listings.update, registries, force=force)
        out = []
        for report in reports:
            await self._record(report.registry, report.outcome, report.detail)
            out.append((report, await self.process(report.registry)))
        return out

    async def import_file(self, path: Path, registry: str, *, as_of: date | None = None,
                          force: bool = False) -> tuple[StoreOutcome, Processed]:
        """Import a registry file through validation, then process it like a refresh.

        Raises parse.SchemaError (recorded as a rejection) when the file is unusable.
        """
        try:
            outcome = await asyncio.to_thread(self.listings.import_file, path, registry,
                                              as_of=as_of, force=force)
        except parse.SchemaError as exc:
            await self._record(registry, "rejected", f"{Path(path).name}: schema: {exc}")
            raise
        kind = ("rejected" if not outcome.accepted else
                "unchanged" if outcome.unchanged else "stored")
        detail = "; ".join(outcome.reasons) or Path(path).name
        if outcome.overridden:
            detail += "; forced over: " + "; ".join(outcome.overridden)
        await self._record(registry, kind, detail)
        return outcome, await self.process(registry)

    async def process(self, registry: str) -> Processed:
        """Diff registry's latest good snapshot against the last processed one and queue.

        The first snapshot a database sees is its starting point: it makes no events. Two
        processings at once (a bot's refresh and `registry import`, or two imports) may both
        start from the same position; only the one whose compare-and-set of the position
        succeeds commits its events, and the other starts again from where that one ended,
        so every change is queued once.
        """
        for _ in range(MAX_RACES):
            done = await self._process_once(registry)
            if done is not None:
                return done
        log.warning("%s: the processed position kept moving under us; leaving it to the "
                    "process that moves it", registry)
        return Processed(registry, "up_to_date")

    async def _process_once(self, registry: str) -> Processed | None:
        """Return what processing from the stored position did, or None when another
        process moved the position first (nothing was written: try again)."""
        store = self.listings.store
        # One read of the pointer: reading the name and then "the latest" again could pair
        # one snapshot's name with another's content when an import stores in between.
        name = store.latest_name(registry)
        current = store.load(registry, name)
        if name is None or current is None:
            return Processed(registry, "no_data")
        async with self.db.begin() as conn:
            state = (await conn.execute(select(registry_state).where(
                registry_state.c.registry == registry))).first()
        old = state.snapshot if state is not None else None
        if state is None or state.snapshot is None:
            moved = await self._set_position(registry, old, state is None, name, current,
                                             name if current.exclusions_known else None)
            return Processed(registry, "baseline") if moved else None
        if state.snapshot == name:
            return Processed(registry, "up_to_date")
        previous = store.load(registry, state.snapshot)
        if previous is None:
            log.warning("%s: the last processed snapshot %s is gone; starting again from %s",
                        registry, state.snapshot, name)
            moved = await self._set_position(registry, old, False, name, current,
                                             name if current.exclusions_known else None)
            return Processed(registry, "baseline") if moved else None
        baseline = store.load(registry, state.exclusions_snapshot)
        changes = await asyncio.to_thread(diff, previous, current, baseline)
        excl = name if current.exclusions_known else state.exclusions_snapshot
        if not changes:
            moved = await self._set_position(registry, old, False, name, current, excl)
            return Processed(registry, "no_changes") if moved else None
        matches = await self._match(changes)
        counts: dict[str, int] = {}
        for c in changes:
            counts[c.kind] = counts.get(c.kind, 0) + 1
        try:
            async with self.db.begin() as conn:
                # The position first: on PostgreSQL the row lock makes a second processing
                # wait here and then find the position moved; SQLite has one writer anyway.
                if not await _advance(conn, registry, old, _position(name, current, excl)):
                    raise _Moved
                batch_id = (await conn.execute(insert(batches).returning(batches.c.id).values(
                    registry=registry, snapshot=name, from_as_of=previous.as_of,
                    to_as_of=current.as_of, created_at=now()))).scalar_one()
                event_ids = await _insert_events(conn, batch_id, changes)
                queued = await enqueue(conn, batch_id, registry, event_ids, changes, matches)
        except _Moved:
            return None
        except IntegrityError:
            # Another process stored this very batch first; ours is rolled back whole.
            return None
        log.info("%s: %d changes from %s to %s (%s), %d messages queued", registry,
                 len(changes), previous.as_of, current.as_of,
                 ", ".join(f"{k} {n}" for k, n in counts.items()), queued)
        return Processed(registry, "events", len(changes), queued, counts)

    async def _match(self, changes: Sequence[Change]) -> list[WatchMatch]:
        """Return the watches the changes concern, the watch index first brought in step
        with the active watches in the database (other processes add and remove them)."""
        rows = await self._watches()
        added, removed = await asyncio.to_thread(self.watch_index.sync, rows)
        matches = await asyncio.to_thread(self.watch_index.match, changes)
        log.debug("watch index: %d watches (+%d −%d), %d names checked, %d matches",
                  len(self.watch_index), added, removed, self.watch_index.last_checked,
                  len(matches))
        return matches

    async def _watches(self) -> list[WatchRow]:
        async with self.db.begin() as conn:
            rows = await conn.execute(
                select(watches.c.id, watches.c.recipient_id, watches.c.query)
                .join(recipients, recipients.c.id == watches.c.recipient_id)
                .where(recipients.c.active.is_(True)))
            return [WatchRow(r.id, r.recipient_id, r.query) for r in rows]

    async def _set_position(self, registry: str, old: str | None, create: bool, name: str,
                            current: Snapshot, exclusions: str | None) -> bool:
        """Move the processed position from old to name; returns False when another process
        moved it first (or created the row), so the caller starts again."""
        values = _position(name, current, exclusions)
        try:
            async with self.db.begin() as conn:
                if create:
                    await conn.execute(insert(registry_state).values(registry=registry,
                                                                     **values))
                    return True
                return await _advance(conn, registry, old, values)
        except IntegrityError:
            return False

    async def _record(self, registry: str, outcome: str, detail: str) -> None:
        """Remember the last refresh attempt of registry for `alerts status`."""
        values = dict(last_refresh_at=now(), last_outcome=outcome,
                      last_detail=redact.text(detail)[:2000])
        async with self.db.begin() as conn:
            result = await conn.execute(update(registry_state)
                                        .where(registry_state.c.registry == registry)
                                        .values(**values))
            if not result.rowcount:
                await conn.execute(insert(registry_state).values(registry=registry, **values))

    async def state(self) -> list[dict[str, Any]]:
        """Return, per registry, the processed position and the last refresh attempt."""
        async with self.db.begin() as conn:
            rows = {r.registry: r for r in (await conn.execute(select(registry_state))).all()}
        out = []
        for registry in REGISTRIES:
            r = rows.get(registry)
            out.append({
                "registry": registry,
                "processed_as_of": r.as_of.isoformat() if r is not None and r.as_of else None,
                "processed_at": _iso(r.processed_at) if r is not None else None,
                "last_refresh_at": _iso(r.last_refresh_at) if r is not None else None,
                "last_outcome": r.last_outcome if r is not None else None,
                # Redacted again when shown: rows written before redaction existed.
                "last_detail": (redact.text(r.last_detail) if r is not None and r.last_detail
                                else None),
            })
        return out


class _Moved(Exception):
    """The processed position was moved by another process inside our transaction."""


def _position(name: str, current: Snapshot, exclusions: str | None) -> dict[str, Any]:
    """Return the registry_state values that record `name` as processed."""
    return dict(snapshot=name, content_hash=current.content_hash, as_of=current.as_of,
                exclusions_snapshot=exclusions, processed_at=now())


async def _advance(conn: AsyncConnection, registry: str, old: str | None,
                   values: dict[str, Any]) -> bool:
    """Compare-and-set the processed position: update it only while it still is `old`.

    Returns False when it is not (another processing committed first). Under PostgreSQL's
    READ COMMITTED a concurrent UPDATE waits for the first to commit and then re-checks the
    condition against the new row, so exactly one of two racing processings wins.
    """
    same = (registry_state.c.snapshot.is_(None) if old is None
            else registry_state.c.snapshot == old)
    result = await conn.execute(update(registry_state)
                                .where(registry_state.c.registry == registry, same)
                                .values(**values))
    return bool(result.rowcount)


async def _insert_events(conn: AsyncConnection, batch_id: int,
                         changes: Sequence[Change]) -> list[int]:
    """Insert the changes as events; returns their ids in the changes' order."""
    result = await conn.execute(
        insert(events).returning(events.c.id, sort_by_parameter_order=True),
        [dict(batch_id=batch_id, kind=c.kind, key=c.key[:400], data=c.to_json())
         for c in changes])
    return [int(i) for i in result.scalars()]


def _iso(value: Any) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None
