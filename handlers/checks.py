"""Replies to "is X listed?": the wording rules for check results live here, once.

Every result states where its data came from and how old it is; "not found" is always "not
found as of DATE"; excluded entries read "listed from A to B"; fuzzy or transliterated matches
are shown as possible, with what matched. Personal data (SNILS, birth dates, INN of people)
never reaches a reply because CheckResult does not carry it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.i18n import Translator
from handlers.answers import ANSWER, format_date
from handlers.context import Services
from handlers.markup import bold, esc
from handlers.messages import Choice, Reply

MAX_SHOWN = 3
# What a listing means for the user, per registry: the knowledge entry to open.
MEANING = {"foreign_agents": "fa_interaction", "undesirable": "un_participation"}


def _date(value: Any, lang: str) -> str:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return format_date(value, lang)


def _age_days(as_of: Any, today: dt.date | None = None) -> int | None:
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of[:10])
        except ValueError:
            return None
    if not isinstance(as_of, dt.date):
        return None
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    return ((today or dt.date.today()) - as_of).days


def data_lines(listings: Any, t: Translator) -> list[str]:
    """Return one line per registry saying which data is loaded, from where, and how old it is."""
    if listings is None:
        return [esc(t("check.no_data"))]
    result = listings.check("")  # an empty query returns the data descriptions only
    return _describe_data(getattr(result, "data", []), t) or [esc(t("check.no_data"))]


def _describe_data(data: list[Any], t: Translator) -> list[str]:
    lines = []
    for d in data:
        age = _age_days(d.as_of)
        lines.append(esc(t(
            "check.data_line",
            registry=t(f"registry.{d.registry}"),
            origin=t(f"origin.{d.origin}"),
            date=_date(d.as_of, t.lang),
            age=t.plural("age.days", "age.days_plural", age) if age is not None else "?",
        )))
    return lines


def check_reply(name: str, services: Services, t: Translator, result: Any = None) -> Reply:
    """Return the reply to a name check, worded by the rules above.

    `result` is a CheckResult already computed by the caller (routing checks first).
    """
    listings: Any = services.listings
    if listings is None:
        return Reply(esc(t("check.no_data")))
    if result is None:
        result = listings.check(name)
    lang = t.lang
    status = result.status
    if getattr(result, "problem", None) in ("empty", "too_short", "too_long"):
        return Reply(esc(t(f"check.problem.{result.problem}")))
    shown = list(result.matches)[:MAX_SHOWN]
    parts: list[str] = []
    if status == "no_data":
        return Reply(esc(t("check.no_data")))
    as_of = min((d.as_of for d in result.data), default=None)
    if status == "not_found":
        parts.append(esc(t("check.not_found", query=result.query, date=_date(as_of, lang))))
    else:
        parts.append(esc(t(f"check.status.{status}", query=result.query)))
        for m in shown:
            parts.append(_match_line(m, t))
    parts.extend(_describe_data(list(result.data), t))
    if any(getattr(d, "stale", lambda: False)() for d in result.data):
        parts.append(esc(t("check.stale")))
    for registry in getattr(result, "missing", ()):
        parts.append(esc(t("check.missing", registry=t(f"registry.{registry}"))))
    if status == "possible":
        parts.append(esc(t("check.possible_hint")))
    parts.append(esc(t("check.disclaimer")))
    registries = []
    for m in shown:
        if m.registry not in registries:
            registries.append(m.registry)
    choices = tuple(
        (Choice(t(f"check.meaning.{r}"), ANSWER + MEANING[r]),) for r in registries if r in MEANING
    )
    return Reply("\n\n".join(parts), choices=choices)


def _match_line(m: Any, t: Translator) -> str:
    lang = t.lang
    registry = t(f"registry.{m.registry}")
    if m.listed:
        when = t("check.listed_since", date=_date(m.included_on, lang)) if m.included_on else ""
    else:
        when = t("check.listed_from_to", start=_date(m.included_on, lang),
                 end=_date(m.excluded_on, lang))
    kind = t(f"match.{m.match}")
    if m.match != "exact" and getattr(m, "matched_name", "") and m.matched_name != m.name:
        kind = t("match.via", kind=kind, name=m.matched_name)
    if not getattr(m, "definite", True):
        # Even a letter-for-letter match is only possible when the name is made of common
        # words or the query covers part of it; the heading says "possible", so must this.
        kind = t("match.uncertain", kind=kind)
    return f"• {bold(m.name)}\n  {esc(registry)}: {esc(when)} ({esc(kind)})"
