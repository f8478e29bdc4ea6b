"""The outbox: one row per (event or digest part, recipient), written in the same transaction
as the events, and delivered by the sender.

Enqueueing is idempotent (a unique dedupe key per row), so processing a refresh twice, or
after a crash, queues nothing twice. Rows are claimed with a short lease — on PostgreSQL with
`SELECT … FOR UPDATE SKIP LOCKED`, so several senders never take the same row — and become
sent, failed (gave up after retries) or dropped (the recipient is gone) exactly once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.database import Database, now
from bot.storage.schema import digests, events, outbox, recipients
from bot.watch.matching import WatchMatch
from bot.watch.model import ALERT, DIGEST, Change, Delivery

PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"
# A digest part holds changes up to about this many characters of names, so that it renders
# (in either language, with dates) under Telegram's 4,096-character limit.
DIGEST_PART_CHARS = 2400
_LINE_OVERHEAD = 40  # bullet, dates and punctuation around each name


def digest_parts(changes: Sequence[Change], budget: int = DIGEST_PART_CHARS) -> list[list[int]]:
    """Return the changes' indexes split into parts that each fit one message."""
    parts: list[list[int]] = [[]]
    size = 0
    for i, c in enumerate(changes):
        cost = min(len(c.name), 400) + len(c.previous_name or "") + _LINE_OVERHEAD
        if parts[-1] and size + cost > budget:
            parts.append([])
            size = 0
        parts[-1].append(i)
        size += cost
    return parts if parts[0] else []


async def enqueue(conn: AsyncConnection, batch_id: int, registry: str,
                  event_ids: Sequence[int], changes: Sequence[Change],
                  matches: Sequence[WatchMatch]) -> int:
    """Queue the alerts for matches and the digests for registry's subscribers; returns rows.

    One alert per (event, person): two watches of one person matching the same change give
    one message, naming the watch that matched best.
    """
    at = now()
    rows: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    for m in sorted(matches, key=lambda m: (not m.definite, -m.score)):
        key = (event_ids[m.change], m.watch.recipient_id)
        if key in seen:
            continue
        seen.add(key)
        rows.append(dict(
            dedupe=f"a:{key[0]}:{key[1]}", recipient_id=key[1], kind=ALERT, batch_id=batch_id,
            payload={"events": [key[0]], "watch": m.watch.query, "match": m.kind,
                     "definite": m.definite, "matched_name": m.matched_name},
            state=PENDING, attempts=0, next_attempt_at=at, created_at=at))
    subscribers = (await conn.execute(
        select(digests.c.recipient_id).join(recipients, recipients.c.id == digests.c.recipient_id)
        .where(digests.c.registry == registry, recipients.c.active.is_(True)))).scalars().all()
    parts = digest_parts(changes)
    for rid in subscribers:
        for n, part in enumerate(parts, start=1):
            rows.append(dict(
                dedupe=f"d:{batch_id}:{rid}:{n}", recipient_id=rid, kind=DIGEST,
                batch_id=batch_id,
                payload={"events": [event_ids[i] for i in part], "part": n,
                         "parts": len(parts)},
                state=PENDING, attempts=0, next_attempt_at=at, created_at=at))
    if rows:
        await conn.execute(insert(outbox), rows)
    return len(rows)


@dataclass(frozen=True)
class Claimed:
    """A claimed outbox row with what delivering it needs."""

    id: int
    recipient_id: int
    delivery: Delivery
    chat_kind: str


async def claim(db: Database, platforms: Sequence[str], limit: int = 200,
                lease_s: float = 60.0) -> list[Claimed]:
    """Return up to limit due rows for the given platforms, leased to this sender.

    A lease that runs out (the sender died mid-way) makes the row due again; rows are taken
    oldest first so each chat receives its alerts in order.
    """
    at = now()
    async with db.begin() as conn:
        query = (
            select(outbox.c.id)
            .join(recipients, recipients.c.id == outbox.c.recipient_id)
            .where(outbox.c.state == PENDING, outbox.c.next_attempt_at <= at,
                   or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < at),
                   recipients.c.active.is_(True), recipients.c.chat_id.is_not(None),
                   recipients.c.platform.in_(list(platforms)))
            .order_by(outbox.c.id).limit(limit)
        )
        if db.is_postgres:
            query = query.with_for_update(of=outbox, skip_locked=True)
        # One UPDATE … WHERE id IN (due rows) RETURNING: atomic on SQLite too, where two
        # senders' SELECTs could otherwise both see the same rows before either leases them.
        ids = list((await conn.execute(
            update(outbox).where(outbox.c.id.in_(query.scalar_subquery()))
            .values(lease_until=at + timedelta(seconds=lease_s))
            .returning(outbox.c.id))).scalars())
        if not ids:
            return []
        rows = (await conn.execute(
            select(outbox, recipients.c.platform, recipients.c.chat_id, recipients.c.lang,
                   recipients.c.alert_lang, recipients.c.kind.label("chat_kind"))
            .join(recipients, recipients.c.id == outbox.c.recipient_id)
            .where(outbox.c.id.in_(ids)).order_by(outbox.c.id))).all()
        wanted = {e for r in rows for e in r.payload["events"]}
        changes = {r.id: Change.from_json(r.data) for r in (await conn.execute(
            select(events.c.id, events.c.data).where(events.c.id.in_(wanted)))).all()}
    out = []
    for r in rows:
        p = r.payload
        items = tuple(changes[e] for e in p["events"] if e in changes)
        if not items:
            continue
        out.append(Claimed(r.id, r.recipient_id, Delivery(
            id=r.id, platform=r.platform, chat_id=r.chat_id, lang=r.lang or r.alert_lang or "ru",
            kind=r.kind,
            registry=items[0].registry, changes=items, watch=p.get("watch"),
            match_kind=p.get("match"), definite=bool(p.get("definite", True)),
            matched_name=p.get("matched_name"), part=int(p.get("part", 1)),
            parts=int(p.get("parts", 1)), attempts=r.attempts,
            extra={"dedupe": r.dedupe}), r.chat_kind))
    return out


async def mark_sent(db: Database, row_id: int) -> None:
    """Record that the row's message was delivered."""
    async with db.begin() as conn:
        await conn.execute(update(outbox).where(outbox.c.id == row_id).values(
            state=SENT, sent_at=now(), lease_until=None, last_error=None))


async def reschedule(db: Database, row_id: int, delay_s: float, error: str, *,
                     count_attempt: bool = True, give_up: bool = False) -> None:
    """Make the row due again after delay_s (or give up: state failed), keeping the error."""
    values: dict[str, Any] = dict(lease_until=None, last_error=error[:300],
                                  next_attempt_at=now() + timedelta(seconds=delay_s))
    if count_attempt:
        values["attempts"] = outbox.c.attempts + 1
    if give_up:
        values["state"] = FAILED
    async with db.begin() as conn:
        await conn.execute(update(outbox).where(outbox.c.id == row_id).values(**values))


async def release(db: Database, row_ids: Sequence[int]) -> None:
    """Give rows back unsent and due now (this round stopped before reaching them)."""
    if not row_ids:
        return
    async with db.begin() as conn:
        await conn.execute(update(outbox).where(outbox.c.id.in_(list(row_ids)))
                           .values(lease_until=None))


async def recipient_gone(db: Database, recipient_id: int, reason: str) -> int:
    """Mark the recipient inactive and drop its pending rows; returns the rows dropped."""
    async with db.begin() as conn:
        await conn.execute(update(recipients).where(recipients.c.id == recipient_id)
                           .values(active=False, inactive_reason=reason[:200]))
        result = await conn.execute(update(outbox).where(
            outbox.c.recipient_id == recipient_id, outbox.c.state == PENDING).values(
            state=DROPPED, lease_until=None, last_error=reason[:300]))
        return int(result.rowcount or 0)


async def counts(db: Database) -> dict[str, Any]:
    """Return outbox rows per state, inactive recipients, and the oldest pending row's age."""
    async with db.begin() as conn:
        by_state: dict[str, int] = defaultdict(int)
        for state, n in (await conn.execute(
                select(outbox.c.state, func.count()).group_by(outbox.c.state))).all():
            by_state[state] = int(n)
        inactive = (await conn.execute(select(func.count()).select_from(recipients).where(
            recipients.c.active.is_(False)))).scalar()
        oldest = (await conn.execute(select(func.min(outbox.c.created_at)).where(
            outbox.c.state == PENDING))).scalar()
        errors = (await conn.execute(select(outbox.c.last_error, func.count()).where(
            outbox.c.state == FAILED).group_by(outbox.c.last_error)
            .order_by(func.count().desc()).limit(3))).all()
    return {
        "pending": by_state[PENDING], "sent": by_state[SENT], "failed": by_state[FAILED],
        "dropped": by_state[DROPPED], "inactive_recipients": int(inactive or 0),
        "oldest_pending_s": int((now() - oldest).total_seconds()) if oldest else None,
        "failure_reasons": [{"error": e, "count": int(n)} for e, n in errors],
    }
