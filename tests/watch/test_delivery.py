"""The sender: exactly-once delivery, platform back-off, unreachable chats, retries, leases."""

from __future__ import annotations

import asyncio
from collections import Counter

from sqlalchemy import select, update

from bot.storage.schema import outbox, recipients
from bot.watch import outbox as ob
from bot.watch.delivery import MAX_ATTEMPTS, Limits, Sender
from bot.watch.model import Delivery, RecipientGone, RetryLater, TransientError
from tests.watch.conftest import Pipeline

FAST = {"telegram": Limits(global_per_s=1000, private_per_s=1000, group_per_min=60000),
        "matrix": Limits(global_per_s=1000, private_per_s=1000, group_per_min=60000)}


class Chat:
    """A platform that records what it delivered and can fail on demand."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, int]] = []
        self.fail: dict[str, list[Exception]] = {}

    async def __call__(self, d: Delivery) -> None:
        queue = self.fail.get(d.chat_id)
        if queue:
            raise queue.pop(0)
        self.delivered.append((d.chat_id, d.id))


async def queued(p: Pipeline, watchers: dict[str, str]) -> None:
    """Queue one alert per chat: each watches a name listed between the two snapshots."""
    await p.load("foreign_agents", "2024-09-13")
    for chat, name in watchers.items():
        await p.users.watch("telegram", chat, chat, name, "ru")
    await p.load("foreign_agents", "2024-10-01")


async def states(p: Pipeline) -> Counter[str]:
    async with p.db.begin() as conn:
        return Counter((await conn.execute(select(outbox.c.state))).scalars())


async def make_due(p: Pipeline) -> None:
    """Let time pass: every waiting row is due now."""
    async with p.db.begin() as conn:
        await conn.execute(update(outbox).values(next_attempt_at=ob.now()))


async def test_every_alert_is_sent_once(pipeline: Pipeline) -> None:
    await queued(pipeline, {"1": "Эткинд Александр", "2": "Генис Александр", "3": "Урушадзе"})
    chat = Chat()
    sender = Sender(pipeline.db, {"telegram": chat}, limits=FAST)
    assert await sender.send_due() == 3
    assert await sender.send_due() == 0
    assert sorted(c for c, _ in chat.delivered) == ["1", "2", "3"]
    assert await states(pipeline) == Counter(sent=3)


async def test_retry_after_is_honoured(pipeline: Pipeline) -> None:
    await queued(pipeline, {"1": "Эткинд Александр"})
    chat = Chat()
    chat.fail["1"] = [RetryLater(30)]
    sender = Sender(pipeline.db, {"telegram": chat}, limits=FAST)
    await sender.send_due()
    assert chat.delivered == [] and await sender.send_due() == 0  # waits the 30 s
    async with pipeline.db.begin() as conn:
        wait = (await conn.execute(select(outbox.c.next_attempt_at))).scalar_one() - ob.now()
    assert 25 <= wait.total_seconds() <= 31
    await make_due(pipeline)
    await sender.send_due()
    assert [c for c, _ in chat.delivered] == ["1"]


async def test_blocked_bot_marks_the_chat_inactive(pipeline: Pipeline) -> None:
    await queued(pipeline, {"1": "Эткинд Александр", "2": "Генис Александр"})
    chat = Chat()
    chat.fail["1"] = [RecipientGone("Forbidden: bot was blocked by the user")]
    await Sender(pipeline.db, {"telegram": chat}, limits=FAST).send_due()
    assert [c for c, _ in chat.delivered] == ["2"]
    assert await states(pipeline) == Counter(sent=1, dropped=1)
    async with pipeline.db.begin() as conn:
        inactive = (await conn.execute(select(recipients.c.address).where(
            recipients.c.active.is_(False)))).scalars().all()
    assert inactive == ["1"]
    # The person writes to the bot again (a new watch): the chat is active once more.
    await pipeline.users.watch("telegram", "1", "1", "Урушадзе", "ru")
    async with pipeline.db.begin() as conn:
        assert (await conn.execute(select(recipients.c.active).where(
            recipients.c.address == "1"))).scalar_one() is True


async def test_network_errors_back_off_then_give_up(pipeline: Pipeline) -> None:
    await queued(pipeline, {"1": "Эткинд Александр"})
    chat = Chat()
    chat.fail["1"] = [TransientError("connection reset")] * (MAX_ATTEMPTS + 2)
    sender = Sender(pipeline.db, {"telegram": chat}, limits=FAST)
    await sender.send_due()
    async with pipeline.db.begin() as conn:
        row = (await conn.execute(select(outbox))).one()
    assert row.attempts == 1 and row.state == "pending" and "connection reset" in row.last_error
    assert (row.next_attempt_at - ob.now()).total_seconds() >= 3
    for _ in range(MAX_ATTEMPTS):
        await make_due(pipeline)
        await sender.send_due()
    assert await states(pipeline) == Counter(failed=1)
    assert chat.delivered == []


async def test_a_transient_failure_then_success_delivers_once(pipeline: Pipeline) -> None:
    await queued(pipeline, {"1": "Эткинд Александр"})
    chat = Chat()
    chat.fail["1"] = [TransientError("timeout")]
    sender = Sender(pipeline.db, {"telegram": chat}, limits=FAST)
    await sender.send_due()
    await make_due(pipeline)
    await sender.send_due()
    assert [c for c, _ in chat.delivered] == ["1"]


async def test_a_dead_senders_rows_come_back_after_the_lease(pipeline: Pipeline) -> None:
    await queued(pipeline, {"1": "Эткинд Александр", "2": "Генис Александр"})
    # A sender claims the rows and dies before sending anything.
    assert len(await ob.claim(pipeline.db, ["telegram"], lease_s=0.5)) == 2
    chat = Chat()
    sender = Sender(pipeline.db, {"telegram": chat}, limits=FAST)
    assert await sender.send_due() == 0  # still leased to the dead sender
    await asyncio.sleep(1.1)
    assert await sender.send_due() == 2
    assert sorted(c for c, _ in chat.delivered) == ["1", "2"]


async def test_concurrent_senders_never_send_a_row_twice(pipeline: Pipeline) -> None:
    names = ["Эткинд Александр", "Генис Александр", "Урушадзе", "Фельштинский",
             "Гуляев Сергей"]
    await pipeline.load("foreign_agents", "2024-09-13")
    for n in range(40):
        await pipeline.users.watch("telegram", str(n), str(n), names[n % 5], "ru")
    await pipeline.load("foreign_agents", "2024-10-01")
    chat = Chat()
    senders = [Sender(pipeline.db, {"telegram": chat}, limits=FAST, batch=7) for _ in range(4)]

    async def drain(s: Sender) -> None:
        while await s.send_due():
            pass

    await asyncio.gather(*(drain(s) for s in senders))
    assert len(chat.delivered) == 40
    assert len({row for _, row in chat.delivered}) == 40


async def test_platforms_without_a_sender_keep_their_rows(pipeline: Pipeline) -> None:
    await pipeline.load("foreign_agents", "2024-09-13")
    await pipeline.users.watch("matrix", "@a:x", "!dm:x", "Эткинд Александр", "ru")
    await pipeline.load("foreign_agents", "2024-10-01")
    chat = Chat()
    assert await Sender(pipeline.db, {"telegram": chat}, limits=FAST).send_due() == 0
    assert await states(pipeline) == Counter(pending=1)
