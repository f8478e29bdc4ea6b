"""What handlers need from the rest of the application, as small protocols and one container."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.knowledge.index import QuestionIndex
    from bot.knowledge.model import KnowledgeBase
    from bot.listings.service import ListingService
    from bot.watch.users import WatchService


class Preferences(Protocol):
    """Per-person settings that survive restarts (the language), keyed by (platform, user id).

    The signatures are exactly WatchService's, so the composition root passes the one
    database-backed WatchService both as `Services.preferences` and `Services.watch`.
    """

    async def get_language(self, platform: str, user_id: str) -> str | None:
        """Return the language the person chose with /lang, or None."""
        ...

    async def set_language(self, platform: str, user_id: str, lang: str,
                           chat_id: str | None = None) -> None:
        """Remember the language the person chose; `chat_id` is their private chat, if known."""
        ...


class MemoryPreferences:
    """Preferences kept in memory: for tests and the one-shot CLI."""

    def __init__(self) -> None:
        self._langs: dict[tuple[str, str], str] = {}

    async def get_language(self, platform: str, user_id: str) -> str | None:
        """Return the language the person chose, or None."""
        return self._langs.get((platform, user_id))

    async def set_language(self, platform: str, user_id: str, lang: str,
                           chat_id: str | None = None) -> None:
        """Remember the language the person chose (the chat id is not needed in memory)."""
        self._langs[(platform, user_id)] = lang


class RateLimiter:
    """A per-user token bucket: `burst` messages at once, refilled at `per_minute`.

    Buckets are kept in least-recently-used order, so forgetting idle users only ever
    looks at the oldest ones: each call costs the same with ten users or a million (the
    table used to be rebuilt on every call past 100,000 active users). Past `max_users`
    the least recently seen user is forgotten even if not idle; that only refills their
    bucket.
    """

    def __init__(
        self, burst: int = 8, per_minute: float = 20.0, clock: Callable[[], float] = time.monotonic,
        *, idle_s: float = 600.0, max_users: int = 200_000,
    ) -> None:
        self.burst = burst
        self.rate = per_minute / 60.0
        self.clock = clock
        self.idle_s = idle_s
        self.max_users = max_users
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def __len__(self) -> int:
        """Return how many users' buckets are remembered."""
        return len(self._buckets)

    def allow(self, user_key: str) -> bool:
        """Return True and spend a token if the user may send now, else False."""
        now = self.clock()
        tokens, last = self._buckets.pop(user_key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        allowed = tokens >= 1.0
        self._buckets[user_key] = (tokens - 1.0 if allowed else tokens, now)  # newest last
        self._forget(now)
        return allowed

    def _forget(self, now: float) -> None:
        """Drop the oldest buckets while they are idle (full again) or the table is too big."""
        buckets = self._buckets
        while buckets:
            oldest = next(iter(buckets.values()))
            if now - oldest[1] < self.idle_s and len(buckets) <= self.max_users:
                return
            buckets.popitem(last=False)


@dataclass
class Services:
    """The core services a conversation uses, built once by the composition root."""

    kb: KnowledgeBase
    questions: QuestionIndex
    preferences: Preferences = field(default_factory=MemoryPreferences)
    rate_limiter: RateLimiter = field(default_factory=RateLimiter)
    listings: ListingService | None = None
    # Watchlists, digests and forget; None where nothing may be stored (one-shot CLI).
    watch: WatchService | None = None
    bot_username: str | None = None
