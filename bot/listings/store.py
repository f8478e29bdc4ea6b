"""Registry snapshots in the database, with the last good one kept safe.

Every accepted snapshot is one row of `snapshots` (its entries as zlib-compressed JSON; the
history is kept, since alerts diff from the last processed snapshot); `snapshot_heads` names
each list's latest and previous good snapshot and holds the per-list memo (the portal's
lastModified, the last failed fetch); `snapshot_rejections` lists refused fetches and
imports with their reasons. The database is the instance's (SQLite in the data directory by
default, PostgreSQL by URL), so instances that share a database share their data.

Storing is a compare-and-set of the list's head inside one transaction: of two processes
validating against the same last good snapshot, one moves the head and the other validates
again against the new one, on every database and across machines. Snapshot files that an
older version kept under `data_dir/registries/` are imported on first use (bot.listings.legacy).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import tempfile
import threading
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot import redact
from bot.listings import validate
from bot.listings.model import REGISTRIES, Snapshot, SnapshotMeta, utcnow
from bot.storage.database import database_url, ensure_schema, now, sync_engine
from bot.storage.schema import snapshot_heads, snapshot_rejections, snapshots

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

# How often storing validates again after another process moved the head first.
MAX_RACES = 20
_ANY = object()  # save(): move the head whatever it names
_WRITES = [0]  # bumped by every write of this process (see local_writes)
_WRITES_LOCK = threading.Lock()


@dataclass(frozen=True)
class StoreOutcome:
    """What happened to a snapshot offered to the store.

    `previous` and `current` are the snapshots a diff layer compares: the last good one
    before this call, and the one that is good now (the new one when accepted). `name` is
    the stored snapshot's identity when one was stored.
    """

    registry: str
    accepted: bool
    unchanged: bool
    reasons: tuple[str, ...]
    previous: Snapshot | None
    current: Snapshot | None
    name: str | None = None
    # What --force waived for an accepted snapshot (validate.doubts), for the operator to see.
    overridden: tuple[str, ...] = ()


@dataclass(frozen=True)
class Head:
    """One list as the store has it: the name and metadata of its latest good snapshot (None
    when nothing is stored) and its memo (the last failed fetch, the portal's lastModified)."""

    registry: str
    name: str | None
    meta: SnapshotMeta | None
    state: dict[str, Any]


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path so readers see the old or the new file, never a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def snapshot_name(snapshot: Snapshot) -> str:
    """Return the stable identity of a stored snapshot: `<as_of>_<fetched>_<hash8>.json`.

    The form the files had, so positions recorded before snapshots moved into the database
    (registry_state.snapshot) still name the same snapshot.
    """
    return (f"{snapshot.as_of.isoformat()}_{snapshot.fetched_at.strftime('%Y%m%dT%H%M%S')}"
            f"_{snapshot.content_hash[:8]}.json")


def encode(snapshot: Snapshot) -> bytes:
    """Return the stored form of a snapshot: zlib-compressed compact JSON of to_dict()."""
    body = json.dumps(snapshot.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(body.encode("utf-8"), 6)


def decode(body: bytes) -> Snapshot:
    """Return the snapshot of a stored body (raises ValueError or KeyError when damaged)."""
    try:
        raw = zlib.decompress(body)
    except zlib.error as exc:
        raise ValueError(f"not a compressed snapshot: {exc}") from exc
    return Snapshot.from_dict(json.loads(raw.decode("utf-8")))


def local_writes() -> int:
    """Return how many times this process has changed stored snapshots or list state.

    The listing service compares it to see its own process's writes at once, while writes
    by other processes are noticed by the (throttled) version check.
    """
    return _WRITES[0]


def _wrote() -> None:
    with _WRITES_LOCK:
        _WRITES[0] += 1


class SnapshotStore:
    """Reads and writes the snapshots of every registry in one database."""

    def __init__(self, url: str, *, legacy_root: Path | None = None) -> None:
        """Use the database at url (an async or sync SQLAlchemy URL: the store is sync).

        `legacy_root` is the `registries` folder where an older version kept snapshot
        files; they are imported on first use. Nothing is opened until then.
        """
        self.url = url
        self.legacy_root = legacy_root
        self._engine: Engine | None = None
        self._ready = False
        self._cache: dict[tuple[str, str], Snapshot] = {}
        self._open_lock = threading.RLock()

    @classmethod
    def for_settings(cls, settings: Settings) -> SnapshotStore:
        """Return the store of an instance: its database, its data directory's old files."""
        return cls(database_url(settings), legacy_root=settings.data_dir / "registries")

    @property
    def engine(self) -> Engine:
        """Return the migrated engine, importing old snapshot files the first time."""
        if not self._ready:
            self._open()
        assert self._engine is not None
        return self._engine

    def _open(self) -> None:
        # Other threads wait until the old files are in; the importing thread itself
        # (re-entering through the store's own methods) goes on with the engine it set.
        with self._open_lock:
            if self._ready or self._engine is not None:
                return
            engine = sync_engine(self.url)
            ensure_schema(engine)
            self._engine = engine
            try:
                if self.legacy_root is not None and self.legacy_root.is_dir():
                    from bot.listings import legacy

                    legacy.import_folder(self, self.legacy_root)
            finally:
                self._ready = True

    @staticmethod
    def _check(registry: str) -> None:
        if registry not in REGISTRIES:
            raise ValueError(f"unknown registry {registry!r}")

    def _head(self, conn: Connection, registry: str) -> Any:
        self._check(registry)
        return conn.execute(select(snapshot_heads).where(
            snapshot_heads.c.registry == registry)).first()

    def head(self, registry: str) -> tuple[str | None, str | None]:
        """Return the names of registry's latest and previous good snapshots (or None)."""
        with self.engine.connect() as conn:
            row = self._head(conn, registry)
        return (row.latest, row.previous) if row is not None else (None, None)

    def latest_name(self, registry: str) -> str | None:
        """Return the name of registry's latest good snapshot (its stable identity)."""
        return self.head(registry)[0]

    def load(self, registry: str, name: str | None) -> Snapshot | None:
        """Return the stored snapshot of registry with this name, or None when gone.

        Every accepted snapshot is kept, so the alert layer can diff from the last one it
        processed even when several were stored while the bot was down. A snapshot never
        changes once stored, so each is read and decoded once per store.
        """
        if not name:
            return None
        self._check(registry)
        key = (registry, name)
        if key in self._cache:
            return self._cache[key]
        with self.engine.connect() as conn:
            body = conn.execute(select(snapshots.c.body).where(
                snapshots.c.registry == registry, snapshots.c.name == name)).scalar()
        if body is None:
            return None
        try:
            snap = decode(bytes(body))
        except (ValueError, KeyError, TypeError) as exc:
            log.error("unreadable stored snapshot %s/%s: %s", registry, name, exc)
            return None
        self._cache[key] = snap
        return snap

    def heads(self) -> dict[str, Head]:
        """Return every list's Head, in REGISTRIES order, in one query that reads no entries.

        What a check needs to know which data it answers from (and whether its name index is
        cached) without decompressing and decoding a snapshot (seconds at 100,000 entries).
        """
        latest = and_(snapshots.c.registry == snapshot_heads.c.registry,
                      snapshots.c.name == snapshot_heads.c.latest)
        query = (select(snapshot_heads.c.registry, snapshot_heads.c.latest,
                        snapshot_heads.c.state, snapshots.c.meta, snapshots.c.content_hash)
                 .select_from(snapshot_heads.outerjoin(snapshots, latest)))
        with self.engine.connect() as conn:
            rows = {r.registry: r for r in conn.execute(query)}
        out = {}
        for registry in REGISTRIES:
            row = rows.get(registry)
            if row is None:
                out[registry] = Head(registry, None, None, {})
            elif row.meta is None:  # a memo (a failed fetch) but no snapshot yet
                out[registry] = Head(registry, None, None, dict(row.state or {}))
            else:
                meta = SnapshotMeta.from_meta(dict(row.meta, content_hash=row.content_hash))
                out[registry] = Head(registry, row.latest, meta, dict(row.state or {}))
        return out

    def latest(self, registry: str) -> Snapshot | None:
        """Return the last good snapshot of registry, or None when there is none yet."""
        return self.load(registry, self.latest_name(registry))

    def previous(self, registry: str) -> Snapshot | None:
        """Return the good snapshot before the latest one (what a diff compares against)."""
        return self.load(registry, self.head(registry)[1])

    def names(self, registry: str) -> set[str]:
        """Return the names of every stored snapshot of registry."""
        self._check(registry)
        with self.engine.connect() as conn:
            return set(conn.execute(select(snapshots.c.name).where(
                snapshots.c.registry == registry)).scalars())

    def stored_info(self, registry: str, name: str | None) -> dict[str, Any] | None:
        """Return when and by which host a stored snapshot was stored, or None."""
        if not name:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(snapshots.c.stored_at, snapshots.c.stored_by).where(
                snapshots.c.registry == registry, snapshots.c.name == name)).first()
        if row is None:
            return None
        return {"stored_at": row.stored_at.isoformat(timespec="seconds") + "Z",
                "stored_by": row.stored_by}

    def version(self) -> tuple[int, ...]:
        """Return a value that changes whenever any registry's latest snapshot or state does.

        One small query: the service compares it before a check to reload data stored by
        another process (or another instance on the same database).
        """
        with self.engine.connect() as conn:
            revs = {r.registry: r.rev for r in conn.execute(
                select(snapshot_heads.c.registry, snapshot_heads.c.rev))}
        return tuple(int(revs.get(r, 0)) for r in REGISTRIES)

    def save(self, snapshot: Snapshot) -> str:
        """Store snapshot as the latest good one (no checks: use validate_and_store)."""
        name = self.store(snapshot, _ANY)
        assert name is not None  # an unconditional store cannot lose a race
        return name

    def store(self, snapshot: Snapshot, expected: object, *,
              stored_by: str | None = None) -> str | None:
        """Store snapshot and make it the latest if the head still names `expected` (a name,
        or None for "nothing stored yet"); returns its name, or None (nothing written) when
        another process moved the head first."""
        name = snapshot_name(snapshot)
        body = encode(snapshot)
        try:
            with self.engine.begin() as conn:
                self._insert(conn, snapshot, name, body, stored_by)
                if not self._move_head(conn, snapshot.registry, name, expected):
                    conn.rollback()
                    return None
        except IntegrityError:  # another process inserted the same row or head first
            return None
        self._cache[(snapshot.registry, name)] = snapshot
        _wrote()
        return name

    def insert(self, snapshot: Snapshot, name: str, *, stored_by: str | None = None) -> bool:
        """Store snapshot under name without making it the latest (history, an import of
        old files); returns False when a snapshot of that name is already stored."""
        try:
            with self.engine.begin() as conn:
                return self._insert(conn, snapshot, name, encode(snapshot), stored_by)
        except IntegrityError:
            return False

    def _insert(self, conn: Connection, snapshot: Snapshot, name: str, body: bytes,
                stored_by: str | None) -> bool:
        self._check(snapshot.registry)
        exists = conn.execute(select(snapshots.c.id).where(
            snapshots.c.registry == snapshot.registry, snapshots.c.name == name)).first()
        if exists is not None:
            return False
        conn.execute(insert(snapshots).values(
            registry=snapshot.registry, name=name, as_of=snapshot.as_of,
            fetched_at=_naive(snapshot.fetched_at), origin=snapshot.origin,
            content_hash=snapshot.content_hash, entry_count=snapshot.count,
            meta=snapshot.meta(), body=body, stored_at=now(),
            stored_by=(stored_by or socket.gethostname())[:255]))
        return True

    def _move_head(self, conn: Connection, registry: str, name: str, expected: object) -> bool:
        head = self._head(conn, registry)
        if head is None:
            if expected is not _ANY and expected is not None:
                return False
            conn.execute(insert(snapshot_heads).values(
                registry=registry, latest=name, previous=None, state={}, rev=1,
                updated_at=now()))
            return True
        if expected is _ANY:
            expected = head.latest
        same = (snapshot_heads.c.latest.is_(None) if expected is None
                else snapshot_heads.c.latest == expected)
        # `previous` is set from the row as the UPDATE finds it: under PostgreSQL's READ
        # COMMITTED a second writer waits for the first, re-checks `same` and updates nothing.
        result = conn.execute(update(snapshot_heads)
                              .where(snapshot_heads.c.registry == registry, same)
                              .values(previous=snapshot_heads.c.latest, latest=name,
                                      rev=snapshot_heads.c.rev + 1, updated_at=now()))
        return bool(result.rowcount)

    def set_head(self, registry: str, latest: str, previous: str | None,
                 expected: str | None) -> bool:
        """Name latest and previous as registry's good snapshots if the head still names
        `expected` (the import of old files uses it); returns False when it does not."""
        try:
            with self.engine.begin() as conn:
                head = self._head(conn, registry)
                if head is None:
                    if expected is not None:
                        return False
                    conn.execute(insert(snapshot_heads).values(
                        registry=registry, latest=latest, previous=previous, state={}, rev=1,
                        updated_at=now()))
                else:
                    same = (snapshot_heads.c.latest.is_(None) if expected is None
                            else snapshot_heads.c.latest == expected)
                    if not conn.execute(update(snapshot_heads)
                                        .where(snapshot_heads.c.registry == registry, same)
                                        .values(latest=latest, previous=previous,
                                                rev=snapshot_heads.c.rev + 1,
                                                updated_at=now())).rowcount:
                        return False
        except IntegrityError:
            return False
        _wrote()
        return True

    def record_rejection(self, registry: str, origin: str, source: str, reasons: list[str],
                         count: int | None = None, *, at: str | None = None,
                         quiet: bool = False) -> None:
        """Record a refused fetch or import, with its reasons, and log it.

        URLs in the source and the reasons are stored without credentials. `at` is the
        time of an older rejection being imported (then nothing is logged when `quiet`).
        """
        self._check(registry)
        source = redact.text(source)
        reasons = [redact.text(r) for r in reasons]
        with self.engine.begin() as conn:
            conn.execute(insert(snapshot_rejections).values(
                registry=registry, at=at or utcnow().isoformat(), origin=origin[:16],
                source=source, entry_count=count, reasons=reasons))
        if quiet:
            return
        # An unreachable source is routine abroad (the portal answers Russian addresses only)
        # and is shown by `registry status`; refused data is worth an operator's attention.
        level = logging.INFO if all(r.startswith("fetch failed") for r in reasons) \
            else logging.WARNING
        log.log(level, "%s: rejected %s data from %s: %s", registry, origin, source,
                "; ".join(reasons))

    def rejections(self, registry: str, limit: int | None = 5) -> list[dict[str, Any]]:
        """Return the most recent rejections of registry (all when limit is None), newest
        last."""
        self._check(registry)
        query = (select(snapshot_rejections).where(snapshot_rejections.c.registry == registry)
                 .order_by(snapshot_rejections.c.at.desc(), snapshot_rejections.c.id.desc()))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [{"at": r.at, "registry": r.registry, "origin": r.origin, "source": r.source,
                 "count": r.entry_count, "reasons": list(r.reasons or [])}
                for r in reversed(rows)]

    def state(self, registry: str) -> dict[str, Any]:
        """Return the per-registry memo (e.g. the portal's last seen lastModified)."""
        with self.engine.connect() as conn:
            row = self._head(conn, registry)
        return dict(row.state or {}) if row is not None else {}

    def set_state(self, registry: str, **values: Any) -> None:
        """Update the per-registry memo, keeping keys another process wrote meanwhile."""
        for _ in range(MAX_RACES):
            try:
                with self.engine.begin() as conn:
                    row = self._head(conn, registry)
                    if row is None:
                        conn.execute(insert(snapshot_heads).values(
                            registry=registry, latest=None, previous=None, state=values,
                            rev=1, updated_at=now()))
                        break
                    moved = conn.execute(
                        update(snapshot_heads)
                        .where(snapshot_heads.c.registry == registry,
                               snapshot_heads.c.rev == row.rev)
                        .values(state=dict(row.state or {}) | values,
                                rev=snapshot_heads.c.rev + 1, updated_at=now())).rowcount
                    if moved:
                        break
            except IntegrityError:
                continue
        _wrote()

    def count(self) -> int:
        """Return how many snapshots are stored, of every registry."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(snapshots)).scalar() or 0)


def _naive(value: datetime) -> datetime:
    """Return a timestamp as naive UTC, the form every stored timestamp has."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def validate_and_store(store: SnapshotStore, snapshot: Snapshot, *,
                       force: bool = False) -> StoreOutcome:
    """Validate snapshot against the last good one and store it if it passes.

    The single path for every source (portal, mirror, file import): a refused snapshot is
    recorded with its reasons and the last good snapshot stays current. When another
    process stores between our validation and our store, validation runs again against
    what it stored, so no snapshot is ever accepted against a list that is no longer the
    last good one.
    """
    for _ in range(MAX_RACES):
        name = store.latest_name(snapshot.registry)
        previous = store.load(snapshot.registry, name)
        doubts, notes = validate.review(snapshot, previous)
        reasons = validate.schema_problems(snapshot) + ([] if force else doubts)
        overridden = tuple(doubts) if force and not reasons else ()
        if reasons:
            store.record_rejection(snapshot.registry, snapshot.origin, snapshot.source,
                                   reasons, snapshot.count)
            return StoreOutcome(snapshot.registry, False, False, tuple(reasons), previous,
                                previous)
        unchanged = previous is not None and previous.content_hash == snapshot.content_hash
        if unchanged and previous is not None and snapshot.as_of <= previous.as_of:
            # The same data for the same date again (an hourly refresh from a mirror that has
            # not moved): storing it would only grow the database by a copy per refresh.
            return StoreOutcome(snapshot.registry, True, True, (), previous, previous,
                                overridden=overridden)
        stored = store.store(snapshot, name)
        if stored is None:
            log.info("%s: another process stored a snapshot meanwhile; validating again",
                     snapshot.registry)
            continue
        for note in notes:
            log.warning("%s: the source's layout changed: %s", snapshot.registry, note)
        if overridden:
            log.warning("%s: forced over: %s", snapshot.registry, "; ".join(overridden))
        log.info("%s: stored %d entries as of %s from %s%s", snapshot.registry, snapshot.count,
                 snapshot.as_of, snapshot.origin, " (content unchanged)" if unchanged else "")
        return StoreOutcome(snapshot.registry, True, unchanged, (), previous, snapshot, stored,
                            overridden)
    reason = "other processes kept storing snapshots of this list meanwhile"
    store.record_rejection(snapshot.registry, snapshot.origin, snapshot.source, [reason],
                           snapshot.count)
    previous = store.latest(snapshot.registry)
    return StoreOutcome(snapshot.registry, False, False, (reason,), previous, previous)
