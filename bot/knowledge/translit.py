"""The Cyrillic words a Russian word typed in Latin letters may stand for.

People typing Russian in Latin letters follow no one scheme, and often several in one message:
щ is "shch", "sch", "sh" or "w"; й is "j", "y" or "i"; я is "ya", "ja" or "ia"; х is "kh", "h" or
"x"; ц is "ts" or "c"; ж is "zh" or "j"; the soft sign is "'" or nothing at all ("skolko",
"tolko", "statya"); digits stand for letters that look or sound alike ("4to", "ne6to",
"3apret"). One table (`bot.textnorm.latin_to_cyrillic`) gives one reading; this module lists
the others a typed word allows, each with how many letters it reads differently from the
table, so that a caller can choose by what the Russian dictionary and the knowledge base know.
It knows no words itself: only how the schemes spell letters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import combinations

from bot.textnorm import latin_to_cyrillic

# Cyrillic letters the table's reading leaves ambiguous, and what else each may stand for: "ts"
# is ц or тс/тьс ("otvetstvennost", "obshchatsya"); "ya"/"yu"/"ye" may hide a soft or hard sign
# ("statya", "obyavlenie"); a leading "e" is often э ("eto"); "sch" is щ or сч ("schet"); "i"
# after a vowel is й ("inostrannyi", "kakoi").
_READ_AS = {
    "ц": ("тс", "тьс"), "я": ("ья", "ъя"), "ю": ("ью",), "е": ("ье", "ъе", "э"), "щ": ("сч",),
    "и": ("й",),
}
# A final "ye" after a consonant is the plural adjective ending "-ые" far more often than "е":
# "chaevye", "novye", "dannye" ("чаевые", not "чаеве").
_FINAL_READ_AS = {"е": ("ые",)}
_CONSONANTS = frozenset("бвгджзклмнпрстфхцчшщ")
_VOWELS = frozenset("аеиоуыэюя")
# Consonants a dropped soft sign follows before another consonant ("skolko", "bolshe",
# "pismo", "svadba"): hushing letters and к/г/х take none there.
_SOFTENED = frozenset("лнтсдзрвмпбф")
# Latin letters one scheme reads as another letter than the table does: "x" is кс ("taxi") or
# х ("xochu"); "w" is в ("wiki") or ш/щ ("obwestvo"); "j" is й ("svoj") or ж ("mojno", "jena").
_LATIN_ALTERNATIVES = (("x", "h"), ("w", "sh"), ("w", "shch"), ("j", "zh"))
# Digits inside a Latin word that stand for letters: "4to", "ne6to", "3apret", "ho4u".
DIGIT_LETTER = re.compile(r"(?<![\d.,])([346])(?=[a-z])|(?<=[a-z])([346])(?![\d.,])",
                          re.IGNORECASE)
_DIGIT_AS = {"3": "z", "4": "ch", "6": "sh"}
# How many letters one reading re-reads at most, and among how many ambiguous places: a word
# is read once (the callers remember it), but a long word has many places.
MAX_REREAD = 2
_MAX_SPOTS = 6


def spell_digits(text: str) -> str:
    """Return text with digits standing for letters inside Latin words spelled as letters."""
    return DIGIT_LETTER.sub(lambda m: _DIGIT_AS[m.group(0)], text)


@lru_cache(maxsize=65536)
def readings(word: str) -> tuple[tuple[str, int], ...]:
    """Return the Cyrillic readings of a Latin-typed word with how many letters each reads
    otherwise than the table, the table's own reading first (0).

    Each scheme's other letters (see `_LATIN_ALTERNATIVES`), each ambiguous Cyrillic letter's
    other readings (`_READ_AS`) and a soft sign where one is often left out (after a consonant
    before another, and at the end) are combined, at most MAX_REREAD changes at a time.
    """
    out: dict[str, int] = {}
    bases = [(latin_to_cyrillic(word), 0)]
    for latin, other in _LATIN_ALTERNATIVES:
        if latin in word:
            bases.append((latin_to_cyrillic(word.replace(latin, other)), 1))
    if "ia" in word:  # я in one scheme, и+а in every other ("material", "sotsialnyi")
        bases.append((latin_to_cyrillic(word.replace("ia", "i\x00a")).replace("\x00", ""), 1))
    for cyr, base_changes in bases:
        spots = _spots(cyr)
        for changes in range(0, MAX_REREAD - base_changes + 1):
            for chosen in combinations(spots, changes):
                for reading in _reread(cyr, chosen):
                    total = base_changes + changes
                    # A final soft sign costs nothing: it is left out more often than not.
                    soft = (reading + "ь",) if reading[-1] in _CONSONANTS else ()
                    for r in (reading, *soft):
                        if out.get(r, MAX_REREAD + 1) > total:
                            out[r] = total
    return tuple(sorted(out.items(), key=lambda rc: rc[1]))


def _spots(cyr: str) -> list[int]:
    """Return the places of a table reading where a letter may be read otherwise."""
    spots = []
    for i, ch in enumerate(cyr):
        after = cyr[i + 1] if i + 1 < len(cyr) else ""
        before = cyr[i - 1] if i else ""
        if ch == "и":
            if before in _VOWELS:
                spots.append(i)
        elif ch in _READ_AS and (ch != "е" or not before or before not in _VOWELS):
            spots.append(i)  # "е" after a vowel was typed "ye" already: no sign hides there
        elif ch in _SOFTENED and after in _CONSONANTS and i > 0:
            spots.append(i)
    return spots[:_MAX_SPOTS]


def _reread(cyr: str, chosen: tuple[int, ...]) -> list[str]:
    """Return the readings of `cyr` with the letters at `chosen` read in each other way."""
    variants = [""]
    last = 0
    for i in chosen:
        ch = cyr[i]
        if ch in _READ_AS:
            options = [o for o in _READ_AS[ch] if o != "э" or i == 0]
            if i == len(cyr) - 1:
                options += _FINAL_READ_AS.get(ch, ())
        else:
            options = [ch + "ь"]
        variants = [v + cyr[last:i] + o for v in variants for o in options]
        last = i + 1
    return [v + cyr[last:] for v in variants]
