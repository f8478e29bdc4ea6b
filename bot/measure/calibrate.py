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
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
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
# The candidate feature sets compared by cross-validation (the shipped one among them).
CANDIDATES: tuple[tuple[str, ...], ...] = (
    calibration.FEATURES,
    ("best", "margin", "nearest", "coverage"),
    ("best", "log_words"),
    ("best", "other", "foreign", "log_words"),
    ("best", "coverage", "contrast", "log_words"),
    ("best", "margin", "nearest", "coverage", "asked", "contrast", "other", "foreign"),
    ("best", "log_words", "own"),
    ("best", "log_words", "other", "own"),
    ("best", "log_words", "own", "unknown"),
    ("best", "log_words", "own", "own_asked", "mean_contrast", "unknown"),
)
# The newest clean held-out set: never fitted on, benchmarked or tuned with (`kb calibrate`,
# `kb bench`); renamed with each new clean set, which then stays out of every development loop.
CLEAN_SET = "heldout14"
_GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(70))


@dataclass(frozen=True)
class Sample:
    """One question in the calibrated state, and what admitting it would do."""

    set_name: str
    question: str
    features: tuple[float, ...]
    kind: str  # "win", "wrong" (in scope, wrong entry) or "intrusion" (off-topic answered)


@dataclass(frozen=True)
class SetBase:
    """A set's off-topic questions and how many are declined without the calibrated decision."""

    off_topic: int
    declined: int


def question_sets(directory: Path) -> list[Path]:
    """Return the development question sets in `directory` the model is fitted on (every
    `questions-*.json` but the clean held-out set), in a fixed order."""
    return [p for p in sorted(directory.glob("questions-*.json")) if CLEAN_SET not in p.name]


def collect(paths: Sequence[Path]) -> tuple[list[Sample], dict[str, SetBase]]:
    """Return the samples of every set in `paths` and each set's declines before calibration.

    Items without `expect` entry ids (marker-checked sets) contribute their off-topic questions
    only: whether an answer to the others is right is not known here. Each set is ranked by
    the learned ranker fitted without it (see rank_fit): the shipped one has seen every set,
    and would rank them better than it ranks questions nobody has written yet.
    """
    from bot.app import question_services
    from bot.cli.knowledge import _load_set, _shipped_listings
    from handlers.dispatcher import Dispatcher

    services = question_services()
    samples: list[Sample] = []
    bases: dict[str, SetBase] = {}
    with tempfile.TemporaryDirectory(prefix="riskguide-calibrate-") as scratch:
        services.listings = _shipped_listings(Path(scratch))
        index = services.questions
        shipped, shipped_ranker = index.admits, index.ranker
        folds = (rank_fit.fold_rankers(index, paths)
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
            index.admits, index.ranker = shipped, shipped_ranker
    return samples, bases


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
    held: list[tuple[Sample, float]] = []
    for name in sorted({s.set_name for s in samples}):
        train = [s for s in samples if s.set_name != name]
        intercept, coefficients = _fit(train, used)
        held += [(s, calibration.probability(s.features, intercept, coefficients, used))
                 for s in samples if s.set_name == name]
    threshold = choose_threshold(held, bases)
    won, wrong, sets = _figures(held, bases, threshold)
    return {"features": list(used), "threshold": threshold, "won": won, "wrong": wrong,
            "sets": sets}


def choose_threshold(held: Sequence[tuple[Sample, float]], bases: dict[str, SetBase]) -> float:
    """Return the threshold of the grid with the lowest cost (see the module docstring), the
    highest of equal ones; 1.0 (admit nothing) when none gains anything."""
    best, chosen = 0.0, 1.0
    for t in _GRID:
        won, wrong, sets = _figures(held, bases, t)
        gain = won - WRONG_COST * wrong
        if gain > 0 and gain >= best and all(
                s["declines_lost"] <= _lost_allowed(bases[name])
                for name, s in sets.items()):
            best, chosen = gain, t
    return chosen


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


def report(paths: Sequence[Path]) -> dict[str, object]:
    """Return the refitted model and every candidate feature set's cross-validated figures."""
    samples, bases = collect(paths)
    counts = {k: sum(s.kind == k for s in samples) for k in ("win", "wrong", "intrusion")}
    candidates = [cross_validate(samples, bases, used) for used in CANDIDATES]
    return {"samples": counts, "shipped": refit(samples, bases),
            "candidates": [{k: v for k, v in c.items() if k != "sets"} for c in candidates]}


def format_report(figures: dict[str, object]) -> str:
    """Return the report as readable lines: the constants first, written as in
    bot/knowledge/calibration.py (to copy there after a matcher change), then the figures."""
    shipped = figures["shipped"]
    assert isinstance(shipped, dict)
    cv = shipped["cross_validation"]
    lines = [
        f"USED = {tuple(shipped['features'])!r}",
        f"INTERCEPT = {shipped['intercept']}",
        f"COEFFICIENTS: tuple[float, ...] = {tuple(shipped['coefficients'])!r}",
        f"THRESHOLD = {shipped['threshold']}",
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
    return "\n".join(lines)
