"""The calibrated in-scope decision for questions no anchoring rule puts in scope."""

from __future__ import annotations

import pytest

from bot.knowledge import calibration
from bot.knowledge.index import MIN_COVERAGE, MatchResult, QuestionIndex
from bot.measure import calibrate
from tests.conftest import REPO


def _match_with(index: QuestionIndex, decision: str, decide: bool, question: str,
                lang: str) -> MatchResult:
    """Return the match of a question with one of the fitted decisions ("admits",
    "confirms") replaced by one that always says `decide`."""
    shipped = getattr(index, decision)
    setattr(index, decision, lambda features: decide)
    try:
        return index.match(question, lang)
    finally:
        setattr(index, decision, shipped)


def _by_rules(index: QuestionIndex, question: str, lang: str) -> MatchResult:
    """Return the match of a question by the anchoring rules alone (the model admits nothing)."""
    return _match_with(index, "admits", False, question, lang)


def _unanchored(index: QuestionIndex, question: str, lang: str) -> tuple[float, ...]:
    """Return the features of a question the rules leave to the calibrated decision."""
    result = _by_rules(index, question, lang)
    assert result.outcome == "off_topic"
    return result.evidence


@pytest.mark.parametrize(("question", "lang", "entry"), [
    ("my friend got taken to the police station after a protest, what should he say and who "
     "do we call", "en", "practical_safety"),
    ("Брата забрали в полицию после протеста, что ему говорить на допросе и кому нам "
     "звонить?", "ru", "practical_safety"),
])
def test_a_situation_no_rule_anchors_is_answered(question_index: QuestionIndex, question: str,
                                                 lang: str, entry: str) -> None:
    # No domain word anchors it, yet the base knows its words and one entry answers it well.
    assert _unanchored(question_index, question, lang)
    result = question_index.match(question, lang)
    assert result.outcome == "answer"
    assert result.entry_id == entry


@pytest.mark.parametrize(("question", "lang"), [
    ("how to cancel a netflix subscription", "en"),
    ("Как открыть ИП в России иностранцу?", "ru"),
])
def test_an_everyday_question_of_the_same_shape_is_declined(
        question_index: QuestionIndex, question: str, lang: str) -> None:
    # Also mostly words the base knows and no anchor: the model keeps declining it.
    assert _unanchored(question_index, question, lang)
    result = question_index.match(question, lang)
    assert result.outcome == "off_topic"
    assert result.entry_id is None


def test_an_anchored_question_in_words_the_base_lacks_is_left_to_the_decision(
        question_index: QuestionIndex) -> None:
    # "spiska minyusta" anchors it, but most of its words ("pdf", "chat", "gruppy") are no
    # words of the base: below the coverage an answer needs, the calibrated decision reads it
    # rather than its being declined outright (session 17).
    question = "skachal pdf iz spiska minyusta i razoslal v chat gruppy, chto mne grozit?"
    declined = _by_rules(question_index, question, "ru")
    assert declined.coverage < MIN_COVERAGE and declined.evidence
    result = question_index.match(question, "ru")
    assert result.outcome == "answer"
    # The materials entry is the better answer and the list's its close neighbour (0.32 and
    # 0.44 since session 19's refit, the other way round typed in Cyrillic); either tells
    # that the ministry's list is of banned materials and what spreading them costs.
    assert result.entry_id in ("extremist_materials", "extremist_list")


def test_refitting_reproduces_the_shipped_model() -> None:
    # After a change to the matcher, `riskguide kb calibrate` prints the constants to ship.
    data = REPO / "tests" / "data"
    samples, bases, weak = calibrate.collect(calibrate.calibration_sets(data),
                                             calibrate.question_sets(data))
    model = calibrate.refit(samples, bases)
    assert model["features"] == list(calibration.USED)
    assert model["intercept"] == pytest.approx(calibration.INTERCEPT, abs=1e-3)
    assert model["coefficients"] == pytest.approx(list(calibration.COEFFICIENTS), abs=1e-3)
    assert model["threshold"] == calibration.THRESHOLD
    # The same run refits the decision confirming weakly anchored questions, the paths of
    # its samples decided by the first model just refitted.
    confirm = calibrate.confirm_refit(calibrate.weak_samples(weak, model)[0])
    assert confirm["features"] == list(calibration.CONFIRM_USED)
    assert confirm["intercept"] == pytest.approx(calibration.CONFIRM_INTERCEPT, abs=1e-3)
    assert confirm["coefficients"] == pytest.approx(list(calibration.CONFIRM_COEFFICIENTS),
                                                    abs=1e-3)
    assert confirm["threshold"] == calibration.CONFIRM_THRESHOLD


_POLICE_AND_CHECK = {
    "en": "my friend got taken to the police station after a protest, what should he say and "
          "who do we call? And how do I check if someone is a foreign agent?",
    "ru": "Брата забрали в полицию после протеста, что ему говорить на допросе и кому нам "
          "звонить? И как проверить, иноагент ли человек?",
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_what_the_rules_answer_is_never_dropped(question_index: QuestionIndex,
                                               lang: str) -> None:
    # The first question alone would be let in by the model; the second is anchored by the
    # rules. Both are there, one answered and the other offered (until session 16 the rules'
    # answer was all, and the first question was lost; in session 23 the English message read
    # whole gave the rules' answer again and the offer was dropped, see `match`).
    message = _POLICE_AND_CHECK[lang]
    by_rules = _by_rules(question_index, message, lang)
    assert "check_status" in (by_rules.entry_id, *by_rules.also)
    result = question_index.match(message, lang)
    assert {result.entry_id, *result.also} == {"practical_safety", "check_status"}


# In session 23 (word pairs in the learned ranker) the English message read whole was checking
# a status, and the police question only offered (a strict expected failure until session 24's
# words as written and pieces of unknown words put the police question first again).
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_first_question_is_the_one_answered(question_index: QuestionIndex,
                                                lang: str) -> None:
    # People put the main question first. Since session 20 the rules' pass may read the
    # message whole (QuestionIndex._one_question); the first question still leads.
    result = question_index.match(_POLICE_AND_CHECK[lang], lang)
    assert result.entry_id == "practical_safety"
    assert result.also == ("check_status",)


def _kept_by_rules(index: QuestionIndex, question: str, lang: str) -> MatchResult:
    """Return the match of a question with every weakly anchored question kept in scope."""
    return _match_with(index, "confirms", True, question, lang)


@pytest.mark.parametrize(("question", "lang"), [
    # Declined again since session 14: the decision confirming weak anchors reads the
    # ranker's class of no entry and whether a place abroad is named, now that a status's
    # name ("foreign agent") beside no word of another field is a strong anchor it never
    # rules on (the English questions it declined in session 13).
    ("How does Israel's proposed law on foreign-funded NGOs compare with the US one?", "en"),
])
def test_another_countrys_law_in_the_bases_everyday_words_is_declined(
        question_index: QuestionIndex, question: str, lang: str) -> None:
    # A phrase or word pair the base asks with anchors it, and the rules alone would answer it;
    # the decision confirming weak anchors declines it.
    kept = _kept_by_rules(question_index, question, lang)
    assert kept.outcome == "answer" and kept.confirmed
    assert question_index.match(question, lang).entry_id is None


@pytest.mark.parametrize(("question", "lang", "entry"), [
    # (Until session 22 "whats the max prison term for a foreign agent who ignores the
    # labeling rules" was one: "max" was a word the base never uses. It reads as "maximum"
    # now, and the status's name anchors the question strongly.)
    ("how long in jail for a foreign agent who keeps skipping the labels, asking for my cousin",
     "en", "fa_criminal_penalties"),
    ("за что у иноагента могут отобрать свободу", "ru", "fa_criminal_penalties"),
])
def test_a_weakly_anchored_question_of_the_base_is_still_answered(
        question_index: QuestionIndex, question: str, lang: str, entry: str) -> None:
    # The same decision reads it and keeps it.
    assert _kept_by_rules(question_index, question, lang).confirmed
    assert question_index.match(question, lang).entry_id == entry


@pytest.mark.parametrize("question", [
    # Everyday questions in the base's words that no rule anchors: the first calibrated
    # decision declined them at its threshold 0.89 (p 0.71-0.87) and admits them since session
    # 14's refit (threshold 0.70; out of fold 139 answers won for 9 wrong let in, against 101
    # and 1; README). Kept here so that a refit declining them again shows.
    "начальник говорит нельзя общатся с коллегой",
    # (Until session 28 also "does the foreign agent law in Slovakia apply to journalists": the
    # place after the law's noun now makes the law Slovakia's, which no decision admits; see
    # test_phrase_sense.)
])
@pytest.mark.xfail(strict=True, reason="admitted since session 14's refit; README")
def test_everyday_near_misses_the_calibrated_decision_admits(
        question_index: QuestionIndex, question: str) -> None:
    assert question_index.match(question).entry_id is None


@pytest.mark.xfail(strict=True, reason="admitted at 0.65, session 31's threshold; README")
def test_legal_help_in_a_divorce_is_declined(question_index: QuestionIndex) -> None:
    # An everyday legal question in the base's words ("юридическая помощь") that no rule
    # anchors; it sits at the first decision's threshold. Declined by session 19's refit and
    # the first of session 20's, admitted again at 0.68; declined by session 22's first refit
    # (0.72), admitted again by its second (0.62); declined by session 25's first refit
    # (0.80), admitted at the plateau's middle (0.66); declined by session 26's refit
    # (heldout27 joined, 0.70); admitted again by session 27's (heldout28 joined, 0.66) and
    # 28's (0.69); declined by session 29's (heldout30 joined, 0.70); admitted again by
    # session 30's (heldout31 joined, 0.68) and 31's (heldout32 joined, 0.66, then 0.65).
    # Near the threshold either way: a refit declining it again shows here.
    assert question_index.match("нужна юридическая помощь при разводе").entry_id is None


@pytest.mark.xfail(strict=True, reason="admitted at 0.68, session 20's threshold; README")
def test_forwarding_course_material_is_declined_again(question_index: QuestionIndex) -> None:
    # Admitted from session 14's refit to session 16's; declined by session 17's refit; admitted
    # again by session 18's (its first decision's threshold 0.77 -> 0.73, on the plateau where
    # the out-of-fold gain is flat; README); declined by session 19's at 0.78, admitted again
    # at 0.77 once the threshold was chosen over a window of the plateau; declined again at
    # 0.78 by session 20's refit with heldout21 joined, admitted at 0.68 by its second refit.
    # It sits at the threshold's edge.
    assert question_index.match("переслать учебный материал в чат группы").entry_id is None


def test_another_countrys_law_named_in_english_is_declined_again(
        question_index: QuestionIndex) -> None:
    # Admitted from session 14's refit to session 15's; declined since session 16's, when the
    # ranker reads the words the base never uses ("Georgia") and the decisions were refitted.
    assert question_index.match("Georgia's foreign agent law, what does it say").entry_id is None


def test_the_threshold_sits_on_the_plateau_not_on_a_spike() -> None:
    # Out of fold the gain is flat over a wide range, and its single best point moved with
    # every refit. Here the gain (answers won minus 3 per wrong one) is 10 from 0.60 to 0.70
    # and 12 at 0.85 alone, 0 on either side of it: the plateau is chosen, not the spike.
    def samples(p: float, kind: str, n: int) -> list[tuple[calibrate.Sample, float]]:
        return [(calibrate.Sample("set", f"{kind}{p}-{k}", (), kind), p) for k in range(n)]

    held = (samples(0.595, "wrong", 4) + samples(0.705, "win", 10)
            + samples(0.845, "wrong", 4) + samples(0.855, "win", 12))
    bases = {"set": calibrate.SetBase(off_topic=100, declined=100)}
    assert 0.60 <= calibrate.choose_threshold(held, bases) <= 0.70


def test_the_threshold_is_the_middle_of_the_plateau_not_its_best_edge() -> None:
    # Session 25's refit: the gain was flat from 0.47 to 0.83 and 3 of 420 higher near 0.80,
    # where the best windowed gain moved the threshold from 0.66 (23 answers fewer for 8 wrong
    # ones fewer). Here the gain is 397 from 0.40 to 0.78 and 400 at 0.79-0.80 (one wrong
    # answer at 0.785): the middle of the plateau is chosen, not the bump at its edge.
    def samples(p: float, kind: str, n: int) -> list[tuple[calibrate.Sample, float]]:
        return [(calibrate.Sample("set", f"{kind}{p}-{k}", (), kind), p) for k in range(n)]

    held = (samples(0.395, "wrong", 200) + samples(0.785, "wrong", 1)
            + samples(0.805, "win", 400))
    bases = {"set": calibrate.SetBase(off_topic=100, declined=100)}
    assert 0.55 <= calibrate.choose_threshold(held, bases) <= 0.65


def test_the_confirming_threshold_is_the_plateaus_highest_point() -> None:
    # The second decision's out-of-fold gain is some twenty questions, flat from about 0.14 to
    # 0.36, and its best single point moved 0.19, 0.31, 0.36, 0.16 over four refits. Here the
    # gain is 20 from 0.10 to 0.36 and 21 at 0.16 (one question): the highest point of the
    # plateau whose window of +-0.03 lies on it is chosen, declining more of the weakly
    # anchored answers where declining costs nothing out of fold.
    grid = calibrate._CONFIRM_GRID
    gains = [21.0 if t == 0.16 else 20.0 if 0.10 <= t <= 0.36 else 0.0 for t in grid]
    allowed = [True] * len(grid)
    assert calibrate._plateau(grid, gains, allowed, calibrate.CONFIRM_PLATEAU_TOLERANCE)[-1] == 0.33
    # With no tolerance it is the best window, around the bump.
    assert {0.16} <= set(calibrate._plateau(grid, gains, allowed, 0.0)) <= {
        round(0.13 + 0.01 * i, 2) for i in range(7)}
