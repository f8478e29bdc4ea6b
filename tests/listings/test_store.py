"""Snapshot storage: atomic, the last good snapshot survives, rejections are recorded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.listings.store import SnapshotStore, validate_and_store
from tests.auxil.registries import entry, snapshot


def _snap(n: int, as_of: date) -> object:
    return snapshot([entry(str(i), f"Имя{i} Фамилия") for i in range(n)], as_of=as_of)


def test_store_keeps_latest_and_previous(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    assert store.latest("foreign_agents") is None
    first = validate_and_store(store, _snap(10, date(2024, 1, 1)))
    second = validate_and_store(store, _snap(11, date(2024, 2, 1)))
    assert first.accepted and second.accepted
    assert second.previous is not None and second.previous.count == 10
    fresh = SnapshotStore(tmp_path)  # another process sees the same
    assert fresh.latest("foreign_agents").count == 11
    assert fresh.previous("foreign_agents").count == 10


def test_rejected_snapshot_leaves_last_good_and_is_logged(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    validate_and_store(store, _snap(100, date(2024, 1, 1)))
    v = store.version()
    out = validate_and_store(store, _snap(50, date(2024, 2, 1)))
    assert not out.accepted and "dropped" in out.reasons[0]
    assert store.latest("foreign_agents").count == 100
    assert store.version() == v
    rej = store.rejections("foreign_agents")
    assert rej[-1]["count"] == 50 and "dropped" in rej[-1]["reasons"][0]


def test_identical_content_is_marked_unchanged(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    validate_and_store(store, _snap(5, date(2024, 5, 2)))
    out = validate_and_store(store, _snap(5, date(2024, 5, 3)))
    assert out.accepted and out.unchanged
    assert store.latest("foreign_agents").as_of == date(2024, 5, 3)


def test_corrupt_pointer_or_file_does_not_crash(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    validate_and_store(store, _snap(5, date(2024, 5, 2)))
    for f in (tmp_path / "foreign_agents" / "snapshots").iterdir():
        f.write_text("{broken")
    assert SnapshotStore(tmp_path).latest("foreign_agents") is None
    (tmp_path / "foreign_agents" / "current.json").write_text("nope")
    assert SnapshotStore(tmp_path).latest("foreign_agents") is None


def test_the_same_data_again_adds_no_file(tmp_path: Path) -> None:
    """An hourly refresh from a mirror that has not moved must not grow the directory."""
    store = SnapshotStore(tmp_path)
    validate_and_store(store, _snap(10, date(2024, 1, 1)))
    again = validate_and_store(store, _snap(10, date(2024, 1, 1)))
    assert again.accepted and again.unchanged
    files = list((tmp_path / "foreign_agents" / "snapshots").glob("*.json"))
    assert len(files) == 1
    # The same content for a newer date is kept: "not found as of" moves forward.
    newer = validate_and_store(store, _snap(10, date(2024, 1, 8)))
    assert newer.unchanged and store.latest("foreign_agents").as_of == date(2024, 1, 8)
    assert len(list((tmp_path / "foreign_agents" / "snapshots").glob("*.json"))) == 2
