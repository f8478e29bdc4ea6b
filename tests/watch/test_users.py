"""Watchlists, digests, language and forget, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.storage.database import Database
from bot.storage.schema import recipients, watches
from bot.watch.users import WatchService


async def test_watch_is_deduplicated_by_spelling_and_capped(db: Database) -> None:
    svc = WatchService(db, max_watches=3)
    assert (await svc.watch("telegram", "1", "1", "Иванов  Иван", "ru")).status == "added"
    assert (await svc.watch("telegram", "1", "1", "иванов иван", "ru")).status == "exists"
    await svc.watch("telegram", "1", "1", "Meduza", "ru")
    await svc.watch("telegram", "1", "1", "Мемориал", "ru")
    outcome = await svc.watch("telegram", "1", "1", "Дождь", "ru")
    assert (outcome.status, outcome.count, outcome.limit) == ("limit", 3, 3)
    assert [w.query for w in await svc.watches("telegram", "1")] == [
        "Иванов Иван", "Meduza", "Мемориал"]
    # Another person's list is separate.
    assert await svc.watches("telegram", "2") == []


async def test_unwatch_by_number_or_name(db: Database) -> None:
    svc = WatchService(db)
    for q in ("Иванов Иван", "Meduza", "Мемориал"):
        await svc.watch("matrix", "@a:x", "!r:x", q, "en")
    removed = await svc.unwatch("matrix", "@a:x", 2)
    assert removed is not None and removed.query == "Meduza"
    assert (await svc.unwatch("matrix", "@a:x", "ИВАНОВ ИВАН")) is not None
    assert await svc.unwatch("matrix", "@a:x", "nobody") is None
    assert [w.query for w in await svc.watches("matrix", "@a:x")] == ["Мемориал"]


async def test_group_digest_is_stored_only_while_on(db: Database) -> None:
    svc = WatchService(db)
    assert await svc.set_digest("telegram", "-100", "-100", group=True, on=True,
                                registries=("undesirable",)) == ("undesirable",)
    assert await svc.digests("telegram", "-100", group=True) == ("undesirable",)
    assert await svc.set_digest("telegram", "-100", "-100", group=True, on=False) == ()
    async with db.begin() as conn:
        assert (await conn.execute(select(func.count()).select_from(recipients))).scalar() == 0


async def test_forget_deletes_everything_about_the_person(db: Database) -> None:
    svc = WatchService(db)
    await svc.set_language("telegram", "7", "en", chat_id="7")
    await svc.watch("telegram", "7", "7", "Meduza", "en")
    await svc.set_digest("telegram", "7", "7", group=False, on=True)
    await svc.watch("telegram", "8", "8", "Meduza", "ru")
    stored = await svc.stored("telegram", "7")
    assert stored.lang == "en" and len(stored.watches) == 1 and len(stored.digests) == 4
    assert await svc.forget("telegram", "7") is True
    assert await svc.forget("telegram", "7") is False
    assert await svc.get_language("telegram", "7") is None
    assert (await svc.stored("telegram", "7")).watches == ()
    async with db.begin() as conn:
        # Only the other person's watch is left.
        assert (await conn.execute(select(func.count()).select_from(watches))).scalar() == 1


async def test_a_watch_does_not_choose_the_language(db: Database) -> None:
    """Alerts are written in the conversation's language; replies keep following the
    platform's hint until the person picks a language with /lang."""
    svc = WatchService(db)
    await svc.watch("telegram", "1", "1", "Meduza", "en")
    assert await svc.get_language("telegram", "1") is None
    assert (await svc.stored("telegram", "1")).lang == "en"
    await svc.set_language("telegram", "1", "ru", chat_id="1")
    assert await svc.get_language("telegram", "1") == "ru"


async def test_upgrade_from_the_first_schema_keeps_the_data(tmp_path: Path) -> None:
    """A database made by an older release is migrated on start, its rows intact."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import insert, text

    from bot.storage.database import MIGRATIONS, now

    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")

    def to_first(conn: Connection) -> None:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")

    async with db.begin() as conn:
        await conn.run_sync(to_first)
        await conn.execute(text(
            "INSERT INTO recipients (platform, kind, address, chat_id, lang, active, "
            "created_at) VALUES ('telegram', 'private', '5', '5', 'en', 1, :at)"), {"at": now()})
        await conn.execute(insert(watches).values(recipient_id=1, query="Meduza",
                                                  norm="meduza", created_at=now()))
    await db.migrate()
    svc = WatchService(db)
    assert [w.query for w in await svc.watches("telegram", "5")] == ["Meduza"]
    assert (await svc.stored("telegram", "5")).lang == "en"
    await db.close()


async def test_concurrent_watches_never_pass_the_cap(db: Database) -> None:
    """Ten /watch at once at 48 stored watches store two more, not ten (nor 58)."""
    service = WatchService(db)
    for round_ in range(3):
        user = f"u{round_}"
        for i in range(48):
            await service.watch("telegram", user, user, f"Имя{i} Фамилия", "ru")
        outcomes = await asyncio.gather(*(
            service.watch("telegram", user, user, f"Новое{i} Имя", "ru") for i in range(10)))
        assert sorted(o.status for o in outcomes).count("added") == 2
        assert len(await service.watches("telegram", user)) == 50
        # The same new name ten times at once is one watch, never an error.
        await service.unwatch("telegram", user, 1)
        same = await asyncio.gather(*(
            service.watch("telegram", user, user, "Один И Тот Же", "ru") for _ in range(10)))
        assert [o.status for o in same].count("added") == 1
        assert len(await service.watches("telegram", user)) == 50
    # A new person's first /watch commands at once create their row once, without an error.
    first = await asyncio.gather(*(
        service.watch("matrix", "@new:x", "!dm:x", f"Имя{i} Другое", "ru") for i in range(5)))
    assert [o.status for o in first] == ["added"] * 5
