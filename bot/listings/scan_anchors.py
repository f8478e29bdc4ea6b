"""The scanner's anchor table: which indexed names a word of a text can anchor, found by key.

Every indexed name has one anchor word (a person's surname, an organisation name's rarest
word; chosen by the scanner). A text word matches a name word exactly, by form or by spelling
under NameIndex's own rule (`NameIndex._direct`: the same word, a shared morphology key, or a
shared romanisation) if and only if their match keys meet, so the table maps match keys to
the distinct anchor words and each anchor word to its names. Looking up a text word costs a
few dict lookups at any registry size; a word is compared with a name only through a key
they share. Misspelt surnames are the one exception: only a person's name may anchor on a
typo, and those are found by prefix among the distinct surnames, then confirmed by the rule.

Per looked-up word the names are also grouped by the keys of the words that may stand next to
the anchor in a name (a person's other name words by first letter, an organisation's word
before and after its anchor), so that each occurrence of the word in a text visits only the
names that can grow beyond it, and the rest are taken as one shared group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot import textnorm
from bot.listings import everyday
from bot.listings import names as nm
from bot.listings.index import IndexedName, NameIndex


@lru_cache(maxsize=262144)
def name_keys(token: str) -> frozenset[str]:
    """Return the match keys of a name's word: its morphology keys and its romanisations.

    A text word matches the name word (exactly, by form or by spelling, as NameIndex decides)
    iff `text_keys` of the word meets these.
    """
    return frozenset({"m:" + k for k in nm.morph_keys(token)}
                     | {"L:" + k for k in nm.latin_keys(token)})


@lru_cache(maxsize=262144)
def text_keys(word: str) -> frozenset[str]:
    """Return the match keys of a text word (the query side: romanised lemmas, and the
    Cyrillic readings of Russian typed in Latin letters, included)."""
    return frozenset({"m:" + k for k in nm.query_morph_keys(word)}
                     | {"L:" + k for k in nm.query_latin_keys(word)})


def _prefix(word: str) -> str:
    return word[:3] if len(word) <= 4 else word[:4]


@lru_cache(maxsize=262144)
def _stem_key(word: str) -> str:
    """Return the first letters of a Cyrillic word's Snowball stem: inflected forms share it
    ("новая"/"новой" → "нов", "Дудь"/"Дудя" → "дуд")."""
    stem = nm._stemmer().stemWord(word)
    return stem[:4] if len(stem) >= 3 else word[:3]


def _typo_keys(word: str) -> set[str]:
    """Return the prefix keys under which a surname waits for its misspellings: the stem's
    first letters (Cyrillic) and the first letters of its romanisations."""
    keys = set()
    if textnorm.is_cyrillic(word):
        keys.add("c:" + _stem_key(word))
        keys |= {"c:" + _stem_key(k) for k in nm.morph_keys(word)
                 if not k.startswith("~") and k != word}
    keys |= {"l:" + _prefix(k) for k in nm.latin_keys(word)}
    return keys


@dataclass(frozen=True)
class NameGroup:
    """Names found together for one stretch of text, with what the verdict asks of them:
    the entries they belong to, whether one is a person's name, whether all are fragments."""

    names: tuple[int, ...]
    entries: frozenset[int]
    person: bool
    fragment: bool


@dataclass
class Anchored:
    """The names one text word anchors: people matched exactly, by form or by spelling;
    people matched only by typo-tolerance; organisations (never anchored on a typo).

    The groupings by neighbouring word are built on first use, once per word.
    """

    people: tuple[int, ...]
    fuzzy_people: tuple[int, ...]
    orgs: tuple[int, ...]
    alone: NameGroup | None = None  # people and orgs as one group (set by the scanner)
    remainders: dict[frozenset[int], NameGroup] | None = field(default=None, repr=False)
    _near: dict[str, tuple[int, ...]] | None = field(default=None, repr=False)
    _fuzzy_near: dict[str, tuple[int, ...]] | None = field(default=None, repr=False)
    _left: dict[str, tuple[int, ...]] | None = field(default=None, repr=False)
    _right: dict[str, tuple[int, ...]] | None = field(default=None, repr=False)


def _group_by(names: Iterable[int],
              keys_of: Callable[[int], Iterable[str]]) -> dict[str, tuple[int, ...]]:
    """Return key → the names among `names` that have it (keys_of gives a name's keys)."""
    out: dict[str, list[int]] = defaultdict(list)
    for ni in names:
        for key in keys_of(ni):
            out[key].append(ni)
    return {k: tuple(v) for k, v in out.items()}


def union(groups: dict[str, tuple[int, ...]], keys: Iterable[str]) -> set[int]:
    out: set[int] = set()
    for key in keys:
        found = groups.get(key)
        if found:
            out.update(found)
    return out


class AnchorTable:
    """Text word → the indexed names it anchors, by match key (see the module doc)."""

    def __init__(self, index: NameIndex, anchor: Sequence[int]) -> None:
        """Build the table over index, given each name's anchor position (-1: none).

        The work is per distinct anchor word, not per name: at 100,000 names most anchor
        words are shared by many names.
        """
        self.names: list[IndexedName] = index.names
        self.anchor = anchor
        by_word: dict[str, list[int]] = defaultdict(list)
        for ni, name in enumerate(self.names):
            if anchor[ni] >= 0:
                by_word[name.tokens[anchor[ni]]].append(ni)
        self._by_word = {w: tuple(v) for w, v in by_word.items()}
        self._by_key: dict[str, list[str]] = defaultdict(list)
        self._typo: dict[str, list[str]] = defaultdict(list)
        for word, names in self._by_word.items():
            for key in name_keys(word):
                self._by_key[key].append(word)
            if any(self.names[ni].person for ni in names):
                for key in _typo_keys(word):
                    self._typo[key].append(word)
        # Looked-up words, lower-case and capitalised ones apart (the hot loop of a scan
        # reads these dicts directly: most words of a text anchor nothing).
        self.cache: tuple[dict[str, Anchored | None], dict[str, Anchored | None]] = ({}, {})

    # -------------------------------------------------------------------------------------
    def lookup(self, word: str, capital: bool) -> Anchored | None:
        """Return the names whose anchor word the folded text word matches (None: none).

        `capital` says the word is written with a capital: only then may a Cyrillic word
        meet a Latin anchor by its romanisation ("Мемориал" → Memorial, not "проект").
        Cached per word, since a text repeats its words.
        """
        cache = self.cache[capital]
        if word in cache:
            return cache[word]
        found = self._find(word, capital)
        if len(cache) > 200_000:
            cache.clear()
        cache[word] = found
        return found

    def _find(self, word: str, capital: bool) -> Anchored | None:
        if len(word) < 2:
            return None
        cyrillic = textnorm.is_cyrillic(word)
        latin_ok = not cyrillic or (capital and len(word) >= 4)
        matched: set[str] = set()
        for key in text_keys(word):
            for anchor_word in self._by_key.get(key, ()):
                if latin_ok or textnorm.is_cyrillic(anchor_word):
                    matched.add(anchor_word)
        typos = [w for w in self._typo_candidates(word, cyrillic, capital) - matched
                 if _how(word, w) == "fuzzy"]
        if not matched and not typos:
            return None
        people: list[int] = []
        orgs: list[int] = []
        for anchor_word in matched:
            for ni in self._by_word[anchor_word]:
                (people if self.names[ni].person else orgs).append(ni)
        fuzzy = [ni for w in typos for ni in self._by_word[w] if self.names[ni].person]
        if not people and not orgs and not fuzzy:
            return None
        return Anchored(tuple(sorted(people)), tuple(sorted(fuzzy)), tuple(sorted(orgs)))

    def _typo_candidates(self, word: str, cyrillic: bool, capital: bool) -> set[str]:
        """Return the surnames sharing a prefix key with word (typo-tolerance needs five
        letters, as in NameIndex)."""
        if len(word) < 5:
            return set()
        found: set[str] = set()
        if cyrillic:
            found.update(self._typo.get("c:" + _stem_key(word), ()))
            for sk in nm.latin_keys(word) if capital else ():
                for key in ("l:" + sk[:3], "l:" + sk[:4]):
                    found.update(w for w in self._typo.get(key, ())
                                 if not textnorm.is_cyrillic(w))
        else:
            sk = nm.skeleton(word)
            for key in ("l:" + sk[:3], "l:" + sk[:4]):
                found.update(self._typo.get(key, ()))
        return found

    # -------------------------------------------------------------------------------------
    def people_near(self, found: Anchored, neighbours: Iterable[str],
                    fuzzy: bool) -> set[int]:
        """Return the people of `found` (typo-anchored ones when fuzzy) one of whose other
        name words a capitalised neighbouring text word (folded) matches, or starts with when
        it is an initial: only they can grow beyond their surname here."""
        if fuzzy:
            if found._fuzzy_near is None:
                found._fuzzy_near = _group_by(found.fuzzy_people, self._part_keys)
            groups = found._fuzzy_near
        else:
            if found._near is None:
                found._near = _group_by(found.people, self._part_keys)
            groups = found._near
        out: set[int] = set()
        for word in neighbours:
            keys = ("i:" + word,) if len(word) == 1 else text_keys(word)
            if not groups.keys().isdisjoint(keys):
                out |= union(groups, keys)
        return out

    def _part_keys(self, ni: int) -> set[str]:
        """Return the keys of a person's other name words (as words and as initials)."""
        keys: set[str] = set()
        for tok in self.names[ni].tokens[1:]:
            keys |= name_keys(tok)
            keys.add("i:" + tok[:1])
        return keys

    def neighbours(self, found: Anchored) -> tuple[dict[str, tuple[int, ...]],
                                                   dict[str, tuple[int, ...]]]:
        """Return the organisations of `found` by the keys of the words their names may
        continue with: before the anchor (the word before it, or an earlier one over stop
        words and qualifiers the text may leave out), and after it. Built once per word."""
        if found._left is None or found._right is None:
            left: dict[int, set[str]] = {}
            right: dict[int, set[str]] = {}
            for ni in found.orgs:
                toks, apos = self.names[ni].tokens, self.anchor[ni]
                keys: set[str] = set()
                for p in range(apos - 1, -1, -1):
                    keys |= name_keys(toks[p])
                    if not (toks[p] in nm.STOPWORDS or everyday.is_qualifier(toks[p])):
                        break
                left[ni] = keys
                right[ni] = set(name_keys(toks[apos + 1])) if apos + 1 < len(toks) else set()
            found._left = _group_by(found.orgs, left.__getitem__)
            found._right = _group_by(found.orgs, right.__getitem__)
        return found._left, found._right


def _how(word: str, name_tok: str) -> str | None:
    match = NameIndex._direct(word, (name_tok,))
    return match.how if match is not None else None
