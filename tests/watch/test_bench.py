"""The alert benchmark runs and reports its figures (small sizes; the real run is by hand)."""

from __future__ import annotations

import re

from bot.measure import alerts_bench as bench
from bot.measure import delivery_bench
from tests.auxil.registries import SHARED_REGISTRIES


async def test_bench_reports_matching_and_refresh_figures() -> None:
    report = await bench.run(SHARED_REGISTRIES, changes=60, watches=400)
    assert re.search(r"matching: [\d.]+ s, \d+ matches \(\d+ definite\)", report)
    assert re.search(r"refresh path .*: [\d.]+ s for diff, matching, 60 events", report)


async def test_delivery_bench_stays_within_telegrams_limits() -> None:
    report = await delivery_bench.run(40)
    assert re.search(r"40 alerts to 40 chats in [\d.]+ s = [\d.]+ messages/s, "
                     r"0 flood-control 429s", report), report
