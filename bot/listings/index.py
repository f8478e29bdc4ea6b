"""The name index: every entry's names and aliases, matched against a query in any spelling.

Pure and in memory. Candidates come from inverted indexes (exact tokens, morphology keys,
transliteration skeletons, and a length-bucketed fuzzy search over skeletons), so a check
touches a few postings lists instead of every name; each candidate name is then scored with
rules that know how people write names (word order free, patronymic optional, initials).
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from bisect import bisect_left
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from rapidfuzz import fuzz, process

from bot.listings import everyday
from bot.listings import names as nm
from bot.listings.aliases import AliasBook, packaged
from bot.listings.entryrows import as_rows
from bot.listings.flatmap import FlatMultimap
from bot.listings.model import ALIAS, EXACT, FUZZY, PERSON, TRANSLIT, Entry

_KIND_RANK = {EXACT: 0, ALIAS: 1, TRANSLIT: 2, FUZZY: 3}
_SURE = frozenset({"exact", "morph"})  # token matches that leave no doubt about the word

# How much one token's match is worth by the way it matched.
_SIM_EXACT = 1.0
_SIM_MORPH = 0.96
_SIM_TRANSLIT = 0.93
_VOCAB_EXACT, _VOCAB_MORPH, _VOCAB_TRANSLIT = ((_SIM_EXACT, "exact"), (_SIM_MORPH, "morph"),
                                               (_SIM_TRANSLIT, "translit"))
_FUZZY_CUTOFF = 80.0  # rapidfuzz ratio; one wrong letter in five still passes
_MIN_PARTIAL_COVERAGE = 0.25
# Score of a surname met alone (times its match quality): a possible match at most.
_BARE_SURNAME = 0.58
# A query of one common word ("центр") must cover more of a name to be worth showing.
_MIN_PARTIAL_COMMON = 0.5
# Names scored at most per query: bounds a check's time on a registry of any size.
_MAX_CANDIDATES = 600
# A fuzzy neighbour this common is another ordinary word, not the misspelt name.
_MAX_FUZZY_POSTINGS = 3000
# Names one query token may contribute as candidates before the walk stops.
_LOOKUP_CAP = 4 * _MAX_CANDIDATES
# Skeletons whose typo neighbours a process keeps (least recently used out): the same words
# recur in queries, and each neighbour search scans up to five length buckets.
_FUZZY_MEMO = 4096
_DIGITS = re.compile(r"^\d{10}(?:\d{2,5})?$")


@dataclass(frozen=True)
class IndexedName:
    """One searchable name of one entry (the published name, or an extracted alias)."""

    entry: int
    text: str
    tokens: tuple[str, ...]
    primary: bool
    person: bool  # tokens are "Фамилия Имя Отчество" in that order


@dataclass(frozen=True)
class Hit:
    """One entry matched by a query: which name matched, how, how well, how surely.

    `definite` is False for everything that must only be shown as a possible match
    (transliterated, fuzzy, partial, or a query of common words only).
    """

    entry: Entry
    name: str
    kind: str
    score: float
    definite: bool


class _TokenMatch(NamedTuple):
    sim: float
    how: str  # "exact" | "morph" | "translit" | "fuzzy"
    pos: int


# Inside a search a match is a plain (sim, how, pos) tuple: made thousands of times per
# query at 100,000 entries, where a NamedTuple's constructor costs twice as much.
_Match = tuple[float, str, int]  # [0] sim, [1] how, [2] position in the name


_PRIMARY, _PERSON = 1, 2
_KEY_SEP = "\x00"
# What a vocabulary token is, precomputed at build (one byte per token): a common word
# (names.is_common_word), a qualifier noun (everyday.is_qualifier), read first as an adjective.
_COMMON, _QUALIFIER, _ADJECTIVE = 1, 2, 4


class _Word(NamedTuple):
    """What matching needs of one query word that names have: its morphology keys as a
    query word (names.query_morph_keys), its own skeletons (names.latin_keys), with its
    lemmas' too (names.query_latin_keys), and whether it is a common word
    (names.is_common_word)."""

    morph: frozenset[str]
    latin: frozenset[str]
    query_latin: frozenset[str]
    common: bool


class NameIndex:
    """Searchable index over the entries of one or more snapshots.

    The tables are flat (names as columns, token ids in one array, postings in a FlatMultimap)
    so that the built index pickles into few objects: `load_index` reads it from the disk
    cache in a fraction of the time building takes. The entries are pickled as compact rows
    (EntryRows), so a process whose index comes from the cache never decodes a snapshot.
    """

    def __init__(self, entries: Iterable[Entry], aliases: AliasBook | None = None) -> None:
        """Build the index (pure CPU; about ten seconds per 100,000 entries).

        Every entry is searchable by its published name, the aliases it carries (extracted
        from the name or published by the source) and the reviewed aliases of `aliases`
        (default: the file shipped in the package).
        """
        book = packaged() if aliases is None else aliases
        self.entries: Sequence[Entry] = list(entries)
        reviewed = book.attach(self.entries)
        names: list[IndexedName] = []
        by_key: dict[str, list[int]] = defaultdict(list)
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        by_number: dict[str, list[int]] = defaultdict(list)
        df: dict[str, int] = defaultdict(int)
        for ei, entry in enumerate(self.entries):
            for number in (entry.inn, entry.ogrn):
                digits = re.sub(r"\D", "", number)
                if digits:
                    by_number[digits].append(ei)
            person = nm.person_parts(entry.name) if entry.kind == PERSON else None
            texts = [(entry.name, True)] + [(a, False) for a in entry.aliases]
            texts += [(a, False) for a in reviewed.get(ei, ())]
            for text, primary in texts:
                tokens = nm.norm_tokens(text)
                if not tokens:
                    continue
                is_person = bool(primary and person)
                if is_person and person:
                    tokens = nm.norm_tokens(" ".join(person))
                elif is_person is False and entry.kind == PERSON and not primary:
                    # "(Горалик Юлия Борисовна)" inside a person row is a person name too.
                    parts = nm.person_parts(text)
                    if parts and len(parts) >= 3:
                        is_person = True
                        tokens = nm.norm_tokens(" ".join(parts))
                ni = len(names)
                names.append(IndexedName(ei, text, tokens, primary, is_person))
                for key in {" ".join(tokens), _twin_key(text)}:
                    if key:
                        by_key[key].append(ni)
                for pos, tok in enumerate(tokens):
                    keys = {tok} | set(nm.morph_keys(tok)) | {"L:" + k for k in nm.latin_keys(tok)}
                    for key in keys:
                        postings[key].append((ni, pos))
                for tok in set(tokens):
                    df[tok] += 1
        self._names: list[IndexedName] | None = names
        self._ambiguous = _ambiguous_short_names(names, self.entries)
        total = max(1, len(names))
        self._max_idf = math.log(1 + total)
        # The vocabulary: every name token once, with what matching it needs precomputed, so
        # a process that loaded the index from the cache never analyses a name token again.
        self._vocab: list[str] = sorted(df)
        tid = {tok: i for i, tok in enumerate(self._vocab)}
        self._vmorph = [_KEY_SEP.join(sorted(nm.morph_keys(t))) for t in self._vocab]
        self._vlatin = [_KEY_SEP.join(sorted(nm.latin_keys(t))) for t in self._vocab]
        # ...and what a query needs of the same word (a query is mostly name words), so that
        # a query word found in the vocabulary is never parsed, stemmed or romanised.
        self._vqlatin = [_KEY_SEP.join(sorted(nm.query_latin_keys(t) - nm.latin_keys(t)))
                         for t in self._vocab]
        self._vqmorph = [_KEY_SEP.join(sorted(nm.query_morph_keys(t) - nm.morph_keys(t)))
                         for t in self._vocab]
        self._vflags = bytes((_COMMON if nm.is_common_word(t) else 0)
                             | (_QUALIFIER if everyday.is_qualifier(t) else 0)
                             | (_ADJECTIVE if _adjective(t) else 0) for t in self._vocab)
        idf = [math.log(1 + total / df[t]) for t in self._vocab]
        self._vidf = array("d", idf)
        self._vweight = array("d", [0.1 if t in nm.STOPWORDS else w
                                    for t, w in zip(self._vocab, idf, strict=True)])
        self._idf_map: dict[str, float] | None = None
        # Per process, filled as queries meet vocabulary tokens: their key sets, split once.
        self._keysets: dict[int, tuple[frozenset[str], tuple[str, ...]]] = {}
        # Per process: the typo neighbours of the skeletons searched lately (_FUZZY_MEMO).
        self._fuzzy_memo: OrderedDict[str, list[tuple[str, float]]] = OrderedDict()
        # Per process, filled as queries meet vocabulary words: their analyses, unpacked once
        # (at most one per vocabulary word; other words are memoised by the names module).
        self._words: dict[str, _Word] = {}
        # Names as columns: entry, text, flags, token ids (one flat array, offsets per name).
        self._nentry = array("i", [n.entry for n in names])
        self._ntext = [n.text for n in names]
        self._nflags = bytes((_PRIMARY if n.primary else 0) | (_PERSON if n.person else 0)
                             for n in names)
        self._noff = array("i", [0])
        self._ntok = array("i")
        for n in names:
            self._ntok.extend(tid[t] for t in n.tokens)
            self._noff.append(len(self._ntok))
        self._nlen = array("i", [len(n.tokens) for n in names])
        # Each name's weight (its words' idf, stop words discounted): what coverage divides by.
        vweight = self._vweight
        self._nweight = array("d", [sum([vweight[t] for t in self._ntok[self._noff[ni]:
                                                                        self._noff[ni + 1]]])
                                    for ni in range(len(names))])
        self._by_key = FlatMultimap(by_key)
        self._postings = FlatMultimap(postings, pairs=True)
        self._by_number = FlatMultimap(by_number)
        # Skeleton vocabulary bucketed by length: fuzzy search only looks at near lengths.
        buckets: dict[int, list[str]] = defaultdict(list)
        for key in postings:
            if key.startswith("L:"):
                buckets[len(key) - 2].append(key[2:])
        self._buckets = dict(buckets)

    def __len__(self) -> int:
        """Return the number of indexed names (published names plus aliases)."""
        return len(self._ntext)

    def __getstate__(self) -> dict[str, Any]:
        """Return the pickled form: the tables, the entries as compact rows (EntryRows), and
        no derived views."""
        state = dict(self.__dict__)
        state.update(entries=as_rows(self.entries), _names=None, _idf_map=None, _keysets={},
                     _words={}, _fuzzy_memo=OrderedDict())
        return state

    @property
    def names(self) -> list[IndexedName]:
        """Return every indexed name as an object (built on first use: the scanner's view)."""
        if self._names is None:
            self._names = [IndexedName(self._nentry[ni], self._ntext[ni], self._tokens(ni),
                                       bool(self._nflags[ni] & _PRIMARY),
                                       bool(self._nflags[ni] & _PERSON))
                           for ni in range(len(self._ntext))]
        return self._names

    @property
    def _idf(self) -> dict[str, float]:
        """Return the inverse document frequency of every name token."""
        if self._idf_map is None:
            self._idf_map = dict(zip(self._vocab, self._vidf, strict=True))
        return self._idf_map

    def _tokens(self, ni: int) -> tuple[str, ...]:
        vocab = self._vocab
        return tuple([vocab[t] for t in self._ntok[self._noff[ni]:self._noff[ni + 1]]])

    def _tid(self, tok: str) -> int:
        """Return tok's position in the vocabulary, or -1 when no name has that word."""
        i = bisect_left(self._vocab, tok)
        return i if i < len(self._vocab) and self._vocab[i] == tok else -1

    def _keyset(self, t: int) -> tuple[frozenset[str], tuple[str, ...]]:
        """Return vocabulary token t's morphology keys and skeletons, split once per process."""
        sets = self._keysets.get(t)
        if sets is None:
            sets = self._keysets[t] = (frozenset(self._vmorph[t].split(_KEY_SEP)),
                                       tuple(self._vlatin[t].split(_KEY_SEP))
                                       if self._vlatin[t] else ())
        return sets

    def _word(self, tok: str) -> _Word | None:
        """Return what matching needs of a query word that names have (precomputed at build:
        such a word is never parsed, stemmed or romanised at query time), or None."""
        word = self._words.get(tok)
        if word is None:
            t = self._tid(tok)
            if t < 0:
                return None
            morph, latin_tuple = self._keyset(t)
            latin = frozenset(latin_tuple)
            extra, readings = self._vqlatin[t], self._vqmorph[t]
            word = self._words[tok] = _Word(
                morph | frozenset(readings.split(_KEY_SEP)) if readings else morph, latin,
                latin | frozenset(extra.split(_KEY_SEP)) if extra else latin,
                bool(self._vflags[t] & _COMMON))
        return word

    def _morph_keys(self, tok: str) -> frozenset[str]:
        """Return names.query_morph_keys(tok), precomputed when a name has the word."""
        word = self._word(tok)
        return nm.query_morph_keys(tok) if word is None else word.morph

    def _latin_keys(self, tok: str) -> frozenset[str]:
        """Return names.latin_keys(tok), precomputed when a name has the word."""
        word = self._word(tok)
        return nm.latin_keys(tok) if word is None else word.latin

    def _query_latin_keys(self, tok: str) -> frozenset[str]:
        """Return names.query_latin_keys(tok), precomputed when a name has the word."""
        word = self._word(tok)
        return nm.query_latin_keys(tok) if word is None else word.query_latin

    def _is_common(self, tok: str) -> bool:
        """Return names.is_common_word(tok), precomputed when a name has the word."""
        word = self._word(tok)
        return nm.is_common_word(tok) if word is None else word.common

    def is_qualifier(self, tok: str) -> bool:
        """Return everyday.is_qualifier(tok), precomputed for the words of names."""
        t = self._tid(tok)
        return bool(self._vflags[t] & _QUALIFIER) if t >= 0 else everyday.is_qualifier(tok)

    # -----------------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, *, marked: bool | None = None,
               variants: Sequence[str] | None = None, sure_first: bool = False) -> list[Hit]:
        """Return the entries matching query, best first (empty when nothing is close).

        Every spelling of the query is tried (the text itself, names quoted or bracketed in
        it, without a leading preposition); each entry keeps its best hit. `marked` says the
        words are marked as a name (quotes, a qualifier such as "издание", an asterisk):
        then a name of everyday words can be definite, and a name's own qualifier words
        ("Телеканал" in "Телеканал Дождь") need not be repeated. None: read it from query
        (everyday.is_marked_query), so `check` and `scan` share one rule. `variants`:
        names.query_variants(query), when the caller keeps it (a watched name is searched
        at every refresh). `sure_first`: an entry's sure hit nearly as high as an unsure one
        stands for it (`_better`), for a caller asking only whether a name is surely meant;
        the scanner keeps the best-scoring hit, whose words its spans are grown from.
        """
        if marked is None:
            marked = everyday.is_marked_query(query, qualifier=self.is_qualifier)
        best: dict[int, Hit] = {}
        digits = re.sub(r"[\s-]", "", query)
        if _DIGITS.match(digits):
            for ei in self._by_number.get(digits):
                entry = self.entries[ei]
                best[ei] = Hit(entry, entry.name, EXACT, 1.0, True)
        if variants is None:
            variants = nm.query_variants(query)
        # Variants share most words: their lookups and comparisons are done once per search.
        shared: dict[tuple[str, str], Any] | None = {} if len(variants) > 1 else None
        for vi, variant in enumerate(variants[:6]):
            for ei, hit in self._search_variant(variant, marked, shared):
                if vi:
                    hit = Hit(hit.entry, hit.name, hit.kind, round(hit.score - 0.02, 4),
                              hit.definite)
                if ei not in best or (_better(hit, best[ei]) if sure_first
                                      else _order(hit) < _order(best[ei])):
                    best[ei] = hit
        return sorted(best.values(), key=_order)[:limit]

    def may_be_sure(self, query: str) -> bool:
        """Return False when no hit of `search(query)` can be definite, found without a search.

        A definite hit meets every meaningful word of the query by its spelling or its
        morphology (`_SURE`; stop words aside), so a word no name has in either form
        ("террорестическая", a typo) rules one out: the chat path asks only for sure names
        and skips the typo search such a word costs. True whenever in doubt (numbers, a
        homoglyph twin)."""
        if _DIGITS.match(re.sub(r"[\s-]", "", query)):
            return True
        for variant in nm.query_variants(query)[:6]:
            if _twin_key(variant):
                return True
            if all(len(t) <= 1 or t in nm.STOPWORDS or self._tid(t) >= 0
                   or any(self._postings.count(k) for k in self._morph_keys(t))
                   for t in nm.norm_tokens(variant)[:12]):
                return True
        return False

    def _search_variant(self, text: str, marked: bool = False,
                        shared: dict[tuple[str, str], Any] | None = None,
                        ) -> Iterable[tuple[int, Hit]]:
        qtokens = nm.norm_tokens(text)[:12]
        if not qtokens or sum(len(t) for t in qtokens) < 2:
            return []
        all_common = not marked and all(self._is_common(t) for t in qtokens
                                        if t not in nm.STOPWORDS)
        results: list[tuple[int, Hit]] = []
        # 1. The whole query equals a name or alias.
        for key in {" ".join(qtokens), _twin_key(text)}:
            for ni in self._by_key.get(key) if key else ():
                flags = self._nflags[ni]
                ei = self._nentry[ni]
                if flags & _PERSON and len(qtokens) == 1:
                    continue  # a bare surname is scored below as a partial name
                primary = bool(flags & _PRIMARY)
                kind = EXACT if primary else ALIAS
                score = 1.0 if primary else 0.98
                definite = not all_common and ni not in self._ambiguous
                results.append((ei, Hit(self.entries[ei], self._ntext[ni], kind, score,
                                        definite)))
        # 2. Token by token.
        matches = self._token_matches(qtokens, shared)
        words = [(qi, t in nm.STOPWORDS) for qi, t in enumerate(qtokens) if len(t) > 1]
        initials = [t for t in qtokens if len(t) == 1]
        ambiguous = self._ambiguous
        for ni, per_token in matches.items():
            hit = self._score(ni, words, initials, per_token, all_common or ni in ambiguous,
                              marked)
            if hit is not None:
                results.append((self._nentry[ni], hit))
        return results

    def _token_matches(self, qtokens: Sequence[str],
                       shared: dict[tuple[str, str], Any] | None = None,
                       ) -> dict[int, dict[int, _Match]]:
        """Return, per candidate name, the best match of each query token in it.

        Candidates come from the rarest required query token's postings (plus its fuzzy
        neighbours); every other token is then compared with those names' own tokens. A
        common word ("фонд") thus never makes a check walk tens of thousands of names.
        `shared`: what the other variants of the same search worked out (filled here).
        """
        found: dict[int, dict[int, _Match]] = {}
        toks = [(qi, t) for qi, t in enumerate(qtokens) if len(t) > 1]  # initials: in _score
        if not toks:
            return found
        required = [(qi, t) for qi, t in toks if t not in nm.STOPWORDS] or toks
        # The rarest token that occurs at all: a typo (no postings) is better checked
        # against the candidates of a real word than expanded into every fuzzy neighbour.
        if len(required) == 1:
            first_qi, first_tok = required[0]
        else:
            estimates = {t: _shared(shared, "estimate", t, self._estimate)
                         for _, t in required}
            first_qi, first_tok = min(required, key=lambda x: (estimates[x[1]] == 0,
                                                               estimates[x[1]]))
        first = _shared(shared, "lookup", first_tok, self._lookup)
        if len(first) > _MAX_CANDIDATES:
            # Short names first: only they can be covered well by a query this unspecific.
            keep = sorted(first, key=self._nlen.__getitem__)[:_MAX_CANDIDATES]
            first = {ni: first[ni] for ni in keep}
        for ni, m in first.items():
            found[ni] = {first_qi: m}
        required_qis = {qi for qi, _ in required}
        others = [(qi, tok) for qi, tok in toks if qi != first_qi]
        if not others:
            return found
        noff, ntok = self._noff, self._ntok
        name_tids = {ni: ntok[noff[ni]:noff[ni + 1]] for ni in found}
        for qi, tok in others:
            tids = {t for ni in found for t in name_tids[ni]}
            if shared is None:
                per_tid: Mapping[int, tuple[float, str] | None] = self._match_vocab(tok, tids)
            else:
                memo = shared.setdefault(("pairs", tok), {})
                todo = tids.difference(memo)
                if todo:
                    fresh = self._match_vocab(tok, todo)
                    memo.update((t, fresh.get(t)) for t in todo)
                per_tid = memo
            required_tok = qi in required_qis
            for ni, per_token in list(found.items()):
                best: _Match | None = None
                for pos, t in enumerate(name_tids[ni]):
                    got = per_tid.get(t)
                    if got is None:
                        continue
                    if got[1] == "exact":
                        best = (got[0], got[1], pos)
                        break
                    if best is None or got[0] > best[0]:
                        best = (got[0], got[1], pos)
                if best is not None:
                    per_token[qi] = best
                elif required_tok:
                    del found[ni]
        return found

    def _match_vocab(self, tok: str, tids: Iterable[int]) -> dict[int, tuple[float, str]]:
        """Return how tok matches each of the given vocabulary tokens that it matches at all
        (the rules of `_direct`), with the typo comparisons done in one batch."""
        out: dict[int, tuple[float, str]] = {}
        mkeys, lkeys = self._morph_keys(tok), self._query_latin_keys(tok)
        raw = self._latin_keys(tok)
        own, typos = self._tid(tok), len(tok) >= 5
        keysets = self._keysets
        fuzzy_keys: list[str] = []
        fuzzy_owner: list[int] = []
        for t in tids:
            if t == own:
                out[t] = _VOCAB_EXACT
                continue
            sets = keysets.get(t)
            if sets is None:
                sets = self._keyset(t)
            if not mkeys.isdisjoint(sets[0]):
                out[t] = _VOCAB_MORPH
            else:
                skeletons = sets[1]
                if not skeletons:
                    continue
                if not lkeys.isdisjoint(skeletons):
                    out[t] = _VOCAB_TRANSLIT
                elif typos:
                    fuzzy_keys += skeletons
                    fuzzy_owner += [t] * len(skeletons)
        if fuzzy_keys:
            ratios: dict[int, float] = {}
            for a in raw:
                for _, ratio, i in process.extract(a, fuzzy_keys, scorer=fuzz.ratio,
                                                   processor=None, limit=None,
                                                   score_cutoff=_FUZZY_CUTOFF):
                    owner = fuzzy_owner[i]
                    if ratio > ratios.get(owner, 0.0):
                        ratios[owner] = ratio
            for t, ratio in ratios.items():
                out[t] = (0.9 * ratio / 100, "fuzzy")
        return out

    def _estimate(self, tok: str) -> int:
        """Return roughly how many postings a token's lookup would walk."""
        keys = {tok} | self._morph_keys(tok) | {"L:" + k for k in self._latin_keys(tok)}
        return sum(self._postings.count(k) for k in keys)

    def _lookup(self, tok: str) -> dict[int, _Match]:
        """Return the best match of tok in every name that has one (via the postings)."""
        out: dict[int, _Match] = {}
        raw = self._latin_keys(tok)
        sources = [(tok, _SIM_EXACT, "exact")]
        sources += [(k, _SIM_MORPH, "morph") for k in sorted(self._morph_keys(tok) - {tok})]
        sources += [("L:" + k, _SIM_TRANSLIT, "translit") for k in sorted(raw)]
        self._walk(sources, out)
        # The romanised lemmas ("Нойзом" → noiz) only when the token itself finds nothing.
        extra = sorted(self._query_latin_keys(tok) - raw) if not out else []
        self._walk([("L:" + k, _SIM_TRANSLIT, "translit") for k in extra], out)
        # Typo neighbours only for a word no name spells this way (as written, inflected or
        # transliterated): «Шульман» is Шульман's surname, not a misspelt "Human" of another
        # name. Not for short tokens either: a typo cannot be told from another word.
        if len(tok) >= 5 and not out:
            self._add_typo_neighbours(tok, [*raw, *extra], out)
        return out

    def _add_typo_neighbours(self, tok: str, keys: Sequence[str],
                             out: dict[int, _Match]) -> None:
        """Note in `out` the names whose words are a typo or two from `tok`'s skeleton keys,
        unless `tok` is a frequent word spelt right ("germany" is no typo of «ГРАНИ»): that is
        asked only once a neighbour would count, as the frequency lookup costs more."""
        spelt_right: bool | None = None
        for key in keys:
            for match, ratio in self._fuzzy(key):
                if self._postings.count("L:" + match) > _MAX_FUZZY_POSTINGS:
                    continue
                sim = 0.9 * ratio / 100
                for ni, pos in self._postings.get_pairs("L:" + match):
                    cur = out.get(ni)
                    if cur is None or sim > cur[0]:
                        if spelt_right is None:
                            spelt_right = everyday.is_correct_spelling(tok)
                        if spelt_right:
                            return
                        out[ni] = (sim, "fuzzy", pos)

    def _walk(self, sources: Sequence[tuple[str, float, str]],
              out: dict[int, _Match]) -> None:
        """Note in `out` (empty on entry) the best posting of every name the given keys
        reach, up to the lookup cap of names."""
        for key, sim, how in sources:
            for ni, pos in self._postings.get_pairs(key):
                cur = out.get(ni)
                if cur is None:
                    if len(out) >= _LOOKUP_CAP:
                        break  # a word this common cannot single out a name: enough candidates
                    out[ni] = (sim, how, pos)
                elif sim > cur[0]:
                    out[ni] = (sim, how, pos)

    @staticmethod
    def _direct(tok: str, name_tokens: Sequence[str]) -> _TokenMatch | None:
        """Return the best match of tok among one name's tokens (same rules as _lookup)."""
        best: _TokenMatch | None = None
        mkeys = nm.query_morph_keys(tok)
        lkeys = nm.query_latin_keys(tok)
        raw = nm.latin_keys(tok)
        for pos, nt in enumerate(name_tokens):
            if nt == tok:
                return _TokenMatch(_SIM_EXACT, "exact", pos)
            if mkeys & nm.morph_keys(nt):
                cand = _TokenMatch(_SIM_MORPH, "morph", pos)
            elif lkeys & nm.latin_keys(nt):
                cand = _TokenMatch(_SIM_TRANSLIT, "translit", pos)
            elif len(tok) >= 5:
                ratio = max((fuzz.ratio(a, b, score_cutoff=_FUZZY_CUTOFF)
                             for a in raw for b in nm.latin_keys(nt)), default=0.0)
                if not ratio:
                    continue
                cand = _TokenMatch(0.9 * ratio / 100, "fuzzy", pos)
            else:
                continue
            if best is None or cand.sim > best.sim:
                best = cand
        return best

    def _fuzzy(self, key: str) -> list[tuple[str, float]]:
        """Return skeleton keys within a typo or two of key (same length ± 2); the latest
        _FUZZY_MEMO answers are kept."""
        memo = self._fuzzy_memo
        out = memo.get(key)
        if out is not None:
            memo.move_to_end(key)
            return out
        out = memo[key] = self._fuzzy_search(key)
        if len(memo) > _FUZZY_MEMO:
            memo.popitem(last=False)
        return out

    def _fuzzy_search(self, key: str) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        for length in range(len(key) - 2, len(key) + 3):
            bucket = self._buckets.get(length)
            if not bucket:
                continue
            for match, ratio, _ in process.extract(
                key, bucket, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, limit=8
            ):
                out.append((match, ratio))
        return out

    def _score(self, ni: int, words: Sequence[tuple[int, bool]], initials: list[str],
               per_token: dict[int, _Match], all_common: bool,
               marked: bool = False) -> Hit | None:
        """Return a hit when every meaningful query token is explained by this name.

        `words`: (position, is a stop word) of each query token longer than a letter;
        `initials`: the one-letter tokens. Most candidates are rejected: what a hit needs
        (the entry, the name's words) is read only for those that are not."""
        person = self._nflags[ni] & _PERSON
        used: dict[int, _Match] = {}
        for qi, stop in words:
            m = per_token.get(qi)
            if m is None or m[2] in used:
                if stop and not person:
                    continue
                return None
            used[m[2]] = m
        n = self._nlen[ni]
        if initials:
            tokens = self._tokens(ni)
            # Initials ("Ходорковский М. Б.") must fit first letters of the unmatched name
            # parts.
            if not person:
                # An organisation has no initials: a one-letter word of its name, a
                # preposition or conjunction ("Фонда борьбы с коррупцией") or a letter it
                # prints ("имени К. Минина"), is that word. One the name lacks stays an
                # initial ("Навальный А."), which no organisation's name explains.
                for letter in initials:
                    pos = next((p for p, t in enumerate(tokens)
                                if t == letter and p not in used), None)
                    if pos is None:
                        return None
                    used[pos] = (_SIM_EXACT, "exact", pos)
                initials = []
            else:
                free = [p for p in range(1, n) if p not in used]
                if len(initials) > len(free):
                    return None
                for letter, pos in zip(initials, free, strict=False):
                    if not tokens[pos].startswith(letter):
                        return None
        if not used or (person and 0 not in used):
            return None  # a first name or patronymic alone names nobody in particular
        # Enough of a partly matched name covered? Most candidates fail here: known before
        # anything else is worked out (a marked query is first tried for qualifiers).
        partial = not person and len(used) < n
        min_cover = (_MIN_PARTIAL_COMMON if all_common and len(used) == 1
                     else _MIN_PARTIAL_COVERAGE)
        covered = self._coverage(ni, used) if partial and not marked else None
        if covered is not None and covered < min_cover:
            return None
        hows = {m[1] for m in used.values()}
        sure = hows <= _SURE
        mean = sum(m[0] for m in used.values()) / len(used)
        if person:
            given = 1 in used or (initials and tokens[1].startswith(initials[0]))
            if not given:
                if not sure and "translit" not in hows:
                    return None  # a misspelt bare surname matches too many other surnames
                return self._hit(ni, hows, round(_BARE_SURNAME * mean, 4), False)
            coverage = (len(used) + len(initials)) / n
            full_initials = len(initials) >= 2 or (initials and n == 2)
            definite = sure and (1 in used or bool(full_initials))
            return self._hit(ni, hows, round(0.6 + 0.4 * coverage * mean, 4), definite)
        if len(used) == n:  # every word of the name, each once
            return self._hit(ni, hows, round(0.9 + 0.08 * mean, 4), sure and not all_common)
        if marked and self._only_qualifiers_missing(ni, used):
            # «Дождь» marked as a name is "Телеканал Дождь" without its qualifier noun.
            return self._hit(ni, hows, round(0.88 + 0.08 * mean, 4), sure)
        if covered is None:
            covered = self._coverage(ni, used)
            if covered < min_cover:
                return None
        # A part of a name met only by typo-tolerance ranks below a surname met exactly
        # ("Надеждина" is Надеждин's surname before it is a misspelt «Гавань надежды»).
        slope = 0.35 if hows == {"fuzzy"} else 0.45
        return self._hit(ni, hows, round(0.4 + slope * covered, 4), False)

    def _coverage(self, ni: int, used: dict[int, _Match]) -> float:
        """Return the share of name ni's weight (its words' idf) the matched words cover,
        each by its match quality."""
        vweight, ntok, base = self._vweight, self._ntok, self._noff[ni]
        return sum(vweight[ntok[base + p]] * m[0] for p, m in used.items()) / (
            self._nweight[ni] or 1.0)

    def _hit(self, ni: int, hows: set[str], score: float, definite: bool) -> Hit:
        """Return the hit on name ni, its kind told by how its words matched."""
        kind = FUZZY if "fuzzy" in hows else TRANSLIT if "translit" in hows else (
            EXACT if self._nflags[ni] & _PRIMARY else ALIAS)
        return Hit(self.entries[self._nentry[ni]], self._ntext[ni], kind, score, definite)

    def _only_qualifiers_missing(self, ni: int, used: dict[int, _Match]) -> bool:
        """Return True when every token of name ni not matched is a qualifier noun or a stop
        word, and something other than those was matched."""
        tids = self._ntok[self._noff[ni]:self._noff[ni + 1]]
        flags, vocab = self._vflags, self._vocab
        if any(p not in used and p > 0 and flags[tids[p - 1]] & _ADJECTIVE
               for p in range(len(tids))):
            return False  # a noun after an adjective is the name's own ("Открытое общество")
        return any(not flags[tids[p]] & _QUALIFIER for p in used) and all(
            flags[t] & _QUALIFIER or vocab[t] in nm.STOPWORDS
            for p, t in enumerate(tids) if p not in used)


def _shared(shared: dict[tuple[str, str], Any] | None, kind: str, tok: str,
            compute: Callable[[str], Any]) -> Any:
    """Return compute(tok), worked out once per search when the search shares its work."""
    if shared is None:
        return compute(tok)
    got = shared.get((kind, tok))
    if got is None:
        got = shared[kind, tok] = compute(tok)
    return got


def _ambiguous_short_names(names: Sequence[IndexedName],
                           entries: Sequence[Entry]) -> frozenset[int]:
    """Return the one-word names that, in some spelling, belong to several entries of
    one list ("Golos", "ГОЛОС" and «Голос» name a dozen organisations): an acronym or
    short name is definite only where it is unambiguous."""
    owners: dict[tuple[str, str], set[int]] = defaultdict(set)
    short = [(ni, n) for ni, n in enumerate(names) if len(n.tokens) == 1 and not n.person]
    for _, name in short:
        registry = entries[name.entry].registry
        for key in {name.tokens[0], *nm.latin_keys(name.tokens[0])}:
            owners[registry, key].add(name.entry)
    return frozenset(
        ni for ni, name in short
        if any(len(owners[entries[name.entry].registry, key]) > 1
               for key in {name.tokens[0], *nm.latin_keys(name.tokens[0])}))


def _adjective(token: str) -> bool:
    """Return True when a folded word reads first as an adjective or participle."""
    parses = everyday.morph_parses(token)
    return bool(parses) and parses[0].tag.POS in {"ADJF", "ADJS", "PRTF", "PRTS"}


def _twin_key(text: str) -> str:
    twin = nm.homoglyph_twin(text)
    return " ".join(nm.norm_tokens(twin)) if twin else ""


def merge_hits(*searches: Sequence[Hit], limit: int = 10) -> list[Hit]:
    """Return the hits of several searches (parts of one text), each entry once with its
    best hit, best first: what one search over all the parts would have returned."""
    best: dict[int, Hit] = {}
    for hits in searches:
        for hit in hits:
            key = id(hit.entry)
            if key not in best or _order(hit) < _order(best[key]):
                best[key] = hit
    return sorted(best.values(), key=_order)[:limit]


# An entry's sure hit this close to a higher unsure one is its hit: "Dozhd", an alias two
# entries of one list share, is only possible, while the same query meets "ТВ Дождь", a name
# of one entry alone, surely.
_SURE_MARGIN = 0.02


def _better(hit: Hit, than: Hit) -> bool:
    """Return True when `hit` should stand for its entry instead of `than`: it sorts first
    (`_order`), or it is sure where `than` is not and scores nearly as high."""
    if hit.definite != than.definite and abs(hit.score - than.score) <= _SURE_MARGIN:
        return hit.definite
    return _order(hit) < _order(than)


def _order(hit: Hit) -> tuple[float, int, int, int, str]:
    """Sort key: score, then definite, then still listed, then most recently included."""
    included = hit.entry.included_on.toordinal() if hit.entry.included_on else 0
    return (-hit.score, 0 if hit.definite else 1, 0 if hit.entry.listed else 1, -included,
            hit.entry.entry_id)


def cached_index(sources: Iterable[str]) -> NameIndex | None:
    """Return the name index of the data `sources` name from the disk cache, or None when it
    was not built before.

    `sources` identify the data exactly (each snapshot's registry and content hash); the code
    that builds an index is part of the key too. The index carries its entries (as EntryRows),
    so a `check` process with a warm cache reads no snapshot at all.
    """
    from bot import cache

    index = cache.load("names", _key(sources))
    return index if isinstance(index, NameIndex) else None


def load_index(sources: Iterable[str], entries: Callable[[], Sequence[Entry]]) -> NameIndex:
    """Return the name index of the data `sources` name (as for cached_index), built from
    `entries()` and cached when it was not built before (`entries` is called only then)."""
    from bot import cache

    return cache.load_or_build("names", _key(sources), lambda: NameIndex(entries()))


def _key(sources: Iterable[str]) -> str:
    from bot import cache

    return cache.content_key(*_code_fingerprint(), *sources)


def _code_fingerprint() -> list[bytes]:
    """Return the source of every module that decides what a built index holds, and the
    reviewed alias file: an edit to any of them must not read an index built before it."""
    from importlib import resources

    from bot import textnorm
    from bot.listings import aliases, entryrows, flatmap

    # everyday: its qualifier nouns and word tests are precomputed for the index's words.
    parts = [Path(module.__file__).read_bytes()
             for module in (sys.modules[__name__], nm, everyday, aliases, entryrows, flatmap,
                            textnorm)
             if module.__file__]
    parts.append(resources.files("bot.listings").joinpath(aliases.ALIAS_FILE).read_bytes())
    return parts
