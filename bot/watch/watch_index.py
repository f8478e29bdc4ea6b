"""The watched names, analysed once and indexed by the keys a changed entry can meet them by.

Searching every distinct watched name in the index of a refresh's changed entries costs a
check per name, most of it analysing the name (spellings, morphology, romanisations): 1,000
changes against 100,000 watches took 17 s of CPU. Here each watched name is analysed once,
when it is added, into the words a check would require a changed name to contain, and the
index is kept between refreshes. A refresh looks the changed entries' words up in it (exact
word, dictionary forms and stems, romanised skeletons, and typo neighbours of the
skeletons) and runs the check itself (`matching.check_hits`) only for the names whose every
required word met one and the same changed name: a check can find nothing for the others,
so the decisions are exactly a check's, and the cost follows the changes and the names they
concern rather than the number of watches.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from bot.listings import everyday
from bot.listings import names as nm
from bot.listings.index import NameIndex
from bot.watch.matching import WatchMatch, WatchRow, changes_index, check_hits
from bot.watch.model import Change

# What NameIndex.search does with a query, mirrored here: it tries the first six spellings
# of a query, reads up to twelve words of each, looks up INN/OGRN numbers, and corrects
# typos of words of five letters or more by rapidfuzz's ratio with this cutoff. A test
# compares the outcome with a check of every watched name, so a drift shows.
_VARIANTS = 6
_MAX_TOKENS = 12
_DIGITS = re.compile(r"^\d{10}(?:\d{2,5})?$")
_TYPO_MIN_LEN = 5
_TYPO_CUTOFF = 80.0
# Changed skeletons compared with the watched ones per rapidfuzz call: bounds the score
# matrix (rows × watched skeletons bytes) whatever the number of watches.
_TYPO_CHUNK = 256


@dataclass
class _Name:
    """One distinct watched name, as typed, and what a check of it needs."""

    query: str
    marked: bool  # everyday.is_marked_query, computed once
    variants: tuple[str, ...]  # the spellings a check tries (names.query_variants)
    digits: str  # the INN or OGRN it is, if it is one
    whole: frozenset[str]  # each spelling's folded words, joined: a whole-name key
    needs: tuple[frozenset[str], ...]  # per spelling: the words a changed name must meet
    watches: dict[int, WatchRow] = field(default_factory=dict)

    @property
    def words(self) -> frozenset[str]:
        """Return every word some spelling of this name requires."""
        return frozenset().union(*self.needs)


class WatchIndex:
    """Every active watch, indexed by the words its name requires (kept between refreshes).

    Thread-safe: a refresh matches in a worker thread while another may sync.
    """

    def __init__(self, watches: Iterable[WatchRow] = ()) -> None:
        """Build the index of watches (about 0.3 ms per distinct name, mostly pymorphy3
        and transliteration of its words: 7 s for 100,000 watches of 22,500 names)."""
        self._lock = threading.Lock()
        self._rows: dict[int, WatchRow] = {}
        self._names: dict[str, _Name] = {}
        self._by_whole: dict[str, set[str]] = defaultdict(set)
        self._by_digits: dict[str, set[str]] = defaultdict(set)
        self._by_word: dict[str, set[str]] = defaultdict(set)  # word → names requiring it
        self._by_key: dict[str, set[str]] = defaultdict(set)  # meeting key → words
        self._by_skeleton: dict[str, set[str]] = defaultdict(set)  # typo skeleton → words
        self._typo_vocab: list[str] | None = None  # skeletons sorted by length, then text
        self.analysed = 0  # distinct names analysed since the index was made
        self.last_checked = 0  # names the last match ran a check for
        with self._lock:
            for row in watches:
                self._add(row)

    def __len__(self) -> int:
        """Return the number of watches held."""
        return len(self._rows)

    @property
    def distinct_names(self) -> int:
        """Return the number of distinct watched names (as typed)."""
        return len(self._names)

    def add(self, row: WatchRow) -> None:
        """Hold row (a watch already held under its id is replaced)."""
        with self._lock:
            self._add(row)

    def remove(self, watch_id: int) -> None:
        """Forget the watch with this id (nothing happens for an unknown id)."""
        with self._lock:
            self._remove(watch_id)

    def sync(self, rows: Iterable[WatchRow]) -> tuple[int, int]:
        """Make the index hold exactly rows; returns (added, removed).

        Only new and changed watches are analysed, so keeping the index in step with the
        database at each refresh costs what changed since the last one.
        """
        wanted = {r.watch_id: r for r in rows}
        with self._lock:
            gone = [i for i, r in self._rows.items() if wanted.get(i) != r]
            for watch_id in gone:
                self._remove(watch_id)
            new = [r for i, r in wanted.items() if i not in self._rows]
            for row in new:
                self._add(row)
        return len(new), len(gone)

    def match(self, changes: Sequence[Change]) -> list[WatchMatch]:
        """Return every (change, watch) pair where a check of the watched name over the
        changed entries shows the change, in the order of the watches' ids."""
        if not changes:
            return []
        index = changes_index(changes)
        with self._lock:
            found = [self._names[q] for q in self._candidates(index)]
            # The checks run outside the lock (watches may come and go meanwhile): each
            # name's watches are copied; the rest of a _Name never changes.
            work = [(n, list(n.watches.values())) for n in found]
            self.last_checked = len(work)
        out: list[WatchMatch] = []
        for name, rows in work:
            for hit in check_hits(index, name.query, marked=name.marked,
                                  variants=name.variants):
                number = int(hit.entry.entry_id)
                out.extend(WatchMatch(number, w, hit.kind, hit.definite, hit.name, hit.score)
                           for w in rows)
        out.sort(key=lambda m: m.watch.watch_id)  # stable: each watch's hits stay best first
        return out

    # -----------------------------------------------------------------------------------------
    def _add(self, row: WatchRow) -> None:
        old = self._rows.get(row.watch_id)
        if old == row:
            return
        if old is not None:
            self._remove(row.watch_id)
        name = self._names.get(row.query)
        if name is None:
            name = self._names[row.query] = _analyse(row.query)
            self.analysed += 1
            self._register(name)
        name.watches[row.watch_id] = row
        self._rows[row.watch_id] = row

    def _remove(self, watch_id: int) -> None:
        row = self._rows.pop(watch_id, None)
        if row is None:
            return
        name = self._names[row.query]
        del name.watches[watch_id]
        if not name.watches:
            del self._names[row.query]
            self._unregister(name)

    def _register(self, name: _Name) -> None:
        for key in name.whole:
            self._by_whole[key].add(name.query)
        if name.digits:
            self._by_digits[name.digits].add(name.query)
        for word in name.words:
            if word not in self._by_word:
                # A check asks whether each word is an everyday one (pymorphy3, cached):
                # asked here, a refresh does not pay for it.
                nm.is_common_word(word)
                for key in _meeting_keys(word):
                    self._by_key[key].add(word)
                for skeleton in _typo_skeletons(word):
                    self._by_skeleton[skeleton].add(word)
                    self._typo_vocab = None
            self._by_word[word].add(name.query)

    def _unregister(self, name: _Name) -> None:
        _discard(self._by_whole, name.whole, name.query)
        if name.digits:
            _discard(self._by_digits, (name.digits,), name.query)
        for word in name.words:
            _discard(self._by_word, (word,), name.query)
            if word not in self._by_word:
                _discard(self._by_key, _meeting_keys(word), word)
                skeletons = _typo_skeletons(word)
                _discard(self._by_skeleton, skeletons, word)
                if skeletons:
                    self._typo_vocab = None

    def _candidates(self, index: NameIndex) -> list[str]:
        """Return the watched names a check could find a changed entry for, in the order
        of their first watch's id: those whose whole name or number is a changed entry's,
        or every required word of some spelling meets one and the same changed name (a
        check scores a name only when all of them do)."""
        out: set[str] = set()
        met: dict[str, set[int]] = defaultdict(set)  # watched word → changed names it meets
        by_skeleton: dict[str, set[int]] = defaultdict(set)
        for ni, indexed in enumerate(index.names):
            for whole in (" ".join(indexed.tokens), _twin_key(indexed.text)):
                out |= self._by_whole.get(whole, set())
            for tok in indexed.tokens:
                for key in _name_keys(tok):
                    for word in self._by_key.get(key, ()):
                        met[word].add(ni)
                for skeleton in nm.latin_keys(tok):
                    by_skeleton[skeleton].add(ni)
        for entry in index.entries:
            for number in (entry.inn, entry.ogrn):
                out |= self._by_digits.get(re.sub(r"\D", "", number), set())
        for word, names in self._typo_met(by_skeleton):
            met[word] |= names
        touched: set[str] = set()
        for word in met:
            touched |= self._by_word.get(word, set())
        out.update(q for q in touched - out
                   if any(_meet_one_name(need, met) for need in self._names[q].needs))
        return sorted(out, key=lambda q: min(self._names[q].watches))

    def _typo_met(self, by_skeleton: dict[str, set[int]]) -> Iterable[tuple[str, set[int]]]:
        """Yield (watched word, changed names) for each watched word one typo or two away
        from a changed name's skeleton."""
        vocab = self._typo_vocabulary()
        if not vocab:
            return
        lengths = [len(s) for s in vocab]
        by_length: dict[int, list[str]] = defaultdict(list)
        for s in by_skeleton:
            by_length[len(s)].append(s)
        for length, group in by_length.items():
            # ratio = 100·(1 - indel/(a+b)) ≥ 80 needs 2/3 ≤ b/a ≤ 3/2.
            lo = bisect_left(lengths, -(-2 * length // 3))
            hi = bisect_right(lengths, 3 * length // 2)
            if lo >= hi:
                continue
            choices = vocab[lo:hi]
            for start in range(0, len(group), _TYPO_CHUNK):
                rows = group[start:start + _TYPO_CHUNK]
                scores = process.cdist(rows, choices, scorer=fuzz.ratio,
                                       score_cutoff=_TYPO_CUTOFF, dtype=np.uint8, workers=-1)
                for r, c in zip(*np.nonzero(scores), strict=True):
                    names = by_skeleton[rows[r]]
                    for word in self._by_skeleton[choices[c]]:
                        yield word, names

    def _typo_vocabulary(self) -> list[str]:
        if self._typo_vocab is None:
            self._typo_vocab = sorted(self._by_skeleton, key=lambda s: (len(s), s))
        return self._typo_vocab


def _meet_one_name(need: frozenset[str], met: dict[str, set[int]]) -> bool:
    """Return True when some changed name meets every word of need."""
    sets = sorted((met.get(word, set()) for word in need), key=len)
    if not sets or not sets[0]:
        return False
    return bool(sets[0].intersection(*sets[1:]))


def _analyse(query: str) -> _Name:
    """Return what a check of query needs, read the way NameIndex.search reads it."""
    digits = re.sub(r"[\s-]", "", query)
    whole: set[str] = set()
    needs: list[frozenset[str]] = []
    variants = tuple(nm.query_variants(query)[:_VARIANTS])
    for variant in variants:
        tokens = nm.norm_tokens(variant)[:_MAX_TOKENS]
        if not tokens:
            continue
        whole.update(k for k in (" ".join(tokens), _twin_key(variant)) if k)
        words = [t for t in tokens if len(t) > 1]  # initials are checked against a name
        required = frozenset(t for t in words if t not in nm.STOPWORDS) or frozenset(words)
        if required:
            needs.append(required)
    return _Name(query, everyday.is_marked_query(query), variants,
                 digits if _DIGITS.match(digits) else "", frozenset(whole),
                 tuple(dict.fromkeys(needs)))


def _meeting_keys(word: str) -> frozenset[str]:
    """Return the keys a watched word meets a changed name's word by: itself, its
    dictionary forms and stems (of its Cyrillic readings too, when typed in Latin letters),
    and its romanised skeletons (of its lemmas too): the query side's keys, as a check's."""
    return frozenset({word, *nm.query_morph_keys(word),
                      *("L:" + k for k in nm.query_latin_keys(word))})


def _name_keys(token: str) -> frozenset[str]:
    """Return the keys of a changed name's word, as NameIndex files it."""
    return frozenset({token, *nm.morph_keys(token), *("L:" + k for k in nm.latin_keys(token))})


def _typo_skeletons(word: str) -> frozenset[str]:
    """Return the skeletons whose typo neighbours a check would accept for word."""
    return nm.query_latin_keys(word) if len(word) >= _TYPO_MIN_LEN else frozenset()


def _twin_key(text: str) -> str:
    """Return the whole-name key of text spelt in the other script's look-alike letters."""
    twin = nm.homoglyph_twin(text)
    return nm.norm(twin) if twin else ""


def _discard(table: dict[str, set[str]], keys: Iterable[str], value: str) -> None:
    """Remove value under each key, and keys left empty."""
    for key in keys:
        values = table.get(key)
        if values is not None:
            values.discard(value)
            if not values:
                del table[key]
