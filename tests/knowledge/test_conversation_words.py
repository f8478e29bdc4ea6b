"""Words of the conversation, not of its subject: greetings, thanks, "please", "wtf", "плиз",
"спс". Read as content they were words the base never uses, evidence of another field, and
questions holding "иноагент" were declined; now they say nothing, in either language."""

from __future__ import annotations

import pytest

from bot.knowledge.index import QuestionIndex


@pytest.mark.parametrize(("chatty", "plain", "lang"), [
    ("just got listed as inoagent wtf do i do first",
     "just got listed as inoagent, what do i do first", "en"),
    ("hi! pls what's the fine for reposting a foreign agent without the label, thanks",
     "what's the fine for reposting a foreign agent without the label", "en"),
    ("привет, спс за бота. что грозит за репост иноагента плиз",
     "что грозит за репост иноагента", "ru"),
])
def test_a_chatty_question_gets_the_plain_ones_answer(
    question_index: QuestionIndex, chatty: str, plain: str, lang: str,
) -> None:
    expected = question_index.match(plain, lang)
    got = question_index.match(chatty, lang)
    assert expected.entry_id is not None, plain
    assert (got.outcome, got.entry_id) == ("answer", expected.entry_id), chatty
    assert not got.elsewhere, chatty


def test_conversation_words_are_no_terms(question_index: QuestionIndex) -> None:
    analyzer = question_index.analyzer
    assert [analyzer.en_key(w) for w in ("wtf", "please", "pls", "thanks", "hello")] == [
        None] * 5
    assert [analyzer.ru_key(w) for w in ("плиз", "спс", "привет", "пж")] == [None] * 4
    # A word of the subject stays one.
    assert analyzer.en_key("label") is not None and analyzer.ru_key("плашка") is not None


def test_a_chat_spelling_reads_as_its_word(question_index: QuestionIndex) -> None:
    analyzer = question_index.analyzer
    assert analyzer.en_key("max") == analyzer.en_key("maximum")
    assert analyzer.en_key("yrs") == analyzer.en_key("years")
