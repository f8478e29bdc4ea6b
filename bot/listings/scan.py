"""Scan a text for every listed name, with the note the law requires (pure, no I/O).

How it works, and why it cannot disagree with `check`:

1. Candidates. Each indexed name (NameIndex, the one `check` uses) has one anchor token: a
   person's surname, an organisation name's rarest word. Anchors are keyed by a short prefix
   of their folded and romanised forms, so a text token costs one or two dict lookups; only
   tokens that share a prefix are compared with the same token rules as `check` (exact,
   inflection, transliteration; a misspelling only for a person whose first name is there).
2. Spans. Around a confirmed anchor the neighbouring tokens that are further parts of the
   name (first name, patronymic, initials, other words of an organisation's name) extend the
   span, across spaces, non-breaking spaces, hyphens, dashes, slashes, quotes and line breaks.
3. Verdict. The words of the span, as written, go through `NameIndex.search` — the very
   function `check` runs — with the span's marking (quotes, qualifier, asterisk). Context
   can only lower that verdict, with one exception the issue asks for: a bare surname is
   definite when the same text names that person in full.
4. Context rules: a name made of everyday words counts only when marked; a generic phrase
   shared by many entries never counts alone; a bare common surname is not reported; a name
   matched only through spelling and followed by another capitalised word is a different,
   longer name ("Greenpeace Spain").
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from bot import textnorm
from bot.listings import everyday, notes
from bot.listings import names as nm
from bot.listings.index import Hit, NameIndex
from bot.listings.model import DEFINITE, PERSON, POSSIBLE, Entry
from bot.listings.scan_anchors import (
    Anchored,
    AnchorTable,
    NameGroup,
    text_keys,
    union,
)

# A bare surname this frequent (wordfreq Zipf, Russian) is a common surname: "Смирнова",
# "Иванов", "Быков" name too many people to be reported alone, even as possible...
COMMON_SURNAME_ZIPF = 3.5
# ...when its form for the other sex is in common use too (not rare: everyday.RARE_ZIPF).
# Many families bear "Смирнов" (4.0) and "Смирнова" (3.8) alike; "Ходорковский" (3.5) is
# frequent through one man, and "Ходорковская" (1.1) is rare.
COMMON_SURNAME_OTHER_SEX_ZIPF = everyday.RARE_ZIPF
# Surname endings for men and women: the other sex's form of a declined Russian surname.
_SEX_ENDINGS = (("ский", "ская"), ("цкий", "цкая"), ("ской", "ская"), ("ый", "ая"),
                ("ий", "ая"), ("ой", "ая"), ("ов", "ова"), ("ев", "ева"), ("ёв", "ёва"),
                ("ин", "ина"), ("ын", "ына"))
# With a first name, only the very commonest surnames ("Смирнов" 4.0, "Иванов" 4.5) are
# namesakes by default; famous names are frequent too ("Быков" 3.96), so the bar is higher.
NAMESAKE_SURNAME_ZIPF = 4.0
# More listed entries than this behind one short name: say "possible" and let the reader pick.
MAX_DEFINITE_ENTRIES = 3
# Multi-word everyday phrases found inside at least this many entries' names are generic.
GENERIC_PHRASE_ENTRIES = 3
_MIN_SCORE = 0.3
# A possible organisation match must cover about half of its name (index score 0.4 + 0.45 ×
# coverage), or be a whole name or alias spelt differently.
MIN_POSSIBLE_ORG_SCORE = 0.6

# Word tokens as in textnorm.tokens (letters, or digits), allowing soft hyphens and
# zero-width characters inside a word: offsets stay those of the original text.
_WORD = re.compile(r"[^\W\d_]+(?:[\u00ad\u200b\u200c\u200d\u2060]+[^\W\d_]+)*(?:['’][^\W\d_]+)?"
                   r"|\d+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060]")
# What may stand between two words of one name: spaces (any), hyphens, dashes, slashes,
# quotes, an asterisk; a full stop only after an initial.
_JOINER = re.compile(r"^[\s\u00a0\u202f\-‐‑‒–—―/«»\"“”„'*]{0,4}$")
# Names anchored by one text word: people, people matched only fuzzily, organisations.
_ALIGNED = frozenset({"exact", "morph", "translit"})  # how a name's next word may match
_LEADING_SPACE = re.compile(r"\s*")
_INITIAL_GAP = re.compile(r"^\.?[\s\u00a0\u202f]{0,2}$")
_ABBREV = frozenset({"им", "im", "st", "ст", "св", "mr", "dr", "e", "v"})
_MISSING = object()
_MARKS = frozenset("«»\"“”„*")  # beside a word, these may mark it as a name
_QUOTE_OPEN = set("«\"“„")
_QUOTE_CLOSE = set("»\"”“")
_SENTENCE_END = re.compile(r"[.!?…:;\n]\s*[\"«»“”„(\[]*\s*$")
# A note already written after a name: nothing to add.
_HAS_NOTE = re.compile(r"^[*»\"”\s)]*\(?[^()\n]{0,40}(?:иноагент|иностранн\w+ агент|нежелательн|"
                       r"запрещен|запрещён|экстремист|террорист)", re.IGNORECASE)


class Token(NamedTuple):
    """One word of the scanned text: offsets into it, the word as written, its folded form.

    A named tuple: an article makes ten thousand of them, and a frozen dataclass costs
    several times more to create."""

    start: int
    end: int
    raw: str
    fold: str


@dataclass(frozen=True)
class Mention:
    """One listed (or once listed) name found in a text.

    `text` is the words as written at [start, end); `name` the entry as published; `match`
    "definite" or "possible"; `note` the Russian note to add ("" when the entry is excluded,
    or the registry has no form); `first` marks the first mention of its entry.
    """

    registry: str
    entry_id: str
    name: str
    text: str
    start: int
    end: int
    match: str
    listed: bool
    note: str
    kind: str
    included_on: date | None
    excluded_on: date | None
    first: bool = True
    reason: str = ""  # why only possible: "surname", "spelling", "partial", "ambiguous"

    def to_json(self) -> dict[str, Any]:
        """Return the CLI contract's `mentions` item (exactly its keys)."""
        return {
            "registry": self.registry, "entry_id": self.entry_id, "name": self.name,
            "text": self.text, "start": self.start, "end": self.end, "match": self.match,
            "listed": self.listed, "note": self.note,
        }


@dataclass(frozen=True)
class ScanResult:
    """Everything found in one text, and the text with notes added after first mentions.

    `author` is the listed foreign agent whose own material the text is (given by the
    caller, or read from a label already in the text); then `label` is the Government's
    label the material must open with, and `label_present` says whether it already does.
    """

    text: str
    mentions: tuple[Mention, ...]
    annotated: str
    author: Entry | None = None
    label: str = ""
    label_present: bool = False
    stats: dict[str, int] = field(default_factory=dict)

    def definite(self) -> list[Mention]:
        """Return the definite mentions (those the annotated copy marks when listed)."""
        return [m for m in self.mentions if m.match == DEFINITE]


class _Found(NamedTuple):
    """One hit of a span's search with what the rules ask of it: its entry's position in
    the index, the number of words of the matched name, and of its core words (no stop
    words, no qualifier nouns)."""

    hit: Hit
    entry: int
    words: int
    core: int


@dataclass
class _Span:
    start_tok: int
    end_tok: int  # exclusive
    groups: list[NameGroup]  # the names that may stand here (shared groups, not copied)

    def entries(self) -> set[int]:
        """Return the entries of every name that may stand here."""
        return set().union(*(g.entries for g in self.groups))

    def person(self) -> bool:
        """Return True when one of the names is a person's."""
        return any(g.person for g in self.groups)

    def fragment(self) -> bool:
        """Return True when every name is a fragment of a longer name (never a name alone)."""
        return all(g.fragment for g in self.groups)


def tokenize(text: str) -> list[Token]:
    """Return the word tokens of text with offsets, folded as names are (textnorm.fold)."""
    out = []
    for m in _WORD.finditer(text):
        raw = m.group()
        folded = _fold_word(raw)
        if folded:
            out.append(Token(m.start(), m.end(), raw, folded))
    return out


@lru_cache(maxsize=262144)
def _fold_word(raw: str) -> str:
    """Return a text word folded as names are ("" when nothing is left); cached, since an
    article repeats its words."""
    # NFKC splits a few ligatures into several tokens: keep the word as one.
    return "".join(nm.norm_tokens(_INVISIBLE.sub("", raw)))


@lru_cache(maxsize=65536)
def _name_tokens(name: str) -> tuple[str, ...]:
    """Return the folded tokens of an indexed name (cached: the same hits recur)."""
    return tuple(nm.norm_tokens(name))


_marked_query = lru_cache(maxsize=65536)(everyday.is_marked_query)
_person_parts = lru_cache(maxsize=65536)(nm.person_parts)


class Scanner:
    """Finds listed names in texts over one NameIndex (the index `check` uses)."""

    def __init__(self, index: NameIndex) -> None:
        """Build the anchor table over index (`scan bench` prints what it costs)."""
        # The build allocates millions of small objects next to the index's millions: the
        # cyclic collector would walk them all again and again (measured: half the build at
        # 100,000 names). Nothing built here is cyclic garbage.
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._build(index)
        finally:
            if enabled:
                gc.enable()
        # The index and these tables live as long as the data (hours): move them out of
        # the cyclic collector's sight, or every full collection during a scan walks their
        # millions of objects (measured: over a second per article at 100,000 names).
        gc.freeze()

    def _build(self, index: NameIndex) -> None:
        everyday.preload()
        self.index = index
        self._anchor: list[int] = []
        self._everyday: list[bool] = []
        self._weights: dict[str, float | None] = {}
        for name in index.names:
            toks = name.tokens
            self._anchor.append(0 if name.person else self._anchor_pos(toks))
            self._everyday.append(not name.person and self._all_everyday(toks))
        self._anchors = AnchorTable(index, self._anchor)
        self._verdicts: dict[tuple[str, bool], list[_Found]] = {}
        self._singles: dict[int, NameGroup] = {}  # one name as a group, made on first use
        self._plain_words: dict[str, int] = {}  # see _never_alone
        self._entry_idx = {id(e): i for i, e in enumerate(index.entries)}
        self._generic = self._generic_phrases()
        # Aliases of everyday words cut out of a longer Latin name by a comma split or a
        # mirror's alias list ("Russian Federation" of "Register of Damage Caused by the
        # Aggression of the Russian Federation against Ukraine"): never a name alone.
        self._fragment = {ni for ni, n in enumerate(index.names)
                          if not n.primary and self._everyday[ni]
                          and _fragment_of(index.entries[n.entry].name, n.text)}
        self._fragment_texts = {(index.names[ni].entry, index.names[ni].text)
                                for ni in self._fragment}

    def _generic_phrases(self) -> frozenset[str]:
        """Return names made only of everyday words that many entries' names contain
        ("human rights", "центр", "фонд"): such a phrase never counts alone."""
        phrases = {" ".join(n.tokens) for ni, n in enumerate(self.index.names)
                   if self._everyday[ni]}
        # Only windows starting with a phrase's first word, of that phrase's length.
        lengths: dict[str, set[int]] = defaultdict(set)
        for phrase in phrases:
            words = phrase.split(" ")
            lengths[words[0]].add(len(words))
        seen: dict[str, set[int]] = defaultdict(set)
        for name in self.index.names:
            toks = name.tokens
            for i, tok in enumerate(toks):
                for n in lengths.get(tok, ()):
                    key = " ".join(toks[i:i + n])
                    if key in phrases:
                        seen[key].add(name.entry)
        generic = {p for p, entries in seen.items() if len(entries) >= GENERIC_PHRASE_ENTRIES}
        generic |= {p for p in phrases if all(everyday.is_qualifier(t) or t in nm.STOPWORDS
                                             for t in p.split(" "))}
        return frozenset(generic)

    def _anchor_pos(self, toks: Sequence[str]) -> int:
        """Return the position of a name's rarest meaningful word (-1: nothing to anchor)."""
        best, best_w = -1, -1.0
        for pos, tok in enumerate(toks):
            weight = self._weight(tok)
            if weight is not None and weight > best_w:
                best, best_w = pos, weight
        return best

    def _weight(self, tok: str) -> float | None:
        """Return how well a word singles out a name (its idf, qualifier nouns last; None:
        never an anchor). Cached per word: 100,000 names share far fewer words."""
        if tok in self._weights:
            return self._weights[tok]
        weight: float | None = None
        if tok not in nm.STOPWORDS and (len(tok) >= 2 or tok.isdigit()):
            weight = self.index._idf.get(tok, 0.0) - (5.0 if everyday.is_qualifier(tok) else 0)
        self._weights[tok] = weight
        return weight

    @staticmethod
    def _all_everyday(toks: tuple[str, ...]) -> bool:
        """Return True when a name's core words (all of them if it has none) are everyday."""
        core = [t for t in toks if not everyday.is_qualifier(t) and t not in nm.STOPWORDS]
        return everyday.all_everyday(core or list(toks))

    # -------------------------------------------------------------------------------------
    def scan(self, text: str, *, author: str | None = None) -> ScanResult:
        """Return every listed name in text, the annotated copy and the author's label."""
        tokens = tokenize(text)
        spans = self._spans(text, tokens)
        label_at = text.find(notes.LABEL_OPENING)
        label_end = _label_end(text, label_at)
        found: list[tuple[_Span, Hit, str]] = []
        for span in spans:
            start = tokens[span.start_tok].start
            if 0 <= label_at <= start < label_end:
                continue  # the name inside a label already in the text
            for hit, reason in self._judge(text, tokens, span):
                found.append((span, hit, reason))
        mentions = self._mentions(text, tokens, found)
        author_entry = self._author(author, text, label_at, label_end)
        label = notes.own_label(author_entry) if author_entry else ""
        annotated = annotate(text, mentions)
        if label and label_at < 0:
            annotated = label + "\n\n" + annotated
        return ScanResult(text, tuple(mentions), annotated, author_entry, label, label_at >= 0,
                          {"tokens": len(tokens), "spans": len(spans)})

    def _author(self, author: str | None, text: str, label_at: int,
                label_end: int) -> Entry | None:
        """Return the listed foreign agent named as author, or in a label the text opens with."""
        queries = [author] if author else []
        if label_at >= 0:
            inner = text[label_at:label_end]
            m = re.search(r"ИНОСТРАННЫМ АГЕНТОМ\s+(.+?)\s+ЛИБО", inner, re.S)
            if m:
                queries.append(m.group(1))
        for query in queries:
            for hit in [f.hit for f in self._search(query, marked=True)[:3]]:
                if hit.definite and hit.entry.registry == notes.FOREIGN_AGENTS \
                        and hit.entry.listed:
                    return hit.entry
        return None

    # -------------------------------------------------------------------------------------
    def _spans(self, text: str, tokens: list[Token]) -> list[_Span]:
        """Return candidate spans: runs of tokens that spell (part of) an indexed name."""
        by_range: dict[tuple[int, int], _Span] = {}
        names = self.index.names
        table = self._anchors
        last = len(tokens) - 1
        singles = self._singles

        def add(rng: tuple[int, int], group: NameGroup | int) -> None:
            span = by_range.get(rng)
            if span is None:
                span = by_range[rng] = _Span(rng[0], rng[1], [])
            if not isinstance(group, NameGroup):
                single = singles.get(group)
                if single is None:
                    single = singles[group] = self._group((group,))
                group = single
            span.groups.append(group)

        cache = table.cache
        for i, tok in enumerate(tokens):
            capital = tok[2][:1].isupper()  # tok.raw: this loop runs for every word
            found = cache[capital].get(tok[3], _MISSING)
            if found is _MISSING:
                found = table.lookup(tok.fold, capital)
            if found is None:
                continue
            assert isinstance(found, Anchored)
            # Only names that can grow into a neighbour are visited one by one (at 100,000
            # names a common word anchors hundreds): a person's name grows only into a
            # capitalised neighbour matching another of its words (or its initial), an
            # organisation's only into a joined neighbour matching a word next to its
            # anchor. Every other name spans its anchor alone, as one shared group.
            grown: set[int] = set()
            if found.people or found.fuzzy_people:
                near = [t.fold for t in (tokens[i - 1] if i > 0 else None,
                                         tokens[i + 1] if i < last else None)
                        if t is not None and t.raw[:1].isupper()]
                if near:
                    for fuzzy in (False, True):
                        people = table.people_near(found, near, fuzzy)
                        for ni in sorted(people) if people else ():
                            rng = self._extend_person(text, tokens, i, names[ni].tokens, fuzzy)
                            if rng is not None and (fuzzy or rng != (i, i + 1)):
                                add(rng, ni)
                                grown.add(ni)
            if found.orgs:
                # Whether a neighbour matches comes first (a set test in C), whether it is
                # joined to this word second: most words of a text continue no name.
                left, right = table.neighbours(found)
                growing: set[int] = set()
                if left and i > 0:
                    keys = text_keys(tokens[i - 1].fold)
                    if not left.keys().isdisjoint(keys) and _joined(text, tokens[i - 1], tok):
                        growing = union(left, keys)
                if right and i < last:
                    keys = text_keys(tokens[i + 1].fold)
                    if not right.keys().isdisjoint(keys) and _joined(text, tok, tokens[i + 1]):
                        growing |= union(right, keys)
                if growing:
                    for ni in sorted(growing):
                        rng = self._extend_org(text, tokens, i, names[ni].tokens,
                                               self._anchor[ni])
                        if rng != (i, i + 1):
                            add(rng, ni)
                            grown.add(ni)
            if found.alone is None:
                found.alone = self._group(found.people + found.orgs)
            alone = found.alone
            if grown:
                alone = self._remainder(found, frozenset(grown))
            if alone.names and not self._never_alone(text, tokens, i, alone):
                add((i, i + 1), alone)
        return sorted(by_range.values(), key=lambda s: (s.start_tok, -s.end_tok))

    def _remainder(self, found: Anchored, grown: frozenset[int]) -> NameGroup:
        """Return the names of `found` that did not grow beyond their anchor here (cached
        per word and set of grown names: a text repeats its names)."""
        if found.remainders is None:
            found.remainders = {}
        group = found.remainders.get(grown)
        if group is None:
            assert found.alone is not None
            group = self._group(tuple(ni for ni in found.alone.names if ni not in grown))
            found.remainders[grown] = group
        return group

    def _never_alone(self, text: str, tokens: list[Token], i: int, group: NameGroup) -> bool:
        """Return True when one word, with no quote or asterisk beside it (and, when it is
        capitalised, no qualifier noun before it), can only stand for names that need
        marking: an everyday word, or a frequent one that is no person's surname. `_judge`
        rejects such a span by the same rules (one word unmarked is never title case);
        deciding it here spares most words of a text that work."""
        tok = tokens[i]
        plain = self._plain_words.get(tok.fold)
        if plain is None:
            # 2: an everyday word; 1: a frequent word (not rare as a name); 0: neither.
            plain = 2 if everyday.all_everyday((tok.fold,)) else \
                0 if everyday.is_rare_name_word(tok.fold) else 1
            if len(self._plain_words) > 200_000:
                self._plain_words.clear()
            self._plain_words[tok.fold] = plain
        if plain == 0 or (plain == 1 and group.person) or not tok.raw[:1].isalpha():
            return False
        if tok.raw[:1].isupper() and i > 0 and everyday.is_qualifier(tokens[i - 1].fold):
            return False
        return _MARKS.isdisjoint(text[max(0, tok.start - 2):tok.start]) and \
            _MARKS.isdisjoint(text[tok.end:tok.end + 3])

    def _group(self, group: tuple[int, ...]) -> NameGroup:
        """Return a group of names with the facts the verdict needs about them."""
        names = self.index.names
        return NameGroup(group, frozenset(names[ni].entry for ni in group),
                         any(names[ni].person for ni in group),
                         all(ni in self._fragment for ni in group))

    def _extend_person(self, text: str, tokens: list[Token], i: int, name_toks: Sequence[str],
                       fuzzy_anchor: bool) -> tuple[int, int] | None:
        """Return the token range of a person's name around the surname at i."""
        free = set(range(1, len(name_toks)))
        lo, hi = i, i + 1
        matched_given = False
        for direction in (-1, 1):
            j = i + direction
            while free and 0 <= j < len(tokens):
                a, b = (j, j + 1) if direction < 0 else (j - 1, j)
                gap = text[tokens[a].end:tokens[b].start]
                tok = tokens[j]
                part = self._person_part(tok, name_toks, free)
                if part is None:
                    break
                is_initial = len(tok.fold) == 1
                left_tok = tokens[a]
                if not (_JOINER.match(gap) or (len(left_tok.fold) == 1
                                              and _INITIAL_GAP.match(gap))):
                    break
                if is_initial and direction > 0 and not _followed_by_dot(text, tok):
                    break
                free.discard(part)
                matched_given = matched_given or part == 1
                lo, hi = min(lo, j), max(hi, j + 1)
                j += direction
        if fuzzy_anchor and not matched_given:
            return None  # a misspelt surname alone names no one
        return lo, hi

    @staticmethod
    def _person_part(tok: Token, name_toks: Sequence[str], free: set[int]) -> int | None:
        word = tok.fold
        if len(word) == 1:
            if not tok.raw.isupper():
                return None
            for p in sorted(free):
                if name_toks[p].startswith(word):
                    return p
            return None
        if not tok.raw[:1].isupper():
            return None
        for p in sorted(free):
            how = _token_how(word, name_toks[p])
            if how in _ALIGNED:
                return p
        return None

    def _extend_org(self, text: str, tokens: list[Token], i: int, name_toks: Sequence[str],
                    apos: int) -> tuple[int, int]:
        """Return the token range aligned with an organisation name around its anchor."""
        lo, hi = i, i + 1
        p = apos - 1
        j = i - 1
        while p >= 0 and j >= 0:
            if not _joined(text, tokens[j], tokens[j + 1]):
                break
            if _token_how(tokens[j].fold, name_toks[p]) not in _ALIGNED:
                if name_toks[p] in nm.STOPWORDS or everyday.is_qualifier(name_toks[p]):
                    p -= 1
                    continue
                break
            lo = j
            p -= 1
            j -= 1
        p = apos + 1
        j = i + 1
        while p < len(name_toks) and j < len(tokens):
            if not _joined(text, tokens[j - 1], tokens[j]):
                break
            if _token_how(tokens[j].fold, name_toks[p]) not in _ALIGNED:
                break
            hi = j + 1
            p += 1
            j += 1
        return lo, hi

    # -------------------------------------------------------------------------------------
    def _search(self, words: str, *, marked: bool) -> list[_Found]:
        """Return what `check` finds for words (NameIndex.search, the same call), with
        what the context rules ask of each hit worked out once per distinct query."""
        key = (words, marked)
        found = self._verdicts.get(key)
        if found is None:
            found = [_Found(h, self._entry_index(h.entry), len(_name_tokens(h.name)),
                            len([t for t in _name_tokens(h.name) if t not in nm.STOPWORDS
                                 and not everyday.is_qualifier(t)]))
                     for h in self.index.search(words, limit=20, marked=marked)
                     if h.score >= _MIN_SCORE]
            if len(self._verdicts) > 50_000:
                self._verdicts.clear()
            self._verdicts[key] = found
        return found

    def _judge(self, text: str, tokens: list[Token], span: _Span) -> list[tuple[Hit, str]]:
        """Return the hits a span stands for, after the context rules (see the module doc)."""
        first, last = tokens[span.start_tok], tokens[span.end_tok - 1]
        if _cuts_quoted_name(text, first.start, last.end):
            return []  # "Фонд «Открытая" of "Фонд «Открытая Россия»": not a name as written
        qstart, qend = _query_bounds(text, tokens, span)
        quoted = _quoted(text, first.start, last.end)
        query = text[max(qstart, _quote_start(text, first.start)):qend]
        marked = _marked_query(text[qstart:qend])
        if marked and qstart < first.start - 1 and not quoted \
                and not tokens[span.start_tok].raw[:1].isupper():
            marked = False  # "фонд поддержки": a qualifier marks a capitalised name only
        if marked and everyday.is_qualifier(first.fold) and span.end_tok - span.start_tok > 1 \
                and not quoted and not tokens[span.start_tok + 1].raw[:1].isupper():
            marked = False  # "служба поддержки"
        span_folds = [t.fold for t in tokens[span.start_tok:span.end_tok]]
        latin = not textnorm.is_cyrillic(text[first.start:last.end])
        if latin and marked and not (quoted or _asterisk(text, last.end)):
            marked = False  # English puts "the"/"Foundation" anywhere: only quotes mark
        title = _title_case(text, tokens, span, latin)
        person = span.person()
        full_person = len(span_folds) >= 2 and person
        everyday_only = not full_person and (everyday.all_everyday(span_folds) or (
            len(span_folds) == 1 and not everyday.is_rare_name_word(span_folds[0])
            and not person))
        if latin and not quoted and not any(t.raw[:1].isupper() for t in
                                                 tokens[span.start_tok:span.end_tok]) \
                and not all(everyday.is_rare_name_word(f) for f in span_folds):
            return []  # English writes names with capitals: "the insider said" is no name
        if everyday_only and not marked and not title:
            return []
        key = " ".join(t for t in span_folds if not everyday.is_qualifier(t)) or " ".join(
            span_folds)
        if (key in self._generic or " ".join(span_folds) in self._generic) and not quoted:
            return []
        if span.fragment() and not quoted:
            return []
        hits = self._search(query, marked=marked or title)
        if qstart < first.start:
            # "телеканал Дождь", "движение «Голос»": a bare word that names several entries
            # is sure only with its qualifier, as a user would paste it into `check`.
            wider = self._search(text[qstart:qend], marked=marked or title)
            narrow_sure = sum(f.hit.definite for f in hits)
            if sum(f.hit.definite for f in wider) > narrow_sure:
                hits = wider
                if not narrow_sure:  # the qualifier is what makes it sure: show it
                    span.start_tok = max(0, span.start_tok - 1)
        wanted = span.entries()
        person_span = person
        out: list[tuple[Hit, str]] = []
        span_core = len([t for t in span_folds if t not in nm.STOPWORDS])
        for found in hits:
            hit, ei = found.hit, found.entry
            if ei not in wanted and not hit.definite:
                continue
            if (ei, hit.name) in self._fragment_texts and not quoted:
                continue
            reason = ""
            partial = found.core > span_core
            if not hit.definite and partial and hit.kind in ("transliteration", "fuzzy") \
                    and hit.entry.kind != PERSON:
                continue  # part of a name, and spelt differently: too little to go on
            if not hit.definite:
                reason = "spelling" if hit.kind in ("transliteration", "fuzzy") else "partial"
                if hit.entry.kind == PERSON and len(span_folds) == 1:
                    reason = "surname"
                    if _common_surname(span_folds[0]):
                        continue
                elif hit.entry.kind != PERSON and hit.score < MIN_POSSIBLE_ORG_SCORE:
                    continue  # a word or two of a long name: not a mention of it
                elif hit.entry.kind != PERSON and len(span_folds) == 1 and \
                        found.words > 1 and \
                        not everyday.is_rare_name_word(span_folds[0]):
                    continue  # "Russie" of "Russie-Libertés": a frequent word alone
                if latin and _continues(text, tokens, span):
                    continue  # "Greenpeace Spain": a longer name of something else
            elif person_span and hit.entry.kind != PERSON and len(span_folds) == 1:
                continue
            elif hit.entry.kind == PERSON and len(span_folds) == 2 and \
                    _common_surname(span_folds[0] if self._is_surname(hit, span_folds[0])
                                    else span_folds[1], NAMESAKE_SURNAME_ZIPF):
                # "Сергей Смирнов": a common surname with a first name names many people;
                # only a patronymic or a rarer name makes it this one.
                hit = Hit(hit.entry, hit.name, hit.kind, hit.score, False)
                reason = "namesake"
            out.append((hit, reason))
        return out

    @staticmethod
    def _is_surname(hit: Hit, word: str) -> bool:
        parts = _person_parts(hit.entry.name)
        return bool(parts) and _token_how(word, _name_tokens(parts[0])[0]) is not None \
            if parts else False

    def _entry_index(self, entry: Entry) -> int:
        return self._entry_idx.get(id(entry), -1)

    # -------------------------------------------------------------------------------------
    def _mentions(self, text: str, tokens: list[Token],
                  found: list[tuple[_Span, Hit, str]]) -> list[Mention]:
        """Return mentions: overlaps resolved (longest span wins), bare surnames upgraded when
        the person is named in full elsewhere, crowded short names downgraded, notes set."""
        # Definite, then longest, spans win over spans they overlap.
        ordered = sorted(found, key=lambda f: (not f[1].definite,
                                               -(f[0].end_tok - f[0].start_tok),
                                               f[0].start_tok))
        # Taken ranges never overlap each other, so each token has at most one owner and
        # a range overlaps a taken one iff one of its tokens is owned by another range.
        owner: dict[int, tuple[int, int]] = {}
        kept: list[tuple[_Span, Hit, str]] = []
        for span, hit, reason in ordered:
            rng = (span.start_tok, span.end_tok)
            if any(owner.get(t, rng) != rng for t in range(*rng)):
                continue
            for t in range(*rng):
                owner[t] = rng
            kept.append((span, hit, reason))
        full_people = {id(h.entry) for s, h, _ in kept
                       if h.definite and h.entry.kind == PERSON}
        by_range: dict[tuple[int, int], list[tuple[Hit, str]]] = defaultdict(list)
        for span, hit, reason in kept:
            definite = hit.definite or (reason == "surname" and id(hit.entry) in full_people)
            by_range[(span.start_tok, span.end_tok)].append(
                (Hit(hit.entry, hit.name, hit.kind, hit.score, definite), reason))
        made = []  # Mention's fields but `first`, known once they are in text order
        for (a, b), hits in sorted(by_range.items()):
            listed_definite = {id(h.entry) for h, _ in hits if h.definite and h.entry.listed}
            crowded = len(listed_definite) > MAX_DEFINITE_ENTRIES
            if any(h.definite for h, _ in hits):
                hits = [(h, r) for h, r in hits if h.definite]  # a sure reading beats guesses
            else:
                hits = sorted(hits, key=lambda x: -x[0].score)[:MAX_DEFINITE_ENTRIES]
            start, end = tokens[a].start, tokens[b - 1].end
            inner = text[start:end]
            if inner.count("«") > inner.count("»") and text[end:end + 1] == "»":
                end += 1  # "Издание «Холод»": keep the quote pair whole
            elif inner.count('"') % 2 and text[end:end + 1] == '"':
                end += 1
            head = _head_word(text, tokens, a, b)
            for hit, reason in hits:
                e = hit.entry
                match = DEFINITE if hit.definite and not crowded else POSSIBLE
                note = notes.note_text(e.registry, notes.entry_gender(e, head)) if e.listed \
                    else ""
                excluded = e.excluded_on if e.excluded_on and e.excluded_on != date.min \
                    else None
                made.append((e.registry, e.entry_id, e.name, text[start:end], start, end,
                             match, e.listed, note, e.kind, e.included_on, excluded,
                             "ambiguous" if crowded else reason))
        made.sort(key=lambda f: (f[4], f[0], f[1]))
        seen: set[tuple[str, str]] = set()
        out = []
        for (registry, entry_id, name, words, start, end, match, listed, note, kind,
             included, excluded, reason) in made:
            key = (registry, entry_id)
            out.append(Mention(registry, entry_id, name, words, start, end, match, listed,
                               note, kind, included, excluded, key not in seen, reason))
            seen.add(key)
        return out


def annotate(text: str, mentions: Sequence[Mention]) -> str:
    """Return text with a note after the first definite mention of each listed entry.

    The note goes after a closing quote or an editor's asterisk; a mention followed by a
    note already (any wording with "иноагент", "запрещен"...) gets none. A name on several
    lists gets one combined note.
    """
    marked: set[tuple[str, str]] = set()
    inserts: dict[int, list[tuple[str, str | None, str]]] = defaultdict(list)
    for m in mentions:
        key = (m.registry, m.entry_id)
        if m.match != DEFINITE or not m.listed or not m.note or key in marked:
            continue
        marked.add(key)
        end = _note_position(text, m.end)
        if _HAS_NOTE.match(text[end:end + 60]):
            continue
        inserts[end].append((m.registry, None, m.note))
    out = []
    last = 0
    for pos in sorted(inserts):
        out.append(text[last:pos])
        note_parts: list[str] = []
        for _, _, note in inserts[pos]:
            inner = note.strip("()")
            if inner not in note_parts:
                note_parts.append(inner)
        out.append(f" ({'; '.join(note_parts)})")
        last = pos
    out.append(text[last:])
    return "".join(out)


def _note_position(text: str, end: int) -> int:
    """Return where a note after a name ending at `end` goes: after its closing quote and
    an editor's asterisk."""
    while end < len(text) and text[end] in "»\"”*":
        end += 1
    return end


def _label_end(text: str, at: int) -> int:
    if at < 0:
        return -1
    m = re.search(r"ЛИБО КАСАЕТСЯ ДЕЯТЕЛЬНОСТИ ИНОСТРАННОГО АГЕНТА[^\n]*", text[at:])
    return at + (m.end() if m else 400)


def _token_how(word: str, name_tok: str) -> str | None:
    """Return how a text word matches one name word: exact, morph, translit, fuzzy or None.

    The rules are NameIndex's own (`_direct`), so a word matches here iff it would in check.
    """
    m = _direct_cached(word, name_tok)
    return m


_DIRECT_CACHE: dict[tuple[str, str], str | None] = {}


def _direct_cached(word: str, name_tok: str) -> str | None:
    key = (word, name_tok)
    if key in _DIRECT_CACHE:
        return _DIRECT_CACHE[key]
    m = NameIndex._direct(word, (name_tok,))
    how = m.how if m is not None else None
    if len(_DIRECT_CACHE) > 500_000:
        _DIRECT_CACHE.clear()
    _DIRECT_CACHE[key] = how
    return how


_LINKS = {"of", "for", "and", "the", "de", "des", "du", "la", "le", "der", "die", "und", "on",
          "in", "against", "by"}


def _fragment_of(name: str, alias: str) -> bool:
    """Return True when alias occurs inside the published name as part of a longer run of
    Latin words (no bracket, comma or quote between them and the rest of that run)."""
    low, sub = name.casefold(), alias.casefold()
    at = low.find(sub)
    if at < 0 or textnorm.is_cyrillic(alias):
        return False
    before = re.findall(r"[^\W\d_]+|[^\w\s]", low[:at])
    after = re.findall(r"[^\W\d_]+|[^\w\s]", low[at + len(sub):])
    for side in (list(reversed(before)), after):
        for word in side:
            if word in _LINKS:
                continue
            if re.match(r"[a-z\u00c0-\u024f]", word) and word not in (
                    "inc", "ltd", "llc", "sia", "gmbh", "limited", "corp", "ev", "e"):
                return True
            break
    return False


def _query_bounds(text: str, tokens: list[Token], span: _Span) -> tuple[int, int]:
    """Return the text to check for a span: with a qualifier word just before it, and the
    quotes and asterisk around it, exactly as a user would paste it into `check`."""
    start, end = tokens[span.start_tok].start, tokens[span.end_tok - 1].end
    while end < len(text) and text[end] in "»\"”*" and end - tokens[span.end_tok - 1].end < 3:
        end += 1
    a = span.start_tok
    while start > 0 and text[start - 1] in "«\"“„" and tokens[a].start - start < 2:
        start -= 1
    if a > 0 and everyday.is_qualifier(tokens[a - 1].fold) and \
            _JOINER.match(text[tokens[a - 1].end:tokens[a].start]):
        start = tokens[a - 1].start
    return start, end


def _cuts_quoted_name(text: str, start: int, end: int) -> bool:
    """Return True when the words at [start, end) open a quoted name and stop before its
    last word, or start inside one and run past its closing quote: a quoted name is one
    name, so part of it joined to words outside it is no name as written."""
    inner = text[start:end]
    opened = inner.count("«") - inner.count("»")
    closer = "»"
    if inner.count('"') % 2:
        at = start + inner.rfind('"')
        opened += 1 if text[at - 1:at].isspace() or at == 0 else -1
        closer = '"'
    if opened > 0:
        rest = text[end:].split("\n", 1)[0]
        close = rest.find(closer)
        return close > 0 and bool(re.search(r"\w", rest[:close]))
    if opened < 0:
        before = text[:start].rsplit("\n", 1)[-1]
        at = before.rfind("«" if closer == "»" else '"')
        return at >= 0 and bool(re.search(r"\w", before[at + 1:]))
    return False


def _quote_start(text: str, start: int) -> int:
    """Return where an opening quote right before start begins (start when there is none)."""
    return start - 1 if start > 0 and text[start - 1] in _QUOTE_OPEN else start


def _joined(text: str, left: Token, right: Token) -> bool:
    """Return True when two words may belong to one organisation name ("им. Сахарова")."""
    gap = text[left.end:right.start]
    if gap == " ":
        return True
    return bool(_JOINER.match(gap) or (left.fold in _ABBREV and _INITIAL_GAP.match(gap)))


def _followed_by_dot(text: str, tok: Token) -> bool:
    return text[tok.end:tok.end + 1] == "."


def _quoted(text: str, start: int, end: int) -> bool:
    """Return True when the span sits inside quotes (allowing an outer qualifier's quotes)."""
    before = text[max(0, start - 2):start].rstrip(" \u00a0")
    after = text[end:end + 2].lstrip(" \u00a0*")
    return bool(before) and before[-1] in _QUOTE_OPEN and bool(after) and \
        after[0] in _QUOTE_CLOSE


def _asterisk(text: str, end: int) -> bool:
    return text[end:end + 2].lstrip("»\"”")[:1] == "*"


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 6):start]
    # Only whitespace before start: measured from the text's start, never by copying it
    # (this runs for every candidate of a long article).
    leading = _LEADING_SPACE.match(text)
    return (leading is not None and leading.end() >= start) or bool(_SENTENCE_END.search(before))


def _title_case(text: str, tokens: list[Token], span: _Span, latin: bool) -> bool:
    """Return True when capitals mark the span as a proper name: several capitalised words
    in Latin script, or a capitalised first word not opening a sentence."""
    words = [t.raw for t in tokens[span.start_tok:span.end_tok]]
    content = [w for w in words if w.casefold() not in nm.STOPWORDS]
    if not content or not content[0][:1].isupper():
        return False
    if latin and len(content) >= 2:
        return all(w[:1].isupper() for w in content)
    return len(content) >= 2 and not _sentence_start(text, tokens[span.start_tok].start)


def _continues(text: str, tokens: list[Token], span: _Span) -> bool:
    """Return True when the next word, right after a space, is capitalised and not a
    qualifier: the matched words begin a longer proper name."""
    j = span.end_tok
    if j >= len(tokens):
        return False
    gap = text[tokens[j - 1].end:tokens[j].start]
    nxt = tokens[j]
    return gap in (" ", "\u00a0") and nxt.raw[:1].isupper() and \
        not everyday.is_qualifier(nxt.fold)


@lru_cache(maxsize=65536)
def _common_surname(word: str, threshold: float = COMMON_SURNAME_ZIPF) -> bool:
    """Return True when a surname (any case) is frequent enough to name many people.

    Frequent as written or in its dictionary form, and with its form for the other sex in
    common use: a surname frequent for one sex only ("Ходорковский") owes its frequency to
    one famous bearer, not to many families.
    """
    from wordfreq import zipf_frequency

    base = everyday.lemma(word)
    if max(zipf_frequency(word, "ru"), zipf_frequency(base, "ru")) < threshold:
        return False
    return min(zipf_frequency(form, "ru") for form in _sex_forms(base)) \
        >= COMMON_SURNAME_OTHER_SEX_ZIPF


def _sex_forms(surname: str) -> tuple[str, str]:
    """Return a surname's forms for a man and for a woman ("смирнов" → смирнов, смирнова);
    one form twice for a surname that does not change ("шульман", "шевченко")."""
    for man, woman in _SEX_ENDINGS:
        if surname.endswith(woman):
            return surname[:-len(woman)] + man, surname
        if surname.endswith(man):
            return surname, surname[:-len(man)] + woman
    return surname, surname


def _head_word(text: str, tokens: list[Token], a: int, b: int) -> str | None:
    """Return the noun the note should agree with: a qualifier before the span, or the
    span's own first word when it is a qualifier ("Телеканал Дождь")."""
    if a > 0 and everyday.is_qualifier(tokens[a - 1].fold) and \
            _JOINER.match(text[tokens[a - 1].end:tokens[a].start]):
        return everyday.lemma(tokens[a - 1].fold)
    first = tokens[a].fold
    if everyday.is_qualifier(first):
        return everyday.lemma(first)
    if b - a == 1 and textnorm.is_cyrillic(first):
        return everyday.lemma(first)  # «Медуза» (внесена …)
    if b - a >= 2 and textnorm.is_cyrillic(first):
        # "Новая газета": the first noun of the span.
        for t in tokens[a:b]:
            if notes.word_gender(everyday.lemma(t.fold)):
                return everyday.lemma(t.fold)
    return None


def normalise_for_display(text: str) -> str:
    """Return text in NFC (what chat platforms send), for offsets users can trust."""
    return unicodedata.normalize("NFC", text)
