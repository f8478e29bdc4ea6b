"""Who is acting in a question: the asker's role.

Neighbouring entries share their subject words and differ by who acts: a foreign agent
("иноагент может быть наблюдателем?" is what foreign agents are barred from, not the election
monitors' entry; "can a foreign agent travel to Russia" is going back, not the undesirable
organisations' work abroad), or someone afraid of being designated for what they do ("меня
самого не внесут?" is the donor's or the interviewee's risk, not who can be designated), or
someone close to the asker who was listed ("my colleague was designated, can I keep working
with her" is dealing with a foreign agent, not the donor's risk). The cues are read like the
question's focus (see focus): each entry's profile is the share of its own title and example
questions asking with each cue, so no entry is named here.
"""

from __future__ import annotations

from bot.knowledge.focus import Focus, Reading, focus_profiles
from bot.knowledge.intents import ignoring_case as _re
from bot.knowledge.model import KnowledgeBase

ROLES: tuple[Focus, ...] = (
    # "может ли иноагент работать учителем", "иноагенту можно", "can a foreign agent teach":
    # a foreign agent as the one acting.
    Focus("agent_acts", _re(
        r"\b(может|можно|могут|вправе|нельзя)\s+ли\s+иноагент|\bиноагент\w*\s+(может|можно"
        r"|могут|вправе|нельзя|разрешено|запрещено|обязан)|\bcan\s+(a\s+|the\s+)?(foreign[\s-]"
        r"agents?|inoagents?)\s+(?!be\b)\w+|\b(foreign[\s-]agents?|inoagents?)\s+(can|may"
        r"|cannot|can'?t|must|have\s+to|are\s+(allowed|barred|banned))")),
    # "меня самого могут признать", "не попаду ли я сам в реестр", "will they put me on the
    # list", "get me designated": the asker afraid of being designated for what they do.
    Focus("at_risk_self", _re(
        r"\bменя\s+(самого|саму|самих)|\b(могут|может|не)\s+ли\s+меня\s+(\w+\s+)?(внес|призна"
        r"|запис|включ)|\bменя\s+(\w+\s+)?(могут|не)\s+(\w+\s+)?(внес|призна|запис|включ)"
        r"|\b(попаду|стану)\s+ли\s+я|\bя\s+сам\w*\s+(не\s+)?(попаду|стану)"
        r"|\bput\s+me\s+on|\b(get|make)\s+me\s+(designated|listed|added|named|one\b|a\b)"
        r"|\b(designated|listed)\s+themselves|\bcould\s+i\s+(be|get)\s+(designated|listed)")),
    # "друга признали иноагентом", "my sister got listed as a foreign agent": someone close to
    # the asker is listed, and the asker asks about keeping in touch.
    Focus("near_listed", _re(
        r"\b(друг|подруг|коллег|сестр|брат|мам|пап|отц|муж|жен|родствен|знаком|сосед|сын|доч)"
        r"\w*\s+(\w+\s+)?(признали|внесли|сделали|объявили|записали|включили|стал\w*\s+иноаг)"
        r"|\bmy\s+(\w+\s+)?(friend|sister|brother|colleague|mother|mom|mum|father|dad|husband"
        r"|wife|relative|cousin|neighbou?r|son|daughter|partner|boss)\s+(was|got|is|has\s+been"
        r"|'s)\s+(just\s+)?(designated|listed|made|named|declared|labell?ed|a\s+foreign|on\s+the)")),
)

# How much a fit with the asker's role weighs against the scores of close neighbours (see
# focus.by_focus), and the share of an entry's texts asking with a role that fits fully.
ROLE_WEIGHT = 1.0
ROLE_SATURATION = 0.25


def role_reading(kb: KnowledgeBase) -> Reading:
    """Return the reading by the asker's role, with each entry's role profile from its own
    texts, for `focus.by_focus` to weigh close neighbours with."""
    return Reading(ROLES, focus_profiles(kb, ROLES), ROLE_WEIGHT, ROLE_SATURATION)
