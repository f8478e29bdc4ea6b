"""Fixtures of conversation tests: registry data imported from the shared snapshots, storage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.config import Settings
from bot.listings.service import ListingService
from bot.storage.database import Database
from bot.watch.users import WatchService
from tests.auxil.registries import FA_2024_10_01, UND_2024_09_05, WIDE_WINDOWS


@pytest.fixture(scope="session")
def listings(tmp_path_factory: pytest.TempPathFactory) -> ListingService:
    """A ListingService over the real 2024 snapshots, imported once like `registry import`."""
    if not FA_2024_10_01.exists():
        pytest.skip("shared snapshots absent")
    data = tmp_path_factory.mktemp("data")
    service = ListingService(Settings(data_dir=data, freshness_days=WIDE_WINDOWS))
    service.import_file(FA_2024_10_01, "foreign_agents", as_of=date(2024, 10, 1))
    service.import_file(UND_2024_09_05, "undesirable", as_of=date(2024, 9, 5))
    return service


@pytest.fixture
async def sqlite_watch(tmp_path: Path) -> AsyncIterator[WatchService]:
    """A WatchService on a fresh, migrated SQLite file (conversation tests need one backend)."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'riskguide.db'}")
    await database.migrate()
    try:
        yield WatchService(database)
    finally:
        await database.close()
