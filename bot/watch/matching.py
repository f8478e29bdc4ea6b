"""What a watch and a match are, and the check's decision for one watched name (pure).

A watched name concerns a changed entry exactly when a check of that name, run over the
changed entries only, would show the entry (`check_hits`): the rules (spellings,
inflection, typos, what counts as definite, how many possible matches are worth showing)
are the check's own. `bot.watch.watch_index` decides which watched names are worth that
check; this module holds the check itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.listings.index import Hit, NameIndex
from bot.listings.model import Entry
from bot.listings.status import relevant
from bot.watch.model import Change


@dataclass(frozen=True)
class WatchRow:
    """A watch as the matcher needs it: whose it is and what they typed."""

    watch_id: int
    recipient_id: int
    query: str


@dataclass(frozen=True)
class WatchMatch:
    """One change that one watch matched, and how (the alert states the match kind)."""

    change: int  # index into the changes given to the matcher
    watch: WatchRow
    kind: str  # exact | alias | transliteration | fuzzy
    definite: bool
    matched_name: str
    score: float


def as_entry(change: Change, number: int) -> Entry:
    """Return the registry entry a change is about, for indexing."""
    return Entry(registry=change.registry, entry_id=str(number), kind=change.entry_kind,
                 name=change.name, aliases=change.aliases, included_on=change.included_on,
                 excluded_on=change.excluded_on, legal_basis=change.legal_basis)


def changes_index(changes: Sequence[Change]) -> NameIndex:
    """Return the name index of the changed entries (entry ids are positions in changes).

    A "changed" entry is also indexed under its previous name, so a watch on the old name
    hears about the renaming.
    """
    entries = [as_entry(c, i) for i, c in enumerate(changes)]
    for i, c in enumerate(changes):
        if c.previous_name:
            entries.append(Entry(registry=c.registry, entry_id=str(i), kind=c.entry_kind,
                                 name=c.previous_name))
    return NameIndex(entries)


def check_hits(index: NameIndex, query: str, *, marked: bool | None = None,
               variants: Sequence[str] | None = None) -> list[Hit]:
    """Return what a check of query over the changed entries shows, each change once.

    `marked` and `variants` are the query's everyday.is_marked_query and
    names.query_variants, when the caller keeps them.
    """
    out: list[Hit] = []
    seen: set[str] = set()
    for hit in relevant(index.search(query, marked=marked, variants=variants)):
        if hit.entry.entry_id in seen:  # matched under its old and new name: one alert
            continue
        seen.add(hit.entry.entry_id)
        out.append(hit)
    return out
