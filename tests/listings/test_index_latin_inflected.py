"""Russian typed in Latin letters and inflected ("otkrytoj rossii", "Novoj gazete Evropa"): the
check reads the words in Cyrillic and meets the name through its lemma, as for Cyrillic forms."""

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


@pytest.mark.parametrize(("query", "expected"), [
    ("otkrytoj rossii", "Открытая Россия"),
    ("Novoj gazete Evropa", "Novaja Gazeta"),
    ("открытой россии", "Открытая Россия"),  # the Cyrillic form it must agree with
])
def test_latin_typed_inflected_name_is_definite(index: NameIndex, query: str,
                                                expected: str) -> None:
    hit = index.search(query)[0]
    assert expected in hit.entry.name
    assert hit.definite


@pytest.mark.parametrize("query", [
    "Germany", "Russia", "register a new company in Germany", "foreign agent living abroad",
    "meduzu",  # «медузу» is an ordinary word in Cyrillic too: possible at most
])
def test_english_and_common_words_stay_unsure(index: NameIndex, query: str) -> None:
    assert not [h for h in index.search(query) if h.definite]
