"""The composition root: build the core services and the dispatcher from Settings."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.knowledge.index import QuestionIndex
from bot.knowledge.loader import load
from bot.listings.service import ListingService
from handlers.context import Services
from handlers.dispatcher import Dispatcher

log = logging.getLogger(__name__)


def build_services(settings: Settings, with_listings: bool = True) -> Services:
    """Return the services every conversation needs; raises KnowledgeError on a broken base.

    Refusing to start on an invalid knowledge base is deliberate: a half-loaded base would
    answer some questions wrongly instead of saying it does not know.
    """
    services = question_services()
    if with_listings:
        services.listings = ListingService(settings)
    return services


def question_services() -> Services:
    """Return services that answer questions only: no registries, nothing stored.

    Used by one-shot commands (`riskguide ask`, `kb eval`) that must not touch user state.
    """
    kb = load()
    return Services(kb=kb, questions=QuestionIndex(kb))


def build_dispatcher(settings: Settings, with_listings: bool = True) -> Dispatcher:
    """Return the dispatcher that every adapter hands its messages to."""
    return Dispatcher(build_services(settings, with_listings=with_listings))
