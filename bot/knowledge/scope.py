"""What a follow-up question is about, in a message asking several.

A later question of a message often has no subject of its own ("... and how do I check it?",
"it's all about terrorists"): it shares the first one's. The question matcher
(bot/knowledge/index.py) already lets a follow-up of an answered question share its scope;
this is the other direction. When the first question is about another field ("the status of
my visa application", "is Counter-Strike too violent for a child"), a follow-up that no domain
word of its own anchors, however close its wording is to one of the base's examples, is about
that field too and gets no answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Outcome(Protocol):
    """What `follows_other_field` reads of a question's match (index.MatchResult)."""

    @property
    def outcome(self) -> str: ...

    @property
    def own_anchor(self) -> bool: ...

    @property
    def elsewhere(self) -> bool: ...


def follows_other_field(earlier: Sequence[Outcome], part: Outcome) -> bool:
    """Return True when `part`, a question answered without a domain word of its own, follows
    a question of the same message declined for being about another field.

    `earlier` are the matches of the questions before it, in order. A declined greeting or
    thanks ("привет", "спасибо") holds no word of another field and keeps no follow-up out.
    """
    if part.outcome != "answer" or part.own_anchor:
        return False
    for prior in earlier:
        if prior.outcome == "answer":
            return False
        if prior.outcome == "off_topic" and prior.elsewhere:
            return True
    return False
