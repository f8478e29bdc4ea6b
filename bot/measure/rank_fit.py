"""Fit the learned lexical ranker (bot.knowledge.ranker) and measure it out of fold.

The labelled questions are the base's own example questions and the in-scope questions of
every development set that names the entries answering them (never the clean held-out set,
see bot.measure.calibrate.CLEAN_SET). Each is read as the matcher reads it: the terms it
resolves for the whole question (typos, thesaurus and stump compounds folded).

Cross-validation leaves one set out at a time: a model fitted on the examples and every other
set ranks that set's questions (answered as in chat, names checked against the shipped
snapshot) at each share of the score; the share chosen is the smallest whose out-of-fold
answers and declines, summed over the sets, are within NOISE of the most, no set losing more
than LOST_PER_SET of either against the matcher without the ranker (see `choose_share`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge import ranker

if TYPE_CHECKING:
    from bot.knowledge.index import QuestionIndex

# The shares of the score tried by cross-validation (0: the matcher without the ranker).
SHARES = (0.0, 0.2, 0.3, 0.4, 0.5)
# No set may lose more than this many answers or declines at the chosen share (the keep rule).
LOST_PER_SET = 2

# Gains this close to the best (a share of the questions answered or declined right) are
# noise: 0.3 and 0.4 differed by 3 of 3,344 (session 10).
NOISE = 0.001

Labelled = tuple[str, dict[str, float], list[str]]  # set name, resolved terms, right entries


def resolved_terms(index: QuestionIndex, question: str, lang: str) -> dict[str, float]:
    """Return the terms the matcher resolves for a whole question and weighs in its scores
    (empty when it resolves none)."""
    seen: list[dict[str, float]] = []
    scores = index._scores

    def observe(resolved: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
        seen.append(dict(resolved))
        return scores(resolved)

    index._scores = observe  # type: ignore[method-assign]
    try:
        index._match_one(question, lang, True, lambda features: True)
    finally:
        del index._scores
    return seen[0] if seen else {}


def labelled(index: QuestionIndex, paths: Sequence[Path]) -> list[Labelled]:
    """Return the labelled questions: the base's examples (set "examples"), then each set's
    in-scope questions that name their entries."""
    from bot.cli.knowledge import _load_set

    out: list[Labelled] = [("examples", terms, [entry_id])
                           for entry_id, terms in index.example_terms()]
    for path in paths:
        name = path.stem.removeprefix("questions-")
        for item in _load_set(path):
            expect = item.get("expect")
            if item.get("expect_no_answer") or not (isinstance(expect, list) and expect):
                continue
            terms = resolved_terms(index, str(item["q"]), str(item["lang"]))
            if terms:
                out.append((name, terms, [str(e) for e in expect]))
    return out


def fit_on(index: QuestionIndex, rows: Sequence[Labelled]) -> ranker.Ranker:
    """Return the ranker fitted on `rows` over the index's entries."""
    return ranker.fit([r for _, r, _ in rows], [t for _, _, t in rows],
                      [e.id for e in index.kb.entries])


def fold_rankers(index: QuestionIndex, paths: Sequence[Path]) -> dict[str, ranker.Ranker]:
    """Return, per set, the ranker fitted on the examples and every other set: what ranks
    that set's questions as the shipped one ranks questions nobody has written yet."""
    rows = labelled(index, paths)
    names = [path.stem.removeprefix("questions-") for path in paths]
    return {name: fit_on(index, [r for r in rows if r[0] != name]) for name in names}


def _outcomes(services: object, path: Path) -> tuple[int, int]:
    """Return the answers right and the declines right of a set answered as in chat."""
    from bot.cli.knowledge import _load_set
    from handlers.dispatcher import Dispatcher

    dispatcher = Dispatcher(services)  # type: ignore[arg-type]
    answers = declines = 0
    for item in _load_set(path):
        result, _ = dispatcher.match_question(str(item["q"]), str(item["lang"]))
        if item.get("expect_no_answer"):
            declines += result.entry_id is None
        else:
            expect = item.get("expect")
            answers += isinstance(expect, list) and result.entry_id in expect
    return answers, declines


def cross_validate(paths: Sequence[Path],
                   shares: Sequence[float] = SHARES) -> dict[str, object]:
    """Return the leave-one-set-out figures: per set and share, the answers and declines
    right with a model fitted without that set, and the share chosen (see the module
    docstring). Sets without named entries are measured with the model fitted on all."""
    from bot.app import question_services
    from bot.cli.knowledge import _shipped_listings

    services = question_services()
    index = services.questions
    shipped = (index.ranker, index.rank_share)
    folds = fold_rankers(index, paths)
    figures: dict[str, dict[float, tuple[int, int]]] = {}
    with tempfile.TemporaryDirectory(prefix="riskguide-rank-") as scratch:
        services.listings = _shipped_listings(Path(scratch))
        try:
            for path in paths:
                name = path.stem.removeprefix("questions-")
                index.ranker = folds[name]
                figures[name] = {}
                for share in shares:
                    index.rank_share = share
                    figures[name][share] = _outcomes(services, path)
        finally:
            index.ranker, index.rank_share = shipped
    return {"sets": figures, "share": choose_share(figures, shares)}


def choose_share(figures: dict[str, dict[float, tuple[int, int]]],
                 shares: Sequence[float]) -> float:
    """Return the smallest share whose answers and declines summed over the sets are within
    NOISE of the most, no set losing more than LOST_PER_SET of either against share 0 (0 when
    none gains): the less the model overrules the entries' own texts, the less the answers
    rest on the development sets' wording."""
    gains: dict[float, int] = {}
    for share in shares:
        if all(f[0.0][i] - f[share][i] <= LOST_PER_SET
               for f in figures.values() for i in (0, 1)):
            gains[share] = sum(sum(f[share]) - sum(f[0.0]) for f in figures.values())
    best = max(gains.values(), default=0)
    if best <= 0:
        return 0.0
    margin = NOISE * sum(sum(f[0.0]) for f in figures.values())
    return min(share for share, gain in gains.items() if gain > 0 and gain >= best - margin)


def format_figures(figures: dict[str, object]) -> str:
    """Return the cross-validated figures as lines: per set, answers/declines at each share."""
    sets = figures["sets"]
    assert isinstance(sets, dict)
    shares = list(next(iter(sets.values()))) if sets else []
    lines = ["set: " + "  ".join(f"{s:.1f}" for s in shares) + "  (answers+declines right)"]
    totals = {s: 0 for s in shares}
    for name, per_share in sets.items():
        cells = []
        for s in shares:
            answers, declines = per_share[s]
            totals[s] += answers + declines
            cells.append(f"{answers}+{declines}")
        lines.append(f"  {name}: " + "  ".join(cells))
    lines.append("total: " + "  ".join(f"{s:.1f}={totals[s]}" for s in shares))
    lines.append(f"chosen share: {figures['share']}")
    return "\n".join(lines)


def refit(paths: Sequence[Path], path: Path = ranker.WEIGHTS) -> ranker.Ranker:
    """Fit the ranker on every labelled question and write it where the package ships it;
    return it."""
    from bot.knowledge.prebuilt import build_index

    index = build_index()
    model = fit_on(index, labelled(index, paths))
    ranker.save(model, path)
    return model
