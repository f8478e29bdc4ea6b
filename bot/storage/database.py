"""Open the database, bring its schema up to date, and hand out transactions.

The URL is `RISKGUIDE_DATABASE_URL` when set (e.g. `postgresql+asyncpg://…`), else a SQLite
file in the data directory, so a fresh clone needs nothing installed or started. Schema
changes go through the Alembic migrations shipped in `bot/storage/migrations/`.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot import redact
from bot.config import Settings

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")


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


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")  # cascades delete a forgotten user's rows
    cur.execute("PRAGMA journal_mode=WAL")  # readers (status) never block the sender
    cur.close()


def _upgrade(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


async def open_database(settings: Settings) -> Database:
    """Return the migrated database of this instance (raises StorageError with the reason)."""
    db = Database(database_url(settings))
    await db.migrate()
    return db
