"""Overall status rules and the CLI JSON contract of a check result."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.listings.index import Hit
from bot.listings.status import DataInfo, build_result
from tests.auxil.registries import entry

TODAY = date.today()
DATA = [DataInfo("foreign_agents", "mirror", TODAY - timedelta(days=3),
                 datetime(2024, 10, 2, tzinfo=UTC), window_days=10),
        DataInfo("undesirable", "portal", TODAY - timedelta(days=20),
                 datetime(2024, 10, 2, tzinfo=UTC), window_days=30)]


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


def test_stale_or_failed_data_turns_not_found_into_unverified() -> None:
    old = DataInfo("foreign_agents", "mirror", TODAY - timedelta(days=11),
                   datetime(2024, 10, 2, tzinfo=UTC), window_days=10)
    assert build_result("q", [], [old, DATA[1]]).status == "unverified"
    failed = DataInfo("undesirable", "portal", TODAY, datetime(2024, 10, 2, tzinfo=UTC),
                      window_days=30, fetch_failed=True)
    result = build_result("q", [], [DATA[0], failed])
    assert result.status == "unverified" and result.untrusted == (failed,)
    # A match on stale data is still reported, with its date.
    listed = Hit(entry("1", "А Б В"), "А Б В", "exact", 1.0, True)
    assert build_result("q", [listed], [old]).status == "listed"


def test_one_organisation_on_several_lists_is_reported_most_severe_first() -> None:
    fa = Hit(entry("1", "Фонд борьбы с коррупцией", kind="organisation",
                   excluded=date(2021, 9, 8)), "Фонд борьбы с коррупцией", "exact", 1.0, True)
    ex = Hit(entry("e", "Фонд борьбы с коррупцией", registry="extremist", kind="organisation"),
             "Фонд борьбы с коррупцией", "alias", 0.9, True)
    te = Hit(entry("t", "Anti-Corruption Foundation, Inc", registry="terrorist",
                   kind="organisation"), "ФБК", "alias", 0.8, True)
    result = build_result("ФБК", [fa, ex, te], DATA)
    assert result.status == "listed"
    assert [m.registry for m in result.matches] == ["terrorist", "extremist", "foreign_agents"]


def test_json_contract_has_exactly_the_documented_keys() -> None:
    hit = Hit(entry("7", "Имя Фамилия", excluded=date(2021, 5, 6)), "Имя Фамилия", "alias",
              0.98, True)
    out = build_result("Имя", [hit], DATA).to_json()
    assert set(out) == {"query", "status", "data", "matches"}
    assert out["data"][0] == {"registry": "foreign_agents", "origin": "mirror",
                              "as_of": (TODAY - timedelta(days=3)).isoformat(),
                              "fetched_at": "2024-10-02T00:00:00+00:00", "stale": False,
                              "window_days": 10, "fetch_failed": False}
    assert out["matches"] == [{
        "registry": "foreign_agents", "entry_id": "7", "name": "Имя Фамилия", "match": "alias",
        "score": 0.98, "listed": False, "included_on": "2023-01-01",
        "excluded_on": "2021-05-06"}]
