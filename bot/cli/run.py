"""CLI commands that start conversations: `run` (Telegram/Matrix), `chat` (console)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.config import load_settings

if TYPE_CHECKING:
    import asyncio

    from bot.app import App
    from bot.config import Settings

log = logging.getLogger(__name__)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `run` and `chat` on the riskguide parser."""
    run = sub.add_parser("run", help="start every configured chat platform in one process")
    run.set_defaults(func=cmd_run)
    chat = sub.add_parser("chat", help="chat with the bot on this console")
    chat.add_argument("--lang", choices=("ru", "en"), help="reply language")
    chat.set_defaults(func=cmd_chat)


async def _with_app(settings: Settings, body: Callable[[App], Awaitable[int]]) -> int:
    """Build the instance, run body with it and close it; explain a broken knowledge base or
    database instead of showing a traceback (exit 1)."""
    from bot.app import build_app
    from bot.i18n import Translator
    from bot.knowledge.loader import KnowledgeError
    from bot.storage.database import StorageError

    try:
        app = await build_app(settings)
    except KnowledgeError as exc:
        print(Translator("en")("kb.invalid"), file=sys.stderr)
        print(exc, file=sys.stderr)
        return 1
    except StorageError as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        return await body(app)
    finally:
        await app.close()


def cmd_chat(args: argparse.Namespace) -> int:
    """Run the console chat over the same dispatcher the bots use.

    Alerts queued for the console (after `/watch` here and a `registry import` in another
    terminal) are printed as they arrive; the scheduled refresh runs only under `run`.
    """
    import asyncio

    from bot.adapters.console import ConsoleAdapter, run_console
    from bot.runner import plain_deliver
    from bot.watch.delivery import Sender

    async def body(app: App) -> int:
        stop = asyncio.Event()
        sender = Sender(app.db, {"console": plain_deliver(ConsoleAdapter())})
        task = asyncio.create_task(sender.run(stop, poll_s=2.0))
        refreshing = _refresh_stale(app, on_queued=sender.wake)
        try:
            return await run_console(app.dispatcher, lang=getattr(args, "lang", None))
        finally:
            stop.set()
            if refreshing is not None:
                refreshing.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, timeout=10)

    # The console needs no chat credentials: a missing token file must not stop it.
    return asyncio.run(_with_app(load_settings(chat=False), body))


def _refresh_stale(app: App, on_queued: Callable[[], None]) -> asyncio.Task[None] | None:
    """Start, in the background, a refresh of the lists whose data is older than its window
    (a fresh install has only the bundled copy); return the task, or None when every list is
    fresh or refreshing is turned off. Checks never wait for it: until it stores something
    they answer from what there is, saying how old it is."""
    import asyncio

    if app.refresh is None or app.settings.refresh_interval_s <= 0:
        return None
    refresh = app.refresh
    stale = refresh.listings.stale_registries()
    if not stale:
        return None

    async def run() -> None:
        try:
            results = await refresh.refresh(stale)
        except Exception as exc:  # logged, never shown: the chat goes on with what it has
            log.warning("start-up refresh failed: %s", type(exc).__name__)
            return
        for report, _ in results:
            log.info("start-up refresh %s: %s", report.registry, report.outcome)
        if any(p.queued for _, p in results):
            on_queued()

    return asyncio.create_task(run())


def cmd_run(args: argparse.Namespace) -> int:
    """Start Telegram and/or Matrix, whichever is configured; say what to set if neither."""
    import asyncio

    settings = load_settings()
    if not (settings.telegram_enabled or settings.matrix_enabled):
        from bot.i18n import Translator

        print(Translator("en")("run.nothing_configured"), file=sys.stderr)
        print(Translator("ru")("run.nothing_configured"), file=sys.stderr)
        return 2
    if settings.log_level is None and not getattr(args, "verbose", False):
        logging.getLogger().setLevel(logging.INFO)  # a long-running bot logs what it does
    from bot.runner import run_platforms

    return asyncio.run(_with_app(settings, run_platforms))


def start_default(args: argparse.Namespace) -> int:
    """Run the configured bots, or the console chat when no platform is configured."""
    settings = load_settings()
    if settings.telegram_enabled or settings.matrix_enabled:
        return cmd_run(args)
    return cmd_chat(args)
