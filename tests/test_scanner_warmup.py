"""`riskguide run` builds the text scanner in the background, so no /scan waits for it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.listings import scan as scan_module
from bot.listings.scan import Scanner
from bot.listings.service import ListingService
from bot.runner import warm_scanner_loop
from tests.auxil.registries import FA_2024_10_01, WIDE_WINDOWS, settings_in


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[Scanner]:
    """Record every scanner the service builds."""
    made: list[Scanner] = []

    class Counting(Scanner):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            made.append(self)

    monkeypatch.setattr(scan_module, "Scanner", Counting)  # the service imports it on use
    return made


async def _until(done: Callable[[], bool], seconds: float = 60.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the background build did not happen")


async def test_scanner_is_built_before_the_first_scan_and_again_for_new_data(
        tmp_path: Path, builds: list[Scanner]) -> None:
    listings = ListingService(settings_in(tmp_path, freshness_days=WIDE_WINDOWS))
    listings.import_file(FA_2024_10_01, "foreign_agents")
    stop = asyncio.Event()
    task = asyncio.create_task(warm_scanner_loop(listings, stop, every_s=0.05))
    try:
        await _until(lambda: len(builds) == 1)
        # The scans use the scanner built in the background: none builds another.
        first = await asyncio.to_thread(listings.scan, "Интервью Юрия Дудя вышло вчера.")
        await asyncio.to_thread(listings.scan, "Михаил Ходорковский")
        assert len(builds) == 1
        assert any(m.name.startswith("Дудь") for m in first.mentions)

        # New data (as a refresh or another process's import stores it): the next round
        # builds the scanner for it before anyone scans.
        older = FA_2024_10_01.parent / "2024-09-05.json"
        listings.import_file(older, "foreign_agents", as_of=date(2024, 10, 2), force=True)
        await _until(lambda: len(builds) == 2)
        await asyncio.to_thread(listings.scan, "Михаил Ходорковский")
        assert len(builds) == 2
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)
