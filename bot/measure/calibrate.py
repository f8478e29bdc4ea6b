"""Fit the calibrated in-scope decision (bot.knowledge.calibration) on the development sets.

Every question of the repository's question sets is asked as in chat (names checked against
the shipped snapshot), first with the calibrated decision admitting nothing: the questions that
come back declined with `evidence` are those no rule anchors although the base knows most of
their words. Each is asked again with the decision admitting everything, which shows what
letting it in would do: an in-scope question answered by a right entry is a win; an in-scope
question answered by a wrong entry, or an off-topic one answered at all, is a wrong answer.

Features and threshold are chosen by leave-one-set-out cross-validation: the model is fitted on
all sets but one and measured on that one, for every set; the threshold is the one at which,
over all folds, the answers won minus WRONG_COST per wrong answer let in are most, no set losing
more than LOST_SHARE_PER_SET of its off-topic questions' declines (a wrong answer costs more than
a decline; requiring no set to lose any decline let one off-topic question of 650 decide the
threshold alone: with heldout10 among the folds, 0.89 and 3 answers won; a fixed one per set did
the same with 18 sets: with heldout13 among them, 0.82 and 52 answers won for 4 wrong, against
0.66 and 77 for 6).

The second model (calibration.confirms) decides the questions a rule short of a strong anchor
put in scope (see QuestionIndex._match_one). Each such answered question is asked again with
the model declining everything: an off-topic question declined is a win, an in-scope question
that loses its right answer a loss, a wrong answer ended neither (a decline of an in-scope
question is still a failure). Features and threshold are chosen the same way, mirrored: the
threshold below which questions are declined maximises the off-topic questions declined minus
CONFIRM_COST per right answer lost, no set losing more than CONFIRM_LOST_PER_SET right answers.
A declined message may still be answered another way the first model admits, so each is asked
again both with the first model admitting nothing and admitting everything; the first model is
refitted first and decides which path each sample takes (`weak_samples`): neither model's
samples depend on shipped constants, and one run prints the constants it would reproduce.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import calibration
from bot.measure import rank_fit

# A wrong answer (a wrong entry, or an off-topic question answered) costs as much as this many
# declines of questions the base answers: the threshold maximises the answers won minus this
# many per wrong answer let in.
WRONG_COST = 3
# At most this share of one set's off-topic questions may be let in (at least one): a limit
# that grows with the set, so that a few questions of the largest set do not decide alone.
LOST_SHARE_PER_SET = 0.05
# Both models' gains are averaged over this many grid points (0.01 apart) on either side of
# each threshold (see `choose_threshold`).
THRESHOLD_WINDOW = 3
# The first model's threshold is the middle of the points whose gain, averaged so, lies within
# this share of the best (see `choose_threshold`): its gain is some 420 questions, 1% of it
# four or five, as many as one refit moves near the threshold.
PLATEAU_TOLERANCE = 0.01
# The second model's threshold is the highest whose gain, averaged so, lies within this share
# of the best (see `confirm_cross_validate`): its gain is some twenty questions, one of them 5%.
CONFIRM_PLATEAU_TOLERANCE = 0.05
# At most this many right answers of one set may be declined by the second model.
CONFIRM_LOST_PER_SET = 1
# Declining an in-scope question the base answered right costs as much as this many off-topic
# questions declined: declining real questions fails their askers too (the mirror of
# WRONG_COST).
CONFIRM_COST = WRONG_COST
# The candidate feature sets compared by cross-validation (the shipped one among them).
CANDIDATES: tuple[tuple[str, ...], ...] = (
    calibration.FEATURES[:calibration.FEATURES.index("word")],
    ("best", "margin", "nearest", "coverage"),
    ("best", "log_words"),
    ("best", "other", "foreign", "log_words"),
    ("best", "coverage", "contrast", "log_words"),
    ("best", "margin", "nearest", "coverage", "asked", "contrast", "other", "foreign"),
    ("best", "log_words", "own"),
    ("best", "log_words", "other", "own"),
    ("best", "log_words", "own", "unknown"),
    ("best", "log_words", "own", "own_asked", "mean_contrast", "unknown"),
    # The learned ranker's probability that the question is about none of the entries.
    ("best", "log_words", "own", "unknown", "ranked_none"),
    ("best", "log_words", "own", "own_asked", "mean_contrast", "unknown", "ranked_none"),
)
# The candidate feature sets of the second model (calibration.confirms): the same evidence,
# which rule anchored the question, how strongly, and the learned ranker's certainty.
CONFIRM_CANDIDATES: tuple[tuple[str, ...], ...] = (
    calibration.FEATURES,
    ("best", "log_words", "own", "own_asked", "mean_contrast", "unknown"),
    ("best", "log_words", "own", "unknown", "ranked"),
    ("best", "log_words", "own", "unknown", "ranked_entropy"),
    ("best", "log_words", "own", "unknown", "ranked", "ranked_margin", "abroad"),
    ("best", "log_words", "own", "unknown", "ranked", "ranked_entropy", "abroad"),
    ("best", "log_words", "own", "unknown", "ranked_entropy", "abroad"),
    ("best", "log_words", "own", "unknown", "ranked", "ranked_margin", "ranked_entropy",
     "abroad"),
    ("best", "coverage", "other", "foreign", "log_words", "own", "mean_contrast", "unknown",
     "abroad"),
    ("best", "log_words", "own", "unknown", "word", "phrase", "pair", "title", "confident",
     "anchor_share", "anchor_contrast", "ranked", "ranked_entropy", "abroad"),
    ("best", "margin", "coverage", "other", "foreign", "own", "unknown", "anchor_share",
     "anchor_contrast", "ranked", "abroad"),
    ("ranked", "ranked_margin", "ranked_entropy", "anchor_share", "anchor_contrast", "own",
     "abroad"),
    ("best", "log_words", "own", "unknown", "ranked_none", "abroad"),
    ("best", "log_words", "own", "unknown", "ranked_entropy", "abroad", "ranked_none"),
    ("best", "log_words", "own", "unknown", "ranked", "ranked_entropy", "abroad",
     "ranked_none"),
)
# The newest clean held-out set: never fitted on, benchmarked or tuned with (`kb calibrate`,
# `kb bench`); renamed with each new clean set, which then stays out of every development loop.
CLEAN_SET = "heldout33"
# The prefix of the training sets: labelled questions written to fit the ranker, not samples
# of what people ask (see `calibration_sets`).
TRAINING_SETS = "questions-train"
_GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(70))
_CONFIRM_GRID = (0.0, *(round(0.01 * i, 2) for i in range(1, 80)))


@dataclass(frozen=True)
class Sample:
    """One question in the calibrated state, and what admitting it would do."""

    set_name: str
    question: str
    features: tuple[float, ...]
    # Unanchored: "win", "wrong" (in scope, wrong entry) or "intrusion" (off-topic answered)
    # when admitted. Weakly anchored (see Weak): "right" (declining loses a right answer),
    # "wrong" (an in-scope question answered by a wrong entry) or "intrusion" (off-topic
    # answered).
    kind: str


# What asking a message again gave: the evidence the first model was asked about on the way
# (in order) and the entry answered in the end (None: declined).
Path_ = tuple[tuple[tuple[float, ...], ...], str | None]


@dataclass(frozen=True)
class Weak:
    """One answer a rule short of a strong anchor gave, and what declining it would do.

    Declined by the second model, a message may still be answered another way (another part
    of it, read by the first model), so it is asked again twice: with the first model admitting
    nothing and admitting everything. Which path holds is decided by the first model as
    refitted on the same run (see `weak_samples`), so one `kb calibrate` reaches the constants
    it prints, whatever the first model's shipped constants were.
    """

    set_name: str
    question: str
    features: tuple[float, ...]
    kept: str | None
    no_answer: bool
    expect: tuple[str, ...]
    refused: Path_
    admitted: Path_


@dataclass(frozen=True)
class SetBase:
    """A set's off-topic questions and how many are declined without the calibrated decision."""

    off_topic: int
    declined: int


def question_sets(directory: Path) -> list[Path]:
    """Return the development question sets in `directory` the learned ranker is fitted on
    (every `questions-*.json` but the clean held-out set), in a fixed order."""
    return [p for p in sorted(directory.glob("questions-*.json")) if CLEAN_SET not in p.name]


def calibration_sets(directory: Path) -> list[Path]:
    """Return the question sets the calibrated decisions are fitted on: the development sets
    but the training sets (`questions-train*.json`).

    A training set is written to teach the ranker what tells neighbouring entries apart, to
    a brief that over-weights situations told without the domain's words; the decisions
    weigh answers won against off-topic questions let in, and need sets whose mix is that
    of questions people send (session 13: with the training sets the refitted first model
    admitted "как подать в суд на соседа" and "регистрация на госуслугах как пройти").
    """
    return [p for p in question_sets(directory) if not p.name.startswith(TRAINING_SETS)]


def collect(paths: Sequence[Path], ranked_on: Sequence[Path] = (),
            ) -> tuple[list[Sample], dict[str, SetBase], list[Weak]]:
    """Return the samples of every set in `paths`, each set's declines before calibration and
    the weakly anchored answers: the unanchored questions the calibrated decision reads, and
    the answered ones a rule short of a strong anchor put in scope, which the second model
    reads. Every question is asked with every weak anchor kept and the first model admitting
    nothing, so neither model's samples depend on the shipped constants of either.

    Items without `expect` entry ids (marker-checked sets) contribute their off-topic questions
    only: whether an answer to the others is right is not known here. Each set is ranked by
    the learned ranker fitted without it (see rank_fit): the shipped one has seen every set,
    and would rank them better than it ranks questions nobody has written yet. `ranked_on`
    lists every set the shipped ranker is fitted on when that is more than `paths` (the
    training sets, see `calibration_sets`); each fold's model is fitted on them too.
    """
    from bot.cli.knowledge import _load_set, shipped_services
    from handlers.dispatcher import Dispatcher

    samples: list[Sample] = []
    bases: dict[str, SetBase] = {}
    weak: list[Weak] = []
    with shipped_services("calibrate") as services:
        index = services.questions
        shipped, shipped_ranker, confirmed = index.admits, index.ranker, index.confirms
        index.confirms = _always
        folds = (rank_fit.fold_rankers(services, ranked_on or paths)
                 if shipped_ranker is not None and index.rank_share else {})
        dispatcher = Dispatcher(services)
        try:
            for path in paths:
                name = path.stem.removeprefix("questions-")
                index.ranker = folds.get(name, shipped_ranker)
                off = declined = 0
                for item in _load_set(path):
                    q, lang = str(item["q"]), str(item["lang"])
                    expect = item.get("expect")
                    no_answer = bool(item.get("expect_no_answer"))
                    if not no_answer and not (isinstance(expect, list) and expect):
                        continue
                    index.admits = _never
                    before, _ = dispatcher.match_question(q, lang)
                    if no_answer:
                        off += 1
                        declined += before.entry_id is None
                    if before.outcome == "answer" and before.confirmed:
                        index.confirms = _never
                        paths_: list[Path_] = []
                        for admit in (False, True):
                            asked: list[tuple[float, ...]] = []
                            index.admits = _recording(admit, asked)
                            without, _ = dispatcher.match_question(q, lang)
                            paths_.append((tuple(asked), without.entry_id))
                        index.confirms = _always
                        weak.append(Weak(name, q, before.confirmed, before.entry_id,
                                         no_answer, tuple(expect) if isinstance(expect, list)
                                         else (), paths_[0], paths_[1]))
                    if before.outcome != "off_topic" or not before.evidence:
                        continue
                    index.admits = _always
                    after, _ = dispatcher.match_question(q, lang)
                    if after.entry_id is None:
                        continue
                    kind = ("intrusion" if no_answer else
                            "win" if isinstance(expect, list) and after.entry_id in expect
                            else "wrong")
                    samples.append(Sample(name, q, before.evidence, kind))
                bases[name] = SetBase(off, declined)
        finally:
            index.admits, index.ranker, index.confirms = shipped, shipped_ranker, confirmed
    return samples, bases, weak


def _recording(answer: bool, asked: list[tuple[float, ...]]) -> Callable[[Sequence[float]],
                                                                          bool]:
    """Return a first model that answers `answer` to every question, noting what it read."""
    def admit(features: Sequence[float]) -> bool:
        asked.append(tuple(features))
        return answer
    return admit


def weak_samples(weak: Sequence[Weak], first: dict[str, object]) -> tuple[list[Sample], int]:
    """Return the second model's samples, each declined answer's path decided by the first
    model `first` (as `refit` returns it), and how many paths that model splits (it admits
    some of the questions asked on the way but not all; read as admitting none).

    The path admitting nothing is the one taken when the first model admits none of what it
    was asked on it; the path admitting everything when it admits all of what it was asked
    there. Either is then exactly what the shipped pair of models does.
    """
    used = first["features"]
    intercept, coefficients, threshold = (first["intercept"], first["coefficients"],
                                          first["threshold"])
    assert isinstance(used, list) and isinstance(intercept, float)
    assert isinstance(coefficients, list) and isinstance(threshold, float)

    def admits(features: Sequence[float]) -> bool:
        return calibration.probability(features, intercept, coefficients, used) >= threshold

    samples: list[Sample] = []
    split = 0
    for w in weak:
        entry = w.refused[1]
        if any(admits(e) for e in w.refused[0]):
            if all(admits(e) for e in w.admitted[0]):
                entry = w.admitted[1]
            else:
                split += 1
        kind = _confirm_kind(w.kept, entry, w.no_answer, list(w.expect))
        if kind:
            samples.append(Sample(w.set_name, w.question, w.features, kind))
    return samples, split


def _confirm_kind(kept: str | None, declined: str | None, no_answer: bool,
                  expect: object) -> str:
    """Return what declining a weakly anchored answer does ("" when it changes nothing that
    is known): declines an off-topic question, loses a right answer, or ends a wrong one."""
    right = isinstance(expect, list) and bool(expect)
    if declined == kept or not (no_answer or right):
        return ""
    if no_answer:
        return "intrusion" if declined is None else ""
    assert isinstance(expect, list)
    if kept in expect:
        return "" if declined in expect else "right"
    return "" if declined in expect else "wrong"


def _never(features: Sequence[float]) -> bool:
    return False


def _always(features: Sequence[float]) -> bool:
    return True


def _fit(samples: Sequence[Sample], used: Sequence[str]) -> tuple[float, tuple[float, ...]]:
    intercept, coefficients, _, _ = calibration.fit(
        [s.features for s in samples], [int(s.kind == "win") for s in samples], used)
    return intercept, coefficients


def cross_validate(samples: Sequence[Sample], bases: dict[str, SetBase],
                   used: Sequence[str]) -> dict[str, object]:
    """Return the leave-one-set-out figures of a feature set: the threshold chosen on the
    pooled out-of-fold probabilities and, per set, the answers won and wrong answers let in."""
    held = _held_out(samples, used, _fit)
    threshold = choose_threshold(held, bases)
    won, wrong, sets = _figures(held, bases, threshold)
    return {"features": list(used), "threshold": threshold, "won": won, "wrong": wrong,
            "sets": sets}


def _held_out(samples: Sequence[Sample], used: Sequence[str],
              fit: Callable[[Sequence[Sample], Sequence[str]], tuple[float, tuple[float, ...]]],
              ) -> list[tuple[Sample, float]]:
    """Return each sample with the probability a model fitted without its set gives it: the
    leave-one-set-out predictions both models' thresholds are chosen on."""
    held: list[tuple[Sample, float]] = []
    for name in sorted({s.set_name for s in samples}):
        intercept, coefficients = fit([s for s in samples if s.set_name != name], used)
        held += [(s, calibration.probability(s.features, intercept, coefficients, used))
                 for s in samples if s.set_name == name]
    return held


def choose_threshold(held: Sequence[tuple[Sample, float]], bases: dict[str, SetBase]) -> float:
    """Return the middle of the plateau (see `_plateau`, with PLATEAU_TOLERANCE): the
    threshold the cost (see the module docstring) cannot tell from its neighbours and that is
    farthest from the plateau's edges; 1.0 (admit nothing) when none gains anything.

    The gain is flat over a wide plateau (0.47-0.83 within 6 of 420 in session 25), so any
    one best point moves with every refit, letting a few near-threshold questions in or out
    each time. The best windowed mean (the rule until session 25) moved 0.77, 0.78, 0.68 over
    session 20's refits, and 0.66 -> 0.80 when heldout26 joined: 23 answers won fewer for 8
    wrong ones fewer, the same cost. The plateau's highest point within 1% of the best was
    steadier (0.78 to 0.82 over five refits) but at 0.82 cost 47 answers in sample for 2
    declines against 0.78. The middle moves only as far as the plateau's edges do: 0.66
    within 1%, 2% or 3% (0.65) of the best in session 25.
    """
    gains: list[float] = []
    allowed: list[bool] = []
    for t in _GRID:
        won, wrong, sets = _figures(held, bases, t)
        gains.append(won - WRONG_COST * wrong)
        allowed.append(all(s["declines_lost"] <= _lost_allowed(bases[name])
                           for name, s in sets.items()))
    points = _plateau(_GRID, gains, allowed, PLATEAU_TOLERANCE)
    return points[len(points) // 2] if points else 1.0


def _plateau(grid: Sequence[float], gains: Sequence[float], allowed: Sequence[bool],
             tolerance: float) -> list[float]:
    """Return the points of `grid` (ascending) that gain (more than nothing), are `allowed`,
    and whose gain averaged over THRESHOLD_WINDOW points on either side lies within
    `tolerance` (a share) of the best such mean: the flat top both decisions' thresholds are
    chosen on (see `choose_threshold` and `confirm_cross_validate`)."""
    means = [sum(w) / len(w) for w in (gains[max(0, i - THRESHOLD_WINDOW):i + THRESHOLD_WINDOW + 1]
                                        for i in range(len(grid)))]
    usable = [i for i in range(len(grid)) if gains[i] > 0 and allowed[i]]
    if not usable:
        return []
    best = max(means[i] for i in usable)
    return [grid[i] for i in usable if means[i] >= best - tolerance * abs(best)]


def _lost_allowed(base: SetBase) -> int:
    """Return how many of a set's off-topic declines a threshold may give up (see
    LOST_SHARE_PER_SET)."""
    return max(1, int(LOST_SHARE_PER_SET * base.off_topic))


def _figures(held: Sequence[tuple[Sample, float]], bases: dict[str, SetBase],
             threshold: float) -> tuple[int, int, dict[str, dict[str, float]]]:
    """Return the answers won, the wrong answers let in and the figures per set at
    `threshold`."""
    sets: dict[str, dict[str, float]] = {}
    for name, base in sorted(bases.items()):
        mine = [(s, p) for s, p in held if s.set_name == name]
        won = sum(1 for s, p in mine if p >= threshold and s.kind == "win")
        wrong = sum(1 for s, p in mine if p >= threshold and s.kind == "wrong")
        lost = sum(1 for s, p in mine if p >= threshold and s.kind == "intrusion")
        sets[name] = {
            "candidates": len(mine), "won": won, "wrong_in_scope": wrong, "declines_lost": lost,
            "declines_before": round(base.declined / base.off_topic, 4) if base.off_topic else 1,
            "declines_after": (round((base.declined - lost) / base.off_topic, 4)
                               if base.off_topic else 1),
        }
    won = sum(int(s["won"]) for s in sets.values())
    wrong = sum(int(s["wrong_in_scope"] + s["declines_lost"]) for s in sets.values())
    return won, wrong, sets


def refit(samples: Sequence[Sample], bases: dict[str, SetBase],
          used: Sequence[str] = calibration.USED) -> dict[str, object]:
    """Return the model fitted on every sample with its cross-validated threshold: the
    constants bot.knowledge.calibration ships (rounded as printed)."""
    figures = cross_validate(samples, bases, used)
    intercept, coefficients = _fit(samples, used)
    return {"features": list(used), "intercept": round(intercept, 4),
            "coefficients": [round(c, 4) for c in coefficients],
            "threshold": figures["threshold"], "cross_validation": figures}


def confirm_cross_validate(samples: Sequence[Sample], used: Sequence[str]) -> dict[str, object]:
    """Return the leave-one-set-out figures of the second model with a feature set: the
    threshold chosen on the pooled out-of-fold probabilities and, per set, the off-topic
    questions declined, the right answers lost and the wrong answers ended.

    The threshold is the plateau's highest point (see `_plateau`): the best single point
    moved 0.19, 0.31, 0.36 and 0.16 over four refits on a gain flat from about 0.14 to 0.36;
    the highest within a question of the best windowed gain was 0.32, 0.37 and 0.36 over the
    last three, declining more of the weakly anchored questions where the gain is the same."""
    held = _held_out(samples, used, _confirm_fit)
    gains: list[float] = []
    allowed: list[bool] = []
    for t in _CONFIRM_GRID:
        declined, lost, _, sets = _confirm_figures(held, t)
        gains.append(declined - CONFIRM_COST * lost)
        allowed.append(all(s["right_lost"] <= CONFIRM_LOST_PER_SET for s in sets.values()))
    points = _plateau(_CONFIRM_GRID, gains, allowed, CONFIRM_PLATEAU_TOLERANCE)
    threshold = points[-1] if points else 0.0
    declined, lost, ended, sets = _confirm_figures(held, threshold)
    return {"features": list(used), "threshold": threshold, "declined": declined, "lost": lost,
            "ended": ended, "sets": sets}


def _confirm_fit(samples: Sequence[Sample],
                 used: Sequence[str]) -> tuple[float, tuple[float, ...]]:
    intercept, coefficients, _, _ = calibration.fit(
        [s.features for s in samples], [int(s.kind == "right") for s in samples], used)
    return intercept, coefficients


def _confirm_figures(held: Sequence[tuple[Sample, float]], threshold: float
                     ) -> tuple[int, int, int, dict[str, dict[str, int]]]:
    """Return the off-topic questions declined, right answers lost, wrong answers ended and
    the figures per set when questions below `threshold` are declined."""
    sets: dict[str, dict[str, int]] = {}
    for s, p in held:
        row = sets.setdefault(s.set_name, {"candidates": 0, "off_topic_declined": 0,
                                           "right_lost": 0, "wrong_ended": 0})
        row["candidates"] += 1
        if p < threshold:
            key = {"intrusion": "off_topic_declined", "right": "right_lost",
                   "wrong": "wrong_ended"}[s.kind]
            row[key] += 1
    return (sum(r["off_topic_declined"] for r in sets.values()),
            sum(r["right_lost"] for r in sets.values()),
            sum(r["wrong_ended"] for r in sets.values()), dict(sorted(sets.items())))


def confirm_refit(samples: Sequence[Sample],
                  used: Sequence[str] = calibration.CONFIRM_USED) -> dict[str, object]:
    """Return the second model fitted on every weakly anchored sample (see `weak_samples`)
    with its cross-validated threshold: the CONFIRM_ constants bot.knowledge.calibration
    ships."""
    figures = confirm_cross_validate(samples, used)
    intercept, coefficients = _confirm_fit(samples, used)
    return {"features": list(used), "intercept": round(intercept, 4),
            "coefficients": [round(c, 4) for c in coefficients],
            "threshold": figures["threshold"], "cross_validation": figures}


def report(paths: Sequence[Path], ranked_on: Sequence[Path] = ()) -> dict[str, object]:
    """Return the refitted models and every candidate feature set's cross-validated figures."""
    samples, bases, weak = collect(paths, ranked_on)
    return summarise(samples, bases, weak)


def summarise(samples: Sequence[Sample], bases: dict[str, SetBase],
              weak: Sequence[Weak]) -> dict[str, object]:
    """Return the refitted models and every candidate feature set's cross-validated figures,
    from collected samples: the first model is refitted first, and decides the second's
    samples (see `weak_samples`)."""
    counts = {k: sum(s.kind == k for s in samples) for k in ("win", "wrong", "intrusion")}
    first = refit(samples, bases)
    confirming, split = weak_samples(weak, first)
    confirm_counts = {k: sum(s.kind == k for s in confirming)
                      for k in ("right", "wrong", "intrusion")}
    candidates = [cross_validate(samples, bases, used) for used in CANDIDATES]
    confirm = [confirm_cross_validate(confirming, used) for used in CONFIRM_CANDIDATES]
    return {"samples": counts, "shipped": first,
            "candidates": [{k: v for k, v in c.items() if k != "sets"} for c in candidates],
            "confirm_samples": {**confirm_counts, "weak": len(weak), "split": split},
            "confirm": confirm_refit(confirming),
            "confirm_candidates": [{k: v for k, v in c.items() if k != "sets"}
                                   for c in confirm]}


def format_report(figures: dict[str, object]) -> str:
    """Return the report as readable lines: the constants first, written as in
    bot/knowledge/calibration.py (to copy there after a matcher change), then the figures."""
    shipped, confirm = figures["shipped"], figures["confirm"]
    assert isinstance(shipped, dict) and isinstance(confirm, dict)
    cv = shipped["cross_validation"]
    lines = [
        f"USED = {tuple(shipped['features'])!r}",
        f"INTERCEPT = {shipped['intercept']}",
        f"COEFFICIENTS: tuple[float, ...] = {tuple(shipped['coefficients'])!r}",
        f"THRESHOLD = {shipped['threshold']}",
        f"CONFIRM_USED = {tuple(confirm['features'])!r}",
        f"CONFIRM_INTERCEPT = {confirm['intercept']}",
        f"CONFIRM_COEFFICIENTS: tuple[float, ...] = {tuple(confirm['coefficients'])!r}",
        f"CONFIRM_THRESHOLD = {confirm['threshold']}",
        "",
        f"samples: {figures['samples']}",
        f"leave-one-set-out at {cv['threshold']}: {cv['won']} answers won, {cv['wrong']} wrong "
        "answers let in",
        "  set: unanchored candidates, won, wrong in scope, off-topic let in, "
        "declines before -> after",
    ]
    for name, s in cv["sets"].items():
        lines.append(f"  {name}: {s['candidates']}, {s['won']}, {s['wrong_in_scope']}, "
                     f"{s['declines_lost']}, {s['declines_before']:.1%} -> "
                     f"{s['declines_after']:.1%}")
    lines.append("candidate feature sets (leave-one-set-out): threshold, won, wrong")
    for c in figures["candidates"]:  # type: ignore[attr-defined]
        lines.append(f"  {', '.join(c['features'])}: {c['threshold']}, {c['won']}, {c['wrong']}")
    ccv = confirm["cross_validation"]
    lines += [
        f"weakly anchored samples: {figures['confirm_samples']}",
        f"leave-one-set-out at {ccv['threshold']}: {ccv['declined']} off-topic declined, "
        f"{ccv['lost']} right answers lost, {ccv['ended']} wrong answers ended",
        "  set: weakly anchored answers, off-topic declined, right lost, wrong ended",
    ]
    for name, s in ccv["sets"].items():
        lines.append(f"  {name}: {s['candidates']}, {s['off_topic_declined']}, "
                     f"{s['right_lost']}, {s['wrong_ended']}")
    lines.append("confirm candidate feature sets (leave-one-set-out): threshold, off-topic "
                 "declined, right lost, wrong ended")
    for c in figures["confirm_candidates"]:  # type: ignore[attr-defined]
        lines.append(f"  {', '.join(c['features'])}: {c['threshold']}, {c['declined']}, "
                     f"{c['lost']}, {c['ended']}")
    return "\n".join(lines)
