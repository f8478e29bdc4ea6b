"""The learned lexical ranker: fitted on labelled questions, mixed into the entries' scores."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.knowledge import ranker
from bot.knowledge.index import QuestionIndex
from bot.measure import calibrate, rank_fit
from tests.conftest import REPO


def test_a_word_that_tells_neighbours_apart_decides() -> None:
    # Both entries' questions say "штраф"; only "плашка" tells the label's from the rest.
    rows = [{"штраф": 0.5, "плашка": 0.8}, {"штраф": 0.5, "репост": 0.8},
            {"плашка": 0.6}, {"штраф": 0.9, "репост": 0.3}]
    model = ranker.fit(rows, [["label"], ["fines"], ["label"], ["fines"]], ["label", "fines"],
                       l2=1e-3, steps=200)
    assert model.probabilities({"штраф": 0.5, "плашка": 0.5})["label"] > 0.7
    assert model.probabilities({"штраф": 0.5, "репост": 0.5})["fines"] > 0.7
    # A question of words the model never saw gets the biases alone, as one without words.
    assert model.probabilities({"борщ": 1.0}) == pytest.approx(model.probabilities({}))


def test_two_words_in_a_row_teach_what_neither_does_alone() -> None:
    # Every word is asked as often for one entry as for the other; only which two stand
    # together tells them apart. A model of single words is left at even odds; the pairs
    # decide.
    def inputs(*words: str) -> dict[str, float]:
        sequence = [(w, 1.0) for w in words]
        return {**dict(sequence), **ranker.pairs(sequence)}

    rows = [inputs("a", "b"), inputs("c", "d"), inputs("a", "d"), inputs("c", "b")] * 5
    targets = [["check"], ["check"], ["fines"], ["fines"]] * 5
    model = ranker.fit(rows, targets, ["check", "fines"], l2=1e-3, steps=300)
    assert model.probabilities(inputs("a", "b"))["check"] > 0.7
    assert model.probabilities(inputs("a", "d"))["fines"] > 0.7
    # The same words without their pairs: nothing to tell.
    assert model.probabilities({"a": 1.0, "b": 1.0})["check"] == pytest.approx(0.5, abs=0.05)


def test_the_class_of_no_entry_never_ranks_but_tells_off_topic_words() -> None:
    # Off-topic questions say "виза"; the entries' questions do not.
    rows = [{"штраф": 0.9}, {"плашка": 0.9}, {"виза": 0.9}, {"виза": 0.5, "штраф": 0.5}]
    model = ranker.fit(rows, [["fines"], ["label"], [ranker.NONE], [ranker.NONE]],
                       ["fines", "label", ranker.NONE], l2=1e-3, steps=200)
    ranked, none = model.distribution({"виза": 1.0})
    assert set(ranked) == {"fines", "label"}
    assert sum(ranked.values()) == pytest.approx(1.0)
    assert none > 0.6 > model.none_probability({"штраф": 1.0})


def test_a_word_the_base_never_uses_is_learned_once_questions_use_it_enough() -> None:
    # "?библиотекарь" (a word no entry uses) is said in enough banned-materials questions to be
    # learned; "?кот", said once, would be one question's accident and gets no weight.
    enough = ranker.MIN_UNKNOWN_USES
    rows = ([{"материал": 0.5, "?библиотекарь": 0.9}] * enough
            + [{"материал": 0.5, "штраф": 0.9}] * enough
            + [{"штраф": 0.5, "?кот": 0.9}])
    targets = [["materials"]] * enough + [["fines"]] * (enough + 1)
    model = ranker.fit(rows, targets, ["materials", "fines"], l2=1e-3, steps=200)
    assert "?библиотекарь" in model.weights and "?кот" not in model.weights
    assert model.probabilities({"материал": 0.5, "?библиотекарь": 0.5})["materials"] > 0.7
    # A word the model has no weight for is not read at all: it does not dilute the others.
    assert model.probabilities({"штраф": 0.5, "?кот": 0.5}) == pytest.approx(
        model.probabilities({"штраф": 0.5}))


def test_a_form_the_stem_folds_away_is_read_as_written() -> None:
    # "designated" and "design" are one stem to the matcher; questions saying "designated" ask
    # about the register and those saying "design" about something else, and the word as
    # written tells the model which.
    def inputs(written: str) -> dict[str, float]:
        return ranker.inputs({"en:design": 1.0}, {}, [("en:design", 1.0, written)])

    enough = ranker.MIN_UNKNOWN_USES
    rows = [inputs("designated")] * enough + [inputs("design")] * enough
    targets = [["designation"]] * enough + [["other"]] * enough
    model = ranker.fit(rows, targets, ["designation", "other"], l2=1e-3, steps=300)
    assert model.probabilities(inputs("designated"))["designation"] > 0.7
    assert model.probabilities(inputs("design"))["other"] > 0.7
    # The stem alone tells nothing.
    assert model.probabilities({"en:design": 1.0})["designation"] == pytest.approx(0.5, abs=0.05)


def test_a_misspelt_word_the_base_never_uses_shares_the_taught_spelling_pieces() -> None:
    # "?роскомнадзор" is learned from the questions saying it; typed "роскамнадзор" it is a
    # word no question used, read by the pieces it shares with the taught spelling.
    def inputs(word: str) -> dict[str, float]:
        unknown = {ranker.UNKNOWN + word: 1.0}
        return ranker.inputs({}, unknown, [(ranker.UNKNOWN + word, 1.0, word)])

    enough = ranker.MIN_UNKNOWN_USES
    rows = [inputs("роскомнадзор")] * enough + [inputs("пенсия")] * enough
    targets = [["blocking"]] * enough + [["other"]] * enough
    model = ranker.fit(rows, targets, ["blocking", "other"], l2=1e-3, steps=300)
    misspelt = inputs("роскамнадзор")
    assert ranker.UNKNOWN + "роскамнадзор" not in model.weights
    assert model.probabilities(misspelt)["blocking"] > 0.7
    # Without its pieces the misspelt word is unknown to the model: even odds.
    whole = {t: w for t, w in misspelt.items() if not t.startswith(ranker.GRAM)}
    assert model.probabilities(whole)["blocking"] == pytest.approx(0.5, abs=0.05)


def test_fitting_is_deterministic() -> None:
    rows = [{"a": 1.0, "b": 0.3}, {"b": 1.0}, {"a": 0.2, "c": 1.0}]
    targets = [["x"], ["y"], ["x", "y"]]
    first = ranker.fit(rows, targets, ["x", "y"])
    again = ranker.fit(rows, targets, ["x", "y"])
    assert np.array_equal(first.bias, again.bias)
    assert all(np.array_equal(first.weights[t], again.weights[t]) for t in first.weights)


def test_the_shipped_weights_round_trip(tmp_path: Path) -> None:
    model = ranker.load()
    assert model is not None
    ranker.save(model, tmp_path / "w.npz")
    again = ranker.load(tmp_path / "w.npz")
    assert again is not None and again.entries == model.entries
    question = {t: 0.5 for t in list(model.weights)[:3]}
    assert again.probabilities(question) == pytest.approx(model.probabilities(question))


def test_refitting_reproduces_the_shipped_weights(tmp_path: Path) -> None:
    # After a change to the matcher or the sets, `riskguide kb rank` writes the weights to ship.
    shipped = ranker.load()
    assert shipped is not None
    refitted = rank_fit.refit(calibrate.question_sets(REPO / "tests" / "data"),
                              tmp_path / "w.npz")
    assert refitted.entries == shipped.entries
    assert sorted(refitted.weights) == sorted(shipped.weights)
    # Half precision: weights agree to about three significant digits.
    assert np.allclose(refitted.bias, shipped.bias, atol=1e-3)
    for term, vector in shipped.weights.items():
        assert np.allclose(refitted.weights[term], vector, atol=2e-2, rtol=2e-3), term


@pytest.mark.parametrize(("question", "lang", "entry"), [
    # Subscribing is reading a foreign agent, not spreading their posts: the words the
    # reposting entry shares ("канал", "иноагент") no longer pull it there.
    ("если я подписан на канал иноагента, мне что-то будет?", "ru", "fa_interaction"),
])
def test_the_ranker_tells_neighbours_apart(question_index: QuestionIndex, question: str,
                                           lang: str, entry: str) -> None:
    # As shipped the learned ranker answers it; without it the neighbour wins.
    assert ranker.SHARE == ranker.CROSS_VALIDATED_SHARE
    assert question_index.match(question, lang).entry_id == entry
    share = question_index.rank_share
    question_index.rank_share = 0.0
    try:
        assert question_index.match(question, lang).entry_id != entry
    finally:
        question_index.rank_share = share


@pytest.mark.parametrize(("question", "lang"), [
    ("может ли иностранный агент по работе поехать в Германию", "ru"),
    ("can a foreign agent travel to Germany for work", "en"),
])
def test_a_trip_abroad_asks_about_the_restrictions(question_index: QuestionIndex,
                                                   question: str, lang: str) -> None:
    # The restrictions entry says travel is not among them. The place is where the asker
    # goes, not a sign that they ask who can be designated, though many of the fitting sets'
    # questions about who can be designated say where the asker lives.
    result = question_index.match(question, lang)
    assert (result.outcome, result.entry_id) == ("answer", "fa_restrictions")
