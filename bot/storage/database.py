"""Open the database, bring its schema up to date, and hand out transactions.

The URL is `RISKGUIDE_DATABASE_URL` when set (e.g. `postgresql+asyncpg://…`), else a SQLite
file in the data directory, so a fresh clone needs nothing installed or started. Schema
changes go through the Alembic migrations shipped in `bot/storage/migrations/`.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, create_engine, make_url
from sqlalchemy.exc import DBAPIError

from bot import redact
from bot.config import Settings

if TYPE_CHECKING:
    # The async engine (and asyncio) only where the bot runs: a `check` reads snapshots
    # through the sync store, and importing SQLAlchemy's asyncio layer (its ORM too) cost
    # a tenth of a second of every such process's start-up.
    import asyncio

    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions (a test keeps them equal): a process that only
# reads (`riskguide check`) compares it with the database's instead of loading Alembic.
SCHEMA_HEAD = "0003"
# Held while migrating on PostgreSQL, so instances started together migrate one at a time.
_MIGRATION_LOCK = 0x52474D31
# The sync drivers for the async URLs the configuration names: the snapshot store is called
# from synchronous code (a check, a fetch thread), the rest of the storage from asyncio.
_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}


class StorageError(RuntimeError):
    """The database cannot be opened or migrated; the message says which and why."""


def now() -> datetime:
    """Return the current time as naive UTC, the form every stored timestamp has."""
    return datetime.now(UTC).replace(tzinfo=None)


def database_url(settings: Settings) -> str:
    """Return the configured database URL, or the default SQLite file in the data directory."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite+aiosqlite:///{settings.data_dir / 'riskguide.db'}"


class Database:
    """One engine per process; `begin()` yields a connection inside a transaction."""

    def __init__(self, url: str) -> None:
        """Create the engine for url (nothing is connected until first use)."""
        from sqlalchemy.ext.asyncio import create_async_engine

        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {}
        if self.dialect == "sqlite":
            # One writer at a time; wait for the lock rather than fail when `registry
            # import` runs while the bot is running on the same file.
            kwargs["connect_args"] = {"timeout": 30}
            if parsed.database:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)

    @property
    def is_postgres(self) -> bool:
        """Return True on PostgreSQL (row locks and advisory locks are available)."""
        return self.dialect == "postgresql"

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """Yield a connection in a transaction that commits on success, rolls back on error."""
        async with self.engine.begin() as conn:
            yield conn

    async def migrate(self) -> None:
        """Bring the schema to the newest migration (idempotent; safe on every start)."""
        try:
            async with self.engine.begin() as conn:
                await conn.run_sync(_upgrade)
        except Exception as exc:
            raise StorageError(f"cannot open or migrate the database {self.safe_url}: {exc}") \
                from exc

    @property
    def safe_url(self) -> str:
        """Return the URL with any password hidden, for messages and logs."""
        return redact.url(self.url)

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[bool]:
        """Yield True when this process holds the named job lock, False when another does.

        On PostgreSQL this is a session advisory lock, so with several bot instances one
        refresh runs at a time; SQLite serves one machine, where an in-process lock is enough.
        """
        if not self.is_postgres:
            import asyncio

            lock = _LOCAL_LOCKS.setdefault(name, asyncio.Lock())
            if lock.locked():
                yield False
                return
            async with lock:
                yield True
            return
        key = zlib.crc32(name.encode()) & 0x7FFFFFFF
        async with self.engine.connect() as conn:
            got = bool((await conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                           {"k": key})).scalar())
            await conn.commit()
            try:
                yield got
            finally:
                if got:
                    await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    await conn.commit()

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


_LOCAL_LOCKS: dict[str, asyncio.Lock] = {}
_SYNC_ENGINES: dict[str, Engine] = {}


def sync_engine(url: str) -> Engine:
    """Return this process's synchronous engine for the database at url (made once per URL).

    The same database as the async engine, through the blocking driver of its dialect
    (sqlite3, psycopg), for code that is not a coroutine: the snapshot store. asyncpg's
    `ssl=` query option is psycopg's `sslmode=`.
    """
    if url in _SYNC_ENGINES:
        return _SYNC_ENGINES[url]
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in _SYNC_DRIVERS:
        raise StorageError(f"unsupported database {redact.url(url)}")
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        kwargs["connect_args"] = {"timeout": 30}
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
        if "ssl" in parsed.query:
            query = dict(parsed.query)
            query["sslmode"] = query.pop("ssl")
            parsed = parsed.set(query=query)
    engine = create_engine(parsed.set(drivername=_SYNC_DRIVERS[backend]), **kwargs)
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    _SYNC_ENGINES[url] = engine
    return engine


def ensure_schema(engine: Engine) -> None:
    """Migrate the database of a synchronous engine unless it already is at SCHEMA_HEAD.

    One query when it is (the common case: a bot or an earlier command migrated it);
    raises StorageError with the reason when it cannot be opened or migrated.
    """
    try:
        with engine.connect() as conn:
            try:
                head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except DBAPIError:
                head = None
                conn.rollback()
        if head == SCHEMA_HEAD:
            return
        with engine.begin() as conn:
            _upgrade(conn)
    except Exception as exc:
        raise StorageError(f"cannot open or migrate the database "
                           f"{redact.url(str(engine.url))}: {exc}") from exc


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")  # cascades delete a forgotten user's rows
    cur.execute("PRAGMA journal_mode=WAL")  # readers (status) never block the sender
    cur.close()


def _upgrade(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    if conn.dialect.name == "postgresql":
        # Until this transaction ends: a second instance waits, then finds nothing to do.
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


async def open_database(settings: Settings) -> Database:
    """Return the migrated database of this instance (raises StorageError with the reason)."""
    db = Database(database_url(settings))
    await db.migrate()
    return db
