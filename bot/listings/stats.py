"""How a registry grows: counts per month, year and weekday, computed from one snapshot.

Pure functions over `Snapshot` and `Entry` (no I/O). Every entry carries the dates of its
inclusion and exclusion as the list publishes them, so one snapshot holds the list's whole
history: months are counted by those dates, not by when snapshots were taken. Entries without
an inclusion date (common in the extremist and terrorist lists) are counted as `undated`, never
dropped silently, so every figure adds up to the number of entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.listings.model import PERSON, Snapshot

# How many of the busiest inclusion days are reported.
BUSIEST_DAYS = 5
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class MonthCount:
    """Additions and exclusions in one month (or year), by the published dates."""

    added: int = 0
    excluded: int = 0


@dataclass(frozen=True)
class RegistryStats:
    """The figures of one registry as of its snapshot's date.

    `listed` + `excluded` is every entry; `persons` + `organisations` too. `undated` entries
    have no inclusion date and appear in no month. `per_month` holds every month from the
    first one counted (the list's first dated inclusion, or `since`) to the data's month,
    empty months included, so that a chart or a reader sees the gaps. `exclusions_known` is
    False when the source had no usable exclusion dates: `excluded` then says nothing.
    """

    registry: str
    as_of: date
    origin: str
    content_hash: str
    listed: int
    excluded: int
    persons: int
    organisations: int
    undated: int
    exclusions_known: bool
    first_inclusion: date | None
    since: str | None
    per_month: Mapping[str, MonthCount] = field(default_factory=dict)
    per_year: Mapping[str, MonthCount] = field(default_factory=dict)
    weekdays: Mapping[str, int] = field(default_factory=dict)
    busiest_days: tuple[tuple[date, int], ...] = ()
    # Dated entries listed before `since` (0 without it): where the running total starts.
    listed_before: int = 0

    @property
    def total(self) -> int:
        """Return the number of entries, listed and excluded."""
        return self.listed + self.excluded

    def running_total(self) -> list[int]:
        """Return, per month of `per_month`, how many dated entries were listed at its end.

        Additions minus exclusions, accumulated; with `since`, it starts from the entries
        listed before that month, so the line shows the list's real size, not a restart at 0.
        """
        before = self.listed_before
        totals = []
        for counts in self.per_month.values():
            before += counts.added - (counts.excluded if self.exclusions_known else 0)
            totals.append(before)
        return totals

    def to_json(self) -> dict[str, Any]:
        """Return the JSON object of `riskguide registry stats --json` for this registry.

        The keys of the issue's contract (as_of, listed, excluded, persons, organisations,
        per_month) come first; the rest adds what the chat summary shows.
        """
        return {
            "as_of": self.as_of.isoformat(),
            "listed": self.listed,
            "excluded": self.excluded,
            "persons": self.persons,
            "organisations": self.organisations,
            "per_month": {m: _pair(c) for m, c in self.per_month.items()},
            "per_year": {y: _pair(c) for y, c in self.per_year.items()},
            "undated": self.undated,
            "exclusions_known": self.exclusions_known,
            "first_inclusion": self.first_inclusion.isoformat() if self.first_inclusion else None,
            "since": self.since,
            "weekdays": dict(self.weekdays),
            "busiest_days": [{"date": d.isoformat(), "added": n} for d, n in self.busiest_days],
            "origin": self.origin,
            "content_hash": self.content_hash,
        }


def _pair(count: MonthCount) -> dict[str, int]:
    return {"added": count.added, "excluded": count.excluded}


def month_key(day: date) -> str:
    """Return the "YYYY-MM" key of the month a date falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str) -> date:
    """Return the first day of a "YYYY-MM" month; raises ValueError for anything else."""
    year, sep, month = text.strip().partition("-")
    if not sep or len(year) != 4 or not (year + month).isdigit() or len(month) not in (1, 2):
        raise ValueError(f"not a YYYY-MM month: {text!r}")
    return date(int(year), int(month), 1)


def _months(first: date, last: date) -> list[str]:
    """Return every "YYYY-MM" from first's month to last's month, in order."""
    keys, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def registry_stats(snapshot: Snapshot, since: date | None = None) -> RegistryStats:
    """Return the figures of one registry's snapshot; `since` limits the months counted.

    `since` (the first day of a month) only trims `per_month`, `per_year`, the weekdays and
    the busiest days; the counts of entries now (listed, excluded, persons, ...) are always
    the whole list's, and the running total starts from what was listed before `since`.
    """
    entries = snapshot.entries
    known = snapshot.exclusions_known
    excluded = sum(1 for e in entries if e.excluded_on is not None) if known else 0
    persons = sum(1 for e in entries if e.kind == PERSON)
    included = [e.included_on for e in entries if e.included_on is not None]
    first = min(included, default=None)
    start = since if since is not None else first
    added = Counter(month_key(d) for d in included)
    gone = Counter(month_key(e.excluded_on) for e in entries if known and e.excluded_on)
    per_month: dict[str, MonthCount] = {}
    exclusion_dates = [e.excluded_on for e in entries if known and e.excluded_on]
    last = max([snapshot.as_of, *included, *exclusion_dates])
    if start is not None:
        for key in _months(start, last):
            per_month[key] = MonthCount(added.get(key, 0), gone.get(key, 0))
    per_year: dict[str, MonthCount] = {}
    for key, counts in per_month.items():
        year = per_year.get(key[:4], MonthCount())
        per_year[key[:4]] = MonthCount(year.added + counts.added, year.excluded + counts.excluded)
    counted = [d for d in included if start is None or d >= start]
    by_day = Counter(counted)
    weekdays = Counter(WEEKDAYS[d.weekday()] for d in counted)
    before = 0
    if since is not None:
        before = sum(1 for d in included if d < since) - sum(
            1 for d in exclusion_dates if d < since
        )
    return RegistryStats(
        registry=snapshot.registry,
        as_of=snapshot.as_of,
        origin=snapshot.origin,
        content_hash=snapshot.content_hash,
        listed=len(entries) - excluded,
        excluded=excluded,
        persons=persons,
        organisations=len(entries) - persons,
        undated=len(entries) - len(included),
        exclusions_known=known,
        first_inclusion=first,
        since=month_key(since) if since is not None else None,
        per_month=per_month,
        per_year=per_year,
        weekdays={day: weekdays.get(day, 0) for day in WEEKDAYS},
        busiest_days=tuple(sorted(by_day.items(), key=lambda kv: (-kv[1], kv[0]))[:BUSIEST_DAYS]),
        listed_before=before,
    )


def stats_for(snapshots: Iterable[Snapshot], since: date | None = None) -> list[RegistryStats]:
    """Return the figures of several registries, in the order given."""
    return [registry_stats(s, since) for s in snapshots]


def busiest_weekday(stats: RegistryStats) -> str | None:
    """Return the weekday ("mon".."sun") with the most inclusions, or None with no dates."""
    if not any(stats.weekdays.values()):
        return None
    return max(WEEKDAYS, key=lambda day: stats.weekdays.get(day, 0))

