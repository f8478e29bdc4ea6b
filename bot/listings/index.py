"""The name index: every entry's names and aliases, matched against a query in any spelling.

Pure and in memory. Candidates come from inverted indexes (exact tokens, morphology keys,
transliteration skeletons, and a length-bucketed fuzzy search over skeletons), so a check
touches a few postings lists instead of every name; each candidate name is then scored with
rules that know how people write names (word order free, patronymic optional, initials).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.listings import everyday
from bot.listings import names as nm
from bot.listings.aliases import AliasBook, packaged
from bot.listings.model import PERSON, Entry

EXACT, ALIAS, TRANSLIT, FUZZY = "exact", "alias", "transliteration", "fuzzy"
_KIND_RANK = {EXACT: 0, ALIAS: 1, TRANSLIT: 2, FUZZY: 3}

# How much one token's match is worth by the way it matched.
_SIM_EXACT = 1.0
_SIM_MORPH = 0.96
_SIM_TRANSLIT = 0.93
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


@dataclass
class _TokenMatch:
    sim: float
    how: str  # "exact" | "morph" | "translit" | "fuzzy"
    pos: int


class NameIndex:
    """Searchable index over the entries of one or more snapshots."""

    def __init__(self, entries: Iterable[Entry], aliases: AliasBook | None = None) -> None:
        """Build the index (pure CPU; about a second per 100,000 names).

        Every entry is searchable by its published name, the aliases it carries (extracted
        from the name or published by the source) and the reviewed aliases of `aliases`
        (default: the file shipped in the package).
        """
        book = packaged() if aliases is None else aliases
        self.entries: list[Entry] = list(entries)
        reviewed = book.attach(self.entries)
        self.names: list[IndexedName] = []
        self._by_key: dict[str, list[int]] = defaultdict(list)
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._by_number: dict[str, list[int]] = defaultdict(list)
        df: dict[str, int] = defaultdict(int)
        for ei, entry in enumerate(self.entries):
            for number in (entry.inn, entry.ogrn):
                digits = re.sub(r"\D", "", number)
                if digits:
                    self._by_number[digits].append(ei)
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
                ni = len(self.names)
                self.names.append(IndexedName(ei, text, tokens, primary, is_person))
                for key in {" ".join(tokens), _twin_key(text)}:
                    if key:
                        self._by_key[key].append(ni)
                for pos, tok in enumerate(tokens):
                    keys = {tok} | set(nm.morph_keys(tok)) | {"L:" + k for k in nm.latin_keys(tok)}
                    for key in keys:
                        self._postings[key].append((ni, pos))
                for tok in set(tokens):
                    df[tok] += 1
        self._ambiguous = self._ambiguous_short_names()
        total = max(1, len(self.names))
        self._idf = {t: math.log(1 + total / c) for t, c in df.items()}
        self._max_idf = math.log(1 + total)
        # Skeleton vocabulary bucketed by length: fuzzy search only looks at near lengths.
        buckets: dict[int, list[str]] = defaultdict(list)
        for key in self._postings:
            if key.startswith("L:"):
                buckets[len(key) - 2].append(key[2:])
        self._buckets = dict(buckets)

    def __len__(self) -> int:
        """Return the number of indexed names (published names plus aliases)."""
        return len(self.names)

    def _ambiguous_short_names(self) -> frozenset[int]:
        """Return the one-word names that, in some spelling, belong to several entries of
        one list ("Golos", "ГОЛОС" and «Голос» name a dozen organisations): an acronym or
        short name is definite only where it is unambiguous."""
        owners: dict[tuple[str, str], set[int]] = defaultdict(set)
        short = [(ni, n) for ni, n in enumerate(self.names) if len(n.tokens) == 1
                 and not n.person]
        for _, name in short:
            registry = self.entries[name.entry].registry
            for key in {name.tokens[0], *nm.latin_keys(name.tokens[0])}:
                owners[registry, key].add(name.entry)
        return frozenset(
            ni for ni, name in short
            if any(len(owners[self.entries[name.entry].registry, key]) > 1
                   for key in {name.tokens[0], *nm.latin_keys(name.tokens[0])}))

    # -----------------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10, *, marked: bool | None = None,
               variants: Sequence[str] | None = None) -> list[Hit]:
        """Return the entries matching query, best first (empty when nothing is close).

        Every spelling of the query is tried (the text itself, names quoted or bracketed in
        it, without a leading preposition); each entry keeps its best hit. `marked` says the
        words are marked as a name (quotes, a qualifier such as "издание", an asterisk):
        then a name of everyday words can be definite, and a name's own qualifier words
        ("Телеканал" in "Телеканал Дождь") need not be repeated. None: read it from query
        (everyday.is_marked_query), so `check` and `scan` share one rule. `variants`:
        names.query_variants(query), when the caller keeps it (a watched name is searched
        at every refresh).
        """
        if marked is None:
            marked = everyday.is_marked_query(query)
        best: dict[int, Hit] = {}
        digits = re.sub(r"[\s-]", "", query)
        if _DIGITS.match(digits):
            for ei in self._by_number.get(digits, []):
                entry = self.entries[ei]
                best[ei] = Hit(entry, entry.name, EXACT, 1.0, True)
        if variants is None:
            variants = nm.query_variants(query)
        for vi, variant in enumerate(variants[:6]):
            penalty = 0.0 if vi == 0 else 0.02
            for ei, hit in self._search_variant(variant, marked):
                hit = Hit(hit.entry, hit.name, hit.kind, round(hit.score - penalty, 4),
                          hit.definite)
                if ei not in best or _order(hit) < _order(best[ei]):
                    best[ei] = hit
        return sorted(best.values(), key=_order)[:limit]

    def _search_variant(self, text: str, marked: bool = False) -> Iterable[tuple[int, Hit]]:
        qtokens = nm.norm_tokens(text)[:12]
        if not qtokens or sum(len(t) for t in qtokens) < 2:
            return []
        all_common = not marked and all(nm.is_common_word(t) for t in qtokens
                                        if t not in nm.STOPWORDS)
        results: list[tuple[int, Hit]] = []
        # 1. The whole query equals a name or alias.
        for key in {" ".join(qtokens), _twin_key(text)}:
            for ni in self._by_key.get(key, []) if key else []:
                name = self.names[ni]
                entry = self.entries[name.entry]
                if name.person and len(qtokens) == 1:
                    continue  # a bare surname is scored below as a partial name
                kind = EXACT if name.primary else ALIAS
                score = 1.0 if name.primary else 0.98
                definite = not all_common and ni not in self._ambiguous
                results.append((name.entry, Hit(entry, name.text, kind, score, definite)))
        # 2. Token by token.
        matches = self._token_matches(qtokens)
        for ni, per_token in matches.items():
            name = self.names[ni]
            hit = self._score(name, qtokens, per_token, all_common or ni in self._ambiguous,
                              marked)
            if hit is not None:
                results.append((name.entry, hit))
        return results

    def _token_matches(self, qtokens: Sequence[str]) -> dict[int, dict[int, _TokenMatch]]:
        """Return, per candidate name, the best match of each query token in it.

        Candidates come from the rarest required query token's postings (plus its fuzzy
        neighbours); every other token is then compared with those names' own tokens. A
        common word ("фонд") thus never makes a check walk tens of thousands of names.
        """
        found: dict[int, dict[int, _TokenMatch]] = defaultdict(dict)
        toks = [(qi, t) for qi, t in enumerate(qtokens) if len(t) > 1]  # initials: in _score
        if not toks:
            return found
        required = [(qi, t) for qi, t in toks if t not in nm.STOPWORDS] or toks
        # The rarest token that occurs at all: a typo (no postings) is better checked
        # against the candidates of a real word than expanded into every fuzzy neighbour.
        first_qi, first_tok = min(required, key=lambda x: (self._estimate(x[1]) == 0,
                                                           self._estimate(x[1])))
        first = self._lookup(first_tok)
        if len(first) > _MAX_CANDIDATES:
            # Short names first: only they can be covered well by a query this unspecific.
            keep = sorted(first, key=lambda ni: len(self.names[ni].tokens))[:_MAX_CANDIDATES]
            first = {ni: first[ni] for ni in keep}
        for ni, m in first.items():
            found[ni][first_qi] = m
        required_qis = {qi for qi, _ in required}
        for qi, tok in toks:
            if qi == first_qi:
                continue
            for ni in list(found):
                direct = self._direct(tok, self.names[ni].tokens)
                if direct is not None:
                    found[ni][qi] = direct
                elif qi in required_qis:
                    del found[ni]
        return found

    def _estimate(self, tok: str) -> int:
        """Return roughly how many postings a token's lookup would walk."""
        keys = {tok} | set(nm.morph_keys(tok)) | {"L:" + k for k in nm.latin_keys(tok)}
        return sum(len(self._postings.get(k, ())) for k in keys)

    def _lookup(self, tok: str) -> dict[int, _TokenMatch]:
        """Return the best match of tok in every name that has one (via the postings)."""
        out: dict[int, _TokenMatch] = {}

        def note(ni: int, sim: float, how: str, pos: int) -> None:
            cur = out.get(ni)
            if cur is None or sim > cur.sim:
                out[ni] = _TokenMatch(sim, how, pos)

        raw = nm.latin_keys(tok)
        sources = [(tok, _SIM_EXACT, "exact")]
        sources += [(k, _SIM_MORPH, "morph") for k in sorted(nm.morph_keys(tok) - {tok})]
        sources += [("L:" + k, _SIM_TRANSLIT, "translit") for k in sorted(raw)]
        self._walk(sources, note)
        # The romanised lemmas ("Нойзом" → noiz) only when the token itself finds nothing.
        extra = sorted(nm.query_latin_keys(tok) - raw) if not out else []
        self._walk([("L:" + k, _SIM_TRANSLIT, "translit") for k in extra], note)
        # Typo neighbours: not for short tokens (a typo cannot be told from another word),
        # nor for words already found in many names (a common word needs no typo search).
        if len(tok) >= 5 and len(out) < _MAX_CANDIDATES:
            # Again the lemmas only when nothing was found: each key is a fuzzy walk.
            for key in [*raw, *(extra or (sorted(nm.query_latin_keys(tok) - raw)
                                           if not out else ()))]:
                for match, ratio in self._fuzzy(key):
                    postings = self._postings.get("L:" + match, ())
                    if len(postings) > _MAX_FUZZY_POSTINGS:
                        continue
                    for ni, pos in postings:
                        note(ni, 0.9 * ratio / 100, "fuzzy", pos)
        return out

    def _walk(self, sources: Sequence[tuple[str, float, str]],
              note: Callable[[int, float, str, int], None]) -> None:
        """Note every posting of the given keys, up to the lookup cap of new candidates."""
        count = 0
        seen: set[int] = set()
        for key, sim, how in sources:
            for ni, pos in self._postings.get(key, ()):
                if count >= _LOOKUP_CAP and ni not in seen:
                    break  # a word this common cannot single out a name: enough candidates
                if ni not in seen:
                    seen.add(ni)
                    count += 1
                note(ni, sim, how, pos)

    @staticmethod
    @lru_cache(maxsize=65536)
    def _direct(tok: str, name_tokens: tuple[str, ...]) -> _TokenMatch | None:
        """Return the best match of tok among one name's tokens (same rules as _lookup).

        Cached: a pure function of its arguments, asked again and again for the same first
        names and surnames (matching thousands of watched names against one refresh's
        changes); callers never modify the match returned.
        """
        best: _TokenMatch | None = None
        mkeys = nm.morph_keys(tok)
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
        """Return skeleton keys within a typo or two of key (same length ± 2)."""
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

    def _score(self, name: IndexedName, qtokens: Sequence[str],
               per_token: dict[int, _TokenMatch], all_common: bool,
               marked: bool = False) -> Hit | None:
        """Return a hit when every meaningful query token is explained by this name."""
        entry = self.entries[name.entry]
        used: dict[int, _TokenMatch] = {}
        for qi, tok in enumerate(qtokens):
            m = per_token.get(qi)
            if len(tok) == 1:
                continue
            if m is None or m.pos in used:
                if tok in nm.STOPWORDS and not name.person:
                    continue
                return None
            used[m.pos] = m
        # Initials ("Ходорковский М. Б.") must fit first letters of the unmatched name parts.
        initials = [t for t in qtokens if len(t) == 1]
        if initials:
            free = [p for p in range(1, len(name.tokens)) if p not in used]
            if not name.person or len(initials) > len(free):
                return None
            for letter, pos in zip(initials, free, strict=False):
                if not name.tokens[pos].startswith(letter):
                    return None
        if not used:
            return None
        hows = {m.how for m in used.values()}
        kind = FUZZY if "fuzzy" in hows else TRANSLIT if "translit" in hows else (
            EXACT if name.primary else ALIAS)
        sure = hows <= {"exact", "morph"}
        mean = sum(m.sim for m in used.values()) / len(used)
        if name.person:
            if 0 not in used:
                return None  # a first name or patronymic alone names nobody in particular
            given = 1 in used or (initials and name.tokens[1].startswith(initials[0]))
            if not given:
                if not sure and "translit" not in hows:
                    return None  # a misspelt bare surname matches too many other surnames
                return Hit(entry, name.text, kind, round(_BARE_SURNAME * mean, 4), False)
            coverage = (len(used) + len(initials)) / len(name.tokens)
            full_initials = len(initials) >= 2 or (initials and len(name.tokens) == 2)
            definite = sure and (1 in used or bool(full_initials))
            return Hit(entry, name.text, kind, round(0.6 + 0.4 * coverage * mean, 4), definite)
        weights = [self._weight(t) for t in name.tokens]
        covered = sum(weights[p] * used[p].sim for p in used) / (sum(weights) or 1.0)
        if covered >= 0.999 * mean and len(used) == len(name.tokens):
            return Hit(entry, name.text, kind, round(0.9 + 0.08 * mean, 4),
                       sure and not all_common)
        if marked and _only_qualifiers_missing(name.tokens, used):
            # «Дождь» marked as a name is "Телеканал Дождь" without its qualifier noun.
            return Hit(entry, name.text, kind, round(0.88 + 0.08 * mean, 4), sure)
        single_common = all_common and len(used) == 1
        if covered < (_MIN_PARTIAL_COMMON if single_common else _MIN_PARTIAL_COVERAGE):
            return None
        # A part of a name met only by typo-tolerance ranks below a surname met exactly
        # ("Надеждина" is Надеждин's surname before it is a misspelt «Гавань надежды»).
        slope = 0.35 if hows == {"fuzzy"} else 0.45
        return Hit(entry, name.text, kind, round(0.4 + slope * covered, 4), False)

    def _weight(self, token: str) -> float:
        if token in nm.STOPWORDS:
            return 0.1
        return self._idf.get(token, self._max_idf)


def _only_qualifiers_missing(tokens: Sequence[str], used: dict[int, _TokenMatch]) -> bool:
    """Return True when every name token not matched is a qualifier noun or a stop word,
    and something other than those was matched."""
    missing = [t for p, t in enumerate(tokens) if p not in used]
    core = [tokens[p] for p in used if not everyday.is_qualifier(tokens[p])]
    return bool(core) and all(everyday.is_qualifier(t) or t in nm.STOPWORDS for t in missing)


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


def _order(hit: Hit) -> tuple[float, int, int, int, str]:
    """Sort key: score, then definite, then still listed, then most recently included."""
    included = hit.entry.included_on.toordinal() if hit.entry.included_on else 0
    return (-hit.score, 0 if hit.definite else 1, 0 if hit.entry.listed else 1, -included,
            hit.entry.entry_id)
