"""The overall answer to "is X listed?" and the facts its wording needs (no wording here).

The rules come from registry-sources.md: a definite match of a listed entry is "listed"; of an
entry that was excluded, "excluded" (shown as "listed from A to B"); anything transliterated,
fuzzy or partial is only "possible"; "not_found" always carries the date of the data it was
checked against, and is said only when every list's data is within its freshness window and
its last fetch did not fail — otherwise nothing found is "unverified" ("I could not verify
this"); with no data for a list the status is "no_data", never "not_found".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot import textnorm
from bot.listings.model import FOREIGN_AGENTS, FRESHNESS_DAYS, SEVERITY, Snapshot, SnapshotMeta

if TYPE_CHECKING:  # the name index (rapidfuzz, aliases) is not needed to word a result
    from bot.listings.index import Hit

LISTED, POSSIBLE, EXCLUDED, NOT_FOUND, UNVERIFIED, NO_DATA = (
    "listed", "possible", "excluded", "not_found", "unverified", "no_data")
# The query could not be checked as given (empty, one letter, or cut with nothing found in
# the part checked): `problem` says why; never "not_found", which would be a claim.
INVALID = "invalid"
STATUSES = (LISTED, POSSIBLE, EXCLUDED, NOT_FOUND, UNVERIFIED, NO_DATA, INVALID)
_MAX_MATCHES = 5
_MIN_SCORE = 0.3


@dataclass(frozen=True)
class DataInfo:
    """Where one registry's data came from, how old it is and whether it may be trusted for
    "not found": within its freshness window (`window_days`) and not followed by a failed
    fetch (`fetch_failed`, the reason in `failure`)."""

    registry: str
    origin: str
    as_of: date
    fetched_at: datetime
    source: str = ""
    window_days: int = FRESHNESS_DAYS[FOREIGN_AGENTS]
    fetch_failed: bool = False
    failure: str = ""

    @classmethod
    def of(cls, snapshot: Snapshot | SnapshotMeta, *, window_days: int | None = None,
           fetch_failed: bool = False, failure: str = "") -> DataInfo:
        """Return the data facts of a snapshot or its metadata (window: the list's default
        unless given)."""
        window = window_days if window_days is not None else FRESHNESS_DAYS.get(
            snapshot.registry, FRESHNESS_DAYS[FOREIGN_AGENTS])
        return cls(snapshot.registry, snapshot.origin, snapshot.as_of, snapshot.fetched_at,
                   snapshot.source, window, fetch_failed, failure)

    def age_days(self, today: date | None = None) -> int:
        """Return how many days old the data is (0 for today's)."""
        return ((today or date.today()) - self.as_of).days

    def stale(self, today: date | None = None) -> bool:
        """Return True when the data is older than its list's freshness window."""
        return self.age_days(today) > self.window_days

    def trusted(self, today: date | None = None) -> bool:
        """Return True when this data may support "not found": fresh, last fetch not failed."""
        return not self.stale(today) and not self.fetch_failed

    def to_json(self) -> dict[str, Any]:
        """Return the CLI contract's `data` item."""
        return {
            "registry": self.registry,
            "origin": self.origin,
            "as_of": self.as_of.isoformat(),
            "fetched_at": self.fetched_at.isoformat(timespec="seconds"),
            "stale": self.stale(),
            "window_days": self.window_days,
            "fetch_failed": self.fetch_failed,
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

    @property
    def untrusted(self) -> tuple[DataInfo, ...]:
        """Return the lists whose data cannot support "not found" (stale or failed)."""
        return tuple(d for d in self.data if not d.trusted())


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
    """Return the hits worth showing: the same cut for checks and for alerts.

    Definite matches come first, most severe list first, so that one organisation on several
    lists is reported on each (FBK: the extremist list now, the foreign-agent register in
    the past); then the possible ones, best first.
    """
    kept = [h for h in hits if h.score >= _MIN_SCORE]
    definite = sorted((h for h in kept if h.definite), key=_severity_key)
    possible = [h for h in kept if not h.definite]
    return (definite + possible)[: max(_MAX_MATCHES, len(definite))]


def _severity_key(hit: Hit) -> tuple[int, float, int]:
    # Listed before excluded; a clearly better match first (an exact name beats a partial
    # one of another organisation); among equally good matches — one organisation on
    # several lists — the most severe list first.
    registry = hit.entry.registry
    rank = SEVERITY.index(registry) if registry in SEVERITY else len(SEVERITY)
    return (0 if hit.entry.listed else 1, -round(hit.score, 1), rank)


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
    elif status == NOT_FOUND and problem not in ("empty", "too_short") \
            and any(not d.trusted() for d in data):
        # Stale or failed data allows "could not verify", never "not listed".
        status = UNVERIFIED
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
