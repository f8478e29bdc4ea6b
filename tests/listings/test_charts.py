"""Charts: a real PNG per data version and language, drawn once and then read from disk."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from bot.listings.charts import ChartCache, draw_chart
from bot.listings.stats import registry_stats
from tests.auxil.registries import MIRROR_2026_FILES, mirror_2026_snapshot

pytestmark = pytest.mark.skipif(not MIRROR_2026_FILES["foreign_agents"].exists(),
                                reason="shared snapshots absent")


def _image(png: bytes) -> Image.Image:
    """Return the decoded picture (fully loaded, so a truncated PNG fails here)."""
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_chart_is_a_png_with_one_panel_per_dated_list() -> None:
    """Foreign agents and undesirable organisations get a panel each; the undated extremist
    list gets a footnote instead, so the picture only grows by a line."""
    fa, und, ext = (registry_stats(mirror_2026_snapshot(r))
                    for r in ("foreign_agents", "undesirable", "extremist"))
    one = _image(draw_chart([fa], "ru"))
    assert one.format == "PNG" and one.width == 1100 and 300 < one.height < 500
    both = _image(draw_chart([fa, und, ext], "en"))
    assert both.width == 1100 and both.height > 1.8 * one.height
    assert both.height < 2.3 * one.height  # no empty panel for the undated list
    nothing = _image(draw_chart([ext], "en"))  # no dates at all: says so instead of axes
    assert nothing.format == "PNG"


def test_charts_are_drawn_once_per_data_version_and_language(tmp_path: Path) -> None:
    """The same data and language come from the cache (byte for byte); another language or
    another data version is drawn anew; the cache survives a new process."""
    fa = registry_stats(mirror_2026_snapshot("foreign_agents"))
    cache = ChartCache(tmp_path / "charts")
    first = cache.chart([fa], "ru")
    assert cache.chart([fa], "ru") == first and cache.drawn == 1
    assert cache.chart([fa], "en") != first and cache.drawn == 2
    newer = replace(fa, content_hash="0" * 64)
    cache.chart([newer], "ru")
    assert cache.drawn == 3 and len(list((tmp_path / "charts").glob("*.png"))) == 3
    again = ChartCache(tmp_path / "charts")
    assert again.chart([fa], "ru") == first and again.drawn == 0
