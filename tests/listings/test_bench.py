"""The benchmark's synthetic growth keeps realistic names and runs end to end when small."""

from __future__ import annotations

from bot.measure import registry_bench as bench
from tests.auxil.registries import SHARED_REGISTRIES


def test_grow_and_small_run() -> None:
    entries, _ = bench.load_entries(bench.latest_files(SHARED_REGISTRIES))
    grown = bench.grow(entries, len(entries) + 500)
    assert len(grown) == len(entries) + 500
    assert len({(e.registry, e.entry_id) for e in grown}) == len(grown)
    table = bench.run(SHARED_REGISTRIES, grown_size=3000, n_queries=30)
    assert "real" in table and "grown" in table and "naive" in table
