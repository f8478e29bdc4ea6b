"""Answer or decline: what the words around a domain word, and the question before, say."""

from __future__ import annotations

import pytest

from bot.knowledge.index import QuestionIndex


@pytest.mark.parametrize(("near_miss", "in_scope", "entry"), [
    # A register word with a complement of another field names another register.
    ("реестр дипломов как проверить", "реестр иноагентов как проверить", "check_status"),
])
def test_a_register_named_by_its_complement_is_another_register(
    question_index: QuestionIndex, near_miss: str, in_scope: str, entry: str,
) -> None:
    assert question_index.match(near_miss, "ru").entry_id is None
    assert question_index.match(in_scope, "ru").entry_id == entry


@pytest.mark.parametrize(("near_miss", "in_scope", "entry"), [
    # A follow-up with no subject of its own shares the first question's field.
    ("My parcel has been stuck at customs for a week. How do I check its status?",
     "I run a small news channel. How do I check if a name is on the foreign agent register?",
     "check_status"),
])
def test_a_follow_up_question_shares_the_first_questions_field(
    question_index: QuestionIndex, near_miss: str, in_scope: str, entry: str,
) -> None:
    assert question_index.match(near_miss, "en").entry_id is None
    assert question_index.match(in_scope, "en").entry_id == entry
