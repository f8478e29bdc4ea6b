"""The composition root: build the core services and the dispatcher from Settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from handlers.context import Services
from handlers.dispatcher import Dispatcher

# Services are imported where they are built: `riskguide ask` needs the question index only,
# not the database, the registries or HTTP.
if TYPE_CHECKING:
    from bot.config import Settings
    from bot.storage.database import Database
    from bot.watch.refresh import RefreshService

log = logging.getLogger(__name__)


@dataclass
class App:
    """One running instance: the dispatcher every adapter uses, and the alert pipeline."""

    settings: Settings
    dispatcher: Dispatcher
    db: Database
    refresh: RefreshService | None

    async def close(self) -> None:
        """Release the database connections."""
        await self.db.close()


async def build_app(settings: Settings, with_listings: bool = True) -> App:
    """Return the instance with its database migrated; raises KnowledgeError or StorageError.

    The same WatchService is the persistent Preferences (language) and the watch service,
    so everything stored about a person is in one place and `forget` removes all of it.
    """
    from bot.storage.database import open_database
    from bot.watch.refresh import RefreshService
    from bot.watch.users import WatchService

    services = build_services(settings, with_listings=with_listings)
    db = await open_database(settings)
    users = WatchService(db)
    services.preferences = users
    services.watch = users
    refresh = RefreshService(db, services.listings) if services.listings is not None else None
    return App(settings, Dispatcher(services), db, refresh)


def build_services(settings: Settings, with_listings: bool = True) -> Services:
    """Return the services every conversation needs, with nothing stored (build_app adds the
    database); raises KnowledgeError on a broken base.

    Refusing to start on an invalid knowledge base is deliberate: a half-loaded base would
    answer some questions wrongly instead of saying it does not know.
    """
    services = question_services()
    if with_listings:
        from bot.listings.service import ListingService

        services.listings = ListingService(settings)
    return services


def question_services() -> Services:
    """Return services that answer questions only: no registries, nothing stored.

    Used by one-shot commands (`riskguide ask`, `kb eval`) that must not touch user state.
    The index comes from the disk cache when this knowledge base built one before.
    """
    from bot.knowledge.prebuilt import load_index

    index = load_index()
    return Services(kb=index.kb, questions=index)


def build_dispatcher(settings: Settings, with_listings: bool = True) -> Dispatcher:
    """Return a dispatcher that stores nothing (tests, one-shot use); bots use build_app."""
    return Dispatcher(build_services(settings, with_listings=with_listings))
