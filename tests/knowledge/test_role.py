"""Who acts in a question picks among neighbouring entries: a foreign agent acting is asking
what foreign agents are barred from, not about the organisation its other words name; someone
afraid of being designated for their own donations is asking about the donor's risk; someone
whose colleague was listed asks about dealing with her."""

from __future__ import annotations

from bot.knowledge.focus import by_focus
from bot.knowledge.index import QuestionIndex
from bot.knowledge.role import role_reading


def test_a_foreign_agent_acting_is_answered_with_the_bans(question_index: QuestionIndex) -> None:
    # "наблюдатель на выборах" is the election monitors' (Golos) subject; the one acting is a
    # foreign agent, so the answer is what foreign agents may not do.
    result = question_index.match("иноагенту можно быть наблюдателем на выборах?", "ru")
    assert (result.outcome, result.entry_id) == ("answer", "fa_restrictions")


def test_a_question_about_the_named_organisation_keeps_its_entry(
    question_index: QuestionIndex,
) -> None:
    result = question_index.match(
        "Голос признали иноагентом, можно ли теперь быть их наблюдателем?", "ru")
    assert result.entry_id == "golos"


def test_a_donor_afraid_for_themselves_gets_the_donors_risk(
    question_index: QuestionIndex,
) -> None:
    # "sending money to foreign agents" is also how to donate; "designated myself" is the
    # donor's own risk.
    result = question_index.match(
        "If I keep sending money to foreign agents, could I get designated myself?", "en")
    assert (result.outcome, result.entry_id) == ("answer", "fa_donor_risk")


def test_the_role_reorders_close_neighbours_without_raising_the_score(
    question_index: QuestionIndex,
) -> None:
    reading = role_reading(question_index.kb)
    ranked = [("golos", 0.9), ("fa_restrictions", 0.6), ("fa_who", 0.2)]
    reordered = by_focus("может ли иноагент быть наблюдателем", ranked, [reading])
    assert reordered[0] == ("fa_restrictions", 0.9)
    # A neighbour scoring under half the best is never brought up.
    far = [("golos", 0.9), ("fa_restrictions", 0.4)]
    assert by_focus("может ли иноагент быть наблюдателем", far, [reading]) == far


def test_someone_close_to_a_listed_person_asks_about_keeping_in_touch(
    question_index: QuestionIndex,
) -> None:
    # "risky" and "designated" pull towards the donor's own risk; the colleague is the one
    # listed, and the asker asks about working with her.
    result = question_index.match(
        "My colleague was just designated a foreign agent. Is it risky to keep working with her"
        " on joint projects?", "en")
    assert (result.outcome, result.entry_id) == ("answer", "fa_interaction")
