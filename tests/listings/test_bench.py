"""The benchmark's synthetic growth keeps realistic names and runs end to end when small."""

from __future__ import annotations

from pathlib import Path

from bot.measure import registry_bench as bench
from tests.auxil.registries import SHARED_REGISTRIES


def test_grow_and_small_run() -> None:
    entries, _ = bench.load_entries(bench.latest_files(SHARED_REGISTRIES))
    grown = bench.grow(entries, len(entries) + 500)
    assert len(grown) == len(entries) + 500
    assert len({(e.registry, e.entry_id) for e in grown}) == len(grown)
    figures = bench.measure(SHARED_REGISTRIES, grown_size=3000, n_queries=30, processes=False)
    for label in ("real", "four_lists", "grown"):
        m = figures[label]
        assert m["p50_ms"] <= m["p99_ms"]
        assert m["naive_mean_ms"] > 0 and m["speedup_mean"] > 1
        assert 0 < m["p50_cpu_ms"] <= m["p99_cpu_ms"] and m["speedup_mean_cpu"] > 1
        assert 0 < m["cache_load_s"] < m["build_s"]
    assert figures["grown"]["entries"] == 3000
    assert figures["four_lists"]["entries"] > figures["real"]["entries"]  # all four lists
    table = bench.format_table(figures)
    assert "real" in table and "grown" in table and "naive" in table


def test_a_check_process_reads_grown_data_and_its_index_from_the_cache(tmp_path: Path) -> None:
    entries, _ = bench.load_entries(bench.latest_files(SHARED_REGISTRIES))
    bench.store_grown(tmp_path / "data", bench.grow(entries, len(entries) + 200))
    figures = bench.startup(tmp_path / "data", tmp_path / "cache", runs=1)
    assert figures["peak_mb"] > 0
    assert list((tmp_path / "cache").glob("names-*.pickle"))
