"""Snapshot files of an older version move into the database when the store first opens:
nothing lost, nothing twice, a broken file named and skipped, newer shared data kept."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.listings.model import Snapshot
from bot.listings.service import ListingService
from bot.listings.store import SnapshotStore, snapshot_name, validate_and_store
from tests.auxil.registries import WIDE_WINDOWS, settings_in, shared_snapshot


def write_old_layout(root: Path, snaps: list[Snapshot], *, state: dict | None = None,
                     rejected: list[dict] | None = None) -> list[str]:
    """Write snapshots as the file store did (`<registry>/snapshots/<name>`, current.json
    naming the last two, state.json, rejected.jsonl); return the names, oldest first."""
    names = []
    for snap in snaps:
        folder = root / snap.registry
        name = snapshot_name(snap)
        (folder / "snapshots").mkdir(parents=True, exist_ok=True)
        (folder / "snapshots" / name).write_text(json.dumps(snap.to_dict(), ensure_ascii=False),
                                                 "utf-8")
        previous = names[-1] if names else None
        (folder / "current.json").write_text(json.dumps(
            {"latest": name, "previous": previous, "meta": snap.meta()}), "utf-8")
        names.append(name)
    folder = root / snaps[0].registry
    if state is not None:
        (folder / "state.json").write_text(json.dumps(state), "utf-8")
    if rejected is not None:
        (folder / "rejected.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rejected), "utf-8")
    return names


OLD_REJECTION = {"at": "2024-10-02T10:00:00+00:00", "registry": "foreign_agents",
                 "origin": "portal", "source": "https://portal.example/", "count": None,
                 "reasons": ["fetch failed: timed out"]}


def test_old_files_are_imported_once_and_checks_answer_from_them(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    days = ["2024-09-05", "2024-09-13", "2024-10-01"]
    snaps = [shared_snapshot("foreign_agents", d) for d in days]
    names = write_old_layout(tmp_path / "registries", snaps,
                             state={"last_modified": "Tue, 01 Oct 2024",
                                    "last_fetch_failed": False},
                             rejected=[OLD_REJECTION, {"broken": True}])
    broken = tmp_path / "registries" / "foreign_agents" / "snapshots" / "2024-08-01_x.json"
    broken.write_text("{not json", "utf-8")
    with caplog.at_level(logging.WARNING):
        service = ListingService(settings_in(tmp_path, freshness_days=WIDE_WINDOWS))
        result = service.check("Эткинд Александр Маркович")
    assert result.status == "listed"
    fa = next(d for d in result.data if d.registry == "foreign_agents")
    assert fa.as_of == date(2024, 10, 1) and fa.origin == "mirror"
    store = service.store
    assert store.names("foreign_agents") == set(names)  # every snapshot, history included
    assert store.previous("foreign_agents").as_of == date(2024, 9, 13)
    assert store.state("foreign_agents")["last_modified"] == "Tue, 01 Oct 2024"
    # The broken file is named, recorded once, and the rest was imported anyway.
    assert "2024-08-01_x.json" in caplog.text
    rejections = store.rejections("foreign_agents", limit=None)
    assert [r["reasons"][0][:30] for r in rejections] == [
        "fetch failed: timed out", "unreadable stored snapshot fil"]
    assert rejections[1]["source"] == "foreign_agents/snapshots/2024-08-01_x.json"
    status = {s["registry"]: s for s in service.status()}["foreign_agents"]
    assert status["current"]["as_of"] == "2024-10-01" and status["current"]["stored_by"]
    # Opening again (the next start, another command) imports nothing twice, warns no more.
    caplog.clear()
    version = store.version()
    with caplog.at_level(logging.WARNING):
        again = SnapshotStore.for_settings(settings_in(tmp_path))
        assert again.latest("foreign_agents").as_of == date(2024, 10, 1)
    assert caplog.text == ""
    assert again.version() == version
    assert len(again.rejections("foreign_agents", limit=None)) == 2
    assert all(p.exists() for p in (tmp_path / "registries").rglob("*.json"))  # nothing lost


def test_a_shared_database_keeps_its_newer_data(tmp_path: Path) -> None:
    """A second instance moved onto a database that already has newer data adds its files
    as history but does not turn the list back to its older snapshot."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    shared = SnapshotStore(url)
    validate_and_store(shared, shared_snapshot("foreign_agents", "2024-10-01"))
    old = tmp_path / "b" / "registries"
    names = write_old_layout(old, [shared_snapshot("foreign_agents", "2024-09-13")])
    moved = SnapshotStore(url, legacy_root=old)
    assert moved.latest("foreign_agents").as_of == date(2024, 10, 1)
    assert names[0] in moved.names("foreign_agents")
    # And one with newer files than the database moves the list forward.
    newer = shared_snapshot("foreign_agents", "2024-10-01")
    newer = Snapshot(**{**newer.__dict__, "as_of": date(2024, 10, 8),
                        "fetched_at": datetime(2024, 10, 8)})
    third = tmp_path / "c" / "registries"
    write_old_layout(third, [newer])
    store = SnapshotStore(url, legacy_root=third)
    assert store.latest("foreign_agents").as_of == date(2024, 10, 8)
    assert store.previous("foreign_agents").as_of == date(2024, 10, 1)


def test_a_damaged_pointer_takes_the_newest_file(tmp_path: Path) -> None:
    root = tmp_path / "registries"
    write_old_layout(root, [shared_snapshot("undesirable", "2024-07-19"),
                            shared_snapshot("undesirable", "2024-08-09")])
    (root / "undesirable" / "current.json").write_text("nope", "utf-8")
    store = SnapshotStore.for_settings(settings_in(tmp_path))
    assert store.latest("undesirable").as_of == date(2024, 8, 9)
