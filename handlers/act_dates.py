"""When a question dates the act it asks about: "задонатил ФБК в 2023", "since 2020", "до 2026".

An organisation's lists change over time (FBK: foreign agent 2019, extremist 2021, terrorist
2026). Money sent in 2023 was financing an extremist organisation, not a terrorist one, so
the answer must follow the list that applied then. This module reads only the period the
question names; which list applied in it is decided where the lists are (`handlers.named`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# A year people date acts by (1990-2099), or a full date (25.12.2023, 25/12/2023, 2023-12-25),
# with the word before it: "с 2020", "до 2026", "since 2020", "before 2026", "в 2023".
# Article numbers ("20.33", "330.1") have no four-digit year in them.
_DATE = re.compile(
    r"(?:(?P<word>[^\W\d_]+)\s+(?:(?:the\s+)?(?:year\s+|года\s+)?)?)?"
    r"(?<![\d.,/-])(?:(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<dyear>(?:19|20)\d\d)"
    r"|(?P<iso>(?:19|20)\d\d-\d{2}-\d{2})|(?P<year>(?:19[89]|20\d)\d))(?!\d|[.,]\d)",
    re.IGNORECASE)
# Words opening a period that runs on (to now unless an end is named) and words closing one.
_SINCE = frozenset({"с", "со", "since", "from", "after", "после", "начиная"})
_BEFORE = frozenset({"до", "before", "until", "till", "prior", "раньше", "ранее"})


@dataclass(frozen=True)
class Period:
    """The days a question's act may have happened on, both ends included."""

    start: date
    end: date


def act_period(text: str, today: date | None = None) -> Period | None:
    """Return the period a question dates its act to, or None when it names no date.

    A year is the whole year ("в 2023"); "since 2020" runs to today unless the question
    names an end ("с 2020 по 2023"); "до 2026" ends the day before the year begins. Several
    dates make one period from the earliest to the latest: the reader is warned of the
    gravest list that applied at any time in it.
    """
    today = today or date.today()
    starts: list[date] = []
    ends: list[date] = []
    opened = False
    for m in _DATE.finditer(text):
        first, last = _span(m)
        if first is None or last is None:
            continue
        word = (m.group("word") or "").casefold()
        if word in _SINCE:
            starts.append(first)
            opened = True
        elif word in _BEFORE:
            ends.append(first - timedelta(days=1))
        else:
            # "по 2023" and a plain "в 2023" alike name the last year of the act.
            starts.append(first)
            ends.append(last)
    if not starts and not ends:
        return None
    start = min(starts) if starts else date.min
    end = max(ends) if ends else today
    if opened and not ends:
        end = today
    return Period(start, max(start, end)) if start <= end else Period(end, start)


def _span(m: re.Match[str]) -> tuple[date | None, date | None]:
    """Return the first and last day a matched date names (a year names all of its days)."""
    try:
        if m.group("year"):
            year = int(m.group("year"))
            return date(year, 1, 1), date(year, 12, 31)
        if m.group("iso"):
            day = date.fromisoformat(m.group("iso"))
            return day, day
        day = date(int(m.group("dyear")), int(m.group("month")), int(m.group("day")))
        return day, day
    except ValueError:  # 31.02.2024 is no day
        return None, None


def applied_in(included_on: date | None, excluded_on: date | None, period: Period) -> bool:
    """Return True when a listing from `included_on` to `excluded_on` covered any day of
    period. A listing with no known start is taken to have applied: the graver answer is the
    safer one."""
    began = included_on is None or included_on <= period.end
    return began and (excluded_on is None or excluded_on > period.start)
