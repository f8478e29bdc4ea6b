"""A message read in pieces that asks one question: the whole message's reading answers it,
while two questions asked together keep the first as the answer (QuestionIndex._one_question,
_prefers_whole; README "Several questions in one message")."""

from __future__ import annotations

import pytest

from bot.knowledge.index import QuestionIndex


@pytest.mark.parametrize(("text", "entry_id", "piece_entry"), [
    # A statement without a question mark, then the question: the statement alone reads as
    # how people are designated.
    ("just got put on the foreign agent register. what now", "if_designated", "fa_designation"),
    # The second sentence only says why the first asks; alone it asks what a foreign agent is.
    ("хочу волонтёрить в Голосе, это законно? они же вроде иноагенты", "golos",
     "fa_definition"),
    # The rules answer the question piece alone (a foreign agent's mention); read with the
    # scene and its "two lists", it asks how to mark an organisation on several lists.
    ("Мы небольшая районная газета. Если организация сразу в двух списках, что писать при "
     "упоминании?", "banned_mention", "fa_media_mention"),
])
def test_pieces_of_one_question_are_answered_as_a_whole(
        question_index: QuestionIndex, text: str, entry_id: str, piece_entry: str) -> None:
    result = question_index.match(text)
    assert (result.outcome, result.entry_id) == ("answer", entry_id)
    # What the piece alone asked is still offered.
    assert piece_entry in result.also


@pytest.mark.parametrize(("text", "entry_id", "offered"), [
    ("что такое иноагент? и как проверить человека?", "fa_definition", "check_status"),
    ("кто решает, что организация экстремистская? и ещё, что будет за значок с их логотипом?",
     "extremist_list", "extremist_symbols"),
    ("what is an undesirable organisation? and can I repost their articles?", "un_definition",
     "un_repost"),
    ("Can I donate to a foreign agent? Also, do I have to label reposts of their posts?",
     "fa_donating", "fa_reposting"),
])
def test_two_questions_keep_the_first_as_the_answer(
        question_index: QuestionIndex, text: str, entry_id: str, offered: str) -> None:
    # Read whole, such a message often reads as its second, more specific question; the
    # first is what people ask first.
    result = question_index.match(text)
    assert (result.entry_id, result.also) == (entry_id, (offered,))
