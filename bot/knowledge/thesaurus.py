"""The domain thesaurus in matching: a question's word the base does not use reads as one it does.

People ask in words the base's examples do not use: "расшарить", "скинуть денег", "дисклеймер",
"chip in", "relocate". knowledge/synonyms.yaml lists, per language, the words and short phrases
that mean one thing in this domain. A question's word that the base cannot read as one of its
own words reads as the first member of its group the base uses; the rest of the matcher
(weights, anchors, typo repair) then works on that word as on any other.

The base itself is not rewritten: neighbouring entries use different members on purpose
("донат" for the donor's own risk, "задонатить" for donating), and reading them all as one
word blurred exactly those distinctions and moved the domain anchors (measured: see README).

- A one-word member matches by its lemma or stem (the analyser's key); a word the Russian
  dictionary does not know (slang, coinages: "расшарил", "дисклеймером") also by its Snowball
  stem, because the dictionary only guesses their lemmas.
- A phrase matches word by word, in order, on keys: "скинуть денег" also in "скинул им денег"
  (the pronoun is no term). A phrase with function words ("chip in", "tagged as") matches only
  where the function words stand exactly there.
- A word in [brackets] must be there and stays a word of its own: "попасть в [реестр]" reads
  as "признать" + "реестр", so the subject word is not swallowed.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass

from bot.knowledge.analyze import Analyzer, Term
from bot.knowledge.model import SynonymGroup
from bot.textnorm import is_cyrillic, latin_to_cyrillic

# Stems shorter than this ("вал", "пром") match too many unrelated words.
_MIN_STEM = 4


@dataclass(frozen=True)
class _Slot:
    """One word of a phrase: a key to match (`context` keeps it a word of its own) or, with no
    key, a function word that must stand at its place as written."""

    key: str | None
    word: str
    context: bool = False


@dataclass(frozen=True)
class _Phrase:
    head: str
    slots: tuple[_Slot, ...]

    @property
    def exact(self) -> bool:
        """Return True when the phrase has function words: then its words must be adjacent."""
        return any(s.key is None for s in self.slots)

    def content(self) -> list[tuple[int, _Slot]]:
        """Return the phrase's content words with their offsets in the phrase."""
        return [(j, s) for j, s in enumerate(self.slots) if s.key is not None]


class Thesaurus:
    """The compiled domain thesaurus; `problems` lists (line, message) for members it cannot use."""

    def __init__(self, groups: tuple[SynonymGroup, ...], analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self._single: dict[str, str] = {}
        self._stems: dict[str, str] = {}  # stem of a member the dictionary lacks -> member
        self._members: dict[str, list[str]] = {}  # head -> its one-word members' keys, in order
        self._phrases: dict[str, list[_Phrase]] = {}
        self.problems: list[tuple[int, str]] = []
        owner: dict[str, str] = {}  # member key -> the group that has it (for conflicts)
        for group in groups:
            for lang, members in group.members.items():
                lines = group.member_lines.get(lang, ())
                head: str | None = None
                for n, member in enumerate(members):
                    line = lines[n] if n < len(lines) else group.line
                    slots = self._slots(member, lang)
                    keyed = [s for s in slots if s.key is not None]
                    if not any(not s.context for s in keyed):
                        self.problems.append((line, f"{group.name}.{lang}: {member!r} has no "
                                                    "word that means something on its own"))
                        continue
                    if head is None:
                        if len(slots) != 1:
                            self.problems.append((line, f"{group.name}.{lang}: the first member "
                                                        f"{member!r} names the group: one word"))
                            break
                        head = keyed[0].key
                    assert head is not None
                    if len(slots) == 1:
                        key = keyed[0].key
                        assert key is not None
                        taken = owner.get(key)
                        if taken is not None and taken != group.name:
                            self.problems.append((line, f"{group.name}.{lang}: {member!r} reads "
                                                        f"as {key!r}, already in group {taken}"))
                            continue
                        owner[key] = group.name
                        self._single[key] = head
                        self._members.setdefault(head, []).append(key)
                        if is_cyrillic(key) and not analyzer.is_known_ru(member.lower()):
                            stem = analyzer.ru_stems(key)[0]
                            if len(stem) >= _MIN_STEM:
                                self._stems.setdefault(stem, key)
                        continue
                    first = keyed[0].key
                    assert first is not None
                    self._phrases.setdefault(first, []).append(_Phrase(head, tuple(slots)))
        for phrases in self._phrases.values():
            phrases.sort(key=lambda p: -len(p.slots))  # the longest phrase wins

    def _slots(self, member: str, lang: str) -> list[_Slot]:
        """Return the words of a member as slots, each analysed as the matcher reads it."""
        slots: list[_Slot] = []
        phrase = len(self.analyzer.words(member.replace("[", " ").replace("]", " "))) > 1
        for raw in member.split():
            context = raw.startswith("[") and raw.endswith("]")
            for word in self.analyzer.words(raw.strip("[]")):
                if lang == "en" and phrase and not is_cyrillic(word):
                    # A phrase's word as an English question reads it: alone, "tip" would be
                    # judged Latin-typed Russian ("тип") and "send a tip" never match. (One-word
                    # members keep the old reading: "minjust" reads as the base's "минюст".)
                    key = self.analyzer.en_key(word)
                else:
                    terms = self.analyzer.terms(word, lang)
                    key = terms[0].key if terms else None
                slots.append(_Slot(key, word, context and key is not None))
        return slots

    def fold(self, terms: list[Term], text: str, known: Container[str],
             reads: Callable[[Term], bool]) -> list[Term]:
        """Return a question's terms with the thesaurus's words read as words the base knows.

        A word the base cannot read as one of its own (`reads`: another form or another word of
        its stem counts; `known` holds the base's index keys) that belongs to a group reads as
        the first member of its group the base uses (its head, where the base
        uses it); the base's own words stay as they are, so neighbouring entries that use
        different members ("донат" / "задонатить") keep telling themselves apart. A phrase adds
        that member (with the highest weight of its words) and keeps those of its words the base
        knows, and its [context] words; a word the base does not know, "chip" of "chip in", would
        only read as a word of another subject. `text` is what the terms were read from.
        """
        if not self._single and not self._phrases:
            return terms
        words: list[str] | None = None
        out: list[Term] = []
        i = 0
        while i < len(terms):
            term = terms[i]
            for phrase in self._phrases.get(term.key, ()):
                if phrase.exact and words is None:
                    words = self.analyzer.words(text)
                taken = _match(phrase, terms, i, words)
                if taken:
                    matched = list(zip(terms[i:i + taken], phrase.content(), strict=True))
                    weight = max(t.weight for t, (_, slot) in matched if not slot.context)
                    surface = " ".join(t.surface for t, (_, slot) in matched if not slot.context)
                    out.append(Term(self._known_member(phrase.head, known), surface, weight,
                                    term.at, True))
                    out += [t for t, (_, slot) in matched if slot.context or t.key in known]
                    i += taken
                    break
            else:
                member = None if reads(term) else self._member(term)
                out.append(term if member is None else
                           Term(self._known_member(member, known), term.surface, term.weight,
                                term.at, True))
                i += 1
        return out

    def _known_member(self, member: str, known: Container[str]) -> str:
        """Return member when the base uses it, else the first member of its group it uses
        (the group's head when it uses none: the word then stays unknown, as before)."""
        if member in known:
            return member
        head = self._single.get(member, member)
        return next((m for m in self._members.get(head, ()) if m in known), head)

    def _member(self, term: Term) -> str | None:
        """Return the group member a one-word term is (by key, or for a word the dictionary
        does not know by its stem), else None."""
        if term.key in self._single:
            return term.key
        if not is_cyrillic(term.key) or self.analyzer.is_known_ru(term.surface):
            return None
        return self._stems.get(self.analyzer.ru_stems(term.key)[0])


def _match(phrase: _Phrase, terms: list[Term], i: int, words: list[str] | None) -> int:
    """Return how many terms from terms[i] the phrase covers, or 0 when it does not match."""
    content = phrase.content()
    if i + len(content) > len(terms):
        return 0
    start = terms[i].at - content[0][0]
    for k, (offset, slot) in enumerate(content):
        term = terms[i + k]
        if term.key != slot.key:
            return 0
        if phrase.exact and term.at != start + offset:
            return 0
    if phrase.exact:
        assert words is not None
        for offset, slot in enumerate(phrase.slots):
            if slot.key is not None:
                continue
            at = start + offset
            if not 0 <= at < len(words) or slot.word not in (words[at],
                                                             latin_to_cyrillic(words[at])):
                return 0
    return len(content)
