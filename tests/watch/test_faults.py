"""A source that fails in every way seen in practice: no events, the last good snapshot kept,
and the reason visible in `alerts status`. Over HTTP against the local portal emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.listings.service import ListingService
from bot.measure.portal_emulator import EmulatedRegistry, Emulator
from bot.storage.database import Database
from bot.watch import outbox as ob
from bot.watch.refresh import RefreshService
from bot.watch.status import alerts_status
from bot.watch.users import WatchService
from tests.auxil.registries import SHARED_REGISTRIES, settings_in

OLD = SHARED_REGISTRIES / "foreign_agents" / "2024-09-13.json"
NEW = SHARED_REGISTRIES / "foreign_agents" / "2024-10-01.json"


def half_rows(emu: Emulator) -> None:
    rows = json.loads(NEW.read_text(encoding="utf-8"))
    emu.load("foreign_agents", rows[: len(rows) // 2])


FAULTS: dict[str, tuple[Callable[[EmulatedRegistry], None] | None,
                        Callable[[Emulator], None] | None, str]] = {
    "http_500": (lambda r: setattr(r, "fail_times", 100) or setattr(r, "fail_status", 500),
                 None, "HTTP 500"),
    "timeout": (lambda r: setattr(r, "delay_s", 1.5), None, "timed out"),
    "truncated_json": (lambda r: setattr(r, "truncate", True), None, "fetch failed"),
    "short_page": (lambda r: setattr(r, "short_read", True), None, "short read"),
    "renamed_columns": (lambda r: setattr(r, "renamed_columns", True), None, "schema"),
    "half_the_rows": (None, half_rows, "entry count dropped"),
}


@pytest.mark.parametrize("fault", list(FAULTS))
async def test_a_broken_source_changes_nothing(fault: str, db: Database, tmp_path: Path) -> None:
    emu = Emulator()
    emu.load_file("foreign_agents", OLD)
    with emu.running() as url:
        listings = ListingService(settings_in(tmp_path, registry_portal_url=url), backoff=0,
                                  retries=2, timeout=0.5)
        refresh = RefreshService(db, listings)
        await refresh.refresh(("foreign_agents",))
        await WatchService(db).watch("telegram", "1", "1", "Эткинд Александр", "ru")

        emu.load_file("foreign_agents", NEW)
        knob, loader, reason = FAULTS[fault]
        if loader is not None:
            loader(emu)
        if knob is not None:
            knob(emu.get("foreign_agents"))
        ((report, processed),) = await refresh.refresh(("foreign_agents",))
        assert report.outcome in ("failed", "rejected")
        assert processed.outcome == "up_to_date"
        assert await ob.claim(db, ["telegram"]) == []
        assert listings.store.latest("foreign_agents").as_of.isoformat() == "2024-09-13"
        assert listings.check("Эткинд Александр Маркович").matches == ()
        status = await alerts_status(db, listings)
        (fa,) = [r for r in status["registries"] if r["registry"] == "foreign_agents"]
        assert fa["last_outcome"] == report.outcome
        assert reason.lower() in json.dumps(fa["last_rejection"], ensure_ascii=False).lower()

        # The source recovers: the next refresh brings the change and its one alert.
        emu.load_file("foreign_agents", NEW)
        ((report, processed),) = await refresh.refresh(("foreign_agents",))
        assert report.outcome == "stored" and processed.outcome == "events"
        assert len(await ob.claim(db, ["telegram"])) == 1
