"""Russian typed in Latin letters and inflected ("mediazonu", "otkrytoj rossii"): check, the
text scanner and the watch index read the words in Cyrillic through the one shared word
analysis, so all three find the listed organisation, and agree; English words are not read
in Cyrillic into a false match."""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest

from bot.listings import names as nm
from bot.listings.index import NameIndex
from bot.listings.model import REGISTRIES, Entry
from bot.listings.scan import DEFINITE, Scanner
from bot.watch.matching import WatchRow, changes_index, check_hits
from bot.watch.model import ADDED, Change
from bot.watch.watch_index import WatchIndex
from tests.auxil.registries import MIRROR_2026, mirror_2026_snapshot

pytestmark = pytest.mark.skipif(not MIRROR_2026.exists(), reason="shared mirror absent")

# Latin-typed query, a sentence using it, the listed name it means (a fragment of the
# indexed name) and its list.
NAMED = [
    ("mediazonu", "mozhno li citirovat mediazonu v svoem kanale", "Медиазона",
     "foreign_agents"),
    ("otkrytoj rossii", "dal intervyu dlya otkrytoj rossii", "Открытая Россия", "undesirable"),
    ("Novoj gazete Evropa", "mozhno li perevesti dengi Novoj gazete Evropa",
     "Новая газета Европа", "undesirable"),
    ("shtabu navalnogo", "perevel dengi shtabu navalnogo v 2021", "Штабы Навального",
     "extremist"),
]
# Read in Cyrillic, "turkey" would be a form of Туркова, "granny" of ГРАНИ, "docks" of Докса,
# "believe" of Белый: English words, they are not read so.
ENGLISH = ["Germany", "Russia", "insider", "turkey", "granny", "docks", "believe",
           "register a new company in Germany", "foreign agent living abroad",
           "donate to the media"]


@cache
def _entries() -> tuple[Entry, ...]:
    return tuple(e for r in REGISTRIES for e in mirror_2026_snapshot(r).entries)


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(_entries())


@pytest.fixture(scope="module")
def scanner(index: NameIndex) -> Scanner:
    return Scanner(index)


@pytest.mark.parametrize(("query", "sentence", "name", "registry"), NAMED)
def test_check_finds_the_latin_typed_inflected_name_for_sure(
        index: NameIndex, query: str, sentence: str, name: str, registry: str) -> None:
    hit = index.search(query)[0]
    assert name in hit.name and hit.entry.registry == registry
    assert hit.definite


@pytest.mark.parametrize(("query", "sentence", "name", "registry"), NAMED)
def test_the_scanner_finds_it_in_running_text_as_check_does(
        index: NameIndex, scanner: Scanner, query: str, sentence: str, name: str,
        registry: str) -> None:
    checked = {h.entry.entry_id for h in index.search(query) if h.definite}
    mentions = [m for m in scanner.scan(sentence).mentions if m.text == query]
    assert mentions and {m.entry_id for m in mentions} <= checked
    assert all(m.registry == registry for m in mentions)
    if query != "shtabu navalnogo":  # lower-case «штабу навального» in a text: possible
        assert all(m.match == DEFINITE for m in mentions)


def _change(e: Entry) -> Change:
    return Change(registry=e.registry, kind=ADDED, key=f"{e.registry}:{e.entry_id}",
                  name=e.name, entry_kind=e.kind, as_of=date(2026, 9, 1), origin="file",
                  aliases=e.aliases, included_on=e.included_on, excluded_on=e.excluded_on)


def test_a_watch_typed_in_latin_hears_of_the_listing_as_check_would(index: NameIndex) -> None:
    # The listed organisations themselves are added (with their reviewed aliases, as the
    # full index holds them), among others that concern no watch.
    targets = [index.search(query)[0].entry for query, _, _, _ in NAMED]
    others = [e for e in _entries() if e.registry == "undesirable" and e not in targets][:60]
    changes = [_change(e) for e in targets + others]
    rows = [WatchRow(i, i, q) for i, (q, _, _, _) in enumerate(NAMED)]
    rows += [WatchRow(10 + i, 10 + i, q) for i, q in enumerate(ENGLISH)]
    found = {(m.watch.watch_id, m.change, m.kind, m.definite)
             for m in WatchIndex(rows).match(changes)}
    reference = changes_index(changes)
    assert found == {(w.watch_id, int(h.entry.entry_id), h.kind, h.definite)
                     for w in rows for h in check_hits(reference, w.query)}
    for i in range(len(NAMED)):
        assert (i, i) in {(w, c) for w, c, _, definite in found if definite}, NAMED[i][0]
    assert not [w for w, _, _, definite in found if w >= 10 and definite]


@pytest.mark.parametrize("query", ENGLISH)
def test_english_words_are_not_read_in_cyrillic_into_a_sure_match(
        index: NameIndex, scanner: Scanner, query: str) -> None:
    assert not [h for h in index.search(query) if h.definite]
    assert not [m for m in scanner.scan(f"They said: {query}.").mentions if m.match == DEFINITE]


def test_only_a_word_that_is_no_english_gets_cyrillic_readings() -> None:
    assert "медиазону" in nm.latin_readings("mediazonu")
    assert "навального" in nm.latin_readings("navalnogo")  # the soft sign is seldom typed
    for word in ("germany", "insider", "company", "register", "abroad", "media"):
        assert nm.latin_readings(word) == ()


@pytest.mark.parametrize("query", ["meduzu", "медузу"])
def test_an_inflected_everyday_word_stays_a_possible_match_in_either_alphabet(
        index: NameIndex, query: str) -> None:
    hits = index.search(query)
    assert any("Медуза" in h.name for h in hits)
    assert not [h for h in hits if h.definite]


def test_a_persons_latin_spelling_stays_possible(index: NameIndex) -> None:
    hits = [h for h in index.search("Lev Ponomaryov") if "Пономарев Лев" in h.entry.name]
    assert hits and not hits[0].definite
