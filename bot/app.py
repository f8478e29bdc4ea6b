"""The composition root: build the core services and the dispatcher from Settings."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.knowledge.index import QuestionIndex
from bot.knowledge.loader import load
from bot.prefs import FilePreferences
from handlers.context import Services
from handlers.dispatcher import Dispatcher

log = logging.getLogger(__name__)


def build_services(settings: Settings, with_listings: bool = True) -> Services:
    """Return the services every conversation needs; raises KnowledgeError on a broken base.

    Refusing to start on an invalid knowledge base is deliberate: a half-loaded base would
    answer some questions wrongly instead of saying it does not know.
    """
    kb = load()
    listings = None
    if with_listings:
        from bot.listings.service import ListingService

        listings = ListingService(settings)
    return Services(
        kb=kb,
        questions=QuestionIndex(kb),
        preferences=FilePreferences(settings.data_dir / "preferences.json"),
        listings=listings,
    )


def build_dispatcher(settings: Settings, with_listings: bool = True) -> Dispatcher:
    """Return the dispatcher that every adapter hands its messages to."""
    return Dispatcher(build_services(settings, with_listings=with_listings))
