"""Relatives, places and times set the asker's scene: they neither decline nor anchor."""

from __future__ import annotations

import pytest

from bot.knowledge.index import QuestionIndex


@pytest.mark.parametrize(("question", "entry"), [
    # A relative, a weekday, a city and a season the base never uses describe the situation
    # of a detention or a search; they are no words of another field.
    ("Сестру задержали в пятницу в Петербурге на акции, что делать?", "practical_safety"),
    ("У соседа вчера был обыск, что можно не говорить?", "practical_safety"),
    ("Мою дочь задержали после акции, она студентка. Что ей говорить и кому звонить?",
     "practical_safety"),
    ("my brother was detained yesterday, who do we call", "practical_safety"),
])
def test_a_situation_told_with_people_places_and_times_is_answered(
    question_index: QuestionIndex, question: str, entry: str,
) -> None:
    assert question_index.match(question).entry_id == entry


@pytest.mark.parametrize("question", [
    # The setting words go; the word of another field stays and declines the question.
    "мама хочет купить ламинат в Москве, где дешевле",
    "соседка держит собаку в подъезде что делать",
    "Как найти хорошего агента по недвижимости в Казани?",
    "my neighbour plays football in Riga, how to join",
    "my sister needs a schengen visa, how long does it take",
    "What's the tax rate for freelancers in Portugal?",
])
def test_a_question_of_another_field_told_with_setting_words_is_declined(
    question_index: QuestionIndex, question: str,
) -> None:
    assert question_index.match(question).entry_id is None



def test_a_place_owning_a_law_is_another_countrys_law_not_the_scene(
    question_index: QuestionIndex,
) -> None:
    # A possessive names an owner: Georgia's law is another country's, not where it happened.
    assert question_index.match(
        "Georgia's foreign agent law, how does it affect NGOs there").entry_id is None
    assert question_index.match("foreign agent law, what does it say").entry_id == "fa_definition"
