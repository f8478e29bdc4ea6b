"""Russian typed in Latin letters in the spellings people use, chat words made of the base's
own terms, and article numbers: questions in spellings no eval set holds are answered."""

from __future__ import annotations

import pytest

from bot.knowledge.analyze import shared_analyzer
from bot.knowledge.index import QuestionIndex
from bot.knowledge.translit import readings

# The ranker's leader since session 15 gave it the lead (out of fold 14,378 answers and
# declines right against 14,157; README): "for life" reads as what the status is.
_RANKED = "the ranker's leader since session 15; README"


@pytest.mark.parametrize(("typed", "word"), [
    ("mojno", "можно"),        # j for ж
    ("xochu", "хочу"),         # x for х
    ("skolko", "сколько"),     # the soft sign left out inside the word
    ("obwestvo", "общество"),  # w for щ
    ("3apret", "запрет"),      # 3 for з
    ("inostrannyi", "иностранный"),
    ("material", "материал"),  # ia as и+а, not я
])
def test_the_schemes_letters_read_as_the_russian_word(typed: str, word: str) -> None:
    analyzer = shared_analyzer()
    assert analyzer.translit_word(analyzer.words(typed)[0]) == word


def test_the_tables_own_reading_comes_first() -> None:
    assert readings("shtraf")[0] == ("штраф", 0)


def test_a_name_written_in_capitals_in_russian_text_stays_a_name() -> None:
    # "DOXA" read with x as х is «доха», a rare word: not enough to call the word Russian.
    assert shared_analyzer().latin_language(["doxa"]) == "en"


@pytest.mark.parametrize(("question", "entry"), [
    ("xochu perevesti dengi inoagu, eto nakazuemo?", "fa_donating"),
    ("иноагу задонатил, что будет", "fa_donating"),
    # Clipped with nothing added: "иноаг" is "иноагент" as much as "иноагу" is.
    ("как проверить иноаг ли человек или нет", "check_status"),
    ("mojno li delat repost nezhelalki?", "un_repost"),
    ("ob'yasnite, chto takoe nezhelalka", "un_definition"),
    ("kto-nibud iz inoagov platit nalogi po 30%?", "fa_tax"),
    # The base's Russian terms in English questions (see the reading test below).
    ("who decides that someone becomes an inoagent", "fa_designation"),
    pytest.param("is the inoagent status for life or can it end", "fa_removal",
                 marks=pytest.mark.xfail(strict=True, reason=_RANKED)),
    ("what happens if I donate to a nezhelatelnaya org", "un_donating"),
])
def test_chat_words_made_of_the_bases_terms_are_answered(
    question_index: QuestionIndex, question: str, entry: str,
) -> None:
    result = question_index.match(question)
    assert (result.outcome, result.entry_id) == ("answer", entry)


@pytest.mark.parametrize(("typed", "key"), [
    ("inoagent", "иноагент"),            # the base's own word, not in the dictionary
    ("nezhelatelnaya", "нежелательный"),  # the dictionary's, read with another scheme's letters
    ("reestr", "реестр"),
])
def test_a_russian_term_in_english_text_keeps_its_russian_meaning(
    question_index: QuestionIndex, typed: str, key: str,
) -> None:
    # Read as English, "inoagent" would be a word of its own that only the few English
    # examples saying "inoagent" use, apart from everything the Russian questions teach.
    terms = question_index.analyzer.terms(
        f"is the {typed} thing a problem for me", "en", question_index.lexicon)
    assert key in [t.key for t in terms]


@pytest.mark.parametrize("word", ["Meduza", "Kasparov", "stuff", "ok"])
def test_names_and_english_words_in_english_text_stay_english(
    question_index: QuestionIndex, word: str,
) -> None:
    # Names English writes too (wordfreq knows them) are found by the name index as names.
    terms = question_index.analyzer.terms(f"what about {word} today", "en", question_index.lexicon)
    assert all(t.key.startswith("en:") for t in terms)


def test_an_article_only_the_answers_cite_anchors_the_question(
    question_index: QuestionIndex,
) -> None:
    # 205.1 is in no title or example question: the answers citing it answer.
    result = question_index.match("статья 205.1 это что")
    assert result.outcome == "answer"
    assert result.entry_id in {"terrorist_list", "extremist_financing"}


def test_the_entries_citing_the_article_answer_before_the_wording(
    question_index: QuestionIndex,
) -> None:
    # "skolko let dayut" alone leans to the undesirable organisations' prison terms.
    result = question_index.match("skolko let dayut po 205.1 uk")
    assert result.outcome == "answer"
    assert result.entry_id in {"terrorist_list", "extremist_financing"}
