"""The sender: takes due outbox rows and delivers them through each platform's adapter.

Limits are kept here, once for every platform: a global rate per platform (Telegram allows
about 30 messages a second per bot; we stay below) and a per-chat rate (one message a second
in a private chat, twenty a minute in a group). Chats are served concurrently, each in order.
Errors come from adapters as the neutral errors of bot.watch.model: RetryLater waits what the
platform asked, RecipientGone stops all sending to that chat, anything else is retried with
exponential backoff and given up after MAX_ATTEMPTS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiolimiter import AsyncLimiter

from bot import redact
from bot.storage.database import Database
from bot.watch import outbox
from bot.watch.model import GROUP, Delivery, RecipientGone, RetryLater

log = logging.getLogger(__name__)

Deliver = Callable[[Delivery], Awaitable[None]]
MAX_ATTEMPTS = 8
BACKOFF_BASE_S = 5.0
BACKOFF_MAX_S = 3600.0


@dataclass(frozen=True)
class Limits:
    """Sending rates for one platform (messages per period)."""

    global_per_s: float = 25.0
    private_per_s: float = 1.0
    group_per_min: float = 20.0


DEFAULT_LIMITS = {"telegram": Limits(), "matrix": Limits(global_per_s=10.0)}


def backoff_s(attempts: int) -> float:
    """Return the wait before retry number attempts+1: 5 s doubling to an hour, with jitter."""
    base = min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, attempts))
    return base * random.uniform(0.8, 1.2)


class Sender:
    """Delivers the outbox through the given per-platform deliver functions."""

    def __init__(self, db: Database, deliverers: Mapping[str, Deliver], *,
                 limits: Mapping[str, Limits] | None = None, lease_s: float = 60.0,
                 batch: int = 200, concurrency: int = 16) -> None:
        """Send for the platforms in deliverers; rows of other platforms stay queued."""
        self.db = db
        self.deliverers = dict(deliverers)
        self.limits = {p: (limits or DEFAULT_LIMITS).get(p, Limits()) for p in self.deliverers}
        self.lease_s = lease_s
        self.batch = batch
        # Capacity one, refilled every 1/rate seconds: an even pace. A bucket the size of the
        # rate would start with a full second's burst on top of the rate, which Telegram's
        # trailing one-second window counts as a flood.
        self._global = {p: AsyncLimiter(1, 1.0 / max(1.0, lim.global_per_s))
                        for p, lim in self.limits.items()}
        self._chats: OrderedDict[tuple[str, str], AsyncLimiter] = OrderedDict()
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self.sent = 0

    def wake(self) -> None:
        """Make a waiting `run` look at the outbox now (new rows were queued)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event, poll_s: float = 5.0) -> None:
        """Deliver until stop is set; errors are logged and the loop goes on."""
        while not stop.is_set():
            try:
                done = await self.send_due()
            except Exception as exc:  # SQL errors quote their parameters: type and place only
                redact.log_failure(log, "sender: a delivery round failed; trying again shortly",
                                   exc)
                done = 0
            if done:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                waiter = asyncio.ensure_future(self._wake.wait())
                stopper = asyncio.ensure_future(stop.wait())
                try:
                    await asyncio.wait({waiter, stopper}, timeout=poll_s,
                                       return_when=asyncio.FIRST_COMPLETED)
                finally:
                    waiter.cancel()
                    stopper.cancel()

    async def send_due(self) -> int:
        """Deliver one round of due rows; returns how many rows were handled."""
        claimed = await outbox.claim(self.db, list(self.deliverers), self.batch, self.lease_s)
        if not claimed:
            return 0
        by_chat: dict[tuple[str, str], list[outbox.Claimed]] = defaultdict(list)
        for item in claimed:
            by_chat[(item.delivery.platform, item.delivery.chat_id)].append(item)
        await asyncio.gather(*(self._send_chat(items) for items in by_chat.values()))
        return len(claimed)

    async def _send_chat(self, items: list[outbox.Claimed]) -> None:
        async with self._slots:
            for n, item in enumerate(items):
                d = item.delivery
                await self._chat_limiter(d.platform, d.chat_id, item.chat_kind).acquire()
                await self._global[d.platform].acquire()
                try:
                    await self.deliverers[d.platform](d)
                except RetryLater as exc:
                    # The platform said when: this row and the rest of the chat wait.
                    for later in items[n:]:
                        await outbox.reschedule(self.db, later.id, exc.after_s + 0.5, str(exc),
                                                count_attempt=later is item)
                    log.info("sender: %s asked to wait %.0f s", d.platform, exc.after_s)
                    return
                except RecipientGone as exc:
                    dropped = await outbox.recipient_gone(self.db, item.recipient_id, str(exc))
                    log.info("sender: a %s chat is unreachable (%s); %d queued messages "
                             "dropped", d.platform, type(exc).__name__, dropped)
                    return
                except Exception as exc:  # TransientError, or an adapter bug: retry later
                    give_up = item.delivery.attempts + 1 >= MAX_ATTEMPTS
                    await outbox.reschedule(self.db, item.id, backoff_s(d.attempts),
                                            redact.text(f"{type(exc).__name__}: {exc}"),
                                            give_up=give_up)
                    log.warning("sender: %s delivery failed (%s)%s", d.platform,
                                type(exc).__name__, ", giving up" if give_up else "")
                    # Alerts are independent messages: the chat's other rows go out next round.
                    await outbox.release(self.db, [later.id for later in items[n + 1:]])
                    return
                await outbox.mark_sent(self.db, item.id)
                self.sent += 1

    def _chat_limiter(self, platform: str, chat_id: str, kind: str) -> AsyncLimiter:
        key = (platform, chat_id)
        limiter = self._chats.get(key)
        if limiter is None:
            lim = self.limits[platform]
            limiter = (AsyncLimiter(1, 60.0 / max(lim.group_per_min, 0.01)) if kind == GROUP
                       else AsyncLimiter(1, 1.0 / max(lim.private_per_s, 0.01)))
            self._chats[key] = limiter
            while len(self._chats) > 10_000:  # idle chats' limiters are cheap to rebuild
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(key)
        return limiter
