"""The evaluation's bookkeeping: choosing snapshots per as_of and judging items."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.listings import evaluate as ev
from bot.listings.index import Hit
from bot.listings.status import DataInfo, build_result
from tests.auxil.registries import SHARED_REGISTRIES, entry

DATA = [DataInfo("foreign_agents", "mirror", date(2024, 10, 1), datetime(2024, 10, 1, tzinfo=UTC))]


def test_picks_newest_file_on_or_before_as_of() -> None:
    files = ev.pick_snapshot_files(SHARED_REGISTRIES, "2024-10-01")
    assert files is not None
    assert files["foreign_agents"].stem == "2024-10-01"
    assert files["undesirable"].stem == "2024-09-05"
    assert ev.pick_snapshot_files(SHARED_REGISTRIES, "2026-07") is None  # no data that late


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
