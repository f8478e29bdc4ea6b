"""`/stats [list]`: how the registries grow, a chart and a short summary in the user's language."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.listings.charts import RegistryStatistics, human_date
from bot.listings.model import REGISTRIES
from bot.listings.stats import RegistryStats, busiest_weekday
from handlers.commands import CommandCall
from handlers.markup import bold, esc
from handlers.messages import Attachment, Reply
from handlers.registry_names import registry_named, word_for

if TYPE_CHECKING:
    from bot.listings.service import ListingService

RECENT_MONTHS = 12  # the summary's "over the last year" window, in months


def statistics_for(listings: ListingService) -> RegistryStatistics:
    """Return the statistics service over the listing service's stored snapshots.

    Charts are cached on disk next to the snapshots (`<data_dir>/cache/charts`), so building
    this per request costs nothing and a chart is drawn once per data version.
    """
    return RegistryStatistics(listings.store, listings.settings.data_dir / "cache" / "charts")


def parse_registries(args: str) -> tuple[str, ...] | None:
    """Return the registries named in the arguments (every one when none is named), or None
    when a word names no registry the bot has data sources for."""
    chosen = []
    for word in args.replace(",", " ").split():
        registry = registry_named(word)
        if registry is None:
            return None
        chosen.append(registry)
    return tuple(r for r in REGISTRIES if r in chosen) or REGISTRIES


async def command(call: CommandCall) -> list[Reply]:
    """Return the reply to `/stats [list]`: the chart as an attachment, and the summary.

    The chart is drawn in a worker thread (about a second, once per data version) so that
    the bot keeps answering others meanwhile.
    """
    args, listings, t = call.args, call.services.listings, call.t
    registries = parse_registries(args)
    if registries is None:
        names = ", ".join(word_for(r, t.lang) for r in REGISTRIES)
        return [Reply(esc(t("stats.usage", names=names)))]
    if listings is None:
        return [Reply(esc(t("stats.no_data")))]
    statistics = statistics_for(listings)
    figures = await asyncio.to_thread(statistics.stats, registries)
    if not figures:
        return [Reply(esc(t("stats.no_data")))]
    png = await asyncio.to_thread(statistics.chart, figures, t.lang)
    newest = max(s.as_of for s in figures)
    name = "-".join(s.registry for s in figures)
    return [Reply(
        summary(figures, t),
        attachment=Attachment(f"riskguide-{name}-{newest.isoformat()}.png", "image/png", png),
    )]


def summary(figures: Sequence[RegistryStats], t: Translator) -> str:
    """Return the summary in light markup: per registry, entries now, the last year's
    additions and exclusions, persons and organisations, the usual weekday and what the
    figures cannot say (undated entries, unknown exclusions)."""
    return "\n\n".join(_registry_summary(s, t) for s in figures)


def _registry_summary(s: RegistryStats, t: Translator) -> str:
    lines = [bold(t(f"registry.{s.registry}")) + " " + esc(
        t("stats.summary.as_of", date=human_date(s.as_of, t.lang)))]
    if s.exclusions_known:
        lines.append(esc(t("stats.summary.now", listed=s.listed, excluded=s.excluded)))
    else:
        lines.append(esc(t("stats.summary.now_unknown", total=s.total)))
    if s.persons:
        lines.append(esc(t("stats.summary.kinds", persons=s.persons,
                           organisations=s.organisations)))
    recent = list(s.per_month.values())[-RECENT_MONTHS:]
    if recent and s.total > s.undated:
        added = sum(c.added for c in recent)
        excluded = sum(c.excluded for c in recent)
        key = "stats.summary.recent" if s.exclusions_known else "stats.summary.recent_added"
        lines.append(esc(t(key, added=added, excluded=excluded)))
    weekday = busiest_weekday(s)
    if weekday is not None:
        counted = sum(s.weekdays.values())
        share = round(100 * s.weekdays[weekday] / counted)
        lines.append(esc(t("stats.summary.weekday", weekday=t(f"stats.weekday.{weekday}"),
                           share=share)))
    if s.busiest_days:
        day, count = s.busiest_days[0]
        lines.append(esc(t("stats.summary.busiest", date=human_date(day, t.lang), n=count)))
    if s.undated:
        lines.append(esc(t.plural("stats.summary.undated", "stats.summary.undated_plural",
                                  s.undated, total=s.total)))
    if not s.exclusions_known:
        lines.append(esc(t("stats.summary.exclusions_unknown")))
    return "\n".join(lines)
