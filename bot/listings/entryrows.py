"""Registry entries kept as compact rows, each made an Entry only when something reads it.

A `check` process answers from a handful of entries, yet the name index refers to all of them.
Decoding a stored snapshot into 100,000 Entry objects took seconds (JSON parse plus the frozen
dataclass constructor); unpickling 100,000 Entry objects from the disk cache still took half a
second. As rows — plain tuples with dates as day numbers and repeated strings (registry, kind,
legal basis) stored once — the same entries unpickle in under a tenth of a second, and an Entry
is made on first access and kept, so every reader of one position sees the same object.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, overload

from bot.listings.model import Entry

# One row: registry, entry_id, kind, name, aliases, included (ordinal, 0 = none), excluded
# (ordinal, 0 = none), legal_basis, resources, members, inn, ogrn.
_Row = tuple[str, str, str, str, tuple[str, ...], int, int, str, tuple[str, ...],
             tuple[str, ...], str, str]


class EntryRows(Sequence[Entry]):
    """A read-only sequence of entries stored as rows (see the module docstring)."""

    __slots__ = ("_made", "_rows")

    def __init__(self, entries: Iterable[Entry]) -> None:
        """Keep `entries` as rows; equal strings of different entries are stored once."""
        shared: dict[Any, Any] = {}

        def one(value: Any) -> Any:
            return shared.setdefault(value, value)

        self._rows: list[_Row] = [
            (one(e.registry), e.entry_id, one(e.kind), e.name, one(e.aliases),
             e.included_on.toordinal() if e.included_on else 0,
             e.excluded_on.toordinal() if e.excluded_on else 0,
             one(e.legal_basis), one(e.resources), one(e.members), e.inn, e.ogrn)
            for e in entries]
        # Position -> the Entry made for it; dict.setdefault keeps one object per position
        # even when two threads make it at once.
        self._made: dict[int, Entry] = {}

    def __len__(self) -> int:
        """Return the number of entries."""
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> list[Entry]: ...

    def __getitem__(self, index: int | slice) -> Entry | list[Entry]:
        """Return the entry at index (made from its row the first time), or a list for a
        slice."""
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._rows)))]
        if index < 0:
            index += len(self._rows)
        made = self._made.get(index)
        if made is not None:
            return made
        r = self._rows[index]
        entry = Entry(r[0], r[1], r[2], r[3], r[4],
                      date.fromordinal(r[5]) if r[5] else None,
                      date.fromordinal(r[6]) if r[6] else None,
                      r[7], r[8], r[9], r[10], r[11])
        return self._made.setdefault(index, entry)

    def __iter__(self) -> Iterator[Entry]:
        """Return every entry in order (each made on the way, once)."""
        return (self[i] for i in range(len(self._rows)))

    def __getstate__(self) -> list[_Row]:
        """Return the pickled form: the rows only, never the entries made from them."""
        return self._rows

    def __setstate__(self, rows: list[_Row]) -> None:
        """Restore from __getstate__'s form."""
        self._rows = rows
        self._made = {}


def as_rows(entries: Sequence[Entry]) -> EntryRows:
    """Return entries as EntryRows (themselves when they already are)."""
    return entries if isinstance(entries, EntryRows) else EntryRows(entries)
