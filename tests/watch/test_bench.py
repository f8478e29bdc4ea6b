"""The alert benchmark runs and reports its figures (small sizes; the real run is by hand)."""

from __future__ import annotations

import json
import re

import pytest

from bot.cli import main
from bot.measure import alerts_bench as bench
from bot.measure import delivery_bench
from tests.auxil.registries import SHARED_REGISTRIES


async def test_bench_reports_index_matching_and_refresh_figures() -> None:
    figures = await bench.measure(SHARED_REGISTRIES, changes=60, watches=400)
    assert figures["changes"] == 60 and figures["watches"] == 400
    assert 0 < figures["names_checked"] < figures["distinct_names"] <= 400
    assert figures["matches"] >= figures["definite_matches"] > 0
    assert figures["index_mb"] > 0 and figures["peak_rss_mb"] > 0
    path = figures["refresh_path"]
    assert path["events"] == 60 and path["next_events"] == 10 and path["queued"] > 0
    report = bench.report(figures)
    assert re.search(r"watch index: built in [\d.]+ s \([\d.]+ s CPU\), holds \d+ MB", report)
    assert re.search(r"matching: [\d.]+ s .*, \d+ names checked, \d+ matches \(\d+ definite\)",
                     report)
    assert re.search(r"refresh path .*: [\d.]+ s for diff, .* 60 events", report)


async def test_delivery_bench_stays_within_telegrams_limits() -> None:
    report = await delivery_bench.run(40)
    assert re.search(r"40 alerts to 40 chats in [\d.]+ s = [\d.]+ messages/s, "
                     r"0 flood-control 429s", report), report


def test_alerts_bench_json_prints_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["alerts", "bench", "--registries", str(SHARED_REGISTRIES), "--changes", "30",
                 "--watches", "200", "--messages", "3", "--no-refresh-path", "--json"])
    out = capsys.readouterr().out
    assert code == 0 and len(out.strip().splitlines()) == 1
    figures = json.loads(out)
    assert figures["changes"] == 30 and figures["watches"] == 200
    assert figures["matching_s"] >= 0 and figures["index_build_s"] > 0
    assert "refresh_path" not in figures
    assert figures["delivery"]["sent"] == 3 and figures["delivery"]["flood_429s"] == 0
