"""The reviewed alias file: it parses, every line has a source and finds its entry by name."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.listings import aliases as al
from bot.listings.index import NameIndex
from bot.listings.model import Entry
from bot.measure import registry_eval as ev
from tests.auxil.registries import SHARED_REGISTRIES, entry


@pytest.fixture(scope="module")
def mirror_entries() -> list[Entry]:
    out: list[Entry] = []
    for registry, stem in ev.MIRROR_FILES.items():
        out += ev.read_snapshot_entries(registry, SHARED_REGISTRIES / "mirror" / "data"
                                        / f"{stem}.json")
    return out


def test_every_reviewed_line_has_a_source_and_reaches_an_entry(
        mirror_entries: list[Entry]) -> None:
    book = al.packaged()
    assert len(book) >= 100
    attached = book.attach(mirror_entries)
    reached = {a for found in attached.values() for a in found}
    for line in book.aliases:
        assert line.source.startswith("http") or len(line.source) > 10, line
    lost = [line.alias for line in book.aliases
            if not any(line in book.lines_for(e) for e in mirror_entries)]
    assert lost == []
    assert {"TV Rain", "RFE/RL", "ФБК", "Voice of America"} <= reached


def test_aliases_attach_by_name_whatever_the_row_id_or_quotes() -> None:
    book = al.AliasBook(al.parse_lines([
        {"alias": "TV Rain", "name": "Телеканал Дождь", "source": "https://tvrain.tv/"}]))
    rain = entry("77", '"Телеканал Дождь"', kind="organisation")
    renumbered = replace(rain, entry_id="row-9")
    assert book.attach([renumbered]) == {0: ["TV Rain"]}
    index = NameIndex([entry("1", "Иванов Иван Иванович"), renumbered], aliases=book)
    hit = index.search("TV Rain")[0]
    assert hit.entry.entry_id == "row-9" and hit.definite


def test_a_name_packed_into_several_entries_goes_to_the_one_it_begins() -> None:
    book = al.AliasBook(al.parse_lines([
        {"alias": "ISIS", "name": "Исламское государство", "source": "https://example.org/"}]))
    main = entry("1", "«Исламское государство» (другие названия: «ИГИЛ»)",
                 kind="organisation", registry="terrorist",
                 aliases=("Исламское государство", "ИГИЛ"))
    unit = entry("2", "Подразделение организации «Исламское государство» «Баккия»",
                 kind="organisation", registry="terrorist",
                 aliases=("Исламское государство", "Баккия"))
    assert book.attach([main, unit]) == {0: ["ISIS"]}
    hit = NameIndex([main, unit], aliases=book).search("ISIS")[0]
    assert hit.entry.entry_id == "1" and hit.definite


def test_a_short_name_of_several_entries_is_only_possible() -> None:
    book = al.AliasBook(al.parse_lines([
        {"alias": "Golos", "name": "Движение Голос", "source": "https://golosinfo.org/"},
        {"alias": "ФБК", "name": "Фонд борьбы с коррупцией", "source": "https://fbk.info/"}]))
    entries = [
        entry("1", "Движение Голос", kind="organisation"),
        entry("2", "Ассоциация «ГОЛОС»", kind="organisation", aliases=("ГОЛОС",)),
        entry("3", "Фонд борьбы с коррупцией", kind="organisation"),
    ]
    index = NameIndex(entries, aliases=book)
    golos = index.search("Golos")
    assert golos and not any(h.definite for h in golos)  # two entries say "Голос"
    fbk = index.search("ФБК")[0]
    assert fbk.entry.entry_id == "3" and fbk.definite  # one entry: definite


@pytest.mark.parametrize("row", [
    {"alias": "X", "name": "Y"},  # no source
    {"alias": "", "name": "Y", "source": "https://example.org/"},
    "just text",
])
def test_a_malformed_line_is_refused_with_its_number(row: object) -> None:
    with pytest.raises(ValueError, match="line 2"):
        al.parse_lines([{"alias": "A", "name": "B", "source": "https://example.org/"}, row])
