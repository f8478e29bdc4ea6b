"""CLI commands over the knowledge base: ask, kb validate, kb eval (also out of fold),
kb calibrate, kb rank, kb bench."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from bot.listings.service import ListingService
    from handlers.context import Services

DEV_QUESTIONS = Path("../shared/eval/questions-dev.json")
# The development question sets of the repository; the clean held-out set is never read.
REPO_QUESTION_SETS = Path("tests/data")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `ask` and `kb validate|eval|bench` on the riskguide parser."""
    ask = sub.add_parser("ask", help="answer a question from the knowledge base")
    ask.add_argument("text", metavar="TEXT", help="the question, or - to read one per line")
    ask.add_argument("--lang", choices=("ru", "en"), help="reply language (default: detected)")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    ask.set_defaults(func=cmd_ask)

    kb = sub.add_parser("kb", help="knowledge-base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    val = kb_sub.add_parser("validate", help="check every knowledge file; exit 1 on errors")
    val.add_argument("--dir", type=Path, help="knowledge directory (default: the bundled one)")
    val.set_defaults(func=cmd_validate)
    ev = kb_sub.add_parser("eval", help="answer and abstention rates on an evaluation set")
    ev.add_argument("--set", dest="path", type=Path, default=DEV_QUESTIONS)
    ev.add_argument("--failures", action="store_true", help="list the questions handled wrongly")
    ev.add_argument("--no-registries", action="store_true",
                    help="the knowledge base alone: no name in a question is checked")
    ev.add_argument("--leave-one-out", action="store_true",
                    help="ask each of the base's example questions of an index built without it")
    ev.add_argument("--out-of-fold", action="store_true",
                    help="ask each of the repository's question sets as in chat, ranked by the "
                    "ranker fitted without that set")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.set_defaults(func=cmd_eval)
    cal = kb_sub.add_parser("calibrate", help="refit the calibrated in-scope decision and the "
                            "decision confirming weakly anchored questions on the repository's "
                            "question sets, with leave-one-set-out figures")
    cal.add_argument("--json", action="store_true", help="print one JSON object")
    cal.set_defaults(func=cmd_calibrate)
    rank = kb_sub.add_parser("rank", help="refit the learned ranker on the example questions "
                             "and the development sets and write its weights")
    rank.add_argument("--cross-validate", action="store_true",
                      help="print leave-one-set-out figures instead of writing the weights")
    rank.add_argument("--json", action="store_true", help="print one JSON object")
    rank.set_defaults(func=cmd_rank)
    bench = kb_sub.add_parser("bench", help="start-up (cold and warm cache), index build, "
                              "per-question latency and memory")
    bench.add_argument("--set", dest="path", type=Path, default=DEV_QUESTIONS)
    bench.add_argument("--rounds", type=int, default=20)
    bench.add_argument("--startup-runs", type=int, default=3,
                       help="one-question processes timed per cache state (0: none)")
    bench.add_argument("--chat-set", dest="chat_sets", type=Path, action="append",
                       help="question set answered through the whole chat path (repeatable; "
                       "default: --set and tests/data/questions-*.json)")
    bench.add_argument("--no-chat", action="store_true",
                       help="time the matcher alone, not the chat path with registries")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.set_defaults(func=cmd_bench)


def _lines(text: str) -> Iterator[str]:
    if text != "-":
        yield text
        return
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line.strip():
            yield line


def cmd_ask(args: argparse.Namespace) -> int:
    """Print the answer to each question (text or JSON lines); exit 1 on a broken base."""
    from bot.app import question_services
    from handlers.ask import ask_once

    try:
        services = question_services()
    except Exception as exc:
        # The loader (and YAML) is imported only when the index did not come from the cache.
        from bot.knowledge.loader import KnowledgeError

        if not isinstance(exc, KnowledgeError):
            raise
        print(exc, file=sys.stderr)
        return 1
    for question in _lines(args.text):
        outcome = ask_once(services, question, args.lang)
        if args.json:
            print(json.dumps(outcome, ensure_ascii=False), flush=True)
        else:
            print(f"{outcome['text']}\n", flush=True)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Print every problem as file:line: field: problem; exit 1 if there is any."""
    from bot.knowledge.loader import stale_entries, validate
    from bot.paths import knowledge_dir

    directory = args.dir or knowledge_dir()
    kb, problems = validate(directory)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s) in {directory}", file=sys.stderr)
        return 1
    stale = stale_entries(kb)
    for w in stale:
        print(f"warning: {w}")
    print(f"ok: {len(kb.entries)} entries in {directory}"
          + (f", {len(stale)} due for review" if stale else ""))
    return 0


def _load_set(path: Path) -> list[dict[str, object]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list")
    return data


def evaluate(path: Path, registries: bool = True) -> dict[str, object]:
    """Return answer and abstention rates on an evaluation set, with the failing items.

    With `registries` the questions are answered as in chat, where the names they mention are
    checked ("can I donate to The Insider" is in scope because The Insider is listed), against
    the snapshot shipped with the bot: the same data on every machine, so figures compare.
    """
    if not registries:
        from bot.app import question_services

        return _rates(question_services(), _load_set(path))
    with shipped_services("eval") as services:
        return _rates(services, _load_set(path))


def evaluate_out_of_fold(paths: list[Path]) -> dict[str, dict[str, object]]:
    """Return `evaluate`'s rates for each set of `paths` (by name), its questions answered as
    in chat but ranked by the learned ranker fitted on the examples and the other sets only.

    The shipped ranker has seen every set's questions, so in-sample rates flatter any change
    that moves the ranker; this is how well the bot reads wordings it was not fitted on,
    the figure a change to the matcher is kept or dropped by. The fold rankers come from the
    disk cache when the labelled questions and the fitting code are unchanged.
    """
    from bot.measure import rank_fit

    rates = {}
    with shipped_services("eval") as services:
        index = services.questions
        shipped = index.ranker
        folds = rank_fit.fold_rankers(services, paths)
        try:
            for path in paths:
                name = path.stem.removeprefix("questions-")
                index.ranker = folds[name]
                rates[name] = _rates(services, _load_set(path))
        finally:
            index.ranker = shipped
    return rates


def _rates(services: Services, items: list[dict[str, object]]) -> dict[str, object]:
    """Return the rates of `evaluate` for `items` answered by `services`."""
    from handlers.ask import ask_once

    answered = answered_ok = abstain = abstain_ok = 0
    failures = []
    for item in items:
        outcome = ask_once(services, str(item["q"]), str(item["lang"]))
        if item.get("expect_no_answer"):
            abstain += 1
            ok = outcome["answer_id"] is None
            abstain_ok += ok
        else:
            answered += 1
            expect = item.get("expect")
            if isinstance(expect, list) and expect:
                # Held-out sets name the entries that answer the question (any of them will do).
                ok = outcome["answer_id"] in expect
            else:
                text = str(outcome["text"]).lower()
                markers = item.get("markers") or []
                assert isinstance(markers, list)
                ok = all(any(str(m).lower() in text for m in group) for group in markers)
            answered_ok += ok
        if not ok:
            failures.append({"q": item["q"], "topic": item.get("topic"),
                             "got": outcome["answer_id"], "score": outcome["score"]})
    return {
        "answerable": answered, "answered_correctly": answered_ok,
        "answer_rate": answered_ok / answered if answered else 0.0,
        "off_topic": abstain, "abstained_correctly": abstain_ok,
        "abstain_rate": abstain_ok / abstain if abstain else 0.0,
        "failures": failures,
    }


@contextmanager
def shipped_services(purpose: str) -> Iterator[Services]:
    """Yield the question services with listings over the bundled snapshot only, in a
    throwaway data directory named for `purpose`: what every measurement answers with
    (evaluations, calibration, the ranker's fits, the chat bench), so that figures compare
    across machines and the operator's data is never read or written."""
    from bot.app import question_services

    services = question_services()
    with tempfile.TemporaryDirectory(prefix=f"riskguide-{purpose}-") as scratch:
        services.listings = _shipped_listings(Path(scratch))
        yield services


def _shipped_listings(scratch: Path) -> ListingService:
    """Return a listing service over the bundled snapshot only (`scratch`: an empty, throwaway
    data directory and database), so an evaluation never reads or writes the operator's data."""
    from bot.config import load_settings
    from bot.listings.service import ListingService

    env = {k: v for k, v in os.environ.items() if k != "RISKGUIDE_DATABASE_URL"}
    env["RISKGUIDE_DATA_DIR"] = str(scratch)
    return ListingService(load_settings(env, chat=False))


def cmd_leave_one_out(failures: bool) -> int:
    """Print how many of the base's own example questions an index without them answers right."""
    from bot.knowledge.holdout import leave_one_out
    from bot.knowledge.loader import load

    results = leave_one_out(load())
    right = sum(r.got == r.entry_id for r in results)
    declined = sum(r.got is None for r in results)
    print(f"example questions answered by their entry when left out: {right}/{len(results)}"
          f" = {right / max(1, len(results)):.1%} ({declined} declined)")
    if failures:
        for r in results:
            if r.got != r.entry_id:
                print(f"  FAIL [{r.entry_id}] {r.question!r} -> {r.got} ({r.score})")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Print an evaluation set's rates (one JSON object with --json), the leave-one-out
    figure, or the out-of-fold figures of the repository's sets."""
    if args.leave_one_out:
        return cmd_leave_one_out(args.failures)
    if args.out_of_fold:
        return cmd_out_of_fold(args.json, args.failures)
    if not args.path.exists():
        print(f"evaluation set not found: {args.path}", file=sys.stderr)
        return 1
    r = evaluate(args.path, registries=not args.no_registries)
    if args.json:
        print(json.dumps({k: v for k, v in r.items() if args.failures or k != "failures"},
                         ensure_ascii=False))
        return 0
    print(f"answerable questions answered correctly: {r['answered_correctly']}/{r['answerable']}"
          f" = {r['answer_rate']:.1%}")
    print(f"off-topic questions correctly declined:  {r['abstained_correctly']}/{r['off_topic']}"
          f" = {r['abstain_rate']:.1%}")
    if args.failures:
        for f in r["failures"]:  # type: ignore[attr-defined]
            print(f"  FAIL [{f['topic']}] {f['q']!r} -> {f['got']} ({f['score']})")
    return 0


def cmd_out_of_fold(as_json: bool, failures: bool) -> int:
    """Print, per repository question set and in total, the out-of-fold rates
    (`evaluate_out_of_fold`); exit 1 when there are no sets (an installed package has none)."""
    paths = _repo_question_sets()
    if not paths:
        print(f"no question sets in {REPO_QUESTION_SETS}: run from a clone of the repository",
              file=sys.stderr)
        return 1
    per_set = evaluate_out_of_fold(paths)
    total = {key: sum(cast(int, r[key]) for r in per_set.values())
             for key in ("answerable", "answered_correctly", "off_topic", "abstained_correctly")}
    if as_json:
        sets = {name: {k: v for k, v in r.items() if failures or k != "failures"}
                for name, r in per_set.items()}
        print(json.dumps({**total, "sets": sets}, ensure_ascii=False))
        return 0
    for name, r in per_set.items():
        print(f"{name}: answered {r['answered_correctly']}/{r['answerable']},"
              f" declined {r['abstained_correctly']}/{r['off_topic']}")
        if failures:
            for f in r["failures"]:  # type: ignore[attr-defined]
                print(f"  FAIL [{f['topic']}] {f['q']!r} -> {f['got']} ({f['score']})")
    print(f"all {len(per_set)} sets out of fold: answered {total['answered_correctly']}/"
          f"{total['answerable']}, declined {total['abstained_correctly']}/{total['off_topic']}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Print the refitted coefficients of the calibrated in-scope decision and of the decision
    confirming weakly anchored questions (the constants of bot/knowledge/calibration.py) and the
    cross-validated figures of each candidate feature set."""
    from bot.measure import calibrate

    sets = calibrate.calibration_sets(REPO_QUESTION_SETS)
    if not sets:
        print(f"no question sets under {REPO_QUESTION_SETS}", file=sys.stderr)
        return 1
    figures = calibrate.report(sets, calibrate.question_sets(REPO_QUESTION_SETS))
    print(json.dumps(figures) if args.json else calibrate.format_report(figures))
    return 0


def cmd_rank(args: argparse.Namespace) -> int:
    """Refit the learned ranker (bot/knowledge/ranker_weights.npz) on the repository's
    development sets, or print its leave-one-set-out figures with --cross-validate."""
    from bot.measure import rank_fit

    sets = _repo_question_sets()
    if not sets:
        print(f"no question sets under {REPO_QUESTION_SETS}", file=sys.stderr)
        return 1
    if args.cross_validate:
        figures = rank_fit.cross_validate(sets)
        if args.json:
            print(json.dumps({"chosen": rank_fit.config_name(figures["chosen"]),  # type: ignore[arg-type]
                              "sets": {name: {rank_fit.config_name(c): v for c, v in per.items()}
                                       for name, per in figures["sets"].items()}}))  # type: ignore[attr-defined]
        else:
            print(rank_fit.format_figures(figures))
        return 0
    model = rank_fit.refit(sets)
    print(f"ranker fitted: {len(model.weights)} terms x {len(model.entries)} entries")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Print index build time, per-question latency and one-question process start-up."""
    from bot.measure import kb_bench

    if not args.path.exists():
        print(f"evaluation set not found: {args.path}", file=sys.stderr)
        return 1
    figures = kb_bench.run(args.path, rounds=args.rounds, startup_runs=args.startup_runs)
    text = kb_bench.format_figures(figures)
    if not args.no_chat:
        from bot.measure import chat_bench

        sets = args.chat_sets or [args.path, *_repo_question_sets()]
        missing = [p for p in sets if not p.exists()]
        if missing:
            print(f"evaluation set not found: {missing[0]}", file=sys.stderr)
            return 1
        questions = [(str(i["q"]), str(i["lang"])) for p in sets for i in _load_set(p)]
        with shipped_services("bench") as services:
            chat = chat_bench.run(services, questions)
        chat["chat_sets"] = [str(p) for p in sets]
        figures.update(chat)
        text = "\n".join([text, *chat_bench.format_lines(chat)])
    print(json.dumps(figures) if args.json else text)
    return 0


def _repo_question_sets() -> list[Path]:
    """Return the repository's development question sets (never the clean held-out set)."""
    from bot.measure.calibrate import question_sets

    return question_sets(REPO_QUESTION_SETS) if REPO_QUESTION_SETS.is_dir() else []
