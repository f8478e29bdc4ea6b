"""Replies to "is X listed?": the wording rules for check results live here, once.

Every result states where its data came from and how old it is; "not found" is always "not
found as of DATE"; excluded entries read "listed from A to B"; fuzzy or transliterated matches
are shown as possible, with what matched. Personal data (SNILS, birth dates, INN of people)
never reaches a reply because CheckResult does not carry it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from bot.i18n import Translator
from bot.listings.status import CheckResult, DataInfo, Match
from handlers.answers import ANSWER, format_date
from handlers.context import Services
from handlers.markup import bold, esc
from handlers.messages import Choice, Reply

if TYPE_CHECKING:
    from bot.listings.service import ListingService

MAX_SHOWN = 3
# What a listing means for the user, per registry: the knowledge entry to open.
MEANING = {"foreign_agents": "fa_interaction", "undesirable": "un_participation",
           "extremist": "extremist_list", "terrorist": "terrorist_list"}


def data_lines(listings: ListingService | None, t: Translator) -> list[str]:
    """Return one line per registry saying which data is loaded, from where, and how old it is."""
    lines = _describe_data(listings.data(), t) if listings is not None else []
    return lines or [esc(t("check.no_data"))]


def data_line(registry: str, origin: str, as_of: date, t: Translator,
              info: DataInfo | None = None) -> str:
    """Return the markup line naming a registry's data origin, date and age.

    Checks, alerts and digests all state the data they rest on in these same words; given
    the list's DataInfo, a list past its freshness window or whose last update failed says
    so in the same line.
    """
    key = "check.data_line"
    if info is not None and info.fetch_failed:
        key = "check.data_line.failed"
    elif info is not None and info.stale():
        key = "check.data_line.stale"
    return esc(t(
        key,
        registry=t(f"registry.{registry}"),
        origin=t(f"origin.{origin}"),
        date=format_date(as_of, t.lang),
        age=t.plural("age.days", "age.days_plural", (date.today() - as_of).days),
        window=info.window_days if info is not None else "",
    ))


def _describe_data(data: tuple[DataInfo, ...], t: Translator) -> list[str]:
    return [data_line(d.registry, d.origin, d.as_of, t, d) for d in data]


def check_reply(
    name: str, services: Services, t: Translator, result: CheckResult | None = None
) -> Reply:
    """Return the reply to a name check, worded by the rules above.

    `result` is a CheckResult already computed by the caller (routing checks first).
    """
    listings = services.listings
    if listings is None:
        return Reply(esc(t("check.no_data")))
    if result is None:
        result = listings.check(name)
    lang = t.lang
    status = result.status
    if status == "invalid" and result.problem:
        return Reply(esc(t(f"check.problem.{result.problem}")))
    shown = shown_matches(result)
    parts: list[str] = []
    if status == "no_data":
        return Reply(esc(t("check.no_data")))
    if status == "not_found":
        parts.append(esc(t("check.not_found", query=result.query,
                           date=format_date(result.as_of, lang))))
    elif status == "unverified":
        parts.append(esc(t("check.status.unverified", query=result.query)))
        parts.append("\n".join(
            esc(t("check.unverified_line", registry=t(f"registry.{d.registry}"),
                  date=format_date(d.as_of, lang))) for d in result.untrusted))
        parts.append(esc(t("check.unverified_hint")))
    else:
        parts.append(esc(t(f"check.status.{status}", query=result.query)))
        parts.extend(match_lines(result, t))
    if result.problem == "too_long":
        # Something was found in the beginning or end of a long text: say the middle was not
        # checked, so "found" is not read as "all of it was checked".
        parts.append(esc(t("check.cut")))
    parts.extend(_describe_data(result.data, t))
    for registry in result.missing:
        parts.append(esc(t("check.missing", registry=t(f"registry.{registry}"))))
    if status == "possible":
        parts.append(esc(t("check.possible_hint")))
    parts.append(esc(t("check.disclaimer")))
    registries = []
    for m in shown:
        if m.registry not in registries:
            registries.append(m.registry)
    kb_ids = {e.id for e in services.kb.entries}
    choices = tuple(row for row in meaning_choices(registries, t)
                    if row[0].data.removeprefix(ANSWER) in kb_ids)
    return Reply("\n\n".join(parts), choices=choices)


def shown_matches(result: CheckResult) -> list[Match]:
    """Return the matches a reply shows: every definite one (one organisation can be on
    several lists, and each must be reported, most severe first), then possible ones up to
    MAX_SHOWN in all."""
    definite = [m for m in result.matches if m.definite]
    possible = [m for m in result.matches if not m.definite]
    return definite + possible[: max(0, MAX_SHOWN - len(definite))]


def match_lines(result: CheckResult, t: Translator) -> list[str]:
    """Return one line per shown match: name, registry, dates and how it matched.

    Checks and the statuses shown next to answers word a match the same way.
    """
    return [_match_line(m, t) for m in list(result.matches)[:MAX_SHOWN]]


def meaning_choices(registries: Iterable[str], t: Translator) -> tuple[tuple[Choice, ...], ...]:
    """Return one button per registry opening what a listing there means for the reader.

    Checks, alerts and digests all end with it: a listing is only useful with its meaning.
    """
    return tuple((Choice(t(f"check.meaning.{r}"), ANSWER + MEANING[r]),)
                 for r in registries if r in MEANING)


def listing_when(listed: bool, included_on: date | None, excluded_on: date | None,
                 t: Translator, *, excluded_key: str = "check.listed_from_to") -> str:
    """Return "listed since A", "listed (no date given)" or "listed from A to B".

    Checks and scans word a listing's dates the same way; a scan adds that no note is
    needed any more (its own `excluded_key`).
    """
    if listed:
        return (t("check.listed_since", date=format_date(included_on, t.lang))
                if included_on else t("check.listed_undated"))
    return t(excluded_key, start=format_date(included_on, t.lang),
             end=format_date(excluded_on, t.lang))


def _match_line(m: Match, t: Translator) -> str:
    registry = t(f"registry.{m.registry}")
    when = listing_when(m.listed, m.included_on, m.excluded_on, t)
    kind = t(f"match.{m.match}")
    if m.match != "exact" and m.matched_name and m.matched_name != m.name:
        kind = t("match.via", kind=kind, name=m.matched_name)
    if not m.definite:
        # Even a letter-for-letter match is only possible when the name is made of common
        # words or the query covers part of it; the heading says "possible", so must this.
        kind = t("match.uncertain", kind=kind)
    line = f"• {bold(m.name)}\n  {esc(registry)}: {esc(when)} ({esc(kind)})"
    if m.listed:
        # What the listing means is part of the answer, not only behind a button.
        line += f"\n  {esc(t(f'check.implication.{m.registry}'))}"
    return line
