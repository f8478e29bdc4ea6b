"""Fixtures for the alert pipeline: a listing service in a temp dir and the services on a db."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.listings.service import ListingService
from bot.storage.database import Database
from bot.watch.refresh import Processed, RefreshService
from bot.watch.users import WatchService
from tests.auxil.registries import SHARED_REGISTRIES, settings_in


@dataclass
class Pipeline:
    """Everything between a registry import and the outbox, on one database."""

    db: Database
    listings: ListingService
    refresh: RefreshService
    users: WatchService

    async def load(self, registry: str, day: str, *, force: bool = False) -> Processed:
        """Import the shared mirror snapshot of registry taken on day, as the CLI would."""
        path = SHARED_REGISTRIES / registry / f"{day}.json"
        return (await self.refresh.import_file(path, registry, force=force))[1]


@pytest.fixture
def pipeline(db: Database, tmp_path: Path) -> Pipeline:
    """A pipeline with no registry data yet, on SQLite and on PostgreSQL (snapshots, events
    and deliveries in the one database)."""
    listings = ListingService(settings_in(tmp_path, database_url=db.url))
    return Pipeline(db, listings, RefreshService(db, listings), WatchService(db))
