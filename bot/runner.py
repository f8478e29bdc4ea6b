"""Run every configured chat platform, the alert sender and the refresh scheduler in one loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot import redact
from bot.app import App
from bot.knowledge import naming
from bot.watch.delivery import Deliver, Sender
from bot.watch.model import Delivery
from bot.watch.scheduler import refresh_loop
from handlers.alerts import render_delivery

if TYPE_CHECKING:
    from bot.adapters.console import ConsoleAdapter
    from bot.adapters.matrix import MatrixAdapter
    from bot.adapters.telegram import TelegramAdapter
    from bot.listings.service import ListingService

log = logging.getLogger(__name__)


def plain_deliver(adapter: TelegramAdapter | ConsoleAdapter) -> Deliver:
    """Return the sender's deliver function for an adapter with `send(chat_id, reply)`."""
    async def deliver(d: Delivery) -> None:
        await adapter.send(d.chat_id, render_delivery(d))
    return deliver


def matrix_deliver(adapter: MatrixAdapter) -> Deliver:
    """Return the sender's deliver function for a Matrix adapter.

    The outbox row's key is the transaction id, so a resend after a crash is deduplicated
    by the homeserver instead of reaching the user twice.
    """
    async def deliver(d: Delivery) -> None:
        await adapter.send(d.chat_id, render_delivery(d),
                           txn_id=f"riskguide-{d.extra.get('dedupe', d.id)}")
    return deliver


async def run_platforms(app: App, stop: asyncio.Event | None = None, *,
                        refresh: bool = True) -> int:
    """Run Telegram and/or Matrix, the sender and the scheduled refresh until a signal (or
    `stop`); returns the exit code.

    Each adapter exposes `start()`, `stop()` and `send()`; all run in this loop, so one
    process serves every platform (python-telegram-bot is driven by hand rather than with
    run_polling). A refresh interval of 0 or less turns the scheduled refresh off.
    """
    settings = app.settings
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    stoppers: list[Callable[[], Awaitable[None]]] = []
    deliverers: dict[str, Deliver] = {}
    tasks: list[asyncio.Task[None]] = []
    try:
        if settings.telegram_enabled:
            from bot.adapters.telegram import TelegramAdapter

            telegram = TelegramAdapter(settings, app.dispatcher)
            await telegram.start()
            stoppers.append(telegram.stop)
            deliverers["telegram"] = plain_deliver(telegram)
            log.info("Telegram adapter started")
        if settings.matrix_enabled:
            from bot.adapters.matrix import MatrixAdapter

            matrix = MatrixAdapter(settings, app.dispatcher)
            await matrix.start()
            stoppers.append(matrix.stop)
            deliverers["matrix"] = matrix_deliver(matrix)
            log.info("Matrix adapter started")
        sender = Sender(app.db, deliverers, lease_s=settings.alert_lease_s)
        tasks.append(asyncio.create_task(sender.run(stop)))
        listings = app.dispatcher.services.listings
        if listings is not None:
            tasks.append(asyncio.create_task(warm_scanner_loop(listings, stop)))
            # The first question naming someone should not wait for the base's word tables.
            tasks.append(asyncio.create_task(asyncio.to_thread(
                naming.warm, app.dispatcher.services.questions)))
        if refresh and app.refresh is not None and settings.refresh_interval_s > 0:
            # A list older than its window (a fresh install has only the bundled copy) is
            # refreshed at once; otherwise the first round comes a few seconds after start.
            first = 0.0 if app.refresh.listings.stale_registries() else 5.0
            tasks.append(asyncio.create_task(refresh_loop(
                app.refresh, settings.refresh_interval_s, stop, on_queued=sender.wake,
                first_delay_s=first)))
        await stop.wait()
    finally:
        stop.set()
        for task in tasks:
            try:
                await asyncio.wait_for(task, timeout=30)
            except Exception as exc:  # a stuck job must not keep the process from stopping
                redact.log_failure(log, "error while stopping a background job", exc)
        for stopper in reversed(stoppers):
            try:
                await stopper()
            except Exception as exc:  # one platform failing to stop must not keep the other
                redact.log_failure(log, "error while stopping an adapter", exc)
    return 0


async def warm_scanner_loop(listings: ListingService, stop: asyncio.Event,
                            every_s: float = 60.0) -> None:
    """Keep the text scanner built for the current data until stop is set: at once on
    start, then whenever a check of the data version (every `every_s`) finds new data
    (a refresh here, an import by another process), so no /scan waits for the build.
    Runs in a worker thread; a failure is logged and retried at the next round."""
    while not stop.is_set():
        try:
            seconds = await asyncio.to_thread(listings.warm_scanner)
            if seconds > 0.1:
                log.info("scanner built for the current data in %.1f s", seconds)
        except Exception as exc:  # the next /scan builds it itself; the bot goes on
            redact.log_failure(log, "building the scanner failed", exc)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_s)

