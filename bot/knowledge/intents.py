"""What kind of answer a question asks for, from its phrasing, and the entries that give it.

Neighbouring entries share their subject words ("иноагент", "плашка", "отчёт"); what tells
them apart is often what the asker wants to learn: the fine for a duty left undone, the first
steps after a designation, how to check a name, how to leave the register. Each intent pairs
the phrasings of a question (Russian, Russian typed in Latin letters and read back, English)
with the phrasing of the titles of the entries that answer it, so the entries are found by
what their titles say, not by their ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.knowledge.model import Entry
from bot.textnorm import is_cyrillic, latin_to_cyrillic, tokens


@dataclass(frozen=True)
class Intent:
    """One kind of answer: the question's phrasing (all of `asks`; the first says what is
    asked for, the fine or the first steps, the others the circumstances) and the titles that
    give it."""

    name: str
    asks: tuple[re.Pattern[str], ...]
    titles: re.Pattern[str]


def ignoring_case(pattern: str) -> re.Pattern[str]:
    """Return pattern compiled to match in any case: the cue patterns of intents and foci."""
    return re.compile(pattern, re.IGNORECASE)


_re = ignoring_case


INTENTS: tuple[Intent, ...] = (
    # "кто решает про иноагентов, а кто про экстремистов", "which need a court and which
    # don't", "summary of all four lists": a question across the lists is answered by their
    # comparison, whichever list's words it uses most. First: "the main article for each list"
    # asks for the lists side by side, not for one penalty. Only the lists (or statuses)
    # themselves compared: "donating to a foreign agent vs an undesirable org" compares two
    # acts, and "an organisation on both lists" asks what that means for the act. A question
    # asking to check a name "on all the lists" is a check.
    Intent(
        "compare_lists",
        (_re(r"\b(кажд\w*|все|всех|всем|всеми|четыр\w*|разн\w+|эти[хм]?|нескольк\w*)\s+(из\s+)?"
             r"(\w+\s+)?(список|списк\w*|статус\w*|перечн\w*|реестр\w*|ярлык\w*)"
             r"|\bкто\b.{0,60}\bа\s+кто\b|\bкак(ой|ая|ие|их|ом)\b.{0,60}\bа\s+как(ой|ая|ие|их|ом)\b"
             r"|\b(each|all|four|every|these|various|different|several|multiple)\s+(of\s+)?"
             r"(the\s+|these\s+|russia'?s?\s+|russian\s+)?(\w+\s+)?"
             r"(lists|statuses|designations|labels|regimes|blacklists|registers|categories)\b"
             r"|\bwhich\b.{0,80}\band\s+which\b|\bwho\b.{0,60}\b(versus|vs|and\s+who)\b"),
         _re(r"^(?!.*(провер|\bcheck|look\s*up|найти|поиск|\bsearch))")),
        _re(r"в чём разница|the differences"),
    ),
    # "штраф год прошёл, уже не считается?", "does a fine still count after a year": how long
    # a penalty lasts, asked with a negation that is not a duty left undone.
    Intent(
        "penalty_expiry",
        (_re(r"(год|срок)\w*\s+(уже\s+)?(прош|истек|вышел)|погаш|\bсчита\w*ся\b|\bдейству"
             r"|\bstill\s+count|\bexpire|\bwears?\s+off|\b(year|time)s?\s+(has\s+)?passed"),
         _re(r"штраф|наказ|протокол|\bfine|\bpenalt|\bconvict")),
        _re(r"действует|\bcounts\b"),
    ),
    # "какой штраф за пост без плашки", "fined for not filing reports": a duty left undone is
    # answered by the penalties, not by the duty's own entry.
    Intent(
        "omission_penalty",
        (_re(r"штраф|наказ|\bfine|\bpenalt|\bpunish"),
         _re(r"\bне\b|\bбез\b|\bнеот|\bнепод|забы|пропуст|просроч|\bnot\b|n't\b|\bwithout\b"
             r"|\bmiss|\bforg[eo]t|\bfail|\blate\b|\bno\b")),
        _re(r"штраф|ответственность|\bfines\b|liability"),
    ),
    # "what's the fine for taking part", "какой штраф за донат": the question asks for the
    # penalty itself, whatever the act; the act's own entry shares the subject words.
    Intent(
        "penalty_amount",
        (_re(r"(какой|каков\w*|сколько|размер\w*)\s+(\w+\s+)?штраф"
             r"|\bwhat'?s\s+the\s+(fine|penalty)|\bwhat\s+(is\s+the\s+)?(fine|penalty)"
             r"|\bhow\s+(much|big)\s+(is\s+)?the\s+fine"),),
        _re(r"штраф|\bfines\b"),
    ),
    # "меня признали иноагентом, с чего начать", "what should I do first": first steps.
    Intent(
        "what_to_do",
        (_re(r"что\s+(мне\s+)?(теперь\s+)?(же\s+)?дела|с\s+чего\s+нач|куда\s+бежат|первы[ей]\s+шаг"
             r"|в\s+первую\s+очередь|что\s+(же\s+)?теперь\s*($|\|)|\bwhat\s+(should|do|must)\s+i\s+do\b"
             r"|\bwhat\s+now\b|\bwhere\s+do\s+i\s+start|\bfirst\s+steps?\b|\bwhat\s+to\s+do\b"
             r"|\bdo\s+first\b"),),
        _re(r"что делать|first steps|what to do"),
    ),
    # "как узнать, иноагент ли журналист", "how can I find out if ... is listed": checking a name.
    Intent(
        "check_name",
        (_re(r"как\s+(мне\s+)?(узна|провер|понять)|где\s+(можно\s+)?(посмотр|провер|найти|узна)"
             r"|\bfind\s+out\b|\blook\s+up\b|\bcheck\s+(if|whether)\b"
             r"|\bhow\s+(do|can)\s+i\s+(tell|check|know|see)\b"),
         _re(r"\bли\b|\bif\b|\bwhether\b|\bis\b|\bлист|\bспис|реестр|регистр|\blist")),
        _re(r"как проверить|how to check"),
    ),
    # "чего нельзя делать иноагенту", "what can't a foreign agent do": the bans.
    Intent(
        "prohibited",
        (_re(r"\bнел[ь]?зя\b|\bне\s+(может|могут|имеет\s+права)\b|\bзапрещено\s+(делать|иноагент)"
             r"|\bnot\s+allowed\s+to\b|\bcan'?t\b.*\bdo\b|\bcannot\s+do\b|\bbarred\b"),),
        _re(r"что запрещено|barred from"),
    ),
    # "can donating make me one", "стану ли я сам иноагентом": becoming one oneself.
    Intent(
        "become_one",
        (_re(r"стан[уеё]\w*\s+ли\s+я|\bсам(ого|ому|им)?\s+(стать|признают|стану|внесут)"
             r"|меня\s+самого|\bmake\s+me\s+(one|a\b)|\bme\s+as\s+one\b|\bbecome\s+one\b"
             r"|\bget\s+me\s+(designated|listed|added|named)"),),
        _re(r"могут признать|самого признать|\bbe designated\b"),
    ),
    # "с какого года существует закон", "when did Russia start ...": the laws' history.
    Intent(
        "since_when",
        (_re(r"с\s+как(ого|их)\s+(года|пор)|\bкогда\s+(\w+\s+)?(появил|приня|ввел|придум"
             r"|начал)|\bв\s+как(ом|ие)\s+год|как\s+менял|\bsince\s+when\b"
             r"|\bwhen\s+did\b|\bwhat\s+year\b|\bhow\s+(did|has)\b.*\bchange"),
         _re(r"закон|\bфз\b|\blaw|\bact\b|реестр|спис|registr|\blist")),
        _re(r"истори|\bhistory\b"),
    ),
    # "можно ли перестать быть иноагентом", "taken off the list": leaving the register.
    Intent(
        "leave_register",
        (_re(r"перестать\s+быть|выйти\s+из|сняться|снять\s+(с\s+себя\s+)?статус|избавиться"
             r"|\b(get|got|be|been|taken|come)\s+off\b|\bremoved?\s+from\b|\bstop\s+being\b"),),
        _re(r"исключ|removed from|removal"),
    ),
)


# The intents and the question's focus (see focus) both read a question's phrasing.
@lru_cache(maxsize=64)
def reading(text: str) -> str:
    """Return text folded, with Latin-typed words read as Cyrillic too (for the cues)."""
    words = tokens(text)
    latin = " ".join(latin_to_cyrillic(w) for w in words if not is_cyrillic(w))
    return " ".join(words) + (" | " + latin if latin else "")


@lru_cache(maxsize=256)
def asked_intents(text: str) -> tuple[Intent, ...]:
    """Return the intents whose phrasing a question uses (all of each intent's cues;
    remembered: the matcher reorders twice, see QuestionIndex)."""
    folded = reading(text)
    return tuple(i for i in INTENTS if all(p.search(folded) for p in i.asks))


def asked_share(entry: Entry, intent: Intent) -> float:
    """Return the share of an entry's asked texts (titles and example questions, both
    languages) phrased the way `intent` reads a question: an entry whose own examples ask for
    the fine of its act ("репост иноагента без плашки — штраф?") answers that question itself."""
    texts = [t for lang in ("ru", "en")
             for t in (entry.title.get(lang, ""), *entry.questions.get(lang, ())) if t]
    if not texts:
        return 0.0
    return sum(bool(intent.asks[0].search(reading(t))) for t in texts) / len(texts)
