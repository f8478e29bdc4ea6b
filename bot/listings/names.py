"""Name normalisation and alias extraction for registry entries and user queries.

Registry names pack several names into one string ("Latin (Cyrillic) (Country)", «nested
«quotes», unbalanced ones too, "(псевдоним - …)", legal-form preambles). This module turns
such a string into the list of names a person might type. Pure functions only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from bot import textnorm

_CYR = re.compile(r"[\u0400-\u04ff]")
_LAT = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_LAT_TO_CYR = str.maketrans("aceopxyABCEHKMOPTXY", "асеорхуАВСЕНКМОРТХУ")
_CYR_TO_LAT = str.maketrans("асеорхуАВСЕНКМОРТХУ", "aceopxyABCEHKMOPTXY")
_LOOKALIKE_LETTERS = set("aceopxyABCEHKMOPTXYасеорхуАВСЕНКМОРТХУ")

# Quote characters that open or close a quoted name; ASCII " is resolved by position.
_OPEN = "«„“‹"
_CLOSE = "»”›"

# Phrases that say what follows is another name for the same entry.
_PSEUDONYM = re.compile(
    r"\(?\s*(?:псевдоним\w*|прежн\w+\s+наименовани\w+|ранее"
    r"|(?:друг\w+|ин\w+)\s+(?:используем\w+\s+)?наименовани\w+(?:\s+общественного"
    r"\s+объединения)?)\s*[-–—:]?\s*", re.IGNORECASE
)
# Tails that describe the entry rather than name it.
_TAIL = re.compile(
    r",?\s*(?:зарегистрированн\w*|являющ\w*|реализующ\w*|регистрационный номер|дата регистрации"
    r"|использующ\w*|с \d\d\.\d\d\.\d{4})\b.*$",
    re.IGNORECASE | re.DOTALL,
)

# Russian legal-form preambles: "Автономная некоммерческая организация «…»" and friends.
# Optional adjectives (regional, inter-regional, city...) then the form itself.
_ADJ = r"(?:[\w-]+(?:ая|ое|ый|ий|ой|ск\w*)\s+)*"
# Only forms that never start a real name: "Фонд …" or "Проект …" often is the name itself.
_FORMS = (
    r"некоммерческ\w+\s+организаци\w+|общественн\w+\s+организаци\w+"
    r"|общественн\w+\s+движени\w+|общество\s+с\s+ограниченной\s+ответственностью"
    r"|акционерное\s+общество|закрыт\w+\s+компани\w+\s+с\s+ограниченной\s+ответственностью"
    r"|частное\s+учреждение|некоммерческое\s+партнерство|юридическое\s+лицо"
    r"|limited\s+liability\s+company"
)
_PREAMBLE = re.compile(rf"^\s*{_ADJ}(?:{_FORMS})\b\s*", re.IGNORECASE)
# Legal-form words at the end of foreign names: "Inc.", "e.V.", "GmbH", "z. s.".
_LEGAL_SUFFIX = re.compile(
    r"[\s,]+(?:inc|incorporated|ltd|llc|limited|gmbh|ggmbh|e\.?\s?v|z\.?\s?s|o\.?p\.?s|sia|"
    r"b\.?v|ry|mtü|sa|corp|corporation|fonds|ug|haftungsbeschränkt)\.?\s*$",
    re.IGNORECASE,
)
_LEGAL_PREFIX = re.compile(
    r"^(?:sia|bdr|stichting|fundacja|stowarzyszenie|nodibinājums|компания|юридическое лицо"
    # Abbreviated Russian forms some sources write instead of the full preamble.
    r"|ано|ооо|роо|моо|мроо|нко|зао|пао|нп|чу)\s+",
    re.IGNORECASE,
)
# Parenthesised remarks that are addresses or numbers rather than names.
_NOT_A_NAME = re.compile(r"\d{4,}|strasse|straße|street|улица|\bул\.", re.IGNORECASE)

# What a registry writes around a country's name where an entry is registered, beside the
# names themselves (CLDR's, see `_territories`): the state's form ("Республика Польша",
# "Королевство Нидерландов", "Федеративная Республика Германия"), the adjectives of the
# states whose official name is "<adjective> Республика" ("Литовская Республика"), common
# abbreviations and the two cities registries name instead of a country. Other "<adjective>
# Республика" are no states: "Московская Республика", "Ненецкая Республика" are movements on
# the terrorist list, and must stay names of their entry.
_STATE_WORDS = re.compile(
    r"\b(?:республик\w*|королевств\w*|федеративн\w*|соединенн\w* штат\w* америки|"
    r"(?:литовск|латвийск|эстонск|чешск|словацк|французск|итальянск|португальск|турецк|"
    r"финляндск|киргизск|кыргызск|доминиканск|центральноафриканск|южно-африканск)\w*|"
    r"сша|фрг|оаэ|usa|uk|англи\w*|лондон\w*|риг\w*|и|and)\b"
)

# Words that say nothing about which entry is meant: leading prepositions of a chat query.
_PREPOSITIONS = {
    "у", "про", "с", "со", "о", "об", "обо", "в", "во", "на", "для", "от", "из", "к", "ко",
    "по", "about", "is", "check",
}
# Low-information words inside organisation names (weighted down, never required).
STOPWORDS = {
    "и", "в", "во", "на", "по", "за", "для", "при", "от", "из", "с", "им", "имени", "of", "the",
    "for", "and", "in", "de", "du", "des", "la", "le", "der", "die", "und", "a", "an", "to",
}


def fix_lookalikes(text: str) -> str:
    """Return text with look-alike letters in mixed-script words moved to one script.

    A word goes to the script its other letters can be spelt in: "Fасе" (Latin F, Cyrillic
    "асе") can only be "Face", "Aдагамов" only "Адагамов", whichever script has more letters.
    When both ways are possible the word's majority decides; a tie ("MС" with a Cyrillic С)
    is settled by the script of the rest of the text, which `textnorm.fix_lookalikes`
    cannot see.
    """
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        cyr = _CYR.findall(word)
        lat = _LAT.findall(word)
        if cyr and lat:
            cyr_twins = all(c in _LOOKALIKE_LETTERS for c in cyr)
            lat_twins = all(c in _LOOKALIKE_LETTERS for c in lat)
            if cyr_twins != lat_twins:
                to_cyr = lat_twins
            elif len(cyr) == len(lat):
                rest = " ".join(words[:i] + words[i + 1 :])
                to_cyr = textnorm.script_of(rest) == "cyrillic"
            else:
                to_cyr = len(cyr) > len(lat)
            word = word.translate(_LAT_TO_CYR if to_cyr else _CYR_TO_LAT)
        out.append(word)
    return " ".join(out)


def homoglyph_twin(text: str) -> str | None:
    """Return text spelt in the other script when every letter has a look-alike twin.

    "PCE/PC" (Latin) and "РСЕ/РС" (Cyrillic) look identical; registries use both.
    Returns None when the text has a letter without a twin.
    """
    letters = [c for c in text if c.isalpha()]
    if not letters or not all(c in _LOOKALIKE_LETTERS for c in letters):
        return None
    if textnorm.script_of(text) == "cyrillic":
        return text.translate(_CYR_TO_LAT)
    return text.translate(_LAT_TO_CYR)


def norm(text: str) -> str:
    """Return the comparison form of a name: folded, look-alikes fixed, word tokens joined."""
    return " ".join(norm_tokens(text))


@lru_cache(maxsize=65536)
def norm_tokens(text: str) -> tuple[str, ...]:
    """Return the folded word tokens of a name (quotes, dashes, punctuation dropped)."""
    text = fix_lookalikes(unicodedata.normalize("NFKC", text))
    return tuple(t for t in textnorm.tokens(text) if t)


def _resolve_quotes(text: str) -> str:
    """Return text with every quote turned into « or » (ASCII quotes decided by position)."""
    out = []
    for i, ch in enumerate(text):
        if ch in _OPEN:
            out.append("«")
        elif ch in _CLOSE:
            out.append("»")
        elif ch == '"':
            prev = text[i - 1] if i else " "
            out.append("«" if (prev.isspace() or prev in "(«-–—,/") else "»")
        else:
            out.append(ch)
    return "".join(out)


def _spans(text: str, opener: str, closer: str) -> list[str]:
    """Return the contents of every (possibly nested, possibly unclosed) bracket pair.

    An unclosed opener runs to the end of the text: real data has «…«…» with one » missing.
    """
    found: list[str] = []
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == opener:
            stack.append(i)
        elif ch == closer and stack:
            start = stack.pop()
            found.append(text[start + 1 : i])
    for start in stack:
        # An unclosed quote inside brackets ends where the bracket does.
        rest = text[start + 1 :]
        found.append(rest.split(")")[0] if closer != ")" else rest)
    return found


def _strip_brackets(text: str) -> str:
    """Return text with every parenthesised part removed (unclosed ones run to the end)."""
    depth = 0
    out = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def is_country(text: str) -> bool:
    """Return True when text only names a country or place of registration: the names of
    countries and territories in Russian or English (any case form), their state forms and
    the few other words registries write there (`_STATE_WORDS`). Why: such a part of a
    registry name ("…, Венгрия", "(Соединенные Штаты Америки)") says where an entry is
    registered and is no name of it."""
    folded = " ".join(norm_tokens(text))
    if not folded:
        return False
    rest = _STATE_WORDS.sub(" ", folded).split()
    if not rest:
        return folded not in ("и", "and")
    lemmas = tuple(_lemma(t) for t in rest)
    names = _territories()
    at = 0
    while at < len(lemmas):
        # The longest territory name from here ("соединенный королевство", "south africa").
        size = next((n for n in range(min(4, len(lemmas) - at), 0, -1)
                     if lemmas[at:at + n] in names), 0)
        if not size:
            return False
        at += size
    return True


@lru_cache(maxsize=1)
def _territories() -> frozenset[tuple[str, ...]]:
    """Return the names of the world's countries and territories in Russian and English (the
    Unicode CLDR data Babel ships), each as the lemmas of its words."""
    from babel import Locale

    out = set()
    for lang in ("ru", "en"):
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                out.add(tuple(_lemma(t) for t in norm_tokens(str(name))))
    return frozenset(out)


def _lemma(token: str) -> str:
    """Return a token's dictionary form (its first reading; a Latin word as it is)."""
    if not _CYR.search(token):
        return token
    parses = _parses(token)
    return parses[0].normal_form.replace("ё", "е") if parses else token


def strip_legal_form(name: str) -> str:
    """Return name without a leading legal-form preamble or trailing legal suffix.

    "Автономная некоммерческая организация «Х»" → "«Х»"; "Freedom House, Inc." → "Freedom
    House". The name is returned unchanged when nothing would be left.
    """
    out = name.strip()
    for _ in range(2):
        stripped = _PREAMBLE.sub("", out, count=1)
        stripped = _LEGAL_PREFIX.sub("", stripped, count=1)
        stripped = _LEGAL_SUFFIX.sub("", stripped)
        if norm_tokens(stripped) and stripped != out:
            out = stripped.strip(" ,")
        else:
            break
    return out


def _strip_country(text: str) -> str:
    """Return text without a trailing ", Country" part."""
    parts = [p for p in re.split(r",\s*", text)]
    while len(parts) > 1 and is_country(parts[-1]):
        parts.pop()
    return ", ".join(parts)


def _clean_quotes(text: str) -> str:
    return text.replace("«", "").replace("»", "").strip(" ,;-–—")


def extract_aliases(name: str, *, kind: str = "organisation") -> list[str]:
    """Return the other names packed into a published registry name, best first.

    Includes quoted and parenthesised names, pseudonyms and former names, "/"-separated
    halves, and the name without its legal-form preamble or country. The published name
    itself is not repeated. Country and registration remarks are left out.
    """
    text = _resolve_quotes(textnorm.clean(name))
    found: list[str] = []

    def add(candidate: str) -> None:
        candidate = _clean_quotes(_strip_country(_TAIL.sub("", candidate)))
        if not norm_tokens(candidate) or is_country(candidate) or _NOT_A_NAME.search(candidate):
            return
        if not norm_tokens(_LEGAL_SUFFIX.sub("", " " + _PREAMBLE.sub("", candidate))):
            return  # only a legal form ("Юридическое лицо", "SIA")
        found.append(candidate)
        bare = _clean_quotes(strip_legal_form(candidate))
        if bare != candidate and norm_tokens(bare):
            found.append(bare)
        halves = [h.strip() for h in re.split(r"\s*/\s*", candidate)]
        if len(halves) > 1 and all(len(norm_tokens(h)) >= 2 for h in halves):
            found.extend(halves)

    # Pseudonyms and former names: everything after the keyword, itself possibly bracketed.
    m = _PSEUDONYM.search(text)
    head = text
    if m:
        head = text[: m.start()]
        tail = text[m.end() :].rstrip(") ")
        for part in _list_items(_strip_brackets(tail) or tail, keep_quoted=kind == "organisation"):
            add(part)
        for inner in _spans(tail, "(", ")"):
            add(inner)
        for inner in _spans(tail, "«", "»"):
            add(inner)
    # The name outside any parentheses, then each parenthesised item, then quoted names.
    add(_strip_brackets(head))
    for inner in _spans(head, "(", ")"):
        if _PSEUDONYM.match("(" + inner):
            continue
        for item in re.split(r"\s*[,;]\s*(?![^«]*»)", inner):
            if item and not is_country(item):
                add(item)
    for inner in _spans(head, "«", "»"):
        add(inner)
        if kind == "person":
            # "JesusAVGN, Хесус": a person's quoted pseudonym may list several names.
            for part in re.split(r"\s*[,;]\s*", inner):
                if part != inner:
                    add(part)
    if kind == "organisation":
        # "X, зарегистрированное в …" and "Name, CIT" forms: the part before the first comma.
        parts = _strip_brackets(head).split(",")
        add(parts[0])
        if _LAT.search(parts[0]):
            # "Open Russia Civic Movement, Open Russia", "Center for …, CEPA"
            for part in parts[1:]:
                add(part)

    return unique_by_norm(found, exclude=(name,))


def _list_items(text: str, *, keep_quoted: bool) -> list[str]:
    """Return the items of a list of names, split at commas, semicolons and spaced dashes.

    With `keep_quoted`, a comma inside an open «…» does not split: an organisation's quoted
    name keeps it («Фонд борьбы с коррупцией, Инк.»; cut there, "Инк." would be a name, and
    so would the US twin's name without it, which is its Russian namesake's). A person's
    quoted pseudonyms are a list ("JesusAVGN, Хесус"). Registries leave quotes unbalanced
    («А», Б»), so a comma is inside quotes when the last quote mark before it opens one.
    """
    items, start, quoted = [], 0, False
    for m in re.finditer(r"[«»]|\s*[,;]\s*|\s+[-–—]\s+", text):
        mark = m.group(0)
        if mark in "«»":
            quoted = mark == "«"
        elif not (keep_quoted and quoted and mark.strip() in ",;"):
            items.append(text[start:m.start()])
            start = m.end()
    items.append(text[start:])
    return items


_SEGMENT_BREAK = re.compile(r"[()«»\"“”„,;/]|\s[–—-]\s")


def usable_source_aliases(name: str, aliases: Iterable[str]) -> list[str]:
    """Return the aliases a source supplied for name, without the fragments.

    The public mirror cuts some aliases out of the middle of a longer name ("Human Rights"
    of "International Partnership for Human Rights", "Fundacja Praw Cz" of "Helsińska
    Fundacja Praw Człowieka"); as names of their own they would match other organisations.
    An alias is kept when it is a whole segment of the published name (between brackets,
    quotes, commas or dashes) or does not occur in it at all (a name the source knows and
    the register does not print); a part of a segment, or one ending inside a word, goes.
    """
    segments = [norm_tokens(part) for part in _SEGMENT_BREAK.split(_resolve_quotes(name))]
    segments = [seg for seg in segments if seg]
    kept = []
    for alias in aliases:
        tokens = norm_tokens(alias)
        if not tokens or any(_is_fragment(tokens, seg) for seg in segments):
            continue
        kept.append(alias.strip())
    return kept


def _is_fragment(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    """Return True when part occurs inside whole but is not all of it (or ends mid-word)."""
    n = len(part)
    for i in range(len(whole) - n + 1):
        window = whole[i : i + n]
        if window[:-1] != part[:-1] or not window[-1].startswith(part[-1]):
            continue
        if window[-1] != part[-1]:
            return True  # ends inside a word: "Fundacja Praw Cz"
        # A change of script marks where a name starts and ends inside a description:
        # "компания Meta Platforms Inc. по реализации…" names "Meta Platforms Inc".
        before_ok = i == 0 or _script(whole[i - 1]) != _script(part[0])
        after_ok = i + n == len(whole) or _script(whole[i + n]) != _script(part[-1])
        if n < len(whole) and not (before_ok and after_ok and i + n < len(whole) and i > 0):
            return True
    return False


def _script(token: str) -> str:
    """Return "cyr" or "lat" for a folded token, by its letters ("" for digits only)."""
    if _CYR.search(token):
        return "cyr"
    return "lat" if _LAT.search(token) else ""


def unique_by_norm(items: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    """Return items in order without those whose normalised form repeats or is excluded.

    Aliases and query variants differ in quotes, case and spacing; one copy of each is enough.
    """
    seen = {norm(x) for x in exclude}
    out: list[str] = []
    for item in items:
        key = norm(item)
        if key and key not in seen:
            seen.add(key)
            out.append(item)
    return out


_PERSON_WORD = re.compile(r"^[А-ЯЁ][а-яё]+(?:-[А-ЯЁ]?[а-яё]+)?$")
_PATRONYMIC = re.compile(r"(?:ович|евич|ич|овна|евна|ична|инична|оглы|кызы)$", re.IGNORECASE)
_ORG_WORDS = re.compile(
    r"фонд|центр|организац|движени|общество|союз|проект|издани|телеканал|радио|агентств|"
    r"институт|клуб|групп|реалии|время|лига|школа|сеть|комитет|ассоциац|партнерств|служба",
    re.IGNORECASE,
)


def person_parts(name: str) -> tuple[str, ...] | None:
    """Return (surname, first name[, patronymic...]) when name reads as a person's name.

    Registry person names are "Фамилия Имя Отчество"; anything in brackets is ignored here.
    Returns None for organisation-like text.
    """
    head = _strip_brackets(_resolve_quotes(textnorm.clean(name)))
    head = _PSEUDONYM.split(head)[0]
    if "«" in head or "»" in head:
        return None
    words = fix_lookalikes(head).split()
    if not 2 <= len(words) <= 5 or _ORG_WORDS.search(head):
        return None
    if not all(_PERSON_WORD.match(w) or w in ("оглы", "кызы") for w in words):
        return None
    return tuple(words)


def guess_kind(name: str, *, has_birth_date: bool = False, inn: str = "", snils: str = "",
               ogrn: str = "") -> str:
    """Return "person" or "organisation" for a foreign-agent row that does not say which.

    The mirror format has no kind column: a birth date, a 12-digit INN or a SNILS mark a
    person; an OGRN an organisation; otherwise the shape of the name decides.
    """
    if ogrn.strip():
        return "organisation"
    if has_birth_date or snils.strip() or len(re.sub(r"\D", "", inn)) == 12:
        return "person"
    parts = person_parts(name)
    if parts and len(parts) >= 3 and _PATRONYMIC.search(parts[2]):
        return "person"
    if parts and len(parts) == 2 and any(_is_given_name(w) for w in parts):
        return "person"
    return "organisation"


def _is_given_name(word: str) -> bool:
    """Return True when the morphology dictionary knows word as a first name."""
    return any("Name" in p.tag and p.is_known for p in _parses(word.lower()))


def without_leading_prepositions(text: str) -> str:
    """Return a cleaned query without the prepositions it opens with ("о Фонде …" → "Фонде
    …"): they say nothing about which entry is meant, nor whether a name is marked."""
    words = text.split(" ")
    while len(words) > 1 and words[0].casefold() in _PREPOSITIONS:
        words = words[1:]
    return " ".join(words)


@lru_cache(maxsize=4096)
def query_variants(query: str) -> tuple[str, ...]:
    """Return the strings worth matching for one user query, the query itself first.

    A pasted registry name ("АНО «Левада-Центр»") is split like an entry name; a chat
    phrasing ("у Медузы", "про Дудя") loses its leading preposition. Memoised: the same
    query text recurs (a name in the news is checked by many people).
    """
    text = without_leading_prepositions(textnorm.clean(query))
    if _plain_name(text):
        return tuple(unique_by_norm([text]))  # what the full extraction would come to
    variants = [text]
    for alias in extract_aliases(text):
        variants.append(alias)
    return tuple(unique_by_norm(variants))


# What makes extract_aliases find another name in a text: brackets, quotes, list separators
# and "/" halves (besides pseudonym phrases, descriptive tails and legal forms).
_ALIAS_MARKS = re.compile(r'[()«»„“‹”›",;/]')


def _plain_name(text: str) -> bool:
    """Return True when extract_aliases(text) finds no name but text itself: no bracket,
    quote or separator, no pseudonym phrase, descriptive tail or legal form, nothing to
    strip. Most typed queries are such; the test costs a fraction of the extraction."""
    return (not _ALIAS_MARKS.search(text) and textnorm.clean(text) == text
            and text == text.strip(" ,;-–—") and not _PSEUDONYM.search(text)
            and not _TAIL.search(text) and strip_legal_form(text) == text)


# ---------------------------------------------------------------------------------------------
# Morphology and transliteration keys.

@lru_cache(maxsize=1)
def _morph() -> Any:
    """Return the shared pymorphy3 analyser (loading its dictionaries takes ~0.1 s once)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=65536)
def _parses(token: str) -> tuple[Any, ...]:
    """Return pymorphy3's readings of token, once per token: a query token is looked up for
    its keys, its lemmas and whether it is a common word, and each parse costs ~0.3 ms."""
    return tuple(_morph().parse(token))


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("russian")


@lru_cache(maxsize=262144)
def morph_keys(token: str) -> frozenset[str]:
    """Return the keys under which an inflected form meets its dictionary form.

    Lemmas from pymorphy3 ("Ходорковского" → "ходорковский") plus Snowball stems of the token
    and of each lemma: surnames the dictionary does not know ("Дудя"/"Дудь") still share a
    stem. Tokens of three letters or fewer only match themselves: stems that short collide.
    """
    if len(token) <= 3 or not _CYR.search(token):
        return frozenset({token})
    return _stem_and_lemma_keys(token, known_only=False)


def _stem_and_lemma_keys(word: str, known_only: bool) -> frozenset[str]:
    """Return a Cyrillic word with its stem and its lemmas' stems (see `morph_keys`); with
    `known_only`, lemmas only from the dictionary's own words (see `_reading_keys`)."""
    keys = {word}
    stem = _stemmer().stemWord(word)
    if len(stem) >= 3:
        keys.add("~" + stem)
    for parse in _parses(word)[:4]:
        if known_only and not parse.is_known:
            continue
        lemma = parse.normal_form.replace("ё", "е")
        keys.add(lemma)
        lstem = _stemmer().stemWord(lemma)
        if len(lstem) >= 3:
            keys.add("~" + lstem)
    return frozenset(keys)


# ---------------------------------------------------------------------------------------------
# Russian typed in Latin letters ("mediazonu", "otkrytoj rossii", "shtabu navalnogo").

# A Latin word of wordfreq's small English list (Zipf 3 and up: "germany", "insider") is
# English, not Russian typed in Latin letters: "Germany" read as «германы» must meet no name.
_ENGLISH_ZIPF = 3.0
_PLAIN_LATIN = re.compile(r"[a-z]{5,}")
_HARD_L = re.compile(r"л(?=[бвгджзклмнпрстфхцчшщ])")


@lru_cache(maxsize=65536)
def latin_readings(token: str) -> tuple[str, ...]:
    """Return the Cyrillic readings of a folded word that may be Russian typed in Latin
    letters, empty for any other word.

    Russian typed in Latin letters is inflected like any Russian ("mediazonu", "shtabu",
    "otkrytoj rossii"): read in Cyrillic («медиазону») it meets a name's word by lemma and
    stem as the Cyrillic form does. None for a Cyrillic word, one under five letters or
    not plain ASCII letters, or an English word ("germany", "insider"); "ia" is read both
    as я and as иа ("mediazonu"), and l before a consonant also as ль ("navalnogo"): the
    soft sign is seldom typed. Every part of the bot that matches a query word against
    names (check, scan, watch) reads the word through `query_morph_keys`, `is_common_word`
    and `everyday.is_qualifier`, which use this, so they agree by construction.
    """
    if not _PLAIN_LATIN.fullmatch(token):
        return ()
    # The small list's cached table: a dict lookup, not wordfreq's import and tokeniser.
    from bot.knowledge.frequency import zipf_frequency

    if zipf_frequency(token, "en", wordlist="small") >= _ENGLISH_ZIPF:
        return ()
    plain = textnorm.latin_to_cyrillic(token)
    split = textnorm.latin_to_cyrillic(token.replace("ia", "i\x00a")).replace("\x00", "")
    soft = _HARD_L.sub("ль", plain)
    return tuple(dict.fromkeys((plain, split, soft)))


@lru_cache(maxsize=262144)
def query_morph_keys(token: str) -> frozenset[str]:
    """Return the morphology keys of a query or text word: `morph_keys(token)`, with those
    of its Cyrillic readings when it is Russian typed in Latin letters (`latin_readings`:
    "mediazonu" meets «Медиазона» by lemma). Query side only: a name keeps the keys of its
    published spelling."""
    keys = morph_keys(token)
    for reading in latin_readings(token):
        keys = keys | _reading_keys(reading)
    return keys


@lru_cache(maxsize=65536)
def _reading_keys(reading: str) -> frozenset[str]:
    """Return the morphology keys of a Cyrillic reading of a Latin word: as `morph_keys`, but
    lemmas only from the dictionary's own words. The analyser's guesses for a word it does not
    know are loose, and a Latin word that is no Russian ("wolsey", "ingraham") would meet a
    name through them; the stem still joins an unknown name's forms ("медиазону",
    «Медиазона»)."""
    return _stem_and_lemma_keys(reading, known_only=True)


def _reads_as_common(token: str) -> bool:
    """Return True when a Latin word reads as an ordinary Russian word ("meduzu" as «медузу»,
    "gazete" as «газете», "vybory" as «выборы»): as common as the Cyrillic form. A dictionary
    form that a reviewed alias spells so is not taken ("Meduza", "Golos", "Dozhd" are how the
    outlets spell their names in Latin letters); any other one is: "vybory" must not become a
    sure match of the organisation «Выбор» while «выборы» is only a possible one."""
    from bot.listings.aliases import packaged  # names is imported by aliases

    for reading in latin_readings(token):
        parses = _parses(reading)
        if not parses or not is_common_word(reading):
            continue
        if parses[0].normal_form.replace("ё", "е") != reading \
                or token not in packaged().latin_words:
            return True
    return False


@lru_cache(maxsize=65536)
def is_common_word(token: str) -> bool:
    """Return True for an ordinary dictionary word ("голос", "свобода", "центр", "медуза").

    A query made only of such words names many things, so it may only ever be a possible
    match. Words the dictionary knows only as names, surnames or places are not common.
    """
    if len(token) <= 2:
        return True
    if not _CYR.search(token):
        return token in _COMMON_LATIN or _reads_as_common(token)
    parses = [p for p in _parses(token) if p.is_known]
    if not parses:
        return False
    return any(not ({"Name", "Surn", "Patr", "Geox", "Orgn", "Abbr"} & set(p.tag.grammemes))
               for p in parses)


# English words that, alone, name nothing in particular.
_COMMON_LATIN = {
    "the", "fund", "foundation", "center", "centre", "institute", "international", "project",
    "media", "group", "house", "human", "rights", "free", "freedom", "russia", "russian", "radio",
    "news", "network", "council", "committee", "union", "association", "society", "school",
    "world", "european", "europe", "democracy", "forum", "alliance", "inc", "ltd", "of", "for",
}

_ICAO: Any = None
_SCHEMES: list[Any] = []


def _schemes() -> list[Any]:
    """Return the iuliia schemes used to spell Cyrillic names in Latin letters.

    Passport/ICAO, BGN/PCGN, scholarly and Wikipedia's (the common English) spellings.
    """
    if not _SCHEMES:
        import iuliia

        _SCHEMES.extend([iuliia.WIKIPEDIA, iuliia.ICAO_DOC_9303, iuliia.BGN_PCGN,
                         iuliia.SCIENTIFIC])
    return _SCHEMES


_SKELETON_STEPS = (
    ("shch", "sh"), ("sch", "sh"), ("tsch", "ch"), ("szcz", "sh"), ("cz", "ch"), ("sz", "sh"),
    ("zh", "z"), ("kh", "h"), ("ch", "h"), ("ph", "f"), ("ck", "k"), ("ks", "x"), ("tz", "ts"),
    ("w", "v"), ("j", "i"), ("y", "i"), ("q", "k"), ("ou", "u"), ("eu", "ev"),
)
_DIACRITICS = str.maketrans({"č": "ch", "š": "sh", "ž": "zh", "ʹ": "", "’": "", "'": "",
                             "ʺ": "", "ć": "ch", "ś": "s", "ł": "l", "ë": "e", "ŭ": "u"})


@lru_cache(maxsize=262144)
def skeleton(token: str) -> str:
    """Return a spelling-independent Latin key of one folded Latin token.

    Khodorkovsky, Khodorkovskiy, Khodorkovskii and Chodorkowski all become "hodorkovski";
    Ksenia and Kseniya "ksenia". It is lossy on purpose: fuzzy scoring decides the rest.
    """
    t = token.lower().translate(_DIACRITICS)
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if c.isascii() and (c.isalnum()))
    for a, b in _SKELETON_STEPS:
        t = t.replace(a, b)
    # English/Latin c: soft before e/i/y (s), hard elsewhere (k), as in Bellingcat/Беллингкэт.
    t = re.sub(r"c(?=[eiy])", "s", t).replace("c", "k")
    t = re.sub(r"(.)\1+", r"\1", t)  # doubled letters: Bellingcat/Belingcat, Anna/Ana
    t = re.sub(r"ie", "e", t)
    t = re.sub(r"i+", "i", t)
    t = re.sub(r"^e", "e", t)
    return t


@lru_cache(maxsize=65536)
def query_latin_keys(token: str) -> frozenset[str]:
    """Return the skeleton keys of a query token, including those of its dictionary forms.

    A Latin stage name declined in Cyrillic ("Нойзом", "Фейсом") only meets its Latin
    spelling once the Russian ending is gone, so the lemmas pymorphy3 guesses are romanised
    too. Query side only: the index keeps the published spellings' keys.
    """
    keys = set(latin_keys(token))
    if _CYR.search(token) and len(token) > 4:
        for parse in _parses(token)[:3]:
            lemma = parse.normal_form.replace("ё", "е")
            if lemma != token and len(lemma) >= 3:
                keys |= latin_keys(lemma)
    return frozenset(keys)


@lru_cache(maxsize=262144)
def latin_keys(token: str) -> frozenset[str]:
    """Return skeleton keys of a token: its own spelling if Latin, else several romanisations.

    This is how "Mikhail Zygar" meets "Зыгарь Михаил" and "Беллингкэт" meets "Bellingcat".
    """
    if not _CYR.search(token):
        sk = skeleton(token)
        return frozenset({sk}) if sk else frozenset()
    keys = set()
    for scheme in _schemes():
        latin = scheme.translate(token)
        if scheme is _schemes()[-1]:
            latin = latin.replace("x", "kh")  # the scholarly scheme writes х as x
        sk = skeleton(latin)
        if sk:
            keys.add(sk)
    return frozenset(keys)
