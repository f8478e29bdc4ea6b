"""What a question asks about (its focus), and which entries are asked that way.

Neighbouring entries share their subject words: "who decides" and "what is" an undesirable
organisation, "who can be designated" and "how it is done", the fine and the prison term. What
tells them apart is the question's focus: the authority, the definition, who is eligible, the
criminal penalty, how long something lasts. A focus is a set of phrasings (Russian, Russian typed
in Latin letters and read back, English). Each entry's focus profile comes from its own asked
texts (title and example questions): the share of them that ask with that focus. So the entries
are not named here; an entry whose examples ask "кто решает" is the one for "who declares".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.knowledge.intents import ignoring_case as _re
from bot.knowledge.intents import reading
from bot.knowledge.model import KnowledgeBase


@dataclass(frozen=True)
class Focus:
    """One thing a question can ask about, by its phrasings."""

    name: str
    cue: re.Pattern[str]


FOCI: tuple[Focus, ...] = (
    # "что такое иноагент", "что это значит", "what does the status mean".
    Focus("definition", _re(
        r"\b(?:что\s+(же\s+)?(это\s+)?(такое|значит|означает)|определени|понятие"
        r"|what\s+(is|are)\s+(a|an)\s|what\s+(does|is)\s+\w+(\s+\w+)?\s+mean|meaning\b"
        r"|defin)")),
    # "кто решает", "кто признаёт", "who declares", "which body designates"; whether a court
    # decides: "без суда", "нужно ли решение суда", "does it need a court ruling".
    Focus("authority", _re(
        r"\bкто\s+(\w+\s+)?(реша|призна|внос|включа|объявля|назнача|определя|принима|ведёт"
        r"|ведет)|\bкакой\s+орган|\bкакое\s+ведомств|\bкем\s+(\w+\s+)?(призна|внос|реша)"
        r"|\b(без|через)\s+суд|\bрешени\w+\s+суд|\bнуж\w+\s+(ли\s+)?(\w+\s+)?суд"
        r"|\b(need|needs|without|through|requires?)\s+(a\s+|any\s+)?court"
        r"|\bcourt\s+(ruling|hearing|decision|order)"
        r"|\bwho\s+(\w+\s+)?(decides?|declares?|designates?|puts?|adds?|keeps|makes\s+the"
        r"|is\s+in\s+charge)|\bwhich\s+(body|authority|agency|court)")),
    # "кого могут признать", "может ли пенсионер стать иноагентом", "can a foreigner be named".
    Focus("eligibility", _re(
        r"\bкого\s+(\w+\s+)?(могут|можно|признают|внос|призна)|\bмо(жет|гут)\s+ли\s+\w+"
        r"(\s+\w+)?\s+(стать|быть\s+призна|попас)|\bwho\s+can\s+(be|become)|\bcan\s+(a|an|any"
        r"|anyone|someone|ordinary|regular)\b.*\bbe\s+(designated|named|declared|listed|put"
        r"|added|labell?ed|made)")),
    # "сколько дают", "срок", "посадить", "уголовка", "prison term", "jail", "how many years".
    Focus("prison", _re(
        r"\b(?:срок|сажа|сад(ить|ят)|посад|тюрь?м|лишени\w*\s+свобод|уголовн|уголовк"
        r"|сколько\s+лет\s+(дают|грозит|могут|светит)|how\s+many\s+years"
        r"|prison|jail|criminal|sentenc|locked\s+up)")),
    # "как долго действует", "через сколько", "how long does it count".
    Focus("duration", _re(
        r"\b(?:как\s+долго|сколько\s+(\w+\s+)?(действует|длится|считается|времени)"
        r"|через\s+сколько|когда\s+(\w+\s+)?(закончится|истеч|перестан|погас|сгор)|how\s+long\b"
        r"|when\s+(do|does|will)\s+\w+(\s+\w+)?\s+(stop|expire|end|lapse))")),
    # "можно ли обжаловать", "оспорить", "appeal", "challenge", "reverse".
    Focus("appeal", _re(
        r"\b(?:обжал|оспор|отмен|appeal|challeng|revers|overturn|contest)")),
    # "как признают", "как присваивают статус", "how does the designation work".
    Focus("procedure", _re(
        r"\bкак\s+(\w+\s+)?(попада|признают|присваива|вносят|включают|выбира|происходит"
        r"|проходит|устроен)|\bпроцедур|\bпорядок|\bhow\s+(does|do|is|are)\s+(\w+\s+){0,3}"
        r"(end\s+up|get\s+(on|listed|designated)|picks?|chooses?|designated|declared|decided"
        r"|done|added|work)|\bprocedure|\bprocess\b|\bhow\s+often")),
    # "что писать рядом с именем", "какую надпись", "what exactly must we write".
    Focus("wording", _re(
        r"\bкакую\s+(надпись|пометку|плашку|маркировку)|\bчто\s+(нужно\s+|надо\s+)?(писать"
        r"|написать|указ)|\bтекст\s+(плашки|пометки|маркировки)|\bwhat\s+(exactly\s+)?"
        r"(do|should|must)\s+\w+\s+(need\s+to\s+|have\s+to\s+)?(write|say|put)|\bwording"
        r"|\bwhat\s+(text|words)")),
)


@lru_cache(maxsize=256)
def asked_foci(text: str, cues: Sequence[Focus] = FOCI) -> frozenset[str]:
    """Return the names of the foci (or of other cues read the same way, see role) a
    question's phrasing uses (remembered: the matcher reorders twice, see QuestionIndex)."""
    folded = reading(text)
    return frozenset(f.name for f in cues if f.cue.search(folded))


def focus_profiles(kb: KnowledgeBase,
                   cues: Sequence[Focus] = FOCI) -> dict[str, dict[str, float]]:
    """Return, per entry, the share of its asked texts (title, example questions, in both
    languages) that ask with each focus of `cues`; foci it is never asked with are left out."""
    profiles: dict[str, dict[str, float]] = {}
    for entry in kb.entries:
        texts: list[str] = []
        for lang in ("ru", "en"):
            texts += [entry.title.get(lang, ""), *entry.questions.get(lang, ())]
        texts = [t for t in texts if t]
        counts: dict[str, int] = {}
        for text in texts:
            for name in asked_foci(text, cues):
                counts[name] = counts.get(name, 0) + 1
        profiles[entry.id] = {name: n / len(texts) for name, n in counts.items()}
    return profiles


def fit(profile: Mapping[str, float], foci: Iterable[str],
        saturation: float | None = None) -> float:
    """Return how much an entry is asked with the question's foci, in [0, 1]: the largest
    share, an entry asked that way in `saturation` (FIT_SATURATION) of its texts or more
    fitting fully (two definitions fit a "what is" question alike; their subject words choose)."""
    full = FIT_SATURATION if saturation is None else saturation
    return min(1.0, max((profile.get(f, 0.0) for f in foci), default=0.0) / full)


# Among the FOCUS_TOP best entries scoring at least FOCUS_SHARE of the best, each entry's score
# is weighed by how much it is asked with the question's focus: (1 + FOCUS_WEIGHT * fit), so a
# neighbour asked that way overtakes only a close first (see `by_focus`).
FOCUS_TOP = 5
FOCUS_SHARE = 0.5
FOCUS_WEIGHT = 1.0
FIT_SATURATION = 0.25


@dataclass(frozen=True)
class Reading:
    """One way of reading a question against the entries' own texts: the cues (foci, or the
    asker's role, see role), each entry's profile over them, and how much a fit weighs."""

    cues: tuple[Focus, ...]
    profiles: Mapping[str, Mapping[str, float]]
    weight: float
    saturation: float = FIT_SATURATION


def focus_reading(kb: KnowledgeBase) -> Reading:
    """Return the reading by the question's focus, with the base's entries' focus profiles."""
    return Reading(FOCI, focus_profiles(kb), FOCUS_WEIGHT)


def by_focus(text: str, ranked: list[tuple[str, float]],
             readings: Sequence[Reading],
             same_subject: Callable[[str], bool] = lambda _: True) -> list[tuple[str, float]]:
    """Return the ranking with the close entry asked the way the question asks on top.

    Among the FOCUS_TOP best entries scoring at least FOCUS_SHARE of the best, the one whose
    score weighed by its fits with the question (1 + the sum of each reading's weight times
    its fit) is largest takes the first place and the best score: the score is not raised, so
    the focus reorders neighbours but never brings a question into scope. Only neighbours
    `same_subject` accepts (asked about the list the question names) may overtake: "кто
    решает, что организация экстремистская" asks who decides on the extremist list, not on
    the undesirable one whose entry is asked "кто решает".
    """
    if len(ranked) < 2:
        return ranked
    best = ranked[0][1]
    close = [(e, s) for i, (e, s) in enumerate(ranked[:FOCUS_TOP])
             if s >= FOCUS_SHARE * best and (i == 0 or same_subject(e))]
    if len(close) < 2:
        return ranked
    asked = [(r, foci) for r in readings if (foci := asked_foci(text, r.cues))]
    if not asked:
        return ranked

    def weighed(entry_score: tuple[str, float]) -> float:
        entry, score = entry_score
        return score * (1 + sum(r.weight * fit(r.profiles.get(entry, {}), foci, r.saturation)
                                for r, foci in asked))

    chosen = max(close, key=weighed)[0]
    if chosen == ranked[0][0]:
        return ranked
    return [(chosen, best), *((e, s) for e, s in ranked if e != chosen)]
