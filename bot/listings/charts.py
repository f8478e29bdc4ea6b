"""Registry charts: additions per month as bars, the running total as a line, one panel per list.

Drawn with matplotlib's Agg backend through its object-oriented API (no pyplot, no display, no
global state, so drawing in a worker thread is safe). A chart depends only on the snapshots'
content, the language and the months shown, so it is drawn once per data version and kept as a
PNG under `<data_dir>/cache/charts/`; asking again costs a file read.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from babel.dates import format_date

from bot.i18n import Translator
from bot.listings.model import REGISTRIES
from bot.listings.stats import RegistryStats, registry_stats
from bot.listings.store import SnapshotStore, atomic_write

log = logging.getLogger(__name__)

# Part of every cache key: change it when the drawing changes, so old charts are redrawn.
CHART_VERSION = "1"
CACHE_KEEP = 64  # charts kept on disk (4 lists x 2 languages x a few data versions)
WIDTH_IN, PANEL_IN, DPI = 10.0, 3.0, 110
BAR_COLOUR, LINE_COLOUR = "#4C72B0", "#C44E52"


def human_date(day: date, lang: str) -> str:
    """Return a date written out in the language ("19 сентября 2026", "19 September 2026").

    Babel supplies the month's name in the right grammatical case; no trailing "г.", so a
    sentence may end with the date.
    """
    return format_date(day, format="d MMMM y", locale=lang)


def draw_chart(stats: Sequence[RegistryStats], lang: str) -> bytes:
    """Return a PNG of one panel per registry: monthly additions as bars, listed total as a line.

    Titles, axes, legend and notes are in `lang`; each panel names its data's date in its
    top-right corner. Registries without any dated entry get a line in the footnote instead of
    an empty panel; with none at all the chart says so.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    t = Translator(lang)
    drawn = [s for s in stats if s.per_month and s.total > s.undated]
    notes = [_note(s, t) for s in stats if s.undated or not s.exclusions_known]
    panels = max(1, len(drawn))
    figure = Figure(figsize=(WIDTH_IN, PANEL_IN * panels + 0.9 + 0.2 * len(notes)), dpi=DPI)
    FigureCanvasAgg(figure)
    axes_list = figure.subplots(panels, 1, squeeze=False)[:, 0]
    figure.suptitle(t("stats.chart.title"), fontsize=14, fontweight="bold")
    if not drawn:
        axes_list[0].axis("off")
        axes_list[0].text(0.5, 0.5, t("stats.chart.no_dates"), ha="center", va="center",
                          fontsize=12, transform=axes_list[0].transAxes)
    for axes, s in zip(axes_list, drawn, strict=False):
        months = [date(int(k[:4]), int(k[5:]), 1) for k in s.per_month]
        added = [c.added for c in s.per_month.values()]
        axes.bar(months, added, width=25, align="edge", color=BAR_COLOUR,
                 label=t("stats.chart.added"))
        axes.set_ylabel(t("stats.chart.added_axis"), color=BAR_COLOUR)
        axes.set_title(t(f"registry.{s.registry}"), loc="left", fontsize=12)
        locator = AutoDateLocator(minticks=4, maxticks=12)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axes.grid(axis="y", alpha=0.3)
        line_axes = axes.twinx()
        line_axes.plot([date(m.year, m.month, 28) for m in months], s.running_total(),
                       color=LINE_COLOUR, linewidth=2, label=t("stats.chart.total"))
        line_axes.set_ylabel(t("stats.chart.total_axis"), color=LINE_COLOUR)
        line_axes.set_ylim(bottom=0)
        handles = [*axes.get_legend_handles_labels()[0],
                   *line_axes.get_legend_handles_labels()[0]]
        axes.legend(handles=handles, loc="upper left", fontsize=9, framealpha=0.9)
        axes.text(1.0, 1.02, t("stats.chart.as_of", date=human_date(s.as_of, lang)),
                  transform=axes.transAxes, ha="right", va="bottom", fontsize=9, color="#555")
    bottom = 0.02
    for note in reversed(notes):  # stacked upwards from the bottom edge
        figure.text(0.01, bottom, note, fontsize=8.5, color="#555")
        bottom += 0.2 / figure.get_figheight()
    figure.tight_layout(rect=(0, bottom + 0.01, 1, 0.97))
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _note(s: RegistryStats, t: Translator) -> str:
    """Return the footnote line saying what the chart leaves out of a registry."""
    registry = t(f"registry.{s.registry}")
    if s.undated:
        return t.plural("stats.chart.undated", "stats.chart.undated_plural", s.undated,
                        registry=registry, total=s.total)
    return t("stats.chart.exclusions_unknown", registry=registry)


def chart_key(stats: Sequence[RegistryStats], lang: str) -> str:
    """Return the cache key of a chart: its data versions (content hashes and dates), the
    months shown, the language and the drawing's version."""
    parts = [CHART_VERSION, lang, *[
        [s.registry, s.content_hash, s.as_of.isoformat(), s.origin, s.since] for s in stats
    ]]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:40]


class ChartCache:
    """PNG charts on disk, one file per data version, language and selection."""

    def __init__(self, directory: Path) -> None:
        """Keep charts in `directory` (normally `<data_dir>/cache/charts`), made on first use."""
        self.directory = Path(directory)
        self._lock = threading.Lock()  # one drawing at a time: they are CPU-bound anyway
        self.drawn = 0  # charts drawn by this process (the rest came from disk)

    def chart(self, stats: Sequence[RegistryStats], lang: str) -> bytes:
        """Return the chart for these figures, drawing and storing it only when new."""
        path = self.directory / f"{chart_key(stats, lang)}.png"
        with self._lock:
            try:
                return path.read_bytes()
            except FileNotFoundError:
                pass
            png = draw_chart(stats, lang)
            self.drawn += 1
            try:
                atomic_write(path, png)
                self._prune()
            except OSError as exc:  # a full disk costs a redraw next time, not the answer
                log.warning("could not keep a chart in %s: %s", self.directory, exc)
            return png

    def _prune(self) -> None:
        """Delete the oldest charts beyond CACHE_KEEP (older data versions)."""
        files = sorted(self.directory.glob("*.png"), key=lambda p: p.stat().st_mtime)
        for old in files[:-CACHE_KEEP]:
            old.unlink(missing_ok=True)


class RegistryStatistics:
    """Figures and charts of the stored registries: what `/stats` and the CLI ask."""

    def __init__(self, store: SnapshotStore, cache_dir: Path) -> None:
        """Read the latest good snapshots from `store`; keep charts under `cache_dir`."""
        self.store = store
        self.cache = ChartCache(cache_dir)

    def stats(self, registries: Sequence[str] = REGISTRIES,
              since: date | None = None) -> list[RegistryStats]:
        """Return the figures of each registry that has data, in the order asked."""
        snapshots = [self.store.latest(r) for r in registries]
        return [registry_stats(s, since) for s in snapshots if s is not None]

    def chart(self, stats: Sequence[RegistryStats], lang: str) -> bytes:
        """Return the PNG chart of these figures (from the cache when already drawn)."""
        return self.cache.chart(stats, lang)
