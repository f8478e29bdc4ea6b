"""The evaluation's bookkeeping: choosing snapshots per as_of and judging items."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from bot.listings.index import Hit
from bot.listings.status import DataInfo, build_result
from bot.measure import registry_eval as ev
from tests.auxil.registries import SHARED_REGISTRIES, entry

DATA = [DataInfo("foreign_agents", "mirror", date(2024, 10, 1), datetime(2024, 10, 1, tzinfo=UTC))]


def test_picks_newest_file_on_or_before_as_of() -> None:
    files = ev.pick_snapshot_files(SHARED_REGISTRIES, "2024-10-01")
    assert files is not None
    assert files["foreign_agents"].stem == "2024-10-01"
    assert files["undesirable"].stem == "2024-09-05"
    assert ev.pick_snapshot_files(SHARED_REGISTRIES, "2031-01") is None  # no data that late


def test_the_mirror_copy_stands_for_its_month_and_two_months_before() -> None:
    for as_of in ("2026-09", "2026-07"):
        files = ev.pick_snapshot_files(SHARED_REGISTRIES, as_of)
        assert files is not None
        assert files["foreign_agents"].name == "minjust_foreign_agents.json"
        assert ev.snapshot_date(files["foreign_agents"]) == date(2026, 9, 19)


def _mirror(tmp_path: Path, entries: list[dict[str, object]]) -> Path:
    (tmp_path / "mirror" / "data").mkdir(parents=True)
    (tmp_path / "mirror" / "index.json").write_text("{}")
    path = tmp_path / "mirror" / "data" / "minjust_undesirable_orgs.json"
    path.write_text(json.dumps({"fetched_at": "2026-09-19T01:17:06+00:00", "entries": entries},
                               ensure_ascii=False))
    return path


def test_mirror_reader_keeps_its_aliases_but_not_fragments_of_the_name(tmp_path: Path) -> None:
    path = _mirror(tmp_path, [{
        "id": "row-1", "kind": "org", "excluded_at": None, "included_at": "28.07.2015",
        "name": "«Национальный фонд в поддержку демократии» (The National Endowment for "
                "Democracy)", "inn": None, "ogrn": None, "decision": "",
        "aliases": ["Национальный фонд в поддержку демократии", "The National Endowment",
                    "NED"]}])
    [e] = ev.read_snapshot_entries("undesirable", path)
    assert e.kind == "organisation" and e.included_on == date(2015, 7, 28) and e.listed
    assert "NED" in e.aliases  # the mirror's own alias reaches the index
    assert "The National Endowment for Democracy" in e.aliases
    assert "The National Endowment" not in e.aliases  # cut off before "for Democracy"
    assert ev.snapshot_date(path) == date(2026, 9, 19)


def test_items_on_a_list_without_data_are_skipped_not_failed(tmp_path: Path) -> None:
    _mirror(tmp_path, [{"id": "1", "kind": "org", "name": "Radio Echo GmbH", "aliases": [],
                        "included_at": "01.01.2026", "excluded_at": None}])
    items = [
        {"query": "Radio Echo", "variant": "v", "as_of": "2026-09",
         "expect": [{"registry": "undesirable", "name_contains": "Radio Echo"}]},
        {"query": "Аль-Каида", "variant": "v", "as_of": "2026-09",
         "expect": [{"registry": "terrorist", "name_contains": "Аль-Каида"}]},
    ]
    from bot.measure.registry_bench import checker_for_files

    scores, skipped = ev.evaluate(items, tmp_path, checker_for_files)
    assert (scores["ALL"].found, scores["ALL"].positives) == (1, 1)
    assert skipped == {"as_of '2026-09': no data for terrorist": 1}


def test_judging_positives_and_negatives() -> None:
    score = ev.VariantScore()
    hit = Hit(entry("1", "Дудь Юрий Александрович"), "x", "exact", 1.0, True)
    item = {"query": "Дудь", "expect": [{"registry": "foreign_agents",
                                         "name_contains": "Дудь Юрий", "listed": True}]}
    ev.judge(item, build_result("Дудь", [hit], DATA), score)
    ev.judge({"query": "Иван", "expect": []}, build_result("Иван", [hit], DATA), score)
    possible = Hit(hit.entry, "x", "fuzzy", 0.7, False)
    ev.judge({"query": "Иван", "expect": []}, build_result("Иван", [possible], DATA), score)
    assert (score.found, score.positives) == (1, 1)
    assert (score.false_positives, score.possible, score.negatives) == (1, 1, 2)
