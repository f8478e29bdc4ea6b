"""The analyser memoises a text's terms and tokens: a chat answer reads one question's words a
score of times. The memo must give each text its own analysis, and no caller's change to what
it got may reach the next caller."""

from __future__ import annotations

from bot.knowledge.analyze import shared_analyzer
from bot.knowledge.index import QuestionIndex
from bot.textnorm import MEMO_MAX_CHARS, clean, tokens


def test_each_question_gets_its_own_terms() -> None:
    analyzer = shared_analyzer()
    first = analyzer.terms("можно ли репостить Медузу")
    second = analyzer.terms("что грозит за донат ФБК")
    assert [t.key for t in first] != [t.key for t in second]
    assert [t.surface for t in analyzer.terms("можно ли репостить Медузу")] == [
        t.surface for t in first]
    assert "медуза" in {t.key for t in first}
    assert "фбк" in {t.key for t in second}


def test_a_caller_changing_its_terms_changes_nobody_elses() -> None:
    analyzer = shared_analyzer()
    mine = analyzer.terms("штраф за репост иноагента")
    kept = list(mine)
    mine.clear()
    assert analyzer.terms("штраф за репост иноагента") == kept
    words = tokens("штраф за репост иноагента")
    words.append("лишнее")
    assert tokens("штраф за репост иноагента") == ["штраф", "за", "репост", "иноагента"]


def test_latin_typed_russian_is_read_with_the_lexicon_it_was_given(
    question_index: QuestionIndex,
) -> None:
    # The base's own word form wins only when the base's lexicon is given: the analysis with
    # a lexicon is never handed to a caller without one, nor the other way round.
    analyzer = question_index.analyzer
    text = "shtraf za uchastie v nejelatelnoi organizacii"
    with_base = analyzer.terms(text, "ru", question_index.lexicon)
    alone = analyzer.terms(text, "ru")
    assert "нежелательной" in [t.surface for t in with_base]
    assert [t.surface for t in alone] != [t.surface for t in with_base]
    assert analyzer.terms(text, "ru", question_index.lexicon) == with_base
    assert analyzer.terms(text, "ru") == alone


def test_a_document_is_read_like_a_question() -> None:
    # Texts longer than a question are read afresh each time (not remembered); they must
    # read exactly as their sentences do.
    sentence = "Можно ли репостить «Медузу» в 2024 году? "
    document = sentence * (MEMO_MAX_CHARS // len(sentence) + 1)
    assert len(document) > MEMO_MAX_CHARS
    assert tokens(document) == tokens(sentence) * (MEMO_MAX_CHARS // len(sentence) + 1)
    assert clean(document) == " ".join([clean(sentence)] * (MEMO_MAX_CHARS // len(sentence) + 1))
    analyzer = shared_analyzer()
    assert analyzer.detect_language(document) == analyzer.detect_language(sentence) == "ru"
    assert [t.key for t in analyzer.terms(document)][:3] == [
        t.key for t in analyzer.terms(sentence)][:3]
