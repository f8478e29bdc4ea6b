"""A compact read-only multimap from strings to integer lists, cheap to pickle and to load.

The name index maps hundreds of thousands of keys (tokens, stems, transliteration skeletons)
to the names that contain them. As a dict of lists of tuples that is millions of small objects:
at 100,000 entries it took seconds to unpickle from the disk cache. Here every key's values sit
in one flat `array` (positions in a second one), found through one dict of key -> slot; a
pickle holds only the key list and a few arrays.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

_EMPTY = array("i")


class FlatMultimap:
    """Keys mapped to runs of ints (and, optionally, a second int per value).

    Values keep the order they were added in, which the index's candidate walk relies on.
    """

    __slots__ = ("_extra", "_keys", "_offsets", "_slots", "_values")

    def __init__(self, items: Mapping[str, Sequence[int]] | Mapping[str, Sequence[tuple[int, int]]],
                 *, pairs: bool = False) -> None:
        """Freeze `items` (key -> ints, or key -> (int, int) pairs when `pairs`)."""
        self._keys: list[str] = list(items)
        self._offsets = array("q", [0])
        self._values = array("i")
        self._extra = array("i") if pairs else None
        for key in self._keys:
            run = items[key]
            if pairs:
                assert self._extra is not None
                for value, extra in run:  # type: ignore[misc]
                    self._values.append(value)
                    self._extra.append(extra)
            else:
                self._values.extend(run)  # type: ignore[arg-type]
            self._offsets.append(len(self._values))
        self._slots = {key: i for i, key in enumerate(self._keys)}

    def __len__(self) -> int:
        """Return the number of keys."""
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        """Return True when key has values."""
        return key in self._slots

    def keys(self) -> Iterator[str]:
        """Return the keys in the order they were added."""
        return iter(self._keys)

    def get(self, key: str) -> array[int]:
        """Return key's values (an empty array when the key is absent)."""
        slot = self._slots.get(key)
        if slot is None:
            return _EMPTY
        return self._values[self._offsets[slot]:self._offsets[slot + 1]]

    def get_pairs(self, key: str) -> Iterable[tuple[int, int]]:
        """Return key's (value, second value) pairs (nothing when the key is absent)."""
        slot = self._slots.get(key)
        if slot is None or self._extra is None:
            return ()
        lo, hi = self._offsets[slot], self._offsets[slot + 1]
        return zip(self._values[lo:hi], self._extra[lo:hi], strict=True)

    def count(self, key: str) -> int:
        """Return how many values key has (0 when absent), without copying them."""
        slot = self._slots.get(key)
        return 0 if slot is None else self._offsets[slot + 1] - self._offsets[slot]

    def __getstate__(self) -> tuple[Any, ...]:
        """Return the pickled form: the key list and the arrays (the dict is rebuilt)."""
        return (self._keys, self._offsets, self._values, self._extra)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        """Restore from __getstate__'s form."""
        self._keys, self._offsets, self._values, self._extra = state
        self._slots = dict(zip(self._keys, range(len(self._keys)), strict=True))
