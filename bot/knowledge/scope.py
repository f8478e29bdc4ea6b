"""Scope evidence beyond single domain words: keyword phrases, word pairs an entry asks with,
and follow-up questions.

Keyword phrases. An entry's keywords name its subject; a phrase of two of their words that
people ask with ("legal help", "юридическая помощь", "цифровая безопасность") anchors a
question in the domain although each word alone is everyday language: "where can I get free
legal help in Russia for a case about a post". The matcher still reads a word of another field
depending on it ("legal help with my divorce") in that field's sense (see phrase_sense).

Word pairs. Two everyday words that one entry's example questions keep asking together
("канал" and "регистрация", "решать" and "нежелательность") show its topic anywhere in a
question that holds no word of another field.

Follow-up questions. A later question of a message often has no subject of its own ("... and
how do I check it?", "it's all about terrorists"): it shares the first one's. The question
matcher already lets a follow-up of an answered question share its scope; this is the other
direction. When the first question is about another field ("the status of my visa
application", "is Counter-Strike too violent for a child"), a follow-up that no domain word of
its own anchors, however close its wording is to one of the base's examples, is about that
field too and gets no answer.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from itertools import pairwise
from typing import Protocol

from bot.textnorm import is_cyrillic, latin_to_cyrillic

# A keyword phrase anchors a question when the base uses one of its words this much more than
# general language (Zipf difference) and neither less than PHRASE_MIN_CONTRAST, when example
# questions of at most PHRASE_SPREAD entries ask with it, and, when one word is used all over
# the base, when the other leans towards the base at least UBIQUITOUS_PARTNER (see
# `keyword_phrases`). Chosen on the dev sets and the leave-one-out measure.
PHRASE_CONTRAST = 1.0
PHRASE_MIN_CONTRAST = 0.3
PHRASE_SPREAD = 2
UBIQUITOUS_PARTNER = 1.7
# Two words that an entry's example questions ask together, anywhere in a question, anchor a
# question holding both when no other entry's examples pair them, neither is an action word,
# each leans towards the base at least PAIR_MIN_CONTRAST and together at least
# PAIR_SUM_CONTRAST (see `entry_word_pairs`).
PAIR_MIN_CONTRAST = 0.3
PAIR_SUM_CONTRAST = 2.0
PAIR_MIN_EXAMPLES = 2
# A phrase naming a status the base is about ("foreign agent") is asked with in the questions
# of at least this share of the entries (see `status_phrases`).
STATUS_SPREAD = 1 / 6

# "бот" as written when it is the subject of the question ("бот хранит мои запросы?"); the
# other cases make it an object ("как создать бота"). In English, "the bot" is this one.
_BOT_SUBJECT = frozenset({"бот"})


def names_this_bot(words: Sequence[str], latin_russian: bool) -> bool:
    """Return True when a question speaks of the bot as this one: "бот" as its subject ("бот
    хранит мои запросы?", or typed in Latin letters when `latin_russian` says the Latin words
    are Russian) or "the bot" ("does the bot keep logs").

    `words` are the question's tokens. The matcher asks it only of a question with no word of
    another field: "бот для магазина" or "a telegram bot for my shop" are about other bots.
    """
    for i, word in enumerate(words):
        if word in _BOT_SUBJECT or (latin_russian and latin_to_cyrillic(word) in _BOT_SUBJECT):
            return True
        if word == "bot" and i > 0 and words[i - 1] == "the":
            return True
    return False


class Outcome(Protocol):
    """What `follows_other_field` reads of a question's match (index.MatchResult)."""

    @property
    def outcome(self) -> str: ...

    @property
    def own_anchor(self) -> bool: ...

    @property
    def elsewhere(self) -> bool: ...


def follows_other_field(earlier: Sequence[Outcome], part: Outcome) -> bool:
    """Return True when `part`, a question answered without a domain word of its own, follows
    a question of the same message declined for being about another field.

    `earlier` are the matches of the questions before it, in order. A declined greeting or
    thanks ("привет", "спасибо") holds no word of another field and keeps no follow-up out.
    """
    if part.outcome != "answer" or part.own_anchor:
        return False
    for prior in earlier:
        if prior.outcome == "answer":
            return False
        if prior.outcome == "off_topic" and prior.elsewhere:
            return True
    return False


def keyword_phrases(keywords: Iterable[list[str]], questions: Iterable[tuple[str, list[str]]],
                    actions: Set[str], contrast: Mapping[str, float], ubiquitous: Set[str],
                    ) -> frozenset[frozenset[str]]:
    """Return the phrases of two content words that the entries' keywords name them by and
    their example questions ask with.

    `keywords` are the content terms' keys of each keyword, `questions` each example
    question's and title's entry and keys (typo aliases resolved; a title is how the base
    itself asks about the entry: "digital hygiene"), `actions` the base's action words,
    `contrast` how much more the base uses each word than general language (Zipf
    difference), `ubiquitous` the words a third of the entries use ("россия", "организация").

    The keywords say what an entry is about; a phrase of them ("legal help", "юридическая
    помощь") names that subject as a whole, although each of its words alone is everyday
    language ("help"). It counts when people ask with it (not only a keyword: "пароль от
    телефона") about at most PHRASE_SPREAD entries (not "канал в телеграме", asked about
    everywhere), has no action word, one word the base leans towards (PHRASE_CONTRAST) and
    none the base uses no more than general language does ("made" in "who made the bot").
    Beside a ubiquitous word, the other must lean strongly towards the base
    (UBIQUITOUS_PARTNER: "террористическая организация", not "поездка в Россию").
    """
    asked: dict[frozenset[str], set[str]] = defaultdict(set)
    for entry_id, keys in questions:
        for i in range(len(keys)):
            for j in (i + 1, i + 2):
                if j < len(keys):
                    asked[frozenset((keys[i], keys[j]))].add(entry_id)
    return frozenset(
        phrase for keys in keywords if len(phrase := frozenset(keys)) == 2 == len(keys)
        and 0 < len(asked.get(phrase, ())) <= PHRASE_SPREAD and not phrase & actions
        and max(contrast.get(k, 0.0) for k in phrase) >= PHRASE_CONTRAST
        and min(contrast.get(k, 0.0) for k in phrase) >= PHRASE_MIN_CONTRAST
        and all(contrast.get(k, 0.0) >= UBIQUITOUS_PARTNER for k in phrase - ubiquitous
                if phrase & ubiquitous))


def names_keyword_phrase(phrases: frozenset[frozenset[str]], keys: Sequence[str],
                         weights: Sequence[float]) -> list[tuple[int, int]]:
    """Return the spans (first, last term) of a question that hold a keyword phrase, its two
    words side by side or one word apart ("legal help", "help of a lawyer" does not count).

    `keys` are the question's terms as the base's own words ("" for a word it does not use),
    `weights` their specificities: a function word (weight 1) never counts.
    """
    spans = []
    for i in range(len(keys)):
        for j in (i + 1, i + 2):
            if (j < len(keys) and keys[i] and keys[j] and keys[i] != keys[j]
                    and min(weights[i], weights[j]) > 1.0
                    and frozenset((keys[i], keys[j])) in phrases):
                spans.append((i, j))
    return spans


def entry_word_pairs(questions: Iterable[tuple[str, list[str]]], actions: Set[str],
                     contrast: Mapping[str, float]) -> frozenset[frozenset[str]]:
    """Return the pairs of content words that one entry's example questions ask together.

    `questions` are each example question's entry and keys (typo aliases resolved),
    `actions` the base's action words, `contrast` how much more the base uses each word than
    general language (Zipf difference).

    A topic's own words show the domain where no single word does: "задержали ... куда
    звонить", "канал ... Роскомнадзор", "штраф ... погашается". Each word alone is everyday
    language; the two together in one question are that entry's subject when no other entry's
    examples pair them, neither is an action word (they need a subject), each leans towards
    the base (PAIR_MIN_CONTRAST) and the two together clearly so (PAIR_SUM_CONTRAST).
    """
    holders: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
    for entry_id, keys in questions:
        distinct = sorted(set(keys) - actions)
        for i, first in enumerate(distinct):
            for second in distinct[i + 1:]:
                holders[frozenset((first, second))][entry_id] += 1
    return frozenset(
        pair for pair, entries in holders.items() if len(entries) == 1
        and entries.total() >= PAIR_MIN_EXAMPLES
        and min(contrast.get(k, 0.0) for k in pair) >= PAIR_MIN_CONTRAST
        and sum(contrast.get(k, 0.0) for k in pair) >= PAIR_SUM_CONTRAST)


def holds_word_pair(pairs: frozenset[frozenset[str]], keys: Iterable[str]) -> bool:
    """Return True when a question's words (`keys`: the base's own words it uses) hold one
    of an entry's word pairs (see `entry_word_pairs`)."""
    distinct = sorted(set(keys))
    return any(frozenset((first, second)) in pairs
               for i, first in enumerate(distinct) for second in distinct[i + 1:])


def status_phrases(questions: Iterable[tuple[str, list[str]]], total: int,
                   names_domain: Callable[[str, str], bool],
                   is_verb: Callable[[str], bool]) -> frozenset[tuple[str, str]]:
    """Return the phrases of two words naming the statuses the whole base is about ("foreign
    agent", "нежелательная организация"): domain phrases (`names_domain`, index
    `_domain_pair`) without a verb that the questions of at least STATUS_SPREAD of the
    `total` entries ask with, side by side.

    `questions` are each example question's and title's entry and content keys. A phrase
    asked about in one or two entries ("цифровая гигиена", "telegram channel") names a topic,
    not a status.
    """
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entry_id, keys in questions:
        for pair in pairwise(keys):
            holders[pair].add(entry_id)
    return frozenset(
        pair for pair, entries in holders.items() if len(entries) >= STATUS_SPREAD * total
        and pair[0] != pair[1] and not any(is_verb(k) for k in pair) and names_domain(*pair))


def phrase_initials(keywords: Iterable[tuple[str, str, list[str]]],
                    statuses: Set[tuple[str, str]]) -> dict[str, str]:
    """Return the capital initials people shorten the statuses' names to, with the phrase each
    stands for: "НО" for "нежелательная организация", "ФА" for "foreign agent" (Russian
    readers write the English initials in Cyrillic).

    `keywords` are the entries' keywords, each with its entry and its content keys;
    `statuses` the phrases naming the statuses (see `status_phrases`). Initials that keywords
    of different entries share ("УО" for "уголовная ответственность" and "undesirable
    organisation") stand for none.
    """
    meaning: dict[str, set[str]] = defaultdict(set)
    phrase_of: dict[str, str] = {}
    for entry_id, keyword, keys in keywords:
        words = keyword.split()
        if len(words) != 2 or len(keys) != 2 or not all(w[0].isalpha() for w in words):
            continue
        initials = "".join(w[0] for w in words).upper()
        # Russian readers write the English initials in Cyrillic too ("ФА").
        spellings = ([initials] if is_cyrillic(initials)
                     else [initials, latin_to_cyrillic(initials.lower()).upper()])
        for spelling in spellings:
            meaning[spelling].add(entry_id)
            if (keys[0], keys[1]) in statuses:
                phrase_of.setdefault(spelling, keyword)
    return {s: p for s, p in phrase_of.items() if len(meaning[s]) == 1}


def spell_out_initials(text: str, initials: Mapping[str, str],
                       is_function_word: Callable[[str], bool]) -> str:
    """Return `text` with the statuses' initials written in capitals ("ФА и НО в чем
    разница") replaced by the phrases they stand for.

    Initials that spell a function word ("НО", "TO") are that word, shouted, after a comma or
    a dash ("всё понятно, НО что делать") and in a text written in capitals only, where
    `is_function_word` says so of their lowercase form. Initials followed by a capitalised
    word begin a name ("FA Cup"), and English initials after "the" are a body's ("what did
    the FA say"): two capitals are many things, and the words around a name say which.
    """
    if not initials:
        return text
    shouted = text.upper() == text

    def spell(match: re.Match[str]) -> str:
        found = match.group(0)
        phrase = initials.get(found)
        if phrase is None:
            return found
        if is_function_word(found.lower()) and (
                shouted or _AFTER_PAUSE.search(text, 0, match.start())):
            return found
        if not shouted and (_NAME_GOES_ON.match(text, match.end())
                            or _THE_BEFORE.search(text, 0, match.start())):
            return found
        return phrase

    return _CAPITALS.sub(spell, text)


# A word of two or three capital letters standing alone.
_CAPITALS = re.compile(r"(?<![\w-])[A-ZА-ЯЁ]{2,3}(?![\w-])")
# A capitalised word (not in capitals only) right after: "FA Cup", "FA Women's".
_NAME_GOES_ON = re.compile(r"\s+[A-ZА-ЯЁ][a-zа-яё]")
# "the" right before: "the FA" is the Football Association, "an FA" a foreign agent.
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
# A comma or a dash right before a word.
_AFTER_PAUSE = re.compile(r"[,\u2013\u2014-]\s*$")
