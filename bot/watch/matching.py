"""Which watches a refresh's changes concern, found with the same matcher as `check` (pure).

A check searches one query in the index of every entry; here each distinct watched name is
searched in an index of only the changed entries, so the rules (spellings, inflection,
typos, what counts as definite) are exactly those of a check, and the cost grows with the
number of distinct watched names, not with the registry's size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.listings import names as nm
from bot.listings.index import NameIndex
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

    change: int  # index into the changes given to match_watches
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


def match_watches(changes: Sequence[Change], watches: Iterable[WatchRow]) -> list[WatchMatch]:
    """Return every (change, watch) pair where the watch's name matches the changed entry.

    Watches with the same folded name are searched once. A "changed" entry is also matched
    under its previous name, so a watch on the old name hears about the renaming.
    """
    if not changes:
        return []
    entries = [as_entry(c, i) for i, c in enumerate(changes)]
    for i, c in enumerate(changes):
        if c.previous_name:
            entries.append(Entry(registry=c.registry, entry_id=str(i), kind=c.entry_kind,
                                 name=c.previous_name))
    index = NameIndex(entries)
    by_query: dict[str, list[WatchRow]] = defaultdict(list)
    for w in watches:
        by_query[nm.norm(w.query) or w.query].append(w)
    out: list[WatchMatch] = []
    for group in by_query.values():
        seen: set[int] = set()
        for hit in relevant(index.search(group[0].query)):
            number = int(hit.entry.entry_id)
            if number in seen:  # the entry matched under its old and new name: one alert
                continue
            seen.add(number)
            out.extend(WatchMatch(number, w, hit.kind, hit.definite, hit.name, hit.score)
                       for w in group)
    return out
