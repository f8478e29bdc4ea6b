"""Where a message's questions part when no question mark separates them."""

from __future__ import annotations

from bot.knowledge.index import QuestionIndex
from bot.knowledge.question_breaks import question_clauses


def _parts(text: str) -> list[str]:
    return [p.strip() for p in question_clauses(text) if p.strip()]


def test_a_new_question_after_a_conjunction_starts_a_part() -> None:
    assert _parts("сколько штраф за репост и чем это грозит") == [
        "сколько штраф за репост", "чем это грозит"]
    assert _parts("where is the list, and can I share them") == [
        "where is the list", "can I share them"]
    assert _parts("chto takoe inoagent a esli menya vnesut") == [
        "chto takoe inoagent", "esli menya vnesut"]
    assert _parts("1) что такое иноагент 2) как проверить") == [
        "что такое иноагент", "как проверить"]


def test_a_clause_of_the_same_question_is_not_cut() -> None:
    for text in ("кто решает, что организация нежелательная",
                 "можно ли цитировать и репостить иноагентов",
                 "можно ли что-то сказать и что-то написать",
                 "как узнать, есть ли человек в реестре",
                 "I'm a foreign agent abroad, is it safe to fly back"):
        assert _parts(text) == [text], text


def test_the_halves_of_a_correlative_pair_are_one_question() -> None:
    # "кто ..., а кто ...": the lists side by side, one question.
    for text in ("кто решает про иноагентов, а кто про экстремистов",
                 "какой из списков ведёт ФСБ, а какой Минюст",
                 "kto reshaet po inoagentam a kto po ekstremistam",
                 "which of these need a court and which do not"):
        assert _parts(text) == [text], text
    # Another question word after "а", or English "and" before one, still opens a question.
    assert _parts("кто решает про иноагентов, а как проверить человека") == [
        "кто решает про иноагентов", "как проверить человека"]
    assert _parts("who decides on foreign agents and who can help me appeal") == [
        "who decides on foreign agents", "who can help me appeal"]


def test_a_comparison_is_answered_without_offering_its_half(
        question_index: QuestionIndex) -> None:
    # Its second half was offered as another question: "the message holds several".
    result = question_index.match("какой из списков ведёт ФСБ, а какой Минюст?", "ru")
    assert (result.outcome, result.entry_id) == ("answer", "lists_difference")
    assert result.also_asked == ()


def test_also_before_a_question_word_starts_a_part() -> None:
    assert _parts("i want to donate to FBK also can I repost their videos") == [
        "i want to donate to FBK", "can I repost their videos"]
    assert _parts("что такое иноагент, а также как проверить человека") == [
        "что такое иноагент,", "как проверить человека"]


def test_also_inside_a_question_adds_to_it() -> None:
    # "also have to", "also ban": the same question goes on; cut there, the first half
    # ("Do individual foreign agents") asked who is one rather than what they must file.
    for text in ("do individual foreign agents like Dud also have to file a public report",
                 "can a court also ban me from holding certain posts",
                 "можно ли донатить иноагентам, а также нежелательным организациям"):
        assert _parts(text) == [text], text


def test_a_question_with_also_inside_is_answered_whole(question_index: QuestionIndex) -> None:
    result = question_index.match(
        "Does a blogger who is a foreign agent also have to send reports to the ministry, or "
        "only NGOs?", "en")
    assert (result.outcome, result.entry_id) == ("answer", "fa_reporting")
    assert result.also_asked == ()
