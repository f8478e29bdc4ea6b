"""The overall answer to "is X listed?" and the facts its wording needs (no wording here).

The rules come from registry-sources.md: a definite match of a listed entry is "listed"; of an
entry that was excluded, "excluded" (shown as "listed from A to B"); anything transliterated,
fuzzy or partial is only "possible"; "not_found" always carries the date of the data it was
checked against; with no data the status is "no_data", never "not_found".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot import textnorm
from bot.listings.index import Hit
from bot.listings.model import Snapshot

LISTED, POSSIBLE, EXCLUDED, NOT_FOUND, NO_DATA = (
    "listed", "possible", "excluded", "not_found", "no_data")
# The query could not be checked as given (empty, one letter, or cut with nothing found in
# the part checked): `problem` says why; never "not_found", which would be a claim.
INVALID = "invalid"
STATUSES = (LISTED, POSSIBLE, EXCLUDED, NOT_FOUND, NO_DATA, INVALID)
# Data older than this is called stale in replies (the portal updates about weekly).
STALE_AFTER_DAYS = 14
_MAX_MATCHES = 5
_MIN_SCORE = 0.3


@dataclass(frozen=True)
class DataInfo:
    """Where one registry's data came from and how old it is, for every answer."""

    registry: str
    origin: str
    as_of: date
    fetched_at: datetime
    source: str = ""

    @classmethod
    def of(cls, snapshot: Snapshot) -> DataInfo:
        """Return the data facts of a snapshot."""
        return cls(snapshot.registry, snapshot.origin, snapshot.as_of, snapshot.fetched_at,
                   snapshot.source)

    def age_days(self, today: date | None = None) -> int:
        """Return how many days old the data is (0 for today's)."""
        return ((today or date.today()) - self.as_of).days

    def stale(self, today: date | None = None) -> bool:
        """Return True when the data is old enough that a reply must say so."""
        return self.age_days(today) > STALE_AFTER_DAYS

    def to_json(self) -> dict[str, str]:
        """Return the CLI contract's `data` item."""
        return {
            "registry": self.registry,
            "origin": self.origin,
            "as_of": self.as_of.isoformat(),
            "fetched_at": self.fetched_at.isoformat(timespec="seconds"),
        }


@dataclass(frozen=True)
class Match:
    """One matched entry as the chat layer may show it (no SNILS, birth date or INN)."""

    registry: str
    entry_id: str
    name: str
    match: str
    score: float
    listed: bool
    included_on: date | None
    excluded_on: date | None
    matched_name: str
    definite: bool
    kind: str
    aliases: tuple[str, ...] = ()
    legal_basis: str = ""
    resources: tuple[str, ...] = ()

    @classmethod
    def of(cls, hit: Hit) -> Match:
        """Return the displayable form of an index hit."""
        e = hit.entry
        excluded = e.excluded_on if e.excluded_on and e.excluded_on != date.min else None
        return cls(
            registry=e.registry, entry_id=e.entry_id, name=e.name, match=hit.kind,
            score=round(hit.score, 3), listed=e.listed, included_on=e.included_on,
            excluded_on=excluded, matched_name=hit.name, definite=hit.definite, kind=e.kind,
            aliases=e.aliases, legal_basis=e.legal_basis, resources=e.resources,
        )

    def to_json(self) -> dict[str, Any]:
        """Return the CLI contract's `matches` item (exactly its keys)."""
        return {
            "registry": self.registry,
            "entry_id": self.entry_id,
            "name": self.name,
            "match": self.match,
            "score": self.score,
            "listed": self.listed,
            "included_on": self.included_on.isoformat() if self.included_on else None,
            "excluded_on": self.excluded_on.isoformat() if self.excluded_on else None,
        }


@dataclass(frozen=True)
class CheckResult:
    """The answer to one check: status, the data it rests on, and the matches, best first.

    `problem` says why a query could not be checked properly ("empty", "too_short",
    "too_long": only its beginning and end were checked); the CLI JSON carries it when set.
    """

    query: str
    status: str
    data: tuple[DataInfo, ...] = ()
    matches: tuple[Match, ...] = ()
    problem: str | None = None
    missing: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """Return exactly the CLI contract object of `riskguide check --json`."""
        out: dict[str, Any] = {
            "query": self.query,
            "status": self.status,
            "data": [d.to_json() for d in self.data],
            "matches": [m.to_json() for m in self.matches],
        }
        if self.problem:
            out["problem"] = self.problem
        return out

    @property
    def as_of(self) -> date | None:
        """Return the oldest data date the answer rests on ("not found as of DATE")."""
        return min((d.as_of for d in self.data), default=None)


def overall_status(hits: Sequence[Hit], have_data: bool) -> str:
    """Return the overall status for ranked hits (see the module docstring for the rules)."""
    if not have_data:
        return NO_DATA
    definite = [h for h in hits if h.definite]
    if any(h.entry.listed for h in definite):
        return LISTED
    if definite:
        return EXCLUDED
    if any(h.score >= _MIN_SCORE for h in hits):
        return POSSIBLE
    return NOT_FOUND


def relevant(hits: Sequence[Hit]) -> list[Hit]:
    """Return the hits worth showing, best first: the same cut for checks and for alerts."""
    return [h for h in hits if h.score >= _MIN_SCORE][:_MAX_MATCHES]


def build_result(query: str, hits: Sequence[Hit], data: Sequence[DataInfo],
                 missing: Sequence[str] = (), problem: str | None = None) -> CheckResult:
    """Return the CheckResult for ranked hits against the given data.

    The query is echoed without control characters (a terminal escape in a name must not
    reach the console that shows the answer).
    """
    kept = relevant(hits)
    status = overall_status(kept, bool(data))
    if status == NOT_FOUND and missing:
        status = NO_DATA  # "not found" would be a claim about a registry we have no data for
    if problem in ("empty", "too_short") or (problem == "too_long" and not kept):
        status = INVALID
    return CheckResult(
        query=textnorm.printable(query),
        status=status,
        data=tuple(data),
        matches=tuple(Match.of(h) for h in kept),
        problem=problem,
        missing=tuple(missing),
    )
