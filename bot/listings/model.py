"""Plain data for registry listings: registries, entries and snapshots (no I/O here)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

FOREIGN_AGENTS = "foreign_agents"
UNDESIRABLE = "undesirable"
EXTREMIST = "extremist"
TERRORIST = "terrorist"
# Order matters for display: the foreign-agent registry is the one most people ask about.
REGISTRIES: tuple[str, ...] = (FOREIGN_AGENTS, UNDESIRABLE, EXTREMIST, TERRORIST)
# Most severe first: the order in which one organisation's listings are reported. A
# terrorist listing carries up to life imprisonment for participation (CC 205.5), an
# extremist one up to ten years (CC 282.2), an undesirable one up to six (CC 284.1), the
# foreign-agent register duties whose breach is punished under CC 330.1.
SEVERITY: tuple[str, ...] = (TERRORIST, EXTREMIST, UNDESIRABLE, FOREIGN_AGENTS)
# How sure a name found in a text is (the scanner's mentions): every word of the name matched,
# or only some, or loosely.
DEFINITE, POSSIBLE = "definite", "possible"
# How a name matched a registry entry (a hit's kind), best first: what the reader is told.
EXACT, ALIAS, TRANSLIT, FUZZY = "exact", "alias", "transliteration", "fuzzy"
# How many days a list's data may be old and still support "not found" (the public mirror's
# own windows: the foreign-agent register changes weekly, the others rarely).
FRESHNESS_DAYS: dict[str, int] = {FOREIGN_AGENTS: 10, UNDESIRABLE: 30, EXTREMIST: 45,
                                  TERRORIST: 45}

PORTAL, MIRROR, FILE, BUNDLED = "portal", "mirror", "file", "bundled"
ORIGINS = (PORTAL, MIRROR, FILE, BUNDLED)
PERSON = "person"
ORGANISATION = "organisation"


@dataclass(frozen=True)
class Entry:
    """One row of a registry, as published, plus what was extracted from it for matching.

    Birth dates and SNILS are never kept (nothing needs them); `inn` is kept only so that a
    query that is a tax number can be looked up, and is never part of a chat-facing dict.
    """

    registry: str
    entry_id: str
    kind: str
    name: str
    aliases: tuple[str, ...] = ()
    included_on: date | None = None
    excluded_on: date | None = None
    legal_basis: str = ""
    resources: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    inn: str = ""
    ogrn: str = ""

    @property
    def listed(self) -> bool:
        """Return True while the entry has no exclusion date (excluded rows stay in the list)."""
        return self.excluded_on is None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the entry (the stored form; includes INN/OGRN)."""
        return {
            "registry": self.registry,
            "entry_id": self.entry_id,
            "kind": self.kind,
            "name": self.name,
            "aliases": list(self.aliases),
            "included_on": _iso(self.included_on),
            "excluded_on": _iso(self.excluded_on),
            "legal_basis": self.legal_basis,
            "resources": list(self.resources),
            "members": list(self.members),
            "inn": self.inn,
            "ogrn": self.ogrn,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        """Return an Entry from its stored dict form (inverse of to_dict)."""
        return cls(
            registry=str(data["registry"]),
            entry_id=str(data["entry_id"]),
            kind=str(data.get("kind", ORGANISATION)),
            name=str(data["name"]),
            aliases=tuple(data.get("aliases") or ()),
            included_on=_parse_iso(data.get("included_on")),
            excluded_on=_parse_iso(data.get("excluded_on")),
            legal_basis=str(data.get("legal_basis") or ""),
            resources=tuple(data.get("resources") or ()),
            members=tuple(data.get("members") or ()),
            inn=str(data.get("inn") or ""),
            ogrn=str(data.get("ogrn") or ""),
        )


@dataclass(frozen=True)
class Snapshot:
    """All entries of one registry at one moment, with where and when they came from.

    `as_of` is the date the data holds for (the mirror's or file's date, or the portal's
    lastModified); `fetched_at` is when this process obtained it. `exclusions_known` is False
    when the source had no usable exclusion dates (some mirror files put the publication date
    in that column): every entry then reads as listed, and comparing exclusions with another
    snapshot would report changes that never happened.
    """

    registry: str
    origin: str
    source: str
    as_of: date
    fetched_at: datetime
    entries: tuple[Entry, ...]
    skipped_rows: int = 0
    content_hash: str = field(default="")
    # Not part of content_hash: it only changes together with the entries' exclusion dates.
    exclusions_known: bool = True

    def __post_init__(self) -> None:
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.entries))

    @property
    def count(self) -> int:
        """Return the number of entries (listed and excluded)."""
        return len(self.entries)

    def meta(self) -> dict[str, Any]:
        """Return the snapshot's metadata without entries (for status lines and pointers)."""
        return {
            "registry": self.registry,
            "origin": self.origin,
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "fetched_at": self.fetched_at.isoformat(timespec="seconds"),
            "count": self.count,
            "skipped_rows": self.skipped_rows,
            "content_hash": self.content_hash,
            "exclusions_known": self.exclusions_known,
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the stored JSON form: metadata plus entries."""
        return {"meta": self.meta(), "entries": [e.to_dict() for e in self.entries]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snapshot:
        """Return a Snapshot from its stored JSON form (inverse of to_dict)."""
        meta = data["meta"]
        head = SnapshotMeta.from_meta(meta)
        return cls(
            registry=head.registry,
            origin=head.origin,
            source=head.source,
            as_of=head.as_of,
            fetched_at=head.fetched_at,
            entries=tuple(Entry.from_dict(e) for e in data["entries"]),
            skipped_rows=int(meta.get("skipped_rows", 0)),
            content_hash=str(meta.get("content_hash", "")),
            # Snapshots stored before the flag existed came from files read as they are.
            exclusions_known=bool(meta.get("exclusions_known", True)),
        )


@dataclass(frozen=True)
class SnapshotMeta:
    """What a snapshot says about itself, without its entries: where and when its data came
    from, and which data it is (`content_hash`).

    A `check` whose name index is cached needs no more than this: reading it does not decode
    the snapshot's entries, which took seconds at 100,000 entries.
    """

    registry: str
    origin: str
    source: str
    as_of: date
    fetched_at: datetime
    content_hash: str
    count: int

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> SnapshotMeta:
        """Return the metadata of Snapshot.meta()'s dict form (as stored beside the entries)."""
        return cls(
            registry=meta["registry"],
            # Snapshots stored before the origin was renamed say "official" for the portal.
            origin=PORTAL if meta["origin"] == "official" else meta["origin"],
            source=meta["source"],
            as_of=date.fromisoformat(meta["as_of"]),
            fetched_at=datetime.fromisoformat(meta["fetched_at"]),
            content_hash=str(meta.get("content_hash", "")),
            count=int(meta.get("count", 0)),
        )


def content_hash(entries: tuple[Entry, ...] | list[Entry]) -> str:
    """Return a sha256 over the entries' canonical JSON, so identical content is recognisable
    across sources and re-imports (consecutive mirror days are often byte-different but equal)."""
    canon = json.dumps([e.to_dict() for e in entries], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def utcnow() -> datetime:
    """Return the current time in UTC (one place, so tests can reason about it)."""
    return datetime.now(UTC).replace(microsecond=0)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _parse_iso(value: object) -> date | None:
    if not value:
        return None
    return date.fromisoformat(str(value))
