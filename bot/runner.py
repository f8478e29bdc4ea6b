"""Run every configured chat platform concurrently in one asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from bot.config import Settings
from handlers.dispatcher import Dispatcher

log = logging.getLogger(__name__)


async def run_platforms(
    settings: Settings, dispatcher: Dispatcher, stop: asyncio.Event | None = None
) -> int:
    """Run Telegram and/or Matrix until a signal (or `stop`) arrives; returns the exit code.

    Each adapter exposes `start()` and `stop()`; both run in this loop so one process serves
    every platform (python-telegram-bot is driven by hand rather than with run_polling).
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    stoppers: list[Callable[[], Awaitable[None]]] = []
    try:
        if settings.telegram_enabled:
            from bot.adapters.telegram import TelegramAdapter

            telegram = TelegramAdapter(settings, dispatcher)
            await telegram.start()
            stoppers.append(telegram.stop)
            log.info("Telegram adapter started")
        if settings.matrix_enabled:
            from bot.adapters.matrix import MatrixAdapter

            matrix = MatrixAdapter(settings, dispatcher)
            await matrix.start()
            stoppers.append(matrix.stop)
            log.info("Matrix adapter started")
        await stop.wait()
    finally:
        for stopper in reversed(stoppers):
            try:
                await stopper()
            except Exception:  # one platform failing to stop must not keep the other running
                log.exception("error while stopping an adapter")
    return 0
