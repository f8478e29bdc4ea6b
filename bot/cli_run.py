"""CLI commands that start conversations: `run` (Telegram/Matrix), `chat` (console)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import Settings, load_settings
from handlers.dispatcher import Dispatcher

log = logging.getLogger(__name__)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `run` and `chat` on the riskguide parser."""
    run = sub.add_parser("run", help="start every configured chat platform in one process")
    run.set_defaults(func=cmd_run)
    chat = sub.add_parser("chat", help="chat with the bot on this console")
    chat.add_argument("--lang", choices=("ru", "en"), help="reply language")
    chat.set_defaults(func=cmd_chat)


def _dispatcher_or_exit(settings: Settings) -> Dispatcher | None:
    """Return the dispatcher, or None after explaining why the knowledge base is unusable."""
    from bot.app import build_dispatcher
    from bot.i18n import Translator
    from bot.knowledge.loader import KnowledgeError

    try:
        return build_dispatcher(settings)
    except KnowledgeError as exc:
        print(Translator("en")("kb.invalid"), file=sys.stderr)
        print(exc, file=sys.stderr)
        return None


def cmd_chat(args: argparse.Namespace) -> int:
    """Run the console chat over the same dispatcher the bots use."""
    from bot.adapters.console import run_console

    settings = load_settings()
    dispatcher = _dispatcher_or_exit(settings)
    if dispatcher is None:
        return 1
    return asyncio.run(run_console(dispatcher, lang=getattr(args, "lang", None)))


def cmd_run(args: argparse.Namespace) -> int:
    """Start Telegram and/or Matrix, whichever is configured; say what to set if neither."""
    settings = load_settings()
    if not (settings.telegram_enabled or settings.matrix_enabled):
        from bot.i18n import Translator

        print(Translator("en")("run.nothing_configured"), file=sys.stderr)
        print(Translator("ru")("run.nothing_configured"), file=sys.stderr)
        return 2
    dispatcher = _dispatcher_or_exit(settings)
    if dispatcher is None:
        return 1
    logging.getLogger().setLevel(settings.log_level)
    from bot.runner import run_platforms

    return asyncio.run(run_platforms(settings, dispatcher))


def start_default(args: argparse.Namespace) -> int:
    """Run the configured bots, or the console chat when no platform is configured."""
    settings = load_settings()
    if settings.telegram_enabled or settings.matrix_enabled:
        return cmd_run(args)
    return cmd_chat(args)
