"""Words that describe the asker's situation, not the subject asked about.

"Мою дочь задержали вчера в Казани", "my brother was detained in Moscow yesterday": the
relative, the place and the day set the scene of a question about detention; none of them is
a word of another field the way "собака", "football" or "ламинат" is. A word the base does not
use counts as evidence of another subject (see `QuestionIndex._match_one`); a setting word
counts neither for another subject nor for the domain.

Where the languages' own resources tell these words, they are used: places are the words
pymorphy3's dictionary tags as geographical names (Geox) and the country and city names of the
Unicode CLDR data Babel ships (territories and time-zone cities, in Russian and English); times
are CLDR's month, weekday and day-period names. Neither pymorphy3 nor any installed resource
tells a relative or a person's role from another animate noun ("дочь" from "собака", "сосед"
from "футболист": all 'anim'), nor an English person word at all, so those are a short closed
class below, mirrored in both languages; a Russian one counts only where pymorphy3 reads it as
an animate noun.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location

from bot.knowledge.analyze import Analyzer, Term
from bot.textnorm import is_cyrillic, tokens

# Relatives and the everyday roles people name each other by, with the words for when and
# where that CLDR's names do not hold (the days around today, the street and the town): a
# closed class of the language, not a field's vocabulary. Seasons are left out: they head
# other fields' things ("summer camp", "winter tyres", "летняя резина").
_PEOPLE = {
    "ru": ("мама", "мать", "папа", "отец", "родитель", "сын", "дочь", "дочка", "брат", "сестра",
           "муж", "жена", "бабушка", "дедушка", "дед", "внук", "внучка", "тетя", "дядя",
           "племянник", "племянница", "двоюродный", "свекровь", "теща", "тесть", "зять",
           "невестка", "ребенок", "подруга", "парень", "девушка", "сосед", "соседка",
           "коллега", "начальник", "работодатель", "студент", "студентка", "школьник",
           "школьница", "одноклассник", "однокурсник", "знакомая", "женщина", "мужчина"),
    "en": ("mum", "mom", "mother", "dad", "father", "parent", "son", "daughter", "brother",
           "sister", "husband", "wife", "grandmother", "grandma", "grandfather", "grandpa",
           "grandson", "granddaughter", "aunt", "uncle", "nephew", "niece", "cousin", "child",
           "kid", "girlfriend", "boyfriend", "partner", "neighbour", "neighbor", "colleague",
           "boss", "employer", "student", "classmate", "woman", "man", "family", "relative"),
}
_TIMES = {
    "ru": ("вчера", "сегодня", "завтра", "позавчера", "послезавтра", "утром", "вечером",
           "ночью", "днем", "неделя", "выходные"),
    "en": ("yesterday", "today", "tomorrow", "tonight", "week", "weekend"),
}
_PLACES = {
    "ru": ("улица", "город", "площадь", "проспект"),
    "en": ("street", "city", "town"),
}
# The everyday names of places outside Russia that CLDR holds only in their formal form
# ("Соединенные Штаты", "Европейский союз", "United Kingdom"): the short and colloquial ones
# people write ("США", "Евросоюз", "UK", "Britain"). A closed list like the one above; "us"
# is left out (the pronoun), as are names whose Russian status the base's laws treat as
# home (Crimea).
_SHORT_PLACES = {
    "ru": ("сша", "евросоюз", "британия", "англия", "шотландия", "прибалтика",
           "абхазия", "палестина"),
    "en": ("usa", "uk", "eu", "britain", "england", "scotland", "wales", "america", "baltics",
           "abkhazia", "palestine"),
}
# The words for a form of state that open a country's formal name ("Республика Беларусь",
# "the Kingdom of the Netherlands"): a closed class of each language.
_STATE_FORMS = {
    "ru": ("республика", "королевство", "княжество", "федерация"),
    "en": ("republic", "kingdom", "principality", "federation"),
}
# pymorphy3's tag for geographical names.
_GEO_TAG = "Geox"
# CLDR's codes of the country the base's laws are of and of the whole world: neither is a place
# outside Russia.
_HOME = frozenset({"RU", "001"})
# A decade written with its century, as both languages write it: "1970-х", "1970-е", "1970s".
_DECADE = re.compile(r"(?<![\d.,])((?:1[89]|20)\d0)(?:-?(?:х|е|ых|ые)|'?s)(?!\w)")


@lru_cache(maxsize=1)
def _abroad_words() -> dict[str, frozenset[str]]:
    """Return, per language, the CLDR names (Babel) of the countries, regions and time-zone
    cities outside Russia, as written, lower-cased."""
    zones = get_global("zone_territories")
    out: dict[str, frozenset[str]] = {}
    for lang in ("ru", "en"):
        loc = Locale(lang)
        names = [str(v) for code, v in loc.territories.items() if code not in _HOME]
        names.extend(
            str(get_timezone_location(zone, lang, return_city=True))
            for zone in zoneinfo.available_timezones()
            if "/" in zone and not zone.startswith("Etc/") and zones.get(zone) not in _HOME)
        out[lang] = frozenset(n.lower() for n in names)
    return out


@lru_cache(maxsize=1)
def _cldr_words() -> dict[str, frozenset[str]]:
    """Return, per language, the one-word month, weekday, day-period, country and city names of
    the CLDR data (Babel), as written, lower-cased."""
    out: dict[str, set[str]] = {}
    for lang in ("ru", "en"):
        loc = Locale(lang)
        names: list[str] = []
        for table in (loc.months, loc.days, loc.day_periods):
            for context in table.values():
                for width in context.values():
                    names.extend(str(v) for v in width.values())
        names.extend(str(v) for v in loc.territories.values())
        for zone in zoneinfo.available_timezones():
            if "/" in zone and not zone.startswith("Etc/"):
                names.append(str(get_timezone_location(zone, lang, return_city=True)))
        out[lang] = {n.lower() for n in names if len(tokens(n)) == 1}
    return {lang: frozenset(words) for lang, words in out.items()}


class SettingWords:
    """Tells whether a question's term names a person, place or time of the asker's situation."""

    def __init__(self, analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        cldr = _cldr_words()
        self._ru = frozenset(
            k for w in (*_PEOPLE["ru"], *_TIMES["ru"], *_PLACES["ru"], *cldr["ru"],
                        *_SHORT_PLACES["ru"])
            if is_cyrillic(w) for k in (analyzer.ru_key(w), w) if k)
        self._ru_people = frozenset(filter(None, (analyzer.ru_key(w) for w in _PEOPLE["ru"])))
        self._en = frozenset(
            k for w in (*_PEOPLE["en"], *_TIMES["en"], *_PLACES["en"], *cldr["en"],
                        *_SHORT_PLACES["en"])
            if not is_cyrillic(w) for t in tokens(w) for k in (analyzer.en_key(t),) if k)
        abroad = _abroad_words()
        # A Russian name counts where the dictionary reads it as a place in its own form, or
        # does not know it: "Того" (Togo), "Газа" and "Туле" (Thule) read first as "тот",
        # "газ" and the Russian town "Тула".
        self._ru_abroad = frozenset(
            k for w in abroad["ru"] if is_cyrillic(w) and len(tokens(w)) == 1 and (
                _GEO_TAG in analyzer.grammemes(w) or not analyzer.is_known_ru(w))
            for k in (analyzer.ru_key(w),) if k == w.replace("ё", "е")) | frozenset(
            filter(None, map(analyzer.ru_key, _SHORT_PLACES["ru"])))
        # A country's code after "the" is its name ("the US", "the UK"); the Soviet Union
        # ("SU") held Russia.
        aliases = get_global("territory_aliases")
        self._codes = frozenset(
            code.lower() for code in (*Locale("en").territories, *aliases)
            if len(code) == 2 and code.isalpha() and code not in _HOME
            and not _HOME & set(aliases.get(code, ())))
        # English names of several words ("United States") as the sequences of their keys.
        self._en_abroad = frozenset(
            keys for w in (*abroad["en"], *_SHORT_PLACES["en"]) if not is_cyrillic(w)
            for keys in (tuple(analyzer.en_key(t) for t in tokens(w)),) if all(keys))
        # Only CLDR's names count in Latin-typed Russian: "uk" there is УК, the Criminal Code.
        self._en_abroad_words = frozenset(w for w in abroad["en"] if len(tokens(w)) == 1)
        # The words for a form of state that open a country's formal name (see `abroad`).
        self._state_forms = frozenset(filter(None, (
            *(analyzer.ru_key(w) for w in _STATE_FORMS["ru"]),
            *(analyzer.en_key(w) for w in _STATE_FORMS["en"]))))
        # The keys such a name starts with: a question's span is looked up only from one.
        self._en_abroad_first = frozenset(keys[0] for keys in self._en_abroad)

    def __call__(self, key: str, surface: str) -> bool:
        """Return True when a term (its index key and the word as written) is a setting word:
        a relative or person's role, a place or a time (see the module's docstring)."""
        if key.startswith("en:"):
            # A possessive names an owner, not the scene: "Hungary's law", "my kid's tablet"
            # are things of another country or of another field.
            return key in self._en and not surface.endswith("'s")
        if not is_cyrillic(surface):
            return False
        if key in self._ru_people:
            return "anim" in self._analyzer.grammemes(surface)
        if key in self._ru or surface in self._ru:
            return True
        return _GEO_TAG in self._analyzer.grammemes(surface) and self._analyzer.is_known_ru(
            surface)

    def abroad(self, terms: list[Term], words: list[str]) -> list[bool]:
        """Return, for each of a question's terms, whether it names a country, region or city
        outside Russia by its CLDR name ("Грузия", "Lisbon", "Europe", "the United States":
        each word of the name). `words` are the question's tokens, which the terms' positions
        index.

        Such a place is part of the asker's scene like any other ("живу в Берлине"), but a law,
        a list or a status placed there is that country's (see phrase_sense)."""
        # A Latin-typed word that is an English name ("kyrgyzstan") names the place whichever
        # language its reader took it for.
        marks = [(not t.key.startswith("en:") and (
            t.key in self._ru_abroad or words[t.at] in self._en_abroad_words)) or (
            t.surface in self._codes and t.at > 0 and words[t.at - 1] == "the") for t in terms]
        for i in range(len(terms)):
            if terms[i].key not in self._en_abroad_first:
                continue
            for n in (1, 2, 3):
                span = terms[i:i + n]
                # A possessive names an owner ("Hungary's law"), as a setting word does not.
                if (len(span) == n and tuple(t.key for t in span) in self._en_abroad
                        and span[-1].at - span[0].at == n - 1
                        and not span[-1].surface.endswith("'s")):
                    marks[i:i + n] = [True] * n
        # A state's formal name opens with the word for its form of state: "в Республике
        # Беларусь", "the Republic of Kazakhstan", "Королевство Нидерландов".
        for i in range(len(terms) - 1, 0, -1):
            if marks[i] and not marks[i - 1] and terms[i - 1].key in self._state_forms and (
                    terms[i].at - terms[i - 1].at <= 2):
                marks[i - 1] = True
        # After an article number or before "RF" a short name is a code: "330.1 UK RF" is
        # the Criminal Code (УК РФ), not the United Kingdom.
        for i, t in enumerate(terms):
            if marks[i] and t.surface in _SHORT_PLACES["en"] and (
                    (t.at > 0 and words[t.at - 1][:1].isdigit())
                    or words[t.at + 1:t.at + 2] in (["rf"], ["рф"])):
                marks[i] = False
        return marks


def earliest_year(texts: Iterable[str]) -> int | None:
    """Return the earliest year (1800-2099) that the texts name, or None: the base's earliest
    year is when the oldest law it tells of was passed."""
    years = [int(y) for text in texts for y in re.findall(r"(?<![\d.,])(?:18|19|20)\d\d(?![\d])",
                                                        text)]
    return min(years, default=None)


def names_era_before(text: str, year: int | None) -> bool:
    """Return True when a question names a decade that ended before `year` ("экстремистские
    движения в Европе в 1970-х", "a terrorist group in the 1970s"): it asks about a time before
    the base's laws, whose words then meant something else."""
    return year is not None and any(int(d) + 10 <= year for d in _DECADE.findall(text))
