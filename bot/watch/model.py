"""Plain data shared by the alert pipeline: changes, watches, deliveries and send errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# What happened to a registry entry between two snapshots.
ADDED, EXCLUDED, REINCLUDED, REMOVED, CHANGED = (
    "added", "excluded", "reincluded", "removed", "changed")
CHANGE_KINDS = (ADDED, EXCLUDED, REINCLUDED, REMOVED, CHANGED)

PRIVATE, GROUP = "private", "group"
ALERT, DIGEST = "alert", "digest"
# A user may watch this many names; enough for a newsroom's sources, small enough that
# one refresh cannot turn into thousands of messages for one person.
MAX_WATCHES = 50


@dataclass(frozen=True)
class Change:
    """One change of one registry entry, as shown to users (no INN, SNILS or birth date).

    `previous_*` hold the values before a `changed` (and the dates before an exclusion or
    re-inclusion); `as_of` and `previous_as_of` are the dates of the two snapshots compared.
    """

    registry: str
    kind: str
    key: str
    name: str
    entry_kind: str
    as_of: date
    origin: str
    previous_as_of: date | None = None
    aliases: tuple[str, ...] = ()
    included_on: date | None = None
    excluded_on: date | None = None
    legal_basis: str = ""
    previous_name: str | None = None
    previous_included_on: date | None = None
    previous_excluded_on: date | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the stored (and CLI) form of the change."""
        return {
            "registry": self.registry, "kind": self.kind, "key": self.key, "name": self.name,
            "entry_kind": self.entry_kind, "as_of": _iso(self.as_of), "origin": self.origin,
            "previous_as_of": _iso(self.previous_as_of), "aliases": list(self.aliases),
            "included_on": _iso(self.included_on), "excluded_on": _iso(self.excluded_on),
            "legal_basis": self.legal_basis, "previous_name": self.previous_name,
            "previous_included_on": _iso(self.previous_included_on),
            "previous_excluded_on": _iso(self.previous_excluded_on),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        """Return a Change from its stored form (inverse of to_json)."""
        return cls(
            registry=data["registry"], kind=data["kind"], key=data["key"], name=data["name"],
            entry_kind=data["entry_kind"], as_of=_date(data["as_of"]) or date.min,
            origin=data["origin"], previous_as_of=_date(data.get("previous_as_of")),
            aliases=tuple(data.get("aliases") or ()),
            included_on=_date(data.get("included_on")),
            excluded_on=_date(data.get("excluded_on")),
            legal_basis=data.get("legal_basis") or "",
            previous_name=data.get("previous_name"),
            previous_included_on=_date(data.get("previous_included_on")),
            previous_excluded_on=_date(data.get("previous_excluded_on")),
        )


@dataclass(frozen=True)
class Watch:
    """One watched name of one user, as the user typed it."""

    id: int
    query: str
    created: date


@dataclass(frozen=True)
class Delivery:
    """One message to send: an alert for one watch, or one part of a digest.

    The chat layer renders it in `lang`; `changes` has one item for an alert and a refresh's
    changes of one registry for a digest (split into `parts` messages when long).
    """

    id: int
    platform: str
    chat_id: str
    lang: str
    kind: str  # ALERT | DIGEST
    registry: str
    changes: tuple[Change, ...]
    watch: str | None = None
    match_kind: str | None = None
    definite: bool = True
    matched_name: str | None = None
    part: int = 1
    parts: int = 1
    attempts: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class SendError(Exception):
    """A message could not be sent; adapters raise the subclasses below, never library errors."""


class RetryLater(SendError):
    """The platform asked to wait (Telegram 429 `retry_after`, Matrix M_LIMIT_EXCEEDED)."""

    def __init__(self, after_s: float, detail: str = "") -> None:
        super().__init__(detail or f"retry after {after_s:g} s")
        self.after_s = after_s


class RecipientGone(SendError):
    """The recipient can no longer be reached (bot blocked, chat deleted, bot removed)."""


class TransientError(SendError):
    """A network error or server fault: try again later with backoff."""


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None
