"""Entries and snapshots round-trip through their stored form; the hash ignores metadata."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.listings.model import Snapshot
from tests.auxil.registries import entry, snapshot


def test_snapshot_round_trip_and_hash() -> None:
    snap = snapshot([entry("1", "Иванов Иван", aliases=("Ваня",), excluded=date(2024, 1, 2))])
    back = Snapshot.from_dict(snap.to_dict())
    assert back == snap
    other = snapshot(list(snap.entries), as_of=date(2025, 1, 1), origin="mirror")
    assert other.content_hash == snap.content_hash
    assert not back.entries[0].listed and back.count == 1


def test_exclusions_known_round_trips_and_old_snapshots_default_to_known() -> None:
    snap = snapshot([entry("1", "Иванов Иван")])
    unknown = replace(snap, exclusions_known=False)
    assert unknown.meta()["exclusions_known"] is False
    assert Snapshot.from_dict(unknown.to_dict()) == unknown
    stored = snap.to_dict()
    del stored["meta"]["exclusions_known"]  # written before the flag existed
    assert Snapshot.from_dict(stored).exclusions_known
    assert unknown.content_hash == snap.content_hash  # the flag is not content
