"""Names inside a question ("можно ли цитировать Медиазону"): their registry status in the answer.

A question that names an organisation or a person gets the answer to the question plus what the
registries say about the name, in one reply. Finding the names is small on purpose and sits
behind `names_in_question`, so it can later be switched to the text scanner (issue 11) without
touching the replies. Proper nouns are also taken out of the text the question matcher sees:
"Дождю" tells the matcher nothing about the question and would only lower its confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.i18n import Translator
from bot.listings.status import CheckResult
from handlers.checks import data_lines, match_lines
from handlers.context import Services
from handlers.markup import esc

# A capitalised word (Cyrillic or Latin, hyphens allowed) and runs of them: "The Insider",
# "Human Rights Watch", «Медиазона». Quoted spans are names whatever their case.
_WORD = r"[A-ZА-ЯЁ][\w’'-]*"
# The small joining words must be whole words: "I'm detained" is not a name "I'm de".
_RUN = re.compile(rf"{_WORD}(?:\s+(?:(?:of|for|and|the|de)\b|{_WORD}))*(?<!\s)")
_QUOTED = re.compile(r"[«\"“]([^«»\"“”]{2,60})[»\"”]")
# Abbreviations of the law itself (КоАП, СМИ, РКН, VPN): never checked as names.
_ABBREVIATION = re.compile(r"^[A-ZА-ЯЁ]{2,5}$|^[A-ZА-ЯЁ][a-zа-яё]{0,2}[A-ZА-ЯЁ]\w*$")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
MAX_NAMES = 3
# A check shown next to an answer must be a real hit: these statuses are worth the reader's time.
_SHOWN = ("listed", "excluded", "possible")
_DEFINITE = ("listed", "excluded")


@dataclass(frozen=True)
class NamedStatus:
    """One name found in a question and what the registries say about it."""

    name: str
    result: CheckResult | None
    vague: bool = False


def name_spans(text: str) -> list[str]:
    """Return the spans of a question that read as names of organisations or people.

    A capitalised word counts unless it opens the question or is an abbreviation ("КоАП",
    "РКН"); quoted spans always count.
    """
    spans: list[str] = [m.group(1).strip() for m in _QUOTED.finditer(text)]
    first = re.match(r"\W*\w+", text)
    first_end = first.end() if first else 0
    for m in _RUN.finditer(text):
        span = m.group(0).strip()
        if m.start() < first_end and " " not in span:
            continue
        words = _LEADING_ARTICLE.sub("", span).split()
        if not words or all(_ABBREVIATION.match(w) for w in words):
            continue
        if len(span) < 3 or span in spans or span.casefold() in ("i", "i'm"):
            continue
        spans.append(span)
    return spans[:MAX_NAMES]


def names_in_question(text: str, services: Services) -> list[NamedStatus]:
    """Return the names a question mentions with their check results (None: no data).

    The one place that finds names in questions; the text scanner can take its place later.
    """
    listings = services.listings
    out: list[NamedStatus] = []
    for span in name_spans(text):
        result = listings.check(span) if listings is not None else None
        if result is not None and result.problem in ("empty", "too_short"):
            continue
        hit = result is not None and result.status in _SHOWN
        # Words of the law itself ("Минюст", "Telegram") are capitalised but no names: unless
        # the registries know them, they are left out rather than reported "not found".
        if not hit and services.questions.knows(span):
            continue
        # One everyday word ("Дождю" for TV Rain) cannot be told apart from ordinary language
        # by the name index, so its absence proves nothing: say so instead of "not found".
        vague = not hit and " " not in span and services.questions.is_common_word(span)
        out.append(NamedStatus(span, result, vague))
    return out


# When a named organisation is undesirable, the foreign-agent answer understates the risk:
# the same question about it is answered by the undesirable-organisation entry.
_STRONGER = {
    "undesirable": {"fa_donating": "un_donating", "fa_reposting": "un_repost",
                    "fa_interaction": "un_participation", "fa_interviews": "un_participation"},
}


def stronger_entry(entry_id: str, names: list[NamedStatus]) -> str:
    """Return the entry that answers the question given the registries the names are on."""
    for n in names:
        if n.result is None or n.result.status not in ("listed", "possible"):
            continue
        for m in n.result.matches:
            if m.listed and entry_id in _STRONGER.get(m.registry, {}):
                return _STRONGER[m.registry][entry_id]
    return entry_id


def names_anchor_question(names: list[NamedStatus]) -> bool:
    """Return True when a name in the question is definitely on a registry: the question is in
    scope. A possible match ("Germany" read as a typo of some listed name) proves nothing."""
    return any(n.result is not None and n.result.status in _DEFINITE for n in names)


def without_names(text: str, names: list[NamedStatus], services: Services) -> str:
    """Return the question with the names cut out, for the question matcher.

    A name the knowledge base itself talks about ("Amnesty International", "Медуза") stays:
    it points to an entry, listed or not. Names the base never mentions go: "The Insider" says
    nothing about what is being asked.
    """
    for n in names:
        if not any(services.questions.knows(w) for w in n.name.split()):
            text = text.replace(n.name, " ")
    return text


def status_text(names: list[NamedStatus], t: Translator) -> str | None:
    """Return the registry-status paragraph for the names in a question, or None for none.

    With no registry data the reader is told the name cannot be verified: never "not listed".
    A name the data does not know is "not found as of DATE" only when the data is there.
    """
    parts: list[str] = []
    shown_data = False
    for n in names:
        result = n.result
        if result is None or result.status == "no_data":
            parts.append(esc(t("ask.named_unverified", name=n.name)))
            continue
        if result.status == "unverified":
            # Stale or failed data: "not listed" would be a claim it cannot support.
            parts.append(esc(t("ask.named_stale", name=n.name, date=_date(result, t))))
            continue
        if n.vague:
            parts.append(esc(t("ask.named_vague", name=n.name)))
            continue
        if result.status in _SHOWN:
            parts.append(esc(t(f"check.status.{result.status}", query=n.name)))
            parts.extend(match_lines(result, t))
        elif result.status == "not_found" and result.as_of is not None:
            parts.append(esc(t("ask.named_not_found", name=n.name, date=_date(result, t))))
        else:
            continue
        if not shown_data:
            parts.extend(data_lines_of(result, t))
            shown_data = True
    if not parts:
        return None
    return "\n".join([esc(t("ask.named_heading")), *parts])


def _date(result: CheckResult, t: Translator) -> str:
    from handlers.answers import format_date

    return format_date(result.as_of, t.lang)


def data_lines_of(result: CheckResult, t: Translator) -> list[str]:
    """Return the lines naming the data a result rests on (origin, date, age)."""
    from handlers.checks import data_line

    return [data_line(d.registry, d.origin, d.as_of, t) for d in result.data] or data_lines(None, t)
