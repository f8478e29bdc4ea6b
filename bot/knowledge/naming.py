"""What the knowledge base can tell about the words of a question that names an organisation.

Two questions the chat layer asks when a question names someone: at which of its words a name
may stand (words the base never uses, or uses only in its prose or as names: "mediazonu",
"азову", "радио свобода", "фбк"), and whether what is left once the name is cut out only asks
for the name's status ("radio svoboda nezhelatelnaya ili inoagent?", "is Meduza a foreign
agent"). Both are read from the base itself: its vocabulary, the words its questions are made
of, and the words its own entries use to name the lists.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.knowledge.analyze import QUESTION_WORDS, Term
from bot.textnorm import tokens

if TYPE_CHECKING:
    from bot.knowledge.index import QuestionIndex

# The entries whose titles and keywords name the lists and what one asks about a name on them:
# the differences between the four lists, and how to check someone's status. A question made
# of their words alone, once a listed name is cut out, asks for that name's status.
STATUS_ENTRY = "check_status"
_LIST_NAMING_ENTRIES = ("lists_difference", STATUS_ENTRY)
_WORDS = re.compile(r"\w[\w-]*")
_SENTENCES = re.compile(r"[.!?…:;\n]+\s*|\s[-–—]\s")
# A verb of being on a list the base does not use ("состоит", "числится"): one is allowed.
_MAX_UNKNOWN = 1
# "right now" is "now": "right" there asks about nothing else.
_RIGHT_NOW = re.compile(r"\bright\s+now\b", re.IGNORECASE)
# A title is about a name it holds among its first two words: the name, or its kind and it.
_SUBJECT_AT = 2
# The words people use to ask whether someone is on a list, beyond those the list-naming
# entries use: being declared or entered ("признана", "внесён", "designated", "labelled"),
# being or being counted ("является", "считается", "is considered"), where ("в списке",
# "in the register"), and when ("ещё", "уже", "still", "yet", "или нет"). Read through the
# analyzer like the entries' words, so any form of them counts.
_STATUS_WORDS = {
    "ru": "признан признана признано признаны признали признать внесен внесён внесена внесено "
          "внесены внесли внести включен включён включена включено включены включили "
          "является являются являться считается считаются считаться числится числятся "
          "состоит состоят значится значатся находится находятся остается остаётся остаются "
          "объявлен объявлена объявлено объявлены присвоен присвоили статус статусом "
          "список списке списки списках реестр реестре реестрах перечень перечне перечнях "
          "ещё еще уже сих пор прежнему всё все нет да сейчас теперь",
    "en": "designated designation listed list lists labelled labeled label considered "
          "declared deemed named included registered register registry status "
          "still already yet now currently or not",
}
# A clause asking how to find a status out oneself ("где это можно посмотреть?", "how would I
# find out?", "where can I look that up?"): its verb, after "where" or "how", asks for the
# status and the way to check it, as "check" and "проверить" (the status entry's own words)
# do. The verb alone names no list and is dropped, so the question still needs a list's word
# ("where can I find Meduza?" asks nothing of a status); without "where" or "how" the verb is
# left ("можно ли смотреть Медузу, она иноагент?" asks about watching).
_CHECKING_CLAUSE = re.compile(
    r"\b(where|how|где|как|откуда|gde|kak|otkuda)\b([^?.!,;]{0,30}?)\b(?:look(?:\s+\w+)?\s+up|"
    r"look|see|find(?:\s+\w+)?\s+out|find|know|tell|verify|посмотреть|глянуть|узнать|"
    r"выяснить|найти|posmotret\w*|glyanut\w*|uznat\w*|vyyasnit\w*|najti|naiti)\b"
    r"(?:\s+(?:it|that|this|them|это|myself|ourselves|yourself|сам|сама|самому|самой)\b)*",
    re.IGNORECASE)
# "a foreign agent or undesirable or anything?": the tail asks for no other list.
_OR_ANYTHING = re.compile(r"\bor\s+(?:anything|something)(?:\s+else)?\b|"
                          r"\bили\s+(?:что-то|что-нибудь|ещё что-то)(?:\s+ещё)?(?!\w)",
                          re.IGNORECASE)
# "on any Russian list": Russia is where every list is kept, so "Russian" before a list's name
# says nothing else; elsewhere it may be an organisation's nationality ("российская"), which
# is a question of its own.
_RUSSIAN_LIST = re.compile(
    r"\b(?:russian|russia's|российск\w*)\s+(?=(?:\w+\s+)?(?:(?:black)?lists?|registers?|"
    r"registry|registries|списк\w*|реестр\w*|перечн\w*)\b)", re.IGNORECASE)


def name_places(index: QuestionIndex, text: str, lang: str | None = None,
                terms: list[Term] | None = None) -> tuple[set[int], set[int]]:
    """Return two sets of positions (among `textnorm.tokens(text)`): the words the base never
    uses, and the words where a name typed in lower case may stand, those and the words the
    base uses only in its prose or as names, not to ask or to name a topic ("радио", "фбк",
    "медуза"). The words questions are made of ("штраф", "репост", "иноагент", "можно") are
    in neither: a question of those alone names nobody, and costs no name look-up. `terms`:
    `index.analyzer.terms(text, lang, index.lexicon)`, when the caller has read them already.
    """
    asked = _asking_words(index)
    unknown: set[int] = set()
    places: set[int] = set()
    if terms is None:
        terms = index.analyzer.terms(text, lang, index.lexicon)
    for t in terms:
        if t.key in asked:  # a word of the base's questions, known to it
            continue
        if not index.knows(t.surface):
            unknown.add(t.at)
            places.add(t.at)
        elif len(t.surface) >= 3:
            places.add(t.at)
    return unknown, places


# How far a word of the base's questions may stand from a name it governs: next to it, or
# with one small word between ("в эфир Дождя", "подписка на Медузу", "Дождю дал интервью").
_GOVERNING_REACH = 2


def governed(index: QuestionIndex, terms: list[Term], at: int) -> bool:
    """Return True when the word at position `at` (among `textnorm.tokens(text)`; `terms`:
    the text's terms) is the object of a word the base's questions are made of: the nearest
    meaningful word on either side, at most one small word away, is such a word ("эфир",
    "интервью", "подписка", "донат", "репост"). Such a word names what is done with the
    name, so a capitalised word there is a name, not the weather ("в эфир Дождя")."""
    asked = _asking_words(index)
    before = [t for t in terms if t.at < at]
    after = [t for t in terms if t.at > at]
    near = [t for t in (before[-1:] + after[:1]) if abs(t.at - at) <= _GOVERNING_REACH]
    return any(t.key in asked for t in near)


def warm(index: QuestionIndex) -> None:
    """Read the words of the base's questions and list names now (about 0.2 s, once per
    index), returning nothing. `riskguide run` calls it at start, so the first question
    naming someone does not wait for it."""
    _asking_words(index)
    _list_words(index)


def asked_about(index: QuestionIndex, name: str) -> bool:
    """Return True when every meaningful word of name is used by the base's titles, keywords
    or example questions ("Медуза", "DOXA", "TV Rain"): the base asks about that name, so it
    tells the matcher which entry answers. A name only the base's prose mentions ("The
    Insider" in a list of examples) tells it nothing about what is asked."""
    asked = _question_words(index)[0]
    words = [w for w in tokens(name) if index.analyzer.terms(w)]
    # A Latin word reads as English ("Golos" in an English title) or as Russian typed in
    # Latin letters: either reading will do.
    return bool(words) and all(
        index.analyzer.en_key(w) in asked or any(t.key in asked for t in index.analyzer.terms(w))
        for w in words)


def is_base_name(index: QuestionIndex, key: str) -> bool:
    """Return True when the base writes the word of `key` only as a name: capitalised inside
    its sentences ("The Insider", "Meduza") and never as a word of its own questions."""
    asked, named = _question_words(index)
    return key in named and key not in asked


@lru_cache(maxsize=4)
def _asking_words(index: QuestionIndex) -> frozenset[str]:
    """Return the keys of the words the base's titles, keywords and example questions use,
    bar those the base ever writes with a capital inside a sentence: names ("Медузу",
    "Радио Свобода", "ФБК") are no words of the law, even where the examples mention them."""
    asked, named = _question_words(index)
    return asked - named


@lru_cache(maxsize=4)
def _question_words(index: QuestionIndex) -> tuple[frozenset[str], frozenset[str]]:
    """Return the keys of the words the base's titles, keywords and example questions use,
    and the keys of those the base writes with a capital inside a sentence (names)."""
    asked: set[str] = set()
    named: set[str] = set()
    for entry in index.kb.entries:
        for lang in ("ru", "en"):
            texts = [entry.title.get(lang, ""), *entry.questions.get(lang, ())]
            keywords = entry.keywords.get(lang, ())
            for text in [*texts, *keywords]:
                asked.update(t.key for t in index.analyzer.terms(text, lang))
            for text in [*texts, entry.answer.get(lang, "")]:
                named.update(_capitalised_keys(index, text, lang))
            # Keywords are written in lower case: a capitalised one is a name ("Мемориал", "ФБК").
            named.update(t.key for k in keywords if k[:1].isupper()
                         for t in index.analyzer.terms(k, lang))
    return frozenset(asked), frozenset(named)


def _capitalised_keys(index: QuestionIndex, text: str, lang: str) -> set[str]:
    """Return the keys of the words text writes with a capital after a sentence's first word."""
    out: set[str] = set()
    for sentence in _SENTENCES.split(text):
        # An abbreviation may open a sentence ("ФБК признан..."): it is a name all the same.
        found = _WORDS.findall(sentence)
        words = [w for i, w in enumerate(found)
                 if (i and w[:1].isupper()) or (len(w) > 1 and w.isupper())]
        if words:
            out.update(t.key for t in index.analyzer.terms(" ".join(words), lang))
    return out


@lru_cache(maxsize=4)
def _list_words(index: QuestionIndex) -> frozenset[str]:
    keys: set[str] = set()
    for entry_id in _LIST_NAMING_ENTRIES:
        entry = index.kb.get(entry_id)
        if entry is None:
            continue
        for lang in ("ru", "en"):
            texts = [entry.title.get(lang, ""), *entry.keywords.get(lang, ())]
            for text in texts:
                keys.update(t.key for t in index.analyzer.terms(text, lang))
    for lang, words in _STATUS_WORDS.items():
        keys.update(t.key for t in index.analyzer.terms(words, lang))
    return frozenset(keys)


def status_entry(index: QuestionIndex, text: str, lang: str | None = None, *,
                 names: tuple[str, ...] = (), matched: str | None = None,
                 close: tuple[str, ...] = (), listed: tuple[str, ...] = ()) -> str | None:
    """Return the entry answering "which lists is it on" when text (a question with its names
    cut out) asks nothing else, else None.

    Text asks only for a status when its meaningful words are question words, words the base
    uses to name the lists or the checking of a name, and words of being on a list
    ("признана", "is still designated"), at least one of those, and at most one word the base
    never uses: "<name> иноагент?" and "is <name> still listed" alike. Used only when a
    listed name anchors the question. When the entry the question `matched` is about one of
    the `names` itself (its title names it: "Amnesty International declared undesirable"),
    that entry says more and is kept; when one of the matcher's `close` runners-up is about
    one of the `listed` names (those a registry surely lists), that entry is returned
    ("«Голос» — иноагент или нежелательная?": the Golos entry, not the lists' differences).
    """
    if index.kb.get(STATUS_ENTRY) is None or _titled(index, matched, names):
        return None
    if not _asks_status(index, text, lang):
        return None
    return next((e for e in close if listed and _titled(index, e, listed)), STATUS_ENTRY)


def _asks_status(index: QuestionIndex, text: str, lang: str | None) -> bool:
    """Return True when text (a question with its names cut out) asks only for a status."""
    list_words = _list_words(index)
    named = unknown = 0
    text = _RIGHT_NOW.sub("now", text)
    text = _RUSSIAN_LIST.sub("", _OR_ANYTHING.sub("", _CHECKING_CLAUSE.sub(r"\1\2", text)))
    for term in index.analyzer.terms(text, lang, index.lexicon):
        lemma = term.key.removeprefix("en:")
        if term.key in list_words:
            named += 1
        elif lemma in QUESTION_WORDS:
            continue
        elif not index.knows(term.surface):
            unknown += 1
        else:
            return False
    return bool(named) and unknown <= _MAX_UNKNOWN


def entry_names(index: QuestionIndex, entry_id: str | None, names: tuple[str, ...]) -> bool:
    """Return True when the entry's title, in either language, names one of `names` anywhere
    ("Donating to an extremist organisation (e.g. FBK)"): the base wrote that entry about the
    organisation, with what its lists mean for the question, so it is kept over the generic
    entry of the organisation's gravest list."""
    return _titled(index, entry_id, names, anywhere=True)


def _titled(index: QuestionIndex, entry_id: str | None, names: tuple[str, ...], *,
            anywhere: bool = False) -> bool:
    """Return True when the entry's title, in either language, opens with a word of a name,
    perhaps after the word for its kind (or, `anywhere`, holds one): the entry is about that
    organisation ("Amnesty International declared undesirable", "Движение «Голос» и закон об
    иноагентах"), not one using it as an example ("Reposting ... (the Meduza example)")."""
    entry = index.kb.get(entry_id) if entry_id else None
    if entry is None:
        return False
    # A Latin name reads as English ("Golos" in the English title) or as Russian typed in
    # Latin letters ("голос"): either reading may open the title.
    keys = {t.key for name in names for t in index.analyzer.terms(name)}
    keys |= {k for name in names for w in tokens(name) if (k := index.analyzer.en_key(w))}
    for lang, text in entry.title.items():
        title = index.analyzer.terms(text, lang)
        if anywhere and any(t.key in keys for t in title):
            return True
        # The name may follow one word saying what it is: "Движение «Голос» и закон ...".
        if any(t.key in keys for t in title[:_SUBJECT_AT]):
            return True
    return False


def names_list(index: QuestionIndex, text: str, lang: str | None, entry_id: str,
               lists: tuple[str, ...]) -> bool:
    """Return True when text uses a word that, among the titles and keywords of the lists'
    own entries (`lists`: one per list, `entry_id` one of them), only `entry_id` uses:
    "экстремистской", "extremist" name the extremist list, "нежелательной" the undesirable
    one. A question saying which list it asks about is not moved to another list's entry."""
    own = _title_keys(index, entry_id)
    others = {k for e in lists if e != entry_id for k in _title_keys(index, e)}
    return any(t.key in own - others for t in index.analyzer.terms(text, lang, index.lexicon))


@lru_cache(maxsize=16)
def _title_keys(index: QuestionIndex, entry_id: str) -> frozenset[str]:
    """Return the keys of an entry's title and keywords in both languages, bar question
    words."""
    entry = index.kb.get(entry_id)
    if entry is None:
        return frozenset()
    texts = [(lang, text) for lang, text in entry.title.items()]
    texts += [(lang, k) for lang, keywords in entry.keywords.items() for k in keywords]
    return frozenset(t.key for lang, text in texts for t in index.analyzer.terms(text, lang)
                     if t.key.removeprefix("en:") not in QUESTION_WORDS)
