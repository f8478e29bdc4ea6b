"""Fit the learned lexical ranker (bot.knowledge.ranker) and measure it out of fold.

The labelled questions are the base's own example questions and the in-scope questions of
every development set that names the entries answering them (never the clean held-out set,
see bot.measure.calibrate.CLEAN_SET). Each is read as the matcher reads it in chat: the
names that say nothing about what is asked cut out (see Dispatcher.read_names, names checked
against the shipped snapshot), then the terms it resolves for the whole question (typos,
thesaurus and stump compounds folded) and the words it never uses (see ranker.UNKNOWN).

Cross-validation leaves one set out at a time: a model fitted on the examples and every other
set ranks that set's questions (answered as in chat, names checked against the shipped
snapshot) at each share of the score and pair of margins (see ranker.overrules); the way
chosen is the one with the least influence (smallest share, then largest margins) whose
out-of-fold answers and declines, summed over the sets, are within NOISE of the most, no set
losing more than LOST_PER_SET of either against the matcher without the ranker (see
`choose`).
"""

from __future__ import annotations

import inspect
import math
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge import ranker

if TYPE_CHECKING:
    from bot.knowledge.index import QuestionIndex
    from handlers.context import Services

# The shares of the score tried by cross-validation (0: the matcher without the ranker).
SHARES = (0.0, 0.3, 0.5, 0.7, 0.9, 1.0)
# The margins tried (see ranker.overrules): -inf lets the model change any leader the
# entries' texts chose.
MARGINS = (-math.inf, 0.0, 0.1, 0.3)
# The margins tried where a reordering rule chose the leader: inf lets every rule's leader
# stand (the way before session 15).
RULE_MARGINS = (0.0, 0.1, 0.2, 0.3, 0.5, math.inf)
# No set may lose more than this many answers or declines at the chosen share (the keep rule).
LOST_PER_SET = 2

# Gains this close to the best (a share of the questions answered or declined right) are
# noise: 0.3 and 0.4 differed by 3 of 3,344 (session 10).
NOISE = 0.001

Labelled = tuple[str, dict[str, float], list[str]]  # set name, resolved terms, right entries


def rank_inputs(index: QuestionIndex, question: str, lang: str) -> dict[str, float]:
    """Return what the learned ranker reads for a whole question: the terms the matcher
    resolves and weighs in its scores, and the words the base never uses (see
    QuestionIndex._rank_inputs); empty when it resolves none."""
    seen: list[dict[str, float]] = []
    inputs = index._rank_inputs

    def observe(resolved: dict[str, float], unknown: dict[str, float],
                read: Sequence[tuple[str, float, str]]) -> dict[str, float]:
        seen.append(inputs(resolved, unknown, read))
        return seen[-1]

    index._rank_inputs = observe  # type: ignore[method-assign]
    try:
        index._match_one(question, lang, True, lambda features: True)
    finally:
        del index._rank_inputs
    return seen[0] if seen else {}


def chat_reading(services: Services) -> Callable[[str], str]:
    """Return what reads a question as the matcher gets it in chat (Dispatcher.read_names):
    a name cut there must not be a word the ranker learns from ("Сколько лет ?name")."""
    from handlers.dispatcher import Dispatcher

    dispatcher = Dispatcher(services)
    return lambda question: dispatcher.read_names(question)[1]


def labelled(index: QuestionIndex, paths: Sequence[Path],
             read: Callable[[str], str]) -> list[Labelled]:
    """Return the labelled questions: the base's examples (set "examples"), then each set's
    in-scope questions that name their entries and its off-topic ones (target ranker.NONE:
    the class that tells the calibrated decisions how off-topic a question's words read),
    each as `read` gives it to the matcher (see `chat_reading`)."""
    from bot.cli.knowledge import _load_set

    out: list[Labelled] = [("examples", terms, [entry_id])
                           for entry_id, terms in index.example_terms()]
    for path in paths:
        name = path.stem.removeprefix("questions-")
        for item in _load_set(path):
            expect = item.get("expect")
            if item.get("expect_no_answer"):
                target = [ranker.NONE]
            elif isinstance(expect, list) and expect:
                target = [str(e) for e in expect]
            else:
                continue
            terms = rank_inputs(index, read(str(item["q"])), str(item["lang"]))
            if terms:
                out.append((name, terms, target))
    return out


def classes(index: QuestionIndex) -> list[str]:
    """Return the ranker's classes: the index's entries, then ranker.NONE."""
    return [*(e.id for e in index.kb.entries), ranker.NONE]


def fit_on(index: QuestionIndex, rows: Sequence[Labelled]) -> ranker.Ranker:
    """Return the ranker fitted on `rows` over the index's entries."""
    return ranker.fit([r for _, r, _ in rows], [t for _, _, t in rows], classes(index))


def fold_rankers(services: Services, paths: Sequence[Path]) -> dict[str, ranker.Ranker]:
    """Return, per set, the ranker fitted on the examples and every other set: what ranks
    that set's questions as the shipped one ranks questions nobody has written yet
    (`services` with the shipped snapshot's listings, see `chat_reading`).

    The models are kept in the disk cache (bot.cache), keyed by the labelled questions and the
    fitting code, so that trying another way of using them (or calibrating) refits nothing."""
    from bot import cache

    index = services.questions
    rows = labelled(index, paths, chat_reading(services))
    names = [path.stem.removeprefix("questions-") for path in paths]
    entries = classes(index)
    key = cache.content_key(
        "".join(inspect.getsource(code) for code in (ranker.fit, ranker._Design,
                                                     ranker._normalised, ranker._learned_only)),
        repr((ranker.L2, ranker.STEPS, ranker.INPUT_POWER, ranker.MIN_UNKNOWN_USES, entries,
              names)),
        repr([(name, sorted(terms.items()), target) for name, terms, target in rows]))
    return cache.load_or_build("rank-folds", key, lambda: fit_folds(rows, names, entries))


def fit_folds(rows: Sequence[Labelled], names: Sequence[str],
              entries: Sequence[str]) -> dict[str, ranker.Ranker]:
    """Return, per set name, the ranker fitted on `rows` without that set's, over `entries`.

    The folds are independent and each is a few hundred steps of numpy on one core, so they
    are fitted in parallel, one process per core: a clean refit (`kb calibrate`, the test that
    the shipped calibration is reproduced) spent most of its time fitting them one by one.
    The processes are spawned, not forked: the caller may hold threads (a test runner's, a
    bot's), and a forked copy of a held lock never unlocks. Each fold's fit is the same
    computation as in one process, so the models are the same to the last bit.
    """
    jobs = {name: ([terms for set_name, terms, _ in rows if set_name != name],
                   [target for set_name, _, target in rows if set_name != name])
            for name in names}
    workers = min(len(jobs), os.cpu_count() or 1)
    if workers < 2:
        return {name: ranker.fit(x, y, entries) for name, (x, y) in jobs.items()}
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        fitted = {name: pool.submit(ranker.fit, x, y, list(entries))
                  for name, (x, y) in jobs.items()}
        return {name: future.result() for name, future in fitted.items()}


Config = tuple[float, float, float]  # the share, MARGIN and RULE_MARGIN (see ranker)
Outcome = tuple[int, int]  # answers right, declines right


def _configs(shares: Sequence[float]) -> list[Config]:
    """Return the ways of using the ranker tried, the one without it (share 0) first."""
    return [(0.0, -math.inf, math.inf)] + [
        (share, margin, rule_margin) for share in shares if share
        for margin in MARGINS for rule_margin in RULE_MARGINS]


def _overrules(margin: float, rule_margin: float) -> Callable[[float, bool], bool]:
    """Return ranker.overrules with the given margins."""
    return partial(ranker.overrules, margin=margin, rule_margin=rule_margin)


def _set_outcomes(services: Services, path: Path,
                  configs: Sequence[Config]) -> dict[Config, Outcome]:
    """Return, per way of using the ranker, the answers right and the declines right of a
    set answered as in chat.

    Per share each question is answered once with the ranker changing every leader the
    entries' texts chose, noting by how much it prefers its own; it is answered again only
    for the margins that would keep a leader it changed (once per distinct set of kept
    leaders)."""
    from bot.cli.knowledge import _load_set
    from handlers.dispatcher import Dispatcher

    dispatcher = Dispatcher(services)
    index = services.questions
    shipped = index.rank_share, index.rank_overrules
    totals = dict.fromkeys(configs, (0, 0))
    by_share: dict[float, list[Config]] = {}
    for config in configs:
        by_share.setdefault(config[0], []).append(config)

    def outcome(item: dict[str, object]) -> Outcome:
        result, _ = dispatcher.match_question(str(item["q"]), str(item["lang"]))
        if item.get("expect_no_answer"):
            return 0, int(result.entry_id is None)
        expect = item.get("expect")
        return int(isinstance(expect, list) and result.entry_id in expect), 0

    try:
        for item in _load_set(path):
            for share, group in by_share.items():
                index.rank_share = share
                asked: list[tuple[float, bool]] = []

                def note(gain: float, rule_chose: bool,
                         asked: list[tuple[float, bool]] = asked) -> bool:
                    asked.append((gain, rule_chose))
                    return not rule_chose

                index.rank_overrules = note
                first = outcome(item)
                seen = {tuple(not chose for _, chose in asked): first}
                for config in group:
                    rule = _overrules(config[1], config[2])
                    pattern = tuple(rule(gain, chose) for gain, chose in asked)
                    if pattern in seen:
                        got = seen[pattern]
                    else:
                        index.rank_overrules = rule
                        got = seen[pattern] = outcome(item)
                    answers, declines = totals[config]
                    totals[config] = answers + got[0], declines + got[1]
    finally:
        index.rank_share, index.rank_overrules = shipped
    return totals


def cross_validate(paths: Sequence[Path],
                   shares: Sequence[float] = SHARES) -> dict[str, object]:
    """Return the leave-one-set-out figures: per set and way of using the ranker (share,
    margins), the answers and declines right with a model fitted without that set, and the
    way chosen (see `choose`). Sets without named entries are measured with the model fitted
    on all."""
    from bot.cli.knowledge import shipped_services

    configs = _configs(shares)
    figures: dict[str, dict[Config, Outcome]] = {}
    with shipped_services("rank") as services:
        index = services.questions
        shipped = index.ranker
        folds = fold_rankers(services, paths)
        try:
            for path in paths:
                name = path.stem.removeprefix("questions-")
                index.ranker = folds.get(name, shipped)
                figures[name] = _set_outcomes(services, path, configs)
        finally:
            index.ranker = shipped
    return {"sets": figures, "chosen": choose(figures, configs),
            "shipped": (ranker.SHARE, ranker.MARGIN, ranker.RULE_MARGIN)}


def _influence(config: Config) -> tuple[float, float, float]:
    """Return a sort key: the less the model overrules the entries' texts and the rules, the
    earlier."""
    share, margin, rule_margin = config
    return share, -margin, -rule_margin


def choose(figures: dict[str, dict[Config, Outcome]], configs: Sequence[Config]) -> Config:
    """Return the way of using the ranker with the least influence whose answers and declines
    summed over the sets are within NOISE of the most, no set losing more than LOST_PER_SET
    of either against the matcher without it (that one when none gains): the less the model
    overrules the entries' own texts, the less the answers rest on the
    development sets' wording."""
    base = configs[0]
    gains: dict[Config, int] = {}
    for config in configs:
        if all(f[base][i] - f[config][i] <= LOST_PER_SET
               for f in figures.values() for i in (0, 1)):
            gains[config] = sum(sum(f[config]) - sum(f[base]) for f in figures.values())
    best = max(gains.values(), default=0)
    if best <= 0:
        return base
    margin = NOISE * sum(sum(f[base]) for f in figures.values())
    return min((c for c, gain in gains.items() if gain > 0 and gain >= best - margin),
               key=_influence)


def config_name(config: Sequence[float]) -> str:
    """Return a way of using the ranker as "share/margin/rule margin"."""
    return "/".join(f"{x:g}" for x in config)


def format_figures(figures: dict[str, object], top: int = 12) -> str:
    """Return the cross-validated figures as lines: the best ways of using the ranker by
    total, then per set the answers+declines without it, as shipped and as chosen."""
    sets = figures["sets"]
    chosen, shipped = figures["chosen"], figures["shipped"]
    assert isinstance(sets, dict) and isinstance(chosen, tuple) and isinstance(shipped, tuple)
    configs: list[Config] = list(next(iter(sets.values()))) if sets else []
    totals = {c: sum(sum(per[c]) for per in sets.values()) for c in configs}
    lines = ["share/margin/rule margin: answers+declines right, summed over the sets"]
    shown = sorted(configs, key=lambda c: (-totals[c], _influence(c)))[:top]
    shown += [c for c in (configs[0], shipped, chosen) if c not in shown and c in totals]
    lines += [f"  {config_name(c)}: {totals[c]}" for c in shown]
    columns = [configs[0], shipped, chosen] if configs else []
    lines.append("set: " + "  ".join(config_name(c) for c in columns))
    for name, per in sets.items():
        lines.append(f"  {name}: " + "  ".join(
            f"{per[c][0]}+{per[c][1]}" if c in per else "-" for c in columns))
    lines.append(f"shipped: {config_name(shipped)}  chosen: {config_name(chosen)}")
    return "\n".join(lines)


def refit(paths: Sequence[Path], path: Path = ranker.WEIGHTS) -> ranker.Ranker:
    """Fit the ranker on every labelled question and write it where the package ships it;
    return it."""
    from bot.cli.knowledge import shipped_services

    with shipped_services("rank") as services:
        model = fit_on(services.questions,
                       labelled(services.questions, paths, chat_reading(services)))
    ranker.save(model, path)
    return model
