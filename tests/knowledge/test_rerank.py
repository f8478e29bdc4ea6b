"""The re-ranking of the two best entries by what their answers and titles say."""

from __future__ import annotations

import pytest

from bot.knowledge import rerank
from bot.knowledge.index import MatchResult, QuestionIndex
from bot.measure import rerank_fit
from tests.conftest import REPO


def _by_examples(index: QuestionIndex, question: str, lang: str) -> MatchResult:
    """Return the match of a question with the re-ranking deciding nothing."""
    shipped = index.swaps
    index.swaps = lambda pair: False
    try:
        return index.match(question, lang)
    finally:
        index.swaps = shipped


@pytest.mark.parametrize(("question", "lang", "leader", "right"), [
    # The examples say the criminal penalties are asked this way ("посадят"); the answer about
    # dealing with a foreign agent is the one that discusses corresponding with one.
    ("переписываться с иноагентом — не посадят?", "ru", "fa_criminal_penalties",
     "fa_interaction"),
    # A fine for a label that was wrong: the labelling entry's answer tells what the label must
    # be, which the fines' answer does not.
    ("Моргенштерна за что оштрафовали, плашка не та была?", "ru", "fa_admin_penalties",
     "fa_labelling"),
])
def test_the_runner_up_whose_answer_fits_is_given(question_index: QuestionIndex, question: str,
                                                  lang: str, leader: str, right: str) -> None:
    before = _by_examples(question_index, question, lang)
    assert before.entry_id == leader
    assert right in {a.entry_id for a in before.alternatives[:1]}
    after = question_index.match(question, lang)
    assert after.outcome == "answer"
    assert after.entry_id == right
    # The scores, and with them whether the question is answered at all, stay as they were.
    assert after.score == before.score


def test_a_close_runner_up_whose_answer_says_no_more_is_not_swapped(
        question_index: QuestionIndex) -> None:
    # Both entries' answers discuss donating to foreign agents; the one asked about becoming
    # one keeps the first place.
    question = "стану ли я иноагентом, если жертвую иноагентам"
    before = _by_examples(question_index, question, "ru")
    assert before.entry_id == "fa_donor_risk"
    assert before.alternatives[0].score >= rerank.MIN_RATIO * before.score
    assert question_index.match(question, "ru") == before


def test_an_article_the_runner_ups_answer_cites_counts_for_it() -> None:
    # Everything else equal, a number of the question cited by the runner-up's answer alone
    # raises the probability that it answers the question.
    cites = rerank.entry_text([["20.33", "штраф"]], ["штраф"], {"20.33": 1.0, "штраф": 1.0})
    silent = rerank.entry_text([["штраф"]], ["штраф"], {"20.33": 1.0, "штраф": 1.0})
    query = {"штраф": 1.0}
    with_fact = rerank.features(query, ["20.33"], 0.9, silent, cites)
    without = rerank.features(query, [], 0.9, silent, cites)
    assert (rerank.probability(with_fact, rerank.INTERCEPT, rerank.COEFFICIENTS, rerank.USED)
            > rerank.probability(without, rerank.INTERCEPT, rerank.COEFFICIENTS, rerank.USED))


def test_refitting_reproduces_the_shipped_model() -> None:
    # After a change to the matcher, `riskguide kb rerank` prints the constants to ship.
    samples = rerank_fit.collect(rerank_fit.question_sets(REPO / "tests" / "data"))
    model = rerank_fit.refit(samples)
    assert model["features"] == list(rerank.USED)
    assert model["intercept"] == pytest.approx(rerank.INTERCEPT, abs=1e-3)
    assert model["coefficients"] == pytest.approx(list(rerank.COEFFICIENTS), abs=1e-3)
    assert model["threshold"] == rerank.THRESHOLD
