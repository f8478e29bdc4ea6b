"""The one scheduler of registry refreshes (not PTB's JobQueue, so Matrix-only setups work).

Every `interval_s` it refreshes every registry through RefreshService. With several bot
instances on one PostgreSQL, one round runs per interval in all: only the instance holding
the advisory lock refreshes, and only when no other instance started a round within the
interval (bot.storage.jobs); the others wait for the next one. Errors are logged and the loop
goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from bot import redact
from bot.storage.jobs import claim_round
from bot.watch.refresh import RefreshService

log = logging.getLogger(__name__)

JOB = "registry-refresh"


async def refresh_loop(refresh: RefreshService, interval_s: float, stop: asyncio.Event, *,
                       on_queued: Callable[[], None] = lambda: None,
                       first_delay_s: float = 5.0) -> None:
    """Refresh every interval until stop is set; call on_queued when messages were queued.

    The first round starts shortly after start-up, so a bot that was down for a day catches
    up at once rather than after a whole interval.
    """
    delay = first_delay_s
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)
        if stop.is_set():
            return
        delay = interval_s
        try:
            async with refresh.db.exclusive(JOB) as mine:
                if not mine:
                    log.info("refresh: another instance is refreshing; skipping this round")
                    continue
                wait = await claim_round(refresh.db, JOB, interval_s)
                if wait > 0:
                    log.info("refresh: another instance refreshed %.0f s ago; the next round "
                             "is in %.0f s", interval_s - wait, wait)
                    delay = wait
                    continue
                results = await refresh.refresh()
            for report, processed in results:
                log.info("refresh %s: %s; %s (%d changes, %d messages queued)",
                         report.registry, report.outcome, processed.outcome,
                         processed.changes, processed.queued)
            if any(p.queued for _, p in results):
                on_queued()
        except Exception as exc:  # SQL errors quote their parameters: type and place only
            redact.log_failure(log, f"refresh failed; the next round is in {interval_s:.0f} s",
                               exc)
