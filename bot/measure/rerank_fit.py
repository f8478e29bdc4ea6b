"""Fit the re-ranking of the two best entries (bot.knowledge.rerank) on the development data.

Every question of the repository's development sets is asked as in chat (names checked against
the shipped snapshot), and every example question of the base is asked of an index built
without it (bot.knowledge.holdout's folds), with the re-ranking deciding nothing. A question
whose answer came from a leader/runner-up pair exactly one of which is right is a sample: a
swap would fix it (the runner-up is right) or break it (the leader is).

Features and threshold are chosen by leave-one-set-out cross-validation (the base's examples
count as one set): the model is fitted on all sets but one and measured on that one; the
threshold is the lowest at which, over all folds, the swaps that break an answer are at most
half the swaps that fix one, and no set loses more than the keep-rule allows (two answers, three
on the examples). The feature set shipped is the one winning most out of fold.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import calibration, rerank
from bot.measure.calibrate import question_sets

__all__ = ["collect", "cross_validate", "format_report", "question_sets", "refit", "report"]

# The name of the base's own examples asked by leave-one-out, as a set of the folds.
EXAMPLES = "examples"
# A swap that breaks an answer may cost at most this share of the swaps that fix one.
BROKEN_PER_FIXED = 1 / 2
# The most answers one set may lose out of fold (the keep-rule), the examples' own.
SET_LOSS = 2
EXAMPLES_LOSS = 3
CANDIDATES: tuple[tuple[str, ...], ...] = (
    rerank.FEATURES,
    ("ratio", "cosine"),
    ("ratio", "facts", "cosine"),
    ("ratio", "answer", "facts", "cosine"),
    ("ratio", "passage", "facts"),
    ("ratio", "answer", "title"),
)
_GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(70))


@dataclass(frozen=True)
class Sample:
    """One question answered from a pair exactly one of which is right."""

    set_name: str
    question: str
    features: tuple[float, ...]
    runner_right: bool


def _recorder(pairs: list[rerank.Pair]) -> rerank.Swap:
    def note(pair: rerank.Pair) -> bool:
        pairs.append(pair)
        return False
    return note


def _sample(set_name: str, question: str, got: str | None, expect: Sequence[str],
            pairs: Sequence[rerank.Pair]) -> Sample | None:
    """Return the sample of a question whose answer `got` came from the last pair it led."""
    if got is None:
        return None
    pair = next((p for p in reversed(pairs) if p.leader == got), None)
    if pair is None or (pair.leader in expect) == (pair.runner in expect):
        return None
    return Sample(set_name, question, pair.features, pair.runner in expect)


def collect(paths: Sequence[Path], examples: bool = True) -> list[Sample]:
    """Return the samples of every set in `paths` and, with `examples`, of the base's own
    example questions by leave-one-out."""
    from bot.app import question_services
    from bot.cli.knowledge import _load_set, _shipped_listings
    from bot.knowledge.analyze import Analyzer
    from bot.knowledge.holdout import leave_one_out
    from bot.knowledge.index import MatchResult, QuestionIndex
    from bot.knowledge.model import KnowledgeBase
    from handlers.dispatcher import Dispatcher

    services = question_services()
    samples: list[Sample] = []
    pairs: list[rerank.Pair] = []
    with tempfile.TemporaryDirectory(prefix="riskguide-rerank-") as scratch:
        services.listings = _shipped_listings(Path(scratch))
        index = services.questions
        shipped = index.swaps
        index.swaps = _recorder(pairs)
        dispatcher = Dispatcher(services)
        try:
            for path in paths:
                name = path.stem.removeprefix("questions-")
                for item in _load_set(path):
                    expect = item.get("expect")
                    if item.get("expect_no_answer") or not (isinstance(expect, list) and expect):
                        continue
                    pairs.clear()
                    result, _ = dispatcher.match_question(str(item["q"]), str(item["lang"]))
                    sample = _sample(name, str(item["q"]), result.entry_id,
                                     [str(e) for e in expect], pairs)
                    if sample is not None:
                        samples.append(sample)
        finally:
            index.swaps = shipped
        if not examples:
            return samples
        analyzer = Analyzer()
        asked: list[list[rerank.Pair]] = []

        class Recording(QuestionIndex):
            """An index whose re-ranking decides nothing and notes each question's pairs."""

            def match(self, text: str, lang: str | None = None,
                      in_scope: bool = False) -> MatchResult:
                pairs.clear()
                self.swaps = _recorder(pairs)
                result = super().match(text, lang, in_scope)
                asked.append(list(pairs))
                return result

        def build(base: KnowledgeBase) -> QuestionIndex:
            return Recording(base, analyzer)

        for held, noted in zip(leave_one_out(services.questions.kb, build), asked, strict=True):
            sample = _sample(EXAMPLES, held.question, held.got, [held.entry_id], noted)
            if sample is not None:
                samples.append(sample)
    return samples


def _fit(samples: Sequence[Sample], used: Sequence[str]) -> tuple[float, tuple[float, ...]]:
    intercept, coefficients, _, _ = calibration.fit(
        [s.features for s in samples], [int(s.runner_right) for s in samples], used,
        names=rerank.FEATURES)
    return intercept, coefficients


def cross_validate(samples: Sequence[Sample], used: Sequence[str]) -> dict[str, object]:
    """Return the leave-one-set-out figures of a feature set: the threshold chosen on the
    pooled out-of-fold probabilities and, per set, the answers fixed and broken."""
    held: list[tuple[Sample, float]] = []
    for name in sorted({s.set_name for s in samples}):
        train = [s for s in samples if s.set_name != name]
        intercept, coefficients = _fit(train, used)
        held += [(s, rerank.probability(s.features, intercept, coefficients, used))
                 for s in samples if s.set_name == name]
    threshold = choose_threshold(held)
    fixed, broken, sets = _figures(held, threshold)
    return {"features": list(used), "threshold": threshold, "fixed": fixed, "broken": broken,
            "sets": sets}


def _allowed(name: str) -> int:
    return EXAMPLES_LOSS if name == EXAMPLES else SET_LOSS


def choose_threshold(held: Sequence[tuple[Sample, float]]) -> float:
    """Return the threshold of the grid with the most answers won (fixed minus broken) meeting
    the costs (see the module docstring); 1.0 (never swap) when none wins any."""
    best, chosen = 0, 1.0
    for t in _GRID:
        fixed, broken, sets = _figures(held, t)
        if (fixed - broken > best and broken <= BROKEN_PER_FIXED * fixed
                and all(s["broken"] - s["fixed"] <= _allowed(n) for n, s in sets.items())):
            best, chosen = fixed - broken, t
    return chosen


def _figures(held: Sequence[tuple[Sample, float]],
             threshold: float) -> tuple[int, int, dict[str, dict[str, int]]]:
    """Return the answers fixed, broken and the figures per set at `threshold`."""
    sets: dict[str, dict[str, int]] = {}
    for name in sorted({s.set_name for s, _ in held}):
        mine = [(s, p) for s, p in held if s.set_name == name]
        sets[name] = {
            "pairs": len(mine),
            "fixed": sum(1 for s, p in mine if p >= threshold and s.runner_right),
            "broken": sum(1 for s, p in mine if p >= threshold and not s.runner_right),
        }
    return (sum(s["fixed"] for s in sets.values()), sum(s["broken"] for s in sets.values()),
            sets)


def refit(samples: Sequence[Sample], used: Sequence[str] = rerank.USED) -> dict[str, object]:
    """Return the model fitted on every sample with its cross-validated threshold: the
    constants bot.knowledge.rerank ships (rounded as printed)."""
    figures = cross_validate(samples, used)
    intercept, coefficients = _fit(samples, used)
    return {"features": list(used), "intercept": round(intercept, 4),
            "coefficients": [round(c, 4) for c in coefficients],
            "threshold": figures["threshold"], "cross_validation": figures}


def report(paths: Sequence[Path]) -> dict[str, object]:
    """Return every candidate feature set's cross-validated figures and the model refitted
    with the one winning most out of fold (fewer features on a tie)."""
    samples = collect(paths)
    candidates = [cross_validate(samples, used) for used in CANDIDATES]
    best = max(candidates, key=lambda c: (int(c["fixed"]) - int(c["broken"]),  # type: ignore
                                          -len(c["features"])))  # type: ignore[arg-type]
    counts = {"runner_right": sum(s.runner_right for s in samples),
              "leader_right": sum(not s.runner_right for s in samples)}
    return {"samples": counts, "shipped": refit(samples, tuple(best["features"])),  # type: ignore
            "candidates": [{k: v for k, v in c.items() if k != "sets"} for c in candidates]}


def format_report(figures: dict[str, object]) -> str:
    """Return the report as readable lines: the constants first, written as in
    bot/knowledge/rerank.py (to copy there after a matcher change), then the figures."""
    shipped = figures["shipped"]
    assert isinstance(shipped, dict)
    cv = shipped["cross_validation"]
    lines = [
        f"USED: tuple[str, ...] = {tuple(shipped['features'])!r}",
        f"INTERCEPT = {shipped['intercept']}",
        f"COEFFICIENTS: tuple[float, ...] = {tuple(shipped['coefficients'])!r}",
        f"THRESHOLD = {shipped['threshold']}",
        "",
        f"samples: {figures['samples']}",
        f"leave-one-set-out at {cv['threshold']}: {cv['fixed']} answers fixed, "
        f"{cv['broken']} broken",
        "  set: pairs with one right entry, fixed, broken",
    ]
    for name, s in cv["sets"].items():
        lines.append(f"  {name}: {s['pairs']}, {s['fixed']}, {s['broken']}")
    lines.append("candidate feature sets (leave-one-set-out): threshold, fixed, broken")
    for c in figures["candidates"]:  # type: ignore[attr-defined]
        lines.append(f"  {', '.join(c['features'])}: {c['threshold']}, {c['fixed']}, "
                     f"{c['broken']}")
    return "\n".join(lines)
