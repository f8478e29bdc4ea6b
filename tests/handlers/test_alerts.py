"""Alert and digest texts, as a watcher would read them, built from real registry entries."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import cache

import pytest

from bot.listings import parse
from bot.listings.model import Entry
from bot.watch.model import (
    ADDED,
    ALERT,
    CHANGE_KINDS,
    CHANGED,
    DIGEST,
    EXCLUDED,
    REINCLUDED,
    REMOVED,
    Change,
    Delivery,
)
from handlers.alerts import MAX_CHARS, render_delivery
from handlers.markup import to_html
from handlers.messages import Reply
from handlers.render import as_plain
from tests.auxil.registries import FA_2024_10_01, UND_2024_09_05

pytestmark = pytest.mark.skipif(not FA_2024_10_01.exists(), reason="shared snapshots absent")

AS_OF, BEFORE = date(2024, 10, 1), date(2024, 9, 24)


@cache
def _entries(registry: str) -> tuple[Entry, ...]:
    path = FA_2024_10_01 if registry == "foreign_agents" else UND_2024_09_05
    return tuple(parse.parse_file(registry, path.read_bytes()).entries)


def _entry(name_part: str, registry: str = "foreign_agents") -> Entry:
    return next(e for e in _entries(registry) if name_part in e.name)


def _change(entry: Entry, kind: str = ADDED, **kw: object) -> Change:
    """Return the change the diff would report for entry, between BEFORE and AS_OF."""
    fields: dict[str, object] = {
        "registry": entry.registry, "kind": kind, "key": entry.name.lower(), "name": entry.name,
        "entry_kind": entry.kind, "as_of": AS_OF, "origin": "portal",
        "previous_as_of": BEFORE, "aliases": entry.aliases, "included_on": entry.included_on,
        "excluded_on": entry.excluded_on, "legal_basis": entry.legal_basis,
        "previous_included_on": entry.included_on,
    }
    fields.update(kw)
    return Change(**fields)  # type: ignore[arg-type]


def _alert(change: Change, lang: str = "ru", **kw: object) -> Delivery:
    fields: dict[str, object] = {
        "id": 1, "platform": "telegram", "chat_id": "7", "lang": lang, "kind": ALERT,
        "registry": change.registry, "changes": (change,), "watch": "Ходорковский",
        "match_kind": "exact", "definite": True, "matched_name": change.name,
    }
    fields.update(kw)
    return Delivery(**fields)  # type: ignore[arg-type]


def _digest(changes: list[Change], lang: str = "ru", part: int = 1, parts: int = 1) -> Delivery:
    return Delivery(id=2, platform="matrix", chat_id="!room:x", lang=lang, kind=DIGEST,
                    registry=changes[0].registry, changes=tuple(changes), part=part,
                    parts=parts)


def _text(reply: Reply) -> str:
    return as_plain(reply)


def _buttons(reply: Reply) -> list[str]:
    return [c.data for row in reply.choices for c in row]


# -- alerts ------------------------------------------------------------------------------------

def test_alert_in_russian_says_who_what_when_why_and_how_sure() -> None:
    entry = _entry("Ходорковский Михаил")
    reply = render_delivery(_alert(_change(entry)))
    text = _text(reply)
    assert "Изменение в реестре: «Ходорковский»" in text  # the name as the user typed it
    assert "Ходорковский Михаил Борисович" in text  # the entry as published
    assert "Реестр иностранных агентов: новая запись." in text
    assert "Дата включения: 20.05.2022" in text
    assert "Основание: Статья 2.1 Федерального закона от 28.12.2012 No 272-ФЗ" in text
    assert entry.legal_basis in text  # shown whole, not cut
    assert "Как найдено: точное совпадение" in text
    assert "данные с официального портала Минюста на 01.10.2024" in text
    assert "Предыдущие данные — на 24.09.2024" in text
    assert "/unwatch Ходорковский" in text
    assert _buttons(reply) == ["a:fa_interaction"]
    assert "возможн" not in text.lower()


def test_alert_in_english_uses_english_dates() -> None:
    entry = _entry("Ходорковский Михаил")
    text = _text(render_delivery(_alert(_change(entry), lang="en", watch="Khodorkovsky",
                                        match_kind="transliteration", definite=True)))
    assert 'Registry change: "Khodorkovsky"' in text
    assert "Register of foreign agents: new entry." in text
    assert "Listed on: 20 May 2022" in text
    assert "Legal basis: Статья 2.1" in text
    assert "How it matched: matches another spelling" in text
    assert "official Ministry of Justice portal data as of 1 Oct 2024" in text
    assert "To stop alerts for this name: /unwatch Khodorkovsky" in text


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_possible_match_reads_as_possible(lang: str) -> None:
    entry = _entry("Khodorkovsky Foundation", "undesirable")
    reply = render_delivery(_alert(_change(entry), lang=lang, watch="Ходорковского",
                                   match_kind="alias", definite=False,
                                   matched_name="Фонд Ходорковского"))
    text = _text(reply)
    if lang == "ru":
        assert text.startswith("Возможное совпадение с «Ходорковского»")
        assert "совпадение с другим названием: «Фонд Ходорковского», но не наверняка" in text
        assert "Совпадение неточное: сравните имя" in text
    else:
        assert text.startswith('Possible match for "Ходорковского"')
        assert 'matches another name: "Фонд Ходорковского", not certain' in text
        assert "This is not an exact match" in text
    assert _buttons(reply) == ["a:un_participation"]


def test_exclusion_reinclusion_removal_and_change() -> None:
    entry = _entry("Ходорковский Михаил")
    excluded = _text(render_delivery(_alert(_change(entry, EXCLUDED,
                                                    excluded_on=date(2024, 9, 30)))))
    assert "запись исключена 30.09.2024." in excluded
    assert "Дата исключения: 30.09.2024" in excluded
    back = _text(render_delivery(_alert(_change(
        entry, REINCLUDED, previous_excluded_on=date(2024, 9, 1)), lang="en")))
    assert "the entry is back on the list (it had been excluded on 1 Sep 2024)" in back
    removed = _text(render_delivery(_alert(_change(entry, REMOVED))))
    assert "больше не публикуется" in removed and "не обязательно исключение" in removed
    renamed = _text(render_delivery(_alert(_change(
        entry, CHANGED, previous_name="Ходорковский Михаил",
        previous_included_on=date(2022, 5, 13)))))
    assert "запись изменилась" in renamed
    assert "Было: «Ходорковский Михаил», стало: «Ходорковский Михаил Борисович»" in renamed
    assert "Дата включения: 13.05.2022 → 20.05.2022" in renamed
    assert renamed.count("Дата включения") == 1  # the new date is not repeated


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("kind", CHANGE_KINDS)
def test_every_kind_renders_without_raw_message_ids(lang: str, kind: str) -> None:
    entry = _entry("Ходорковский Михаил")
    change = _change(entry, kind, excluded_on=date(2024, 9, 30),
                     previous_name="Ходорковский М. Б.", previous_excluded_on=date(2023, 1, 1))
    for delivery in (_alert(change, lang=lang), _digest([change], lang=lang)):
        text = _text(render_delivery(delivery))
        for prefix in ("alert.", "digest.", "check.", "match.", "registry.", "origin."):
            assert prefix not in text, (kind, lang, text)


def test_an_alert_with_every_field_at_its_longest_fits() -> None:
    long = "Очень длинное название организации " * 20
    change = _change(_entry("Ходорковский Михаил"), CHANGED, name=long, previous_name=long[::-1],
                     legal_basis=long * 3, previous_included_on=date(2020, 1, 1))
    reply = render_delivery(_alert(change, watch=long[:300], match_kind="fuzzy",
                                   definite=False, matched_name=long))
    assert len(reply.text) <= MAX_CHARS
    assert "/unwatch " + long[:300].strip() in _text(reply)


# -- digests -----------------------------------------------------------------------------------

def test_a_realistic_40_entry_part_fits_and_says_which_part() -> None:
    entries = _entries("foreign_agents")[-40:]  # the newest entries, as a weekly update adds
    changes = [_change(e) for e in entries]
    for lang, part_of in (("ru", "(часть 1 из 2)"), ("en", "(part 1 of 2)")):
        reply = render_delivery(_digest(changes, lang=lang, parts=2))
        text = _text(reply)
        assert len(reply.text) <= MAX_CHARS
        assert part_of in text.splitlines()[0]
        assert all(e.name in text for e in entries)  # nothing was cut
        assert ("Новые записи: 40" if lang == "ru" else "New entries: 40") in text
        assert _buttons(reply) == ["a:fa_interaction"]
    assert "(часть" not in _text(render_delivery(_digest(changes)))


def test_digest_groups_changes_by_kind_with_dates() -> None:
    fa = _entries("foreign_agents")
    changes = [
        _change(fa[-1]), _change(fa[-2]),
        _change(fa[-3], EXCLUDED, excluded_on=date(2024, 9, 27)),
        _change(fa[-4], REMOVED),
        _change(fa[-5], CHANGED, previous_name="Старое имя"),
        _change(fa[-6], REINCLUDED),
    ]
    text = _text(render_delivery(_digest(changes)))
    order = ["Новые записи: 2", "Исключены: 1", "Снова в реестре: 1", "Изменились: 1",
             "Больше не публикуются (это не обязательно исключение): 1"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)
    assert f"• {fa[-1].name} — включение " in text
    assert "исключение 27.09.2024" in text
    assert f"{fa[-5].name} (было: Старое имя)" in text
    assert "Реестр иностранных агентов: данные с официального портала Минюста на 01.10.2024" in text
    assert "/digest выкл" in text
    english = _text(render_delivery(_digest(changes, lang="en")))
    assert "New entries: 2" in english and "excluded 27 Sep 2024" in english


def test_an_oversized_part_is_cut_at_a_line_and_says_so() -> None:
    longest = sorted(_entries("undesirable"), key=lambda e: len(e.name))[-60:]
    reply = render_delivery(_digest([_change(e) for e in longest], parts=3, part=2))
    text = _text(reply)
    assert len(reply.text) <= MAX_CHARS
    assert "(часть 2 из 3)" in text
    assert "\n…\n" in text and "не поместились в сообщение" in text
    assert "/digest выкл" in text  # the footer survives the cut
    to_html(reply.text)  # the markup is still well-formed enough to render
    assert "**" not in text and "\\" not in text


def test_a_digest_of_long_names_is_not_cut_mid_markup() -> None:
    entry = replace(_entry("Ходорковский Михаил"), name="*Проект_Х* [ссылка](http://x) " * 12)
    reply = render_delivery(_digest([_change(entry)] * 25))
    assert len(reply.text) <= MAX_CHARS
    html = to_html(reply.text)
    assert "<a " not in html and "*Проект_Х*" in html


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_parts_the_core_makes_render_whole(lang: str) -> None:
    from bot.watch.outbox import digest_parts

    # The worst realistic case: a day that lists the longest names of the registry, excluded.
    longest = sorted(_entries("undesirable"), key=lambda e: len(e.name))[-120:]
    changes = [_change(e, EXCLUDED, excluded_on=date(2024, 9, 30)) for e in longest]
    parts = digest_parts(changes)
    assert len(parts) > 1
    for number, indexes in enumerate(parts, 1):
        part = [changes[i] for i in indexes]
        reply = render_delivery(_digest(part, lang=lang, part=number, parts=len(parts)))
        assert len(reply.text) <= MAX_CHARS
        assert all(c.name in _text(reply) for c in part)
