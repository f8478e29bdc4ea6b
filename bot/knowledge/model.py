"""Knowledge-base entries as immutable data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

TOPICS = (
    "foreign_agents", "fa_duties", "fa_penalties", "interaction", "undesirable", "other_risks",
    "general",
)
SEVERITIES = ("info", "caution", "high")


@dataclass(frozen=True)
class Source:
    """A document an answer rests on: a law text or a reputable explainer."""

    title: str
    url: str


@dataclass(frozen=True)
class Entry:
    """One question area with its answer in Russian and English."""

    id: str
    topic: str
    severity: str
    title: dict[str, str]
    answer: dict[str, str]
    questions: dict[str, tuple[str, ...]]
    keywords: dict[str, tuple[str, ...]]
    sources: tuple[Source, ...]
    reviewed: dt.date
    related: tuple[str, ...]
    file: str
    line: int


@dataclass(frozen=True)
class SynonymGroup:
    """One concept of the domain thesaurus (knowledge/synonyms.yaml): per language, the words
    and phrases meaning that thing in questions about the registries, the head first."""

    name: str
    members: dict[str, tuple[str, ...]]
    line: int
    member_lines: dict[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class KnowledgeBase:
    """All entries, in file order, with lookup by id, and the domain thesaurus."""

    entries: tuple[Entry, ...]
    synonyms: tuple[SynonymGroup, ...] = field(default=())

    def get(self, entry_id: str) -> Entry | None:
        """Return the entry with this id, or None."""
        return self._by_id.get(entry_id)

    @property
    def _by_id(self) -> dict[str, Entry]:
        cached: dict[str, Entry] | None = self.__dict__.get("_cache")
        if cached is None:
            cached = {e.id: e for e in self.entries}
            object.__setattr__(self, "_cache", cached)
        return cached

    def by_topic(self, topic: str) -> list[Entry]:
        """Return the entries of one topic area, in file order."""
        return [e for e in self.entries if e.topic == topic]

    @property
    def reviewed(self) -> dt.date | None:
        """Return the oldest review date: the base is only as fresh as its stalest entry."""
        return min((e.reviewed for e in self.entries), default=None)
