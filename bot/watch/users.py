"""What the bot stores about the people it talks to: language, watchlist, digest subscriptions.

Every method is keyed by (platform, user id) for a person and (platform, chat id) for a
group; `forget` removes a person's row, and the database cascades to everything else.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    String,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.listings import names as nm
from bot.listings.model import REGISTRIES
from bot.storage.database import Database, now
from bot.storage.schema import digests, recipients, watches
from bot.watch.model import GROUP, MAX_WATCHES, PRIVATE, Watch

MAX_QUERY = 300
LANG_TTL_S = 60.0


@dataclass(frozen=True)
class WatchOutcome:
    """The result of `watch`: "added", "exists" or "limit", and the watch count after it."""

    status: str
    count: int
    limit: int = MAX_WATCHES


@dataclass(frozen=True)
class Stored:
    """Everything stored about one person, for "what do you keep about me?"."""

    lang: str | None
    watches: tuple[Watch, ...]
    digests: tuple[str, ...]


class WatchService:
    """Per-person and per-group state behind the watch, digest, lang and forget commands."""

    def __init__(self, db: Database, max_watches: int = MAX_WATCHES) -> None:
        """Use db (already migrated); `max_watches` caps each person's watchlist."""
        self.db = db
        self.max_watches = max_watches
        # The language is looked up for every incoming message: remember answers briefly
        # (another instance's /lang is seen within the TTL), bounded in size.
        self._langs: OrderedDict[tuple[str, str], tuple[str | None, float]] = OrderedDict()

    # -- language --------------------------------------------------------------------------
    async def get_language(self, platform: str, user_id: str) -> str | None:
        """Return the language the person chose with /lang, or None."""
        key = (platform, user_id)
        cached = self._langs.get(key)
        if cached is not None and time.monotonic() - cached[1] < LANG_TTL_S:
            return cached[0]
        async with self.db.begin() as conn:
            lang = (await conn.execute(
                select(recipients.c.lang).where(_who(platform, PRIVATE, user_id))
            )).scalar()
        self._remember_lang(key, lang)
        return lang

    def _remember_lang(self, key: tuple[str, str], lang: str | None) -> None:
        self._langs.pop(key, None)
        self._langs[key] = (lang, time.monotonic())
        while len(self._langs) > 10_000:
            self._langs.popitem(last=False)

    async def set_language(self, platform: str, user_id: str, lang: str,
                           chat_id: str | None = None) -> None:
        """Remember the person's chosen language (replies and alerts follow it)."""
        async with self.db.begin() as conn:
            rid = await _recipient(conn, platform, PRIVATE, user_id, chat_id)
            await conn.execute(update(recipients).where(recipients.c.id == rid)
                               .values(lang=lang, alert_lang=lang))
        self._remember_lang((platform, user_id), lang)

    # -- watchlist -------------------------------------------------------------------------
    async def watch(self, platform: str, user_id: str, chat_id: str, query: str,
                    lang: str) -> WatchOutcome:
        """Add query to the person's watchlist; returns whether it was added, known or capped.

        Two spellings that fold to the same name ("Иванов  Иван", "иванов иван") are one
        watch. Watching re-activates a person whose chat had been unreachable: they wrote
        to us, so the chat works again.
        """
        query = " ".join(query.split())[:MAX_QUERY]
        key = nm.norm(query) or query.lower()
        for attempt in range(3):
            try:
                rid, added = await self._insert_watch(platform, user_id, chat_id, query, key,
                                                      lang)
                break
            except IntegrityError:
                # The same person's first message twice at once (their row), or the same
                # name twice at once: the other request stored it; look again.
                if attempt == 2:
                    raise
        same = select(watches.c.id).where(watches.c.recipient_id == rid,
                                          watches.c.norm == key)
        if added:
            async with self.db.begin() as conn:
                return WatchOutcome("added", await _count(conn, rid), self.max_watches)
        async with self.db.begin() as conn:
            count = await _count(conn, rid)
            known = (await conn.execute(same)).scalar() is not None
        return WatchOutcome("exists" if known else "limit", count, self.max_watches)

    async def _insert_watch(self, platform: str, user_id: str, chat_id: str, query: str,
                            key: str, lang: str) -> tuple[int, int]:
        """Return (recipient id, rows inserted): 1, or 0 when the name is already watched
        or the list is full. The cap and the duplicate test are part of the INSERT itself,
        and on PostgreSQL the person's row is locked first: ten /watch at once at 48 stored
        add two, never ten (a count read before the insert let all ten through)."""
        async with self.db.begin() as conn:
            rid = await _recipient(conn, platform, PRIVATE, user_id, chat_id, lang=lang)
            await conn.execute(select(recipients.c.id).where(recipients.c.id == rid)
                               .with_for_update())
            same = select(watches.c.id).where(watches.c.recipient_id == rid,
                                              watches.c.norm == key)
            stored = (select(func.count()).select_from(watches)
                      .where(watches.c.recipient_id == rid).scalar_subquery())
            result = await conn.execute(insert(watches).from_select(
                ["recipient_id", "query", "norm", "created_at"],
                select(literal(rid, Integer()), literal(query, String()),
                       literal(key, String()), literal(now(), DateTime()))
                .where(stored < self.max_watches, ~exists(same))))
            return rid, int(result.rowcount or 0)

    async def unwatch(self, platform: str, user_id: str, what: str | int) -> Watch | None:
        """Remove a watch given by its number in `watches()` (an int) or by its name (a str);
        returns it, or None when there is no such watch.

        The caller decides what the user typed (bot.textnorm.typed_number): a name is never
        read as a number here, so "²", which folds to "2", cannot remove watch number 2.
        """
        current = await self.watches(platform, user_id)
        target: Watch | None = None
        if isinstance(what, int):
            target = current[what - 1] if 1 <= what <= len(current) else None
        else:
            key = nm.norm(what) or what.strip().lower()
            target = next((w for w in current if (nm.norm(w.query) or w.query.lower()) == key),
                          None)
        if target is None:
            return None
        async with self.db.begin() as conn:
            await conn.execute(delete(watches).where(watches.c.id == target.id))
        return target

    async def watches(self, platform: str, user_id: str) -> list[Watch]:
        """Return the person's watches, oldest first (the numbering `unwatch` accepts)."""
        async with self.db.begin() as conn:
            rows = await conn.execute(
                select(watches.c.id, watches.c.query, watches.c.created_at)
                .join(recipients, recipients.c.id == watches.c.recipient_id)
                .where(_who(platform, PRIVATE, user_id)).order_by(watches.c.id))
            return [Watch(r.id, r.query, r.created_at.date()) for r in rows]

    # -- digests ---------------------------------------------------------------------------
    async def set_digest(self, platform: str, address: str, chat_id: str, *, group: bool,
                         on: bool, registries: tuple[str, ...] = REGISTRIES,
                         lang: str | None = None) -> tuple[str, ...]:
        """Switch digests of registries on or off for a person or a group; returns the
        registries subscribed afterwards. For a group, `address` is the group's chat id."""
        kind = GROUP if group else PRIVATE
        async with self.db.begin() as conn:
            rid = await _recipient(conn, platform, kind, address, chat_id, lang=lang)
            for registry in registries:
                await conn.execute(delete(digests).where(
                    digests.c.recipient_id == rid, digests.c.registry == registry))
                if on:
                    await conn.execute(insert(digests).values(recipient_id=rid,
                                                              registry=registry))
            if group and not on:
                left = (await conn.execute(select(func.count()).select_from(digests)
                                           .where(digests.c.recipient_id == rid))).scalar()
                if not left:  # a group is stored only while it has a digest
                    await conn.execute(delete(recipients).where(recipients.c.id == rid))
                    return ()
            return await _digests(conn, rid)

    async def digests(self, platform: str, address: str, *, group: bool = False
                      ) -> tuple[str, ...]:
        """Return the registries whose digest the person or group receives."""
        async with self.db.begin() as conn:
            rid = (await conn.execute(select(recipients.c.id).where(
                _who(platform, GROUP if group else PRIVATE, address)))).scalar()
            return await _digests(conn, rid) if rid is not None else ()

    # -- privacy ---------------------------------------------------------------------------
    async def stored(self, platform: str, user_id: str) -> Stored:
        """Return everything stored about the person (shown before `forget` asks to confirm)."""
        async with self.db.begin() as conn:
            row = (await conn.execute(select(recipients.c.lang, recipients.c.alert_lang).where(
                _who(platform, PRIVATE, user_id)))).first()
        lang = (row.lang or row.alert_lang) if row is not None else None
        return Stored(lang, tuple(await self.watches(platform, user_id)),
                      await self.digests(platform, user_id))

    async def forget(self, platform: str, user_id: str) -> bool:
        """Delete everything stored about the person: language, watches, digests and queued
        alerts (cascade). Returns False when nothing was stored."""
        self._langs.pop((platform, user_id), None)
        async with self.db.begin() as conn:
            result = await conn.execute(delete(recipients).where(
                _who(platform, PRIVATE, user_id)))
            return bool(result.rowcount)


def _who(platform: str, kind: str, address: str) -> ColumnElement[bool]:
    return and_(recipients.c.platform == platform, recipients.c.kind == kind,
                recipients.c.address == address)


async def _recipient(conn: AsyncConnection, platform: str, kind: str, address: str,
                     chat_id: str | None, lang: str | None = None) -> int:
    """Return the id of the recipient row, creating it; the chat id and the language to
    write alerts in are kept current (`lang` is the conversation's language, not a choice)."""
    row = (await conn.execute(select(recipients.c.id, recipients.c.chat_id,
                                     recipients.c.alert_lang, recipients.c.active)
                              .where(_who(platform, kind, address)))).first()
    if row is None:
        result = await conn.execute(insert(recipients).values(
            platform=platform, kind=kind, address=address, chat_id=chat_id, alert_lang=lang,
            active=True, created_at=now()))
        return int(_first_key(result))
    values: dict[str, object] = {}
    if chat_id and (row.chat_id != chat_id or not row.active):
        values.update(chat_id=chat_id, active=True, inactive_reason=None)
    if lang and row.alert_lang != lang:
        values["alert_lang"] = lang
    if values:
        await conn.execute(update(recipients).where(recipients.c.id == row.id).values(**values))
    return int(row.id)


async def _count(conn: AsyncConnection, rid: int) -> int:
    return int((await conn.execute(select(func.count()).select_from(watches)
                                   .where(watches.c.recipient_id == rid))).scalar() or 0)


async def _digests(conn: AsyncConnection, rid: int) -> tuple[str, ...]:
    rows = (await conn.execute(select(digests.c.registry)
                               .where(digests.c.recipient_id == rid))).scalars()
    found = set(rows)
    return tuple(r for r in REGISTRIES if r in found)


def _first_key(result: Any) -> int:
    """Return the primary key of the row an INSERT created."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])
