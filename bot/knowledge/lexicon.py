"""The knowledge base's own words: reading misspelt and Latin-typed words back to them.

People type "иноагнетом", "ингаент", "foriegn agnet", "nejelatelnoi" or "4to". Every one of these
is close to a word the base itself uses, and the base's vocabulary is small (a few thousand word
forms), so the repair looks there rather than in a general dictionary:

- typos: the nearest word form of the base by Damerau-Levenshtein distance (a swapped pair of
  letters is one edit), at most one edit for short words and two for long ones; among equally
  close forms the one the base uses most wins ("иноагент" over a one-off misspelling);
- Latin-typed Russian: both the typed word and every Cyrillic form of the base are reduced to a
  phonetic skeleton where the letters transliteration schemes disagree on collapse
  (ж/з/zh/j -> z, и/й/ы/y/j -> i, ч/ch/4 -> c, ш/щ/sh/w/6 -> s, ь -> nothing, ...). Whatever
  scheme a person uses, "nejelatelnoi", "nezhelatelnoj" and "нежелательной" then differ by at
  most a letter or two.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Levenshtein

from bot.textnorm import is_cyrillic

_CYR_SKELETON = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "z", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "c", "ш": "s", "щ": "s",
    "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "u", "я": "a",
})
# Longest first: "shch" before "sh", "zh" before "z".
_LATIN_SKELETON = [
    ("shch", "s"), ("sch", "s"), ("zh", "z"), ("kh", "h"), ("ch", "c"), ("sh", "s"),
    ("ts", "c"), ("tz", "c"), ("yu", "u"), ("ju", "u"), ("ya", "a"), ("ja", "a"), ("yo", "e"),
    ("jo", "e"), ("ye", "e"), ("je", "ze"), ("ck", "k"), ("4", "c"), ("6", "s"), ("w", "s"),
    ("j", "i"), ("y", "i"), ("x", "ks"), ("q", "k"), ("'", ""), ("ii", "i"),
]
_LATIN_RE = re.compile("|".join(re.escape(a) for a, _ in _LATIN_SKELETON))
_LATIN_MAP = dict(_LATIN_SKELETON)
# "ts" is ц in one word and т+с in another ("otvetstvennost", "obshchatsya"): a word with it
# has a second skeleton that reads the letters one by one.
_LATIN_RE_TS = re.compile("|".join(re.escape(a) for a, _ in _LATIN_SKELETON if a != "ts"))


def cyrillic_skeleton(word: str) -> str:
    """Return the phonetic skeleton of a Cyrillic word (see the module docstring)."""
    return word.translate(_CYR_SKELETON).replace("ii", "i")


def latin_skeleton(word: str) -> str:
    """Return the phonetic skeleton of a Russian word typed in Latin letters."""
    return _LATIN_RE.sub(lambda m: _LATIN_MAP[m.group(0)], word.lower()).replace("ii", "i")


def latin_skeletons(word: str) -> tuple[str, ...]:
    """Return the skeletons a Latin-typed word may have: one, or two when "ts" is in it."""
    first = latin_skeleton(word)
    if "ts" not in word.lower():
        return (first,)
    second = _LATIN_RE_TS.sub(lambda m: _LATIN_MAP[m.group(0)], word.lower()).replace("ii", "i")
    return (first, second)


def max_edits(word: str) -> int:
    """Return how many edits a typo of this length may have and still be repaired.

    One for words of four to six letters, two from seven: short words have too many
    neighbours one edit away.
    """
    if len(word) < 4:
        return 0
    return 1 if len(word) < 7 else 2


class Lexicon:
    """Word forms of the knowledge base with the index key each stands for, and their repair."""

    def __init__(self) -> None:
        self._key_of: dict[str, str] = {}
        self._uses: defaultdict[str, float] = defaultdict(float)
        self._by_length: dict[tuple[str, int], list[str]] = defaultdict(list)
        self._skeletons: dict[str, str] = {}
        self._skeletons_by_length: dict[int, list[str]] = defaultdict(list)
        self._frozen = False

    def add(self, surface: str, key: str, weight: float = 1.0) -> None:
        """Record that the base uses `surface`, indexed as `key`; weight counts how prominently."""
        self._uses[surface] += weight
        self._key_of.setdefault(surface, key)

    def freeze(self) -> None:
        """Build the lookup tables once every word form has been added."""
        for surface in self._key_of:
            script = "ru" if is_cyrillic(surface) else "en"
            self._by_length[(script, len(surface))].append(surface)
            if script == "ru":
                skeleton = cyrillic_skeleton(surface)
                best = self._skeletons.get(skeleton)
                if best is None or self._uses[surface] > self._uses[best]:
                    self._skeletons[skeleton] = surface
        for skeleton in self._skeletons:
            self._skeletons_by_length[len(skeleton)].append(skeleton)
        self._frozen = True

    def items(self) -> list[tuple[str, str]]:
        """Return every (word form, index key) pair the base uses."""
        return list(self._key_of.items())

    def key(self, surface: str) -> str | None:
        """Return the index key of a word form the base uses, else None."""
        return self._key_of.get(surface)

    def _nearest(self, word: str, candidates: list[str], limit: int) -> list[tuple[str, int]]:
        """Return the candidates at most `limit` edits (Damerau-Levenshtein) from word, with
        their distance.

        The plain edit distance, several times cheaper, picks the candidates first: a swap of
        two letters is two plain edits, so none within `limit` swaps and edits is further than
        twice `limit` plain edits. The slow distance is then read for those few alone.
        """
        near = process.extract(word, candidates, scorer=Levenshtein.distance,
                               score_cutoff=2 * limit, limit=None)
        found = ((c, DamerauLevenshtein.distance(word, c, score_cutoff=limit)) for c, _, _ in near)
        return [(c, int(d)) for c, d in found if d <= limit]

    def better_spelling(self, surface: str) -> str | None:
        """Return a word form the base uses far more often one or two edits from `surface`.

        The base's example questions carry deliberate typos ("foriegn agnet"); read as words
        of their own they would tie a typo to one entry. Callers decide which forms are typos.
        """
        limit = max_edits(surface)
        if not limit:
            return None
        script = "ru" if is_cyrillic(surface) else "en"
        candidates: list[tuple[str, int]] = []
        for n in range(len(surface) - limit, len(surface) + limit + 1):
            candidates += [
                cd for cd in self._nearest(surface, self._by_length.get((script, n), []), limit)
                if cd[1] and self._uses[cd[0]] >= 3 * self._uses[surface]
            ]
        if not candidates:
            return None
        return min(candidates, key=lambda cd: (cd[1], -self._uses[cd[0]], cd[0]))[0]

    def alias(self, surface: str, key: str) -> None:
        """Index `surface` under `key` from now on (a typo of the base read as the right word)."""
        self._key_of[surface] = key

    @lru_cache(maxsize=16384)  # noqa: B019 - one lexicon per index; the cache is the point
    def repair(self, word: str) -> tuple[str, float] | None:
        """Return (base word form, confidence) for a misspelt word, or None if none is close.

        Confidence is 1 minus the edits' share of the word's length: "иноагнетом" for
        "иноагентом" (one transposition in ten letters) is 0.9.
        """
        limit = max_edits(word)
        if not limit:
            return None
        script = "ru" if is_cyrillic(word) else "en"
        candidates: list[tuple[str, int]] = []
        for n in range(len(word) - limit, len(word) + limit + 1):
            candidates += self._nearest(word, self._by_length.get((script, n), []), limit)
        if not candidates:
            return None
        surface, edits = min(candidates, key=lambda cd: (cd[1], -self._uses[cd[0]], cd[0]))
        return surface, 1.0 - edits / max(len(word), len(surface))

    @lru_cache(maxsize=16384)  # noqa: B019
    def read_latin(self, word: str) -> tuple[str, bool] | None:
        """Return the base's Cyrillic word form a Latin-typed word stands for, and if exactly.

        An exact skeleton match is certain ("nezhelatelnoi" -> "нежелательной"); otherwise the
        nearest skeleton within the typo limit is taken.
        """
        for skeleton in latin_skeletons(word):
            exact = self._skeletons.get(skeleton)
            if exact is not None:
                return exact, True
        skeleton = latin_skeleton(word)
        limit = max_edits(skeleton)
        if not limit:
            return None
        candidates: list[tuple[str, int]] = []
        for n in range(len(skeleton) - limit, len(skeleton) + limit + 1):
            candidates += self._nearest(skeleton, self._skeletons_by_length.get(n, []), limit)
        if not candidates:
            return None
        best = min(candidates,
                   key=lambda cd: (cd[1], -self._uses[self._skeletons[cd[0]]], cd[0]))
        return self._skeletons[best[0]], False
