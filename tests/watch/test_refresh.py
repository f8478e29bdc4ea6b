"""From an imported snapshot to queued alerts: events, matching, idempotence, crash safety."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from bot.listings.service import ListingService
from bot.storage.database import Database
from bot.storage.schema import batches, events, outbox, registry_state
from bot.watch import outbox as ob
from bot.watch.refresh import RefreshService
from bot.watch.users import WatchService
from tests.auxil.registries import SHARED_REGISTRIES, settings_in
from tests.watch.conftest import Pipeline

RACE_ROUNDS = 12


async def rows(p: Pipeline, table: object = outbox) -> int:
    async with p.db.begin() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar() or 0)


async def test_first_import_is_the_starting_point(pipeline: Pipeline) -> None:
    await pipeline.users.watch("telegram", "1", "1", "Иноземцев Владислав", "ru")
    processed = await pipeline.load("foreign_agents", "2024-09-13")
    assert processed.outcome == "baseline"
    assert await rows(pipeline, events) == 0 and await rows(pipeline) == 0


async def test_a_listing_alerts_its_watchers_once(pipeline: Pipeline) -> None:
    await pipeline.load("foreign_agents", "2024-09-13")
    # Listed on 2024-09-25 (new in 2024-10-01): typed in Latin, and in the genitive.
    await pipeline.users.watch("telegram", "1", "1", "Etkind Alexander", "en")
    await pipeline.users.watch("matrix", "@a:x", "!dm:x", "Эткинда Александра Марковича", "ru")
    await pipeline.users.watch("telegram", "2", "2", "Кто-то Совсем Другой", "ru")
    processed = await pipeline.load("foreign_agents", "2024-10-01")
    assert processed.outcome == "events" and processed.counts["added"] == 6
    claimed = await ob.claim(pipeline.db, ["telegram", "matrix"])
    got = {(c.delivery.platform, c.delivery.chat_id): c.delivery for c in claimed}
    assert set(got) == {("telegram", "1"), ("matrix", "!dm:x")}
    alert = got[("telegram", "1")]
    assert alert.kind == "alert" and alert.watch == "Etkind Alexander" and alert.lang == "en"
    (change,) = alert.changes
    assert change.kind == "added" and change.name == "Эткинд Александр Маркович"
    assert alert.match_kind in ("transliteration", "fuzzy") and not alert.definite
    assert got[("matrix", "!dm:x")].definite
    # Processing again, or importing the same file again, queues nothing more.
    assert (await pipeline.refresh.process("foreign_agents")).outcome == "up_to_date"
    assert (await pipeline.load("foreign_agents", "2024-10-01")).outcome in (
        "up_to_date", "no_changes")
    assert await rows(pipeline) == 2


async def test_identical_content_makes_no_events(pipeline: Pipeline) -> None:
    await pipeline.load("foreign_agents", "2024-05-02")
    await pipeline.users.set_digest("telegram", "5", "5", group=False, on=True)
    assert (await pipeline.load("foreign_agents", "2024-05-03")).outcome == "no_changes"
    assert await rows(pipeline, events) == 0 and await rows(pipeline) == 0


async def test_digest_subscribers_get_every_change_in_parts(pipeline: Pipeline) -> None:
    await pipeline.load("undesirable", "2023-11-18")
    await pipeline.users.set_digest("telegram", "-100", "-100", group=True, on=True,
                                    registries=("undesirable",))
    await pipeline.users.set_digest("telegram", "9", "9", group=False, on=True,
                                    registries=("foreign_agents",))
    processed = await pipeline.load("undesirable", "2024-02-19")
    assert processed.counts == {"added": 22}
    claimed = await ob.claim(pipeline.db, ["telegram"])
    assert {c.delivery.chat_id for c in claimed} == {"-100"}  # not the foreign-agent reader
    assert sum(len(c.delivery.changes) for c in claimed) == 22
    assert {c.delivery.parts for c in claimed} == {len(claimed)}


async def test_a_crash_while_queueing_loses_and_repeats_nothing(
        pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    await pipeline.load("foreign_agents", "2024-09-13")
    await pipeline.users.watch("telegram", "1", "1", "Эткинд Александр", "ru")

    async def crash(*args: object, **kwargs: object) -> int:
        raise RuntimeError("killed")

    monkeypatch.setattr("bot.watch.refresh.enqueue", crash)
    with pytest.raises(RuntimeError):
        await pipeline.load("foreign_agents", "2024-10-01")
    assert await rows(pipeline, events) == 0  # the whole transaction was rolled back
    monkeypatch.undo()
    # The snapshot was stored before the crash; the next run picks up from the old position.
    assert (await pipeline.refresh.process("foreign_agents")).outcome == "events"
    assert await rows(pipeline) == 1
    assert (await pipeline.refresh.process("foreign_agents")).outcome == "up_to_date"
    assert await rows(pipeline) == 1


async def test_inactive_recipients_get_nothing_new(pipeline: Pipeline) -> None:
    await pipeline.load("foreign_agents", "2024-09-13")
    await pipeline.users.watch("telegram", "1", "1", "Эткинд Александр", "ru")
    async with pipeline.db.begin() as conn:
        from bot.storage.schema import recipients
        rid = (await conn.execute(select(recipients.c.id))).scalar_one()
    await ob.recipient_gone(pipeline.db, rid, "Forbidden: bot was blocked by the user")
    await pipeline.load("foreign_agents", "2024-10-01")
    assert await rows(pipeline) == 0


async def test_another_list_or_junk_over_the_register_queues_nothing(
        pipeline: Pipeline, tmp_path: Path) -> None:
    """The foreign-agent file imported as the undesirable list, and 900 invented names over
    the real register, are both refused: nobody is told a person "is now an undesirable
    organisation", and a listed person still checks as listed."""
    await pipeline.load("undesirable", "2024-09-05")
    await pipeline.load("foreign_agents", "2024-10-01")
    await pipeline.users.set_digest("telegram", "5", "5", group=False, on=True)
    await pipeline.users.watch("telegram", "1", "1", "Евразийская антимонопольная ассоциация",
                               "ru")
    outcome, processed = await pipeline.refresh.import_file(
        SHARED_REGISTRIES / "foreign_agents" / "2024-10-01.json", "undesirable")
    assert not outcome.accepted and processed.outcome == "up_to_date"
    assert any("0 of 188 entries" in r for r in outcome.reasons)
    junk = tmp_path / "junk.json"
    junk.write_text(json.dumps([{"id": str(i), "fullName": f"Имя {i}", "dateIn": "01.10.2024"}
                                for i in range(900)], ensure_ascii=False), encoding="utf-8")
    outcome, processed = await pipeline.refresh.import_file(junk, "foreign_agents",
                                                            as_of=date(2024, 10, 2))
    assert not outcome.accepted and processed.outcome == "up_to_date"
    assert any("0 of 866 entries" in r for r in outcome.reasons)
    assert await rows(pipeline, events) == 0 and await rows(pipeline) == 0
    assert pipeline.listings.check("Эткинд Александр Маркович").status == "listed"
    # --force stores it, and says what it overrode.
    outcome, _ = await pipeline.refresh.import_file(junk, "foreign_agents",
                                                    as_of=date(2024, 10, 2), force=True)
    assert outcome.accepted and any("0 of 866 entries" in r for r in outcome.overridden)


async def test_two_imports_at_once_queue_every_change_once(db: Database, tmp_path: Path) -> None:
    """Two imports started together (a bot's refresh and `registry import`) must not both
    diff from the same old position: every change becomes one event, one digest line."""
    users = WatchService(db)
    await users.set_digest("telegram", "5", "5", group=False, on=True)
    days = ("2024-09-05", "2024-09-13", "2024-10-01")  # 14 then 7 changes
    files = [SHARED_REGISTRIES / "foreign_agents" / f"{d}.json" for d in days]
    for attempt in range(RACE_ROUNDS):
        async with db.begin() as conn:
            for table in (outbox, events, batches, registry_state):
                await conn.execute(delete(table))
        folder = tmp_path / str(attempt)
        one, two = (RefreshService(db, ListingService(settings_in(folder))) for _ in "12")
        await one.import_file(files[0], "foreign_agents")
        await asyncio.gather(one.import_file(files[1], "foreign_agents"),
                             two.import_file(files[2], "foreign_agents"))
        await one.process("foreign_agents")  # whichever finished first, catch up fully
        async with db.begin() as conn:
            got = [(r.kind, r.key) for r in await conn.execute(select(events.c.kind,
                                                                      events.c.key))]
            digests = int((await conn.execute(select(func.count()).select_from(outbox)))
                          .scalar() or 0)
            batch_count = int((await conn.execute(select(func.count()).select_from(batches)))
                              .scalar() or 0)
        assert len(got) == 21 and len(set(got)) == 21, (attempt, len(got))
        assert digests == batch_count, attempt  # one short digest per batch, none repeated


async def test_a_watch_of_fbk_alerts_when_the_extremist_list_adds_it(
        pipeline: Pipeline, tmp_path: Path) -> None:
    """The new lists go through the same path: an extremist-list snapshot that adds FBK
    alerts the person watching "ФБК", and the alert names the list."""
    mirror = SHARED_REGISTRIES / "mirror" / "data" / "minjust_extremist_orgs.json"
    doc = json.loads(mirror.read_text("utf-8"))
    without = dict(doc, entries=[e for e in doc["entries"] if "коррупц" not in e["name"]])
    for key in ("entries_sha256", "entry_count"):
        without.pop(key)
    before = tmp_path / "extremist-2026-09-01.json"
    before.write_text(json.dumps(without, ensure_ascii=False), "utf-8")
    assert (await pipeline.refresh.import_file(before, "extremist"))[1].outcome == "baseline"
    await pipeline.users.watch("telegram", "1", "1", "ФБК", "ru")
    await pipeline.users.watch("telegram", "2", "2", "Штабы Навального", "ru")
    processed = (await pipeline.refresh.import_file(mirror, "extremist"))[1]
    assert processed.outcome == "events" and processed.counts["added"] == 1
    claimed = await ob.claim(pipeline.db, ["telegram"])
    assert [c.delivery.chat_id for c in claimed] == ["1"]
    (change,) = claimed[0].delivery.changes
    assert change.registry == "extremist" and "Фонд борьбы с коррупцией" in change.name


async def test_the_watch_index_is_kept_between_refreshes_and_follows_the_watchlists(
        pipeline: Pipeline) -> None:
    """Each refresh analyses only the watches added since the last one; a watch removed in
    between alerts nobody, and one added in between is heard."""
    await pipeline.load("foreign_agents", "2024-09-05")
    await pipeline.users.watch("telegram", "1", "1", "Маршенкулова Залина", "ru")
    await pipeline.users.watch("telegram", "1", "1", "Эткинд Александр", "ru")
    await pipeline.users.watch("telegram", "2", "2", "Незыгарь", "ru")
    processed = await pipeline.load("foreign_agents", "2024-09-13")
    assert processed.outcome == "events"
    index = pipeline.refresh.watch_index
    assert len(index) == 3 and index.analysed == 3
    first = await ob.claim(pipeline.db, ["telegram"])
    # «HZГ» was formerly «Незыгарь»: the watch of the old name hears about it.
    assert sorted(c.delivery.chat_id for c in first) == ["1", "2"]
    for c in first:
        await ob.mark_sent(pipeline.db, c.id)
    assert await pipeline.users.unwatch("telegram", "1", "Эткинд Александр") is not None
    await pipeline.users.watch("telegram", "3", "3", "Эткинда Александра", "ru")
    processed = await pipeline.load("foreign_agents", "2024-10-01")
    assert processed.outcome == "events"
    assert pipeline.refresh.watch_index is index and index.analysed == 4 and len(index) == 3
    second = await ob.claim(pipeline.db, ["telegram"])
    assert [(c.delivery.chat_id, c.delivery.watch) for c in second] == [
        ("3", "Эткинда Александра")]


async def test_a_watch_of_dud_alerts_when_he_is_listed_and_his_namesake_is_not_alerted(
        pipeline: Pipeline, tmp_path: Path) -> None:
    real = SHARED_REGISTRIES / "foreign_agents" / "2024-10-01.json"
    rows_ = json.loads(real.read_text("utf-8"))
    before = tmp_path / "fa-without-dud.json"
    before.write_text(json.dumps([r for r in rows_ if not r["fullName"].startswith("Дудь")],
                                 ensure_ascii=False), "utf-8")
    await pipeline.refresh.import_file(before, "foreign_agents", as_of=date(2024, 9, 30))
    for user, name in (("1", "Дудь"), ("2", "Юрия Дудя"), ("3", "Yury Dud"),
                       ("4", "Дудь Андрей Петрович")):
        await pipeline.users.watch("telegram", user, user, name, "ru")
    processed = (await pipeline.refresh.import_file(real, "foreign_agents",
                                                    as_of=date(2024, 10, 1)))[1]
    assert processed.outcome == "events" and processed.counts == {"added": 1}
    got = {c.delivery.chat_id: c.delivery for c in await ob.claim(pipeline.db, ["telegram"])}
    assert set(got) == {"1", "2", "3"}  # not the namesake
    assert got["2"].definite and not got["1"].definite and not got["3"].definite
    assert all(d.changes[0].name == "Дудь Юрий Александрович" for d in got.values())
