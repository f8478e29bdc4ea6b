"""End to end over HTTP on loopback: the emulated portal, the fetcher, the store, a check."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from bot.listings.portal import REGISTRY_IDS
from bot.listings.service import ListingService
from bot.measure.portal_emulator import Emulator
from tests.auxil.registries import FA_2024_10_01, UND_2024_09_05, settings_in


def _emulator() -> Emulator:
    emu = Emulator()
    emu.load_file("foreign_agents", FA_2024_10_01)
    emu.load_file("undesirable", UND_2024_09_05)
    return emu


def test_emulator_caps_pages_and_serves_info() -> None:
    emu = _emulator()
    with emu.running() as url:
        rid = REGISTRY_IDS["foreign_agents"]
        info = httpx.get(f"{url}/rest/registry/{rid}/info").json()
        assert {"name", "title", "hidden"} <= set(info["columns"][0])
        page = httpx.post(f"{url}/rest/registry/{rid}/values",
                          json={"offset": 0, "limit": 5000}).json()
        assert len(page["values"]) == 866 and page["size"] == 866
        export = httpx.get(f"{url}/rest/registry/{rid}/export").content
        assert export[:2] == b"PK"


TWO = ("foreign_agents", "undesirable")  # the lists the emulator serves


def test_update_then_check_end_to_end(tmp_path: Path) -> None:
    emu = _emulator()
    with emu.running() as url:
        service = ListingService(settings_in(tmp_path, registry_portal_url=url), backoff=0,
                                 bundle_path=None)
        assert service.check("Дудь Юрий").status == "no_data"
        reports = service.update(TWO)
        assert [r.outcome for r in reports] == ["stored", "stored"]
        result = service.check("Дудь Юрий")
        assert result.status == "listed"
        assert result.data[0].origin == "portal"
        assert result.data[0].as_of.isoformat() == "2024-10-01"
        # Nothing changed on the portal: the second run downloads nothing.
        assert [r.outcome for r in service.update(TWO)] == ["not_modified", "not_modified"]
        # The portal starts serving a broken registry: refused, the last good one stays.
        emu.load("foreign_agents", json.loads(FA_2024_10_01.read_text())[:300])
        report = service.update(("foreign_agents",))[0]
        assert report.outcome == "rejected" and "dropped" in report.detail
        assert service.check("Дудь Юрий").status == "listed"
        emu.get("undesirable").short_read = True
        emu.get("undesirable").last_modified += 1
        assert service.update(("undesirable",))[0].outcome == "failed"
        status = {s["registry"]: s for s in service.status()}
        assert "short read" in status["undesirable"]["rejections"][-1]["reasons"][0]
        assert status["foreign_agents"]["current"]["count"] == 866


def test_exported_xlsx_imports_like_the_api(tmp_path: Path) -> None:
    emu = _emulator()
    with emu.running() as url:
        rid = REGISTRY_IDS["undesirable"]
        data = httpx.get(f"{url}/rest/registry/{rid}/export").content
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    service = ListingService(settings_in(tmp_path / "data"))
    outcome = service.import_file(path, "undesirable")
    assert outcome.accepted and outcome.current.count == 188
