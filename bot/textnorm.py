"""Text normalisation shared by question and name matching: case, ё, look-alikes, scripts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import ParamSpec, TypeVar, cast

P = ParamSpec("P")
R = TypeVar("R")

# Latin letters that look like Cyrillic ones and back; real registry data mixes them inside one
# word ("Transparеncy" with a Cyrillic е), which breaks exact and fuzzy matching alike.
_LAT_TO_CYR = str.maketrans("aceopxyABCEHKMOPTXY", "асеорхуАВСЕНКМОРТХУ")
_CYR_TO_LAT = str.maketrans("асеорхуАВСЕНКМОРТХУ", "aceopxyABCEHKMOPTXY")

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f]")
# Article numbers such as 20.33 or 330.1 must survive as one token.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?")
_QUOTES_DASHES = str.maketrans(
    {
        "«": '"', "»": '"', "„": '"', "“": '"', "”": '"', "‟": '"', "‘": "'", "’": "'",
        "‚": "'", "‹": '"', "›": '"', "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-",
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None,
        # Direction embeddings, overrides and isolates: invisible, and they reorder what
        # is shown back.
        **dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)]),
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Terminal escape sequences go whole (CSI "\x1b[2J", OSC "\x1b]0;title\x07"), so no "[2J"
# is left glued to the name that follows.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
                      r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC
                      r"|\x9b[0-?]*[ -/]*[@-~]")  # 8-bit CSI
# What `printable` removes: every control character (tabs and line breaks too, as one space)
# and the bidirectional overrides that make echoed text read differently from what it is.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")
_SPACES = re.compile(r"\s+")


def printable(text: str) -> str:
    """Return text safe to echo back to a user or a terminal: control characters (ANSI
    escapes, line breaks) and direction overrides become one space; nothing else changes."""
    return _UNPRINTABLE.sub(" ", _ESCAPES.sub(" ", text)).strip()


# Texts up to this long (questions, names) are read once and remembered: a chat answer cleans,
# tokenises and analyses one question's text a score of times. Longer ones (documents to
# scan) are read afresh each time: remembering them would hold whole documents in memory.
MEMO_MAX_CHARS = 2000


def memo_when_short(maxsize: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Return a decorator remembering a function's results for texts up to MEMO_MAX_CHARS
    long (its first string argument), least recently used first out, and computing them
    afresh for longer ones: the one way this module and the analyser remember a question's
    reading. Results should be immutable (tuples, strings): every caller gets the same one."""
    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        memo = cast(Callable[P, R], lru_cache(maxsize=maxsize)(func))

        @wraps(func)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            text = next((a for a in args if isinstance(a, str)), "")
            return func(*args, **kwargs) if len(text) > MEMO_MAX_CHARS else memo(*args, **kwargs)

        return call
    return wrap


@memo_when_short(8192)
def clean(text: str) -> str:
    """Return text with NFKC, unified quotes/dashes, no control characters, single spaces.

    Case is kept: this is the form to show back to a user or to extract aliases from.
    """
    text = _ESCAPES.sub(" ", text)
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES_DASHES)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


# Longer digit strings are not a choice or a list position anyone typed; int() would also
# refuse numbers past Python's 4300-digit limit with a ValueError.
_MAX_NUMBER_DIGITS = 6


def typed_number(text: str, low: int = 1, high: int | None = None) -> int | None:
    """Return the number a user typed (e.g. "2" to pick a choice), or None when it is not one.

    The one reading of "a number the user typed" for every command and adapter: decimal
    digits only (so "²" or "①", which str.isdigit() accepts but int() refuses, are text),
    a few of them, within [low, high] when given. Never raises.
    """
    digits = text.strip()
    if not digits or len(digits) > _MAX_NUMBER_DIGITS or not digits.isdecimal():
        return None
    number = int(digits)
    if number < low or (high is not None and number > high):
        return None
    return number


# One chat answer folds the same question (and its parts) many times over: splitting, tokens,
# phrase breaks, names.
@memo_when_short(8192)
def fold(text: str) -> str:
    """Return the comparison form of text: cleaned, case-folded, ё→е, look-alikes unified."""
    text = clean(text).casefold().replace("ё", "е")
    return " ".join(fix_lookalikes(w) for w in text.split(" "))


def fix_lookalikes(word: str) -> str:
    """Return word with look-alike letters moved to the script most of its letters use."""
    cyr = len(_CYRILLIC.findall(word))
    lat = len(_LATIN.findall(word))
    if cyr and lat:
        return word.translate(_LAT_TO_CYR) if cyr >= lat else word.translate(_CYR_TO_LAT)
    return word


def tokens(text: str) -> list[str]:
    """Return the folded word and number tokens of text (punctuation dropped, 20.33 kept)."""
    return list(_tokens(text))


@memo_when_short(8192)
def _tokens(text: str) -> tuple[str, ...]:
    """Return `tokens(text)` as a tuple: one chat answer reads the same question's words a
    score of times (language, splitting, matching, names), and folding is most of the cost; a
    tuple, so no caller can change what the next one gets."""
    return tuple(t.replace(",", ".") for t in _TOKEN.findall(fold(text)))


# Punctuation that ends a phrase within a sentence: a word after it starts a new one.
_PHRASE_END = re.compile(r"[,;:()\u2013\u2014]|\s-\s")


@memo_when_short(8192)  # read again for each part a question is matched in
def phrase_starts(text: str) -> tuple[bool, ...]:
    """Return, for each of `tokens(text)`, whether punctuation (a comma, a colon, a dash, a
    bracket) stands before it: a word there does not continue the phrase before it ("a foreign
    agent in Russia, in simple terms")."""
    folded = fold(text)
    out, end = [], 0
    for match in _TOKEN.finditer(folded):
        out.append(bool(_PHRASE_END.search(folded, end, match.start())))
        end = match.end()
    return tuple(out)


def script_of(text: str) -> str:
    """Return 'cyrillic', 'latin' or 'none' by which alphabet most letters of text belong to."""
    cyr = len(_CYRILLIC.findall(text))
    lat = len(_LATIN.findall(text))
    if not cyr and not lat:
        return "none"
    return "cyrillic" if cyr >= lat else "latin"


def is_cyrillic(word: str) -> bool:
    """Return True when word contains any Cyrillic letter."""
    return bool(_CYRILLIC.search(word))


# Greedy reverse transliteration for Russian typed in Latin letters ("chto budet za repost
# meduzy"). People use no fixed scheme, so this table accepts the common variants of all of
# them (ch/4, sh/w, zh, kh/h, ts/c, yu/ju/iu, ya/ja/ia); the fuzzy layer absorbs the rest.
_MULTI = [
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"),
    ("ts", "ц"), ("tz", "ц"), ("yu", "ю"), ("ju", "ю"), ("iu", "ю"), ("ya", "я"), ("ja", "я"),
    ("ia", "я"), ("yo", "е"), ("jo", "е"), ("ye", "е"), ("je", "е"), ("ee", "ее"), ("ck", "к"),
]
_SINGLE = {
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс", "y": "ы", "z": "з", "'": "ь",
    "4": "ч", "6": "ш",
}
_VOWELS = set("аеиоуыэюяё")


@lru_cache(maxsize=65536)
def latin_to_cyrillic(word: str) -> str:
    """Return a Cyrillic reading of a Russian word typed in Latin letters.

    The result is a best guess for morphology and fuzzy matching, not a display form.
    Memoised: building the question index reads the same Latin words thousands of times
    (a third of its time went here).
    """
    word = word.lower()
    out: list[str] = []
    i = 0
    while i < len(word):
        for latin, cyr in _MULTI:
            if word.startswith(latin, i):
                # "ya" after a consonant inside a word is more often ы+а in no real word, so
                # treat it as я; "iy"/"yy" endings (novyy, kakoy) become ый/ой below.
                out.append(cyr)
                i += len(latin)
                break
        else:
            ch = word[i]
            if ch == "y":
                prev = out[-1][-1] if out else ""
                nxt = word[i + 1] if i + 1 < len(word) else ""
                # й after a vowel (kakoy, moy) or before one at word start; ы elsewhere.
                out.append("й" if prev in _VOWELS or (not prev and nxt) else "ы")
            elif ch == "e" and (not out or out[-1][-1] in _VOWELS) and i == 0:
                out.append("е")
            else:
                out.append(_SINGLE.get(ch, ch))
            i += 1
    text = "".join(out)
    # "ый"/"ий" endings typed as "iy"/"yi"/"ij" collapse to the dictionary form ("yi" read
    # as "ыи", which ends no Russian word).
    text = re.sub(r"ыи$", "ый", text)
    return re.sub(r"(иы|ыы|ий)$", "ий", text)
