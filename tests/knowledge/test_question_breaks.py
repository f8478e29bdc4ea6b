"""Where a message's questions part when no question mark separates them."""

from __future__ import annotations

from bot.knowledge.question_breaks import CLAUSE_BREAK


def _parts(text: str) -> list[str]:
    return [p.strip() for p in CLAUSE_BREAK.split(text) if p.strip()]


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
