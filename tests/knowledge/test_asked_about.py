"""What a question asks about outranks the subject words it shares with neighbouring entries,
and Latin-typed Russian made of words too rare for a word list still reads as Russian."""

from __future__ import annotations

from bot.knowledge.analyze import shared_analyzer
from bot.knowledge.index import QuestionIndex


def test_latin_words_only_the_russian_dictionary_knows_read_as_russian() -> None:
    analyzer = shared_analyzer()
    assert analyzer.latin_language(["pereslat", "ekstremistskij", "material", "v", "chat"]) == "ru"
    # English words stay English, whatever their Cyrillic reading is.
    assert analyzer.latin_language(["forward", "extremist", "material", "to", "a", "chat"]) == "en"


def test_asking_for_the_fine_gets_the_penalties(question_index: QuestionIndex) -> None:
    result = question_index.match(
        "What's the fine for participating in an undesirable organisation?", "en")
    assert result.entry_id == "un_admin_penalties"


def test_the_act_itself_still_gets_its_own_entry(question_index: QuestionIndex) -> None:
    result = question_index.match(
        "What counts as participating in an undesirable organisation?", "en")
    assert result.entry_id == "un_participation"


def test_a_penalty_that_may_have_lapsed_is_not_a_duty_left_undone(
    question_index: QuestionIndex,
) -> None:
    result = question_index.match("штраф по 20.33 год прошел уже не считается?", "ru")
    assert result.entry_id == "penalty_period"
    # A duty left undone still gets the fines.
    result = question_index.match("какой штраф иноагенту за пост без плашки", "ru")
    assert result.entry_id == "fa_admin_penalties"


def test_the_fine_for_someone_elses_act_is_answered_by_that_acts_entry(
    question_index: QuestionIndex,
) -> None:
    """An entry whose own examples ask for the fine of its act answers that fine: a reader
    who reposts without the label, an outlet that left the label out, not the foreign agents'
    own fines."""
    cases = {
        "repostnula zapis inoagenta bez plashki, budet shtraf?": "fa_reposting",
        "the news site forgot to say the author is a foreign agent, how big is the fine?":
            "fa_media_mention",
        # The foreign agent's own duty left undone still gets the foreign agents' fines.
        "иноагент не сдал отчёт вовремя, какой штраф": "fa_admin_penalties",
    }
    for text, entry_id in cases.items():
        result = question_index.match(text)
        assert (result.outcome, result.entry_id) == ("answer", entry_id), text


def test_what_now_inside_a_sentence_is_not_asking_for_first_steps(
    question_index: QuestionIndex,
) -> None:
    result = question_index.match(
        "Правда, что теперь для уголовного дела иноагенту хватит одного штрафа?", "ru")
    assert result.entry_id == "fa_criminal_penalties"
    result = question_index.match("меня признали иноагентом, что теперь?", "ru")
    assert result.entry_id == "if_designated"


def test_a_misspelt_word_is_repaired_before_a_stem_it_happens_to_share(
    question_index: QuestionIndex,
) -> None:
    # "общатся" (for "общаться") is no form the dictionary knows: it is not "общий".
    result = question_index.match(
        "начальник говорит нельзя общатся с коллегой потому что она иноагент, правда что ли",
        "ru")
    assert result.entry_id == "fa_interaction"
