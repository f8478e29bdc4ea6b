"""When a name is also an everyday word, and what marks a word as a name in running text.

"Дождь", "Голос", "Холод", "Проект" are outlets, and words. One policy, shared by `check` and
`scan`: a name made only of everyday words counts only when the text marks it as a name — in
quotes, after a qualifier ("телеканал", "издание", "фонд", "движение"...), with an editor's
asterisk, or (Latin script, several words) in title case. Everyday is decided from word
frequencies (wordfreq), not from a hand list; the qualifier nouns are a list because they are
grammar, not data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from bot import textnorm
from bot.listings import names as nm

# Zipf frequency (wordfreq; 3 = once per million words) at and above which a dictionary word
# is an everyday word. Russian: "верстка" 2.6, "медуза" 3.1, "холод" 4.0 are everyday;
# "беллона" 2.0, "дудь" 1.9 are not. English needs a higher bar: "amnesty" (3.6) and
# "insider" (3.8) are rare outside the names, "rain" (4.7) and "memorial" (4.4) are not.
EVERYDAY_ZIPF_RU = 2.5
EVERYDAY_ZIPF_EN = 4.0

# Below this a word is rare enough to stand for the longer name it belongs to.
RARE_ZIPF = 3.0
# A word this frequent is taken as spelt right (Zipf 4: "ukraine" 4.3, "insider" 3.8 is not).
CORRECT_SPELLING_ZIPF = 4.0
_PLAIN_WORD = re.compile(r"[a-z]+|[а-яё]+")

# Nouns that say "what follows is the name of an organisation or outlet" (folded forms; the
# lemma of an inflected text word is looked up). Grammar, so a list.
QUALIFIERS = frozenset({
    "телеканал", "канал", "тв", "телеграм", "телеграмм", "ютуб", "youtube", "радио",
    "радиостанция", "издание", "интернет", "газета", "журнал", "сайт", "портал", "медиа",
    "медиапроект", "проект", "фонд", "движение", "организация", "объединение", "ассоциация",
    "центр", "союз", "партия", "группа", "группировка", "сообщество", "общество", "комитет",
    "институт", "агентство", "сеть", "коалиция", "инициатива", "студия", "блог", "подкаст",
    "служба", "штаб", "нко", "ано", "ооо", "редакция", "холдинг", "лаборатория", "программа",
    "outlet", "channel", "foundation", "fund", "movement", "project", "group",
    "organisation", "organization", "publication", "newspaper", "magazine", "website", "tv",
    "radio", "network", "agency", "association", "committee", "centre", "center", "institute",
})
_QUOTES = "«»\"“”„"
_MARKED_QUERY = re.compile(r"[«»\"“”„].+[«»\"“”„]|\*\s*$")


def morph_parses(word: str) -> list[Any]:
    """Return pymorphy3's readings of one lower-case word (the shared analyser)."""
    return list(nm._parses(word))


@lru_cache(maxsize=65536)
def lemma(token: str) -> str:
    """Return the dictionary form of a folded Cyrillic token (the token itself otherwise)."""
    if not textnorm.is_cyrillic(token):
        return token
    parses = morph_parses(token)
    return parses[0].normal_form.replace("ё", "е") if parses else token


@lru_cache(maxsize=65536)
def is_qualifier(token: str) -> bool:
    """Return True when a folded token (any case form) is a qualifier noun, typed in Latin
    letters too ("shtabu navalnogo" is marked as «штабу навального» is)."""
    return token in QUALIFIERS or lemma(token) in QUALIFIERS or any(
        lemma(reading) in QUALIFIERS for reading in nm.latin_readings(token))


@lru_cache(maxsize=65536)
def is_everyday(token: str) -> bool:
    """Return True when a folded token is an everyday word in its language.

    Russian: a dictionary word that is not only a name (pymorphy3) and is frequent enough
    (wordfreq, by its lemma). Latin script: frequent enough in English.
    """
    from wordfreq import zipf_frequency

    if nm.STOPWORDS.__contains__(token) or len(token) <= 1:
        return True
    if textnorm.is_cyrillic(token):
        if not nm.is_common_word(token):
            return False
        return max(zipf_frequency(token, "ru"), zipf_frequency(lemma(token), "ru")) \
            >= EVERYDAY_ZIPF_RU
    return zipf_frequency(token, "en") >= EVERYDAY_ZIPF_EN


@lru_cache(maxsize=65536)
def is_correct_spelling(token: str) -> bool:
    """Return True when a folded word is a frequent word of the language its script is written
    in ("germany", "russia", "германии"): correctly spelt, so no typo of a name.

    The check's typo search reads a word it cannot find as a misspelt name; run on a frequent
    word it finds another word one or two letters away ("germany" → ГРАНИ, "russia" → RUSI)
    and calls it a possible match.
    """
    # The small list holds every word this frequent, and its cached table answers with a
    # dict lookup: this runs for nearly every new query word, where wordfreq's own lookup
    # (tokenising first) cost a third of a check.
    from bot.knowledge.frequency import zipf_frequency

    if not _PLAIN_WORD.fullmatch(token):  # digits, hyphens, mixed scripts: no dictionary word
        return False
    lang = "ru" if textnorm.is_cyrillic(token) else "en"
    return zipf_frequency(token, lang, wordlist="small") >= CORRECT_SPELLING_ZIPF


@lru_cache(maxsize=65536)
def is_rare_name_word(token: str) -> bool:
    """Return True when a folded word is rare in the languages registry names come in
    (Russian by lemma; English, French, German for Latin script): one such word alone can
    stand for a longer name ("Greenpeace", "Bellona"), a frequent one cannot ("Russie")."""
    from wordfreq import zipf_frequency

    if textnorm.is_cyrillic(token):
        return zipf_frequency(lemma(token), "ru") < RARE_ZIPF
    return max(zipf_frequency(token, lang) for lang in ("en", "fr", "de")) < RARE_ZIPF


def preload() -> None:
    """Load the word-frequency lists and the analyser these tests read (Russian, English,
    French, German): wordfreq reads a list from disk on its first lookup in a language
    (about a second each), which the scanner's build pays instead of the first text."""
    from wordfreq import zipf_frequency

    for lang in ("ru", "en", "fr", "de"):
        zipf_frequency("a", lang)
    lemma("слово")


def all_everyday(tokens: tuple[str, ...] | list[str]) -> bool:
    """Return True when every token of a name (qualifiers included) is an everyday word."""
    return bool(tokens) and all(is_everyday(t) or is_qualifier(t) for t in tokens)


def is_marked_query(query: str, qualifier: Callable[[str], bool] | None = None) -> bool:
    """Return True when a short text marks its name as a name: quotes, an asterisk, or a
    leading qualifier ("издание «Холод»", "«Дождь»", "Дождь*", "телеканал Дождь").

    `qualifier`: is_qualifier, or a caller's precomputed answer of it (a name index knows
    it for every word of its names)."""
    text = nm.without_leading_prepositions(textnorm.clean(query))
    if _MARKED_QUERY.search(text):
        return True
    tokens = nm.norm_tokens(text)
    if len(tokens) >= 2 and (qualifier or is_qualifier)(tokens[0]):
        return True
    # Latin script writes names in title case: "Freedom House", "Human Rights Watch".
    words = [w for w in re.findall(r"[^\W\d_]+", text) if w.casefold() not in nm.STOPWORDS]
    return len(words) >= 2 and not textnorm.is_cyrillic(text) and all(
        w[:1].isupper() for w in words)
