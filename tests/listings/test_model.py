"""Entries and snapshots round-trip through their stored form; the hash ignores metadata."""

from __future__ import annotations

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
