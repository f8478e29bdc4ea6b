"""The Russian note a text must carry after a listed name, and the foreign agent's own label.

Forms and their legal basis (see the README's design notes for sources):

- foreign_agents: media must state the status when they mention a foreign agent (CAO 13.15
  part 2.1, since 2021-03-01); no official wording for such mentions exists (RBC, Jan 2025),
  so the note follows common practice, "(внесён в реестр иностранных агентов)", agreed in
  gender and number with the person or with the noun naming the organisation.
- extremist, terrorist: the Mass Media Law art. 4 and CAO 13.15 part 2 require "an indication
  that the organisation was liquidated or its activity banned"; no fixed wording either.
  Roskomnadzor's own example (2015) is "(организация, деятельность которой в Российской
  Федерации запрещена)"; the short common form is used here.
- undesirable: no statute requires a note when such an organisation is mentioned; the risk is
  distributing its materials (CAO 20.33). The note is common practice, not a legal form.
- A foreign agent's own material carries the Government's label (decree of 2022-11-22, in
  force 2022-12-01) with the name as published in the register; given by `own_label`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from bot import textnorm
from bot.listings import everyday
from bot.listings import names as nm
from bot.listings.model import PERSON, Entry

FOREIGN_AGENTS, UNDESIRABLE, EXTREMIST, TERRORIST = (
    "foreign_agents", "undesirable", "extremist", "terrorist")

# The participle agreed with the subject's gender/number, for the foreign-agent note.
_FA_VERB = {"masc": "внесён", "femn": "внесена", "neut": "внесено", "plur": "внесены"}
_FA_TAIL = " в реестр иностранных агентов"
_FA_ORG_DEFAULT = "организация внесена в реестр иностранных агентов"
_FIXED = {
    UNDESIRABLE: "организация признана нежелательной на территории России",
    EXTREMIST: "организация запрещена в России",
    TERRORIST: "организация запрещена в России",
}
# Registries whose note is required by law when a mass medium mentions a listed entry.
REQUIRED_BY_LAW = frozenset({FOREIGN_AGENTS, EXTREMIST, TERRORIST})

# The Government's label for a foreign agent's own materials (decree of 2022-11-22).
_LABEL = ("НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН, РАСПРОСТРАНЕН И (ИЛИ) НАПРАВЛЕН "
          "ИНОСТРАННЫМ АГЕНТОМ {name} ЛИБО КАСАЕТСЯ ДЕЯТЕЛЬНОСТИ ИНОСТРАННОГО АГЕНТА {name}")
LABEL_OPENING = "НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН"

_FEMALE_PATRONYMIC = ("овна", "евна", "ична", "инична", "кызы")
_MALE_PATRONYMIC = ("ович", "евич", "ьич", "ич", "оглы")


def note_text(registry: str, gender: str | None) -> str:
    """Return the bracketed Russian note for a listed entry of registry, "" when none exists.

    `gender` is "masc", "femn", "neut" or "plur" for the word the note agrees with, or None
    when it is unknown (then the organisation form, which needs no agreement, is used).
    """
    if registry == FOREIGN_AGENTS:
        if gender in _FA_VERB:
            return f"({_FA_VERB[gender]}{_FA_TAIL})"
        return f"({_FA_ORG_DEFAULT})"
    fixed = _FIXED.get(registry)
    return f"({fixed})" if fixed else ""


def combined_note(parts: Iterable[tuple[str, str | None]]) -> str:
    """Return one note for a name on several lists: "(внесён …; организация признана …)".

    `parts` are (registry, gender) pairs; duplicates and registries without a form are
    dropped, the order of REGISTRIES-like input is kept.
    """
    seen: list[str] = []
    for registry, gender in parts:
        text = note_text(registry, gender).strip("()")
        if text and text not in seen:
            seen.append(text)
    return f"({'; '.join(seen)})" if seen else ""


def person_gender(entry: Entry) -> str | None:
    """Return "masc" or "femn" for a person entry, from the patronymic or the first name."""
    parts = nm.person_parts(entry.name)
    if not parts:
        return None
    if len(parts) >= 3:
        patr = parts[2].casefold()
        if patr.endswith(_FEMALE_PATRONYMIC):
            return "femn"
        if patr.endswith(_MALE_PATRONYMIC):
            return "masc"
    return word_gender(parts[1], names_only=True)


@lru_cache(maxsize=8192)
def word_gender(word: str, *, names_only: bool = False) -> str | None:
    """Return the grammatical gender ("masc"/"femn"/"neut") or "plur" of a Russian noun.

    With names_only, only a first-name reading counts (a first name decides a person's
    gender; the same word as a common noun would not).
    """
    if not textnorm.is_cyrillic(word):
        return None
    for parse in everyday.morph_parses(word.casefold()):
        tag = parse.tag
        if names_only and "Name" not in tag:
            continue
        if "NOUN" not in tag and not names_only:
            continue
        if tag.number == "plur" and "Pltm" not in tag and "nomn" in tag:
            return "plur"
        if tag.gender in ("masc", "femn", "neut"):
            return str(tag.gender)
    return None


def entry_gender(entry: Entry, head_word: str | None = None) -> str | None:
    """Return the gender the note for entry agrees with.

    People: their own gender. Organisations: the noun that names them in the text ("телеканал
    «Дождь»" → masculine), else the first noun of the published name, else None.
    """
    if entry.kind == PERSON:
        return person_gender(entry)
    if head_word:
        gender = word_gender(head_word)
        if gender:
            return gender
    for token in nm.norm_tokens(nm.strip_legal_form(entry.name))[:1]:
        gender = word_gender(token)
        if gender and everyday.is_qualifier(token):
            return gender
    return None


def own_label(entry: Entry) -> str:
    """Return the Government's label for material produced by the foreign agent entry.

    The name is the one published in the register; the whole label is in capitals as the
    decree prints it (whether "18+" must follow was not confirmed, so it is not added).
    """
    return _LABEL.format(name=entry.name.upper())
