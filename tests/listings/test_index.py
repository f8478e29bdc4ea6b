"""The name matcher on the real 2024-10-01 registries: spellings people actually type."""

from __future__ import annotations

import pytest

from bot.listings import parse
from bot.listings.index import NameIndex
from tests.auxil.registries import FA_2024_10_01, UND_2024_09_05


@pytest.fixture(scope="module")
def index() -> NameIndex:
    entries = (parse.parse_file("foreign_agents", FA_2024_10_01.read_bytes()).entries
               + parse.parse_file("undesirable", UND_2024_09_05.read_bytes()).entries)
    return NameIndex(entries)


@pytest.mark.parametrize(("query", "expected", "kind", "definite"), [
    ("Ходорковский Михаил Борисович", "Ходорковский Михаил", "exact", True),
    ("Михаил Ходорковский", "Ходорковский Михаил", "exact", True),
    ("Шульман Екатерину Михайловну", "Шульман Екатерина", "exact", True),
    ("Ходорковский М. Б.", "Ходорковский Михаил", "exact", True),
    ("Mikhail Khodorkovsky", "Ходорковский Михаил", "transliteration", False),
    ("Michail Chodorkowski", "Ходорковский Михаил", "transliteration", False),
    ("Ходарковский Михаил", "Ходорковский Михаил", "fuzzy", False),
    ("Ксения Ларина", "Баршева Оксана", "alias", True),
    ("Noize MC", "Алексеев Иван", "alias", True),
    ("TV Rain", "Телеканал Дождь", "alias", True),
    ("РСЕ/РС", "Radio Free Europe", "alias", True),
])
def test_finds_the_right_entry_first(index: NameIndex, query: str, expected: str, kind: str,
                                     definite: bool) -> None:
    hit = index.search(query)[0]
    assert expected in hit.entry.name
    assert hit.kind == kind
    assert hit.definite is definite


@pytest.mark.parametrize("query", [
    "Шендерович Игорь",  # same surname, other first name: another person
    "Галкин Максим Сергеевич",  # other patronymic
    "Human Rights Watch",  # shares two words with several entries, names none of them
    "Amnesty International",
    "Пугачева Алла Борисовна",
])
def test_near_misses_are_not_matched(index: NameIndex, query: str) -> None:
    assert not [h for h in index.search(query) if h.definite]


def test_english_name_of_a_russian_medium_finds_it_on_both_lists(index: NameIndex) -> None:
    # "TV Rain" is in no published name of the foreign-agent register: the reviewed alias
    # file attaches it to «Телеканал Дождь» there, next to SIA TV Rain (undesirable).
    hits = [h for h in index.search("TV Rain") if h.definite]
    assert {h.entry.registry for h in hits} == {"foreign_agents", "undesirable"}
    assert hits[0].entry.listed


def test_common_word_is_only_possible_but_ranks_listed_first(index: NameIndex) -> None:
    hits = index.search("Голос")
    assert hits and not any(h.definite for h in hits)
    assert hits[0].entry.listed  # the still-listed «Голос» movement, not the excluded ones


def test_bare_surname_is_possible(index: NameIndex) -> None:
    hits = index.search("Ходорковского")
    assert hits and not any(h.definite for h in hits)
    assert any("Ходорковский Михаил" in h.entry.name for h in hits)


def test_lookup_by_inn(index: NameIndex) -> None:
    hits = index.search("7729441207")
    assert hits[0].entry.name == "«Евразийская антимонопольная ассоциация»"
    assert hits[0].definite


@pytest.mark.parametrize("query", ["", "a", "🙂🙂", "<b></b>", "x" * 10000, "\x00\x07",
                                   "Фонд " * 2000])
def test_odd_input_never_crashes(index: NameIndex, query: str) -> None:
    assert isinstance(index.search(query), list)


@pytest.mark.parametrize(("query", "expected"), [
    ("Монеточкой", "Гырдымова Елизавета"),  # feminine instrumental of a stage name, alone
    ("Монеточкою", "Гырдымова Елизавета"),
    ("с Оксимироном", "Федоров Мирон"),
    ("Bеllingcаt", "Bellingcat"),  # Latin name with Cyrillic е and а
])
def test_oblique_stage_names_and_mixed_scripts(index: NameIndex, query: str,
                                               expected: str) -> None:
    assert expected in index.search(query)[0].entry.name
