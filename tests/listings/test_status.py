"""Overall status rules and the CLI JSON contract of a check result."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.listings.index import Hit
from bot.listings.status import DataInfo, build_result
from tests.auxil.registries import entry

DATA = [DataInfo("foreign_agents", "mirror", date(2024, 10, 1), datetime(2024, 10, 2, tzinfo=UTC)),
        DataInfo("undesirable", "official", date(2024, 9, 5), datetime(2024, 10, 2, tzinfo=UTC))]


def test_definite_listed_beats_excluded() -> None:
    listed = Hit(entry("1", "А Б В"), "А Б В", "exact", 1.0, True)
    excluded = Hit(entry("2", "А Б В", excluded=date(2020, 1, 1)), "А Б В", "exact", 1.0, True)
    assert build_result("q", [excluded, listed], DATA).status == "listed"
    assert build_result("q", [excluded], DATA).status == "excluded"


def test_possible_not_found_and_no_data() -> None:
    fuzzy = Hit(entry("1", "А Б В"), "А Б В", "fuzzy", 0.8, False)
    assert build_result("q", [fuzzy], DATA).status == "possible"
    assert build_result("q", [], DATA).status == "not_found"
    assert build_result("q", [], []).status == "no_data"
    # One registry missing: "not found" would claim something about it.
    assert build_result("q", [], DATA[:1], missing=("undesirable",)).status == "no_data"


def test_json_contract_has_exactly_the_documented_keys() -> None:
    hit = Hit(entry("7", "Имя Фамилия", excluded=date(2021, 5, 6)), "Имя Фамилия", "alias",
              0.98, True)
    out = build_result("Имя", [hit], DATA).to_json()
    assert set(out) == {"query", "status", "data", "matches"}
    assert out["data"][0] == {"registry": "foreign_agents", "origin": "mirror",
                              "as_of": "2024-10-01", "fetched_at": "2024-10-02T00:00:00+00:00"}
    assert out["matches"] == [{
        "registry": "foreign_agents", "entry_id": "7", "name": "Имя Фамилия", "match": "alias",
        "score": 0.98, "listed": False, "included_on": "2023-01-01",
        "excluded_on": "2021-05-06"}]
