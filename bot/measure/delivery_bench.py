"""Benchmark of alert delivery: outbox throughput through the real Telegram adapter against
the local Bot API server of the test suite, which enforces Telegram's flood limits.

It composes an adapter, the chat layer's alert rendering and the core sender, so it lives
among the measuring tools (bot.measure), not in bot.watch; the layering test counts it
with the composition root.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.config import Settings
from bot.storage.database import Database, now
from bot.storage.schema import batches, events, outbox, recipients
from bot.watch.delivery import Sender
from bot.watch.model import ADDED, Change


def _server_class() -> type | None:
    """Return the local Bot API server class, found in a source checkout only."""
    for attempt in range(2):
        try:
            from tests.auxil.botapi import BotAPIServer

            return BotAPIServer
        except ImportError:
            if attempt == 0:
                sys.path.insert(0, str(Path.cwd()))
    return None


async def measure(messages: int = 300) -> dict[str, Any]:
    """Return the delivery figures: messages per second, and 429s the server had to answer
    (`skipped` says why there are none).

    Every message goes to its own private chat, so the global limit (not the per-chat one)
    is what bounds the rate, as when a refresh alerts many people at once.
    """
    server_class = _server_class()
    if server_class is None:
        return {"skipped": "needs tests/auxil/botapi.py: run from a source checkout"}
    from bot.adapters.telegram import TelegramAdapter
    from bot.app import build_dispatcher
    from bot.runner import plain_deliver

    with tempfile.TemporaryDirectory(prefix="riskguide-bench-") as tmp:
        api = server_class(enforce_limits=True)
        await api.start()
        settings = Settings(data_dir=Path(tmp), telegram_token=api.token,
                            telegram_api_base_url=api.base_url)
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        await db.migrate()
        adapter = TelegramAdapter(settings, build_dispatcher(settings, with_listings=False))
        try:
            await _queue(db, messages)
            await adapter.start()
            sender = Sender(db, {"telegram": plain_deliver(adapter)})
            t0 = time.perf_counter()
            while sender.sent < messages:
                if not await sender.send_due():
                    break
            took = time.perf_counter() - t0
        finally:
            await adapter.stop()
            await api.stop()
            await db.close()
    return {"messages": messages, "sent": sender.sent, "seconds": round(took, 3),
            "messages_per_s": round(sender.sent / took, 1) if took else 0.0,
            "flood_429s": api.flood_429s}


async def run(messages: int = 300) -> str:
    """Return the delivery figures as the line a person reads."""
    return report(await measure(messages))


def report(f: dict[str, Any]) -> str:
    """Return the figures of `measure` as one line."""
    if "skipped" in f:
        return f"delivery: skipped ({f['skipped']})"
    return (f"delivery (local Bot API server enforcing 30/s overall, 1/s per chat): "
            f"{f['sent']} alerts to {f['messages']} chats in {f['seconds']:.1f} s = "
            f"{f['messages_per_s']:.1f} messages/s, {f['flood_429s']} flood-control 429s")


async def _queue(db: Database, messages: int) -> None:
    """Queue one realistic alert for each of `messages` private chats."""
    at = now()
    change = Change(registry="foreign_agents", kind=ADDED, key="эткинд александр маркович",
                    name="Эткинд Александр Маркович", entry_kind="person", as_of=at.date(),
                    origin="portal", included_on=at.date(),
                    legal_basis="Статья 4 Федерального закона от 14.07.2022 № 255-ФЗ")
    async with db.begin() as conn:
        await conn.execute(insert(recipients), [
            dict(id=i + 1, platform="telegram", kind="private", address=str(10_000 + i),
                 chat_id=str(10_000 + i), lang="ru" if i % 2 else "en", active=True,
                 created_at=at) for i in range(messages)])
        await conn.execute(insert(batches).values(id=1, registry="foreign_agents",
                                                  snapshot="bench", to_as_of=at.date(),
                                                  created_at=at))
        await conn.execute(insert(events).values(id=1, batch_id=1, kind=ADDED, key=change.key,
                                                 data=change.to_json()))
        await conn.execute(insert(outbox), [
            dict(dedupe=f"a:1:{i + 1}", recipient_id=i + 1, kind="alert", batch_id=1,
                 payload={"events": [1], "watch": "Эткинд Александр", "match": "exact",
                          "definite": True, "matched_name": change.name},
                 state="pending", attempts=0, next_attempt_at=at, created_at=at)
            for i in range(messages)])
