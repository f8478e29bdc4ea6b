"""Benchmark of the whole chat answer path: a question answered as in chat, the names it
mentions checked against the registry snapshot shipped with the bot.

`riskguide kb bench` times the question matcher alone; a chat reply also looks for names in
the question (handlers.named) and checks them, which costs more than the match. Each question
is answered once by `Dispatcher.ask_replies` in a process that has answered one question
naming someone already (data loaded, word tables read, as in `riskguide run` after start),
so every timed question is new to the process the way a user's question is. The figures are
split by whether the question names someone (a name found by the same path), and the name
step is timed on its own inside the same call.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from handlers.context import Services

# Answered before timing: loads the name index, the scanner and the base's word tables (the
# Latin-typed one the transliteration tables, tens of ms on first use).
WARM_QUESTIONS = ("можно ли цитировать Медиазону", "mozhno li citirovat mediazonu")
GROUPS = ("no_names", "names")


def _percentile(sorted_ms: list[float], share: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * share))]


def _summary(prefix: str, rows: list[dict[str, float]]) -> dict[str, Any]:
    """Return count, p50 and p99 of wall and CPU ms (and of the name step's CPU) of `rows`."""
    out: dict[str, Any] = {f"{prefix}_questions": len(rows)}
    for key in ("wall_ms", "cpu_ms", "names_cpu_ms"):
        values = sorted(r[key] for r in rows)
        stem = key.removesuffix("_ms")
        out[f"{prefix}_p50_{stem}_ms"] = round(statistics.median(values), 3) if values else 0.0
        out[f"{prefix}_p99_{stem}_ms"] = round(_percentile(values, 0.99), 3) if values else 0.0
    return out


def run(services: Services, questions: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Return p50/p99 wall and CPU ms per question of the chat answer path, for questions
    naming nobody (`chat_no_names_*`) and naming someone (`chat_names_*`), plus the CPU ms
    of the name step alone (`*_names_cpu_ms`)."""
    from bot.i18n import Translator
    from bot.knowledge import naming
    from handlers import dispatcher as dispatcher_module
    from handlers.dispatcher import Dispatcher
    from handlers.named import names_in_question

    dispatcher = Dispatcher(services)
    naming.warm(services.questions)
    if services.listings is not None:
        services.listings.warm_scanner()
    for question in WARM_QUESTIONS:
        dispatcher.ask_replies(question, Translator("ru"))

    step: list[float] = []

    def timed(find: Callable[[str, Services], Any]) -> Callable[[str, Services], Any]:
        def wrapper(text: str, svc: Services) -> Any:
            started = time.thread_time()
            try:
                return find(text, svc)
            finally:
                step.append((time.thread_time() - started) * 1000)
        return wrapper

    rows: list[tuple[str, str, dict[str, float]]] = []
    # The dispatcher looks the function up in its module at each call: timing it there
    # measures the name step inside the very call being timed, with no second pass.
    dispatcher_module.names_in_question = timed(names_in_question)  # type: ignore[assignment]
    try:
        for text, lang in questions:
            t = Translator(lang)
            step.clear()
            wall = time.perf_counter()
            cpu = time.thread_time()
            dispatcher.ask_replies(text, t)
            rows.append((text, lang, {
                "cpu_ms": (time.thread_time() - cpu) * 1000,
                "wall_ms": (time.perf_counter() - wall) * 1000,
                "names_cpu_ms": sum(step),
            }))
    finally:
        dispatcher_module.names_in_question = names_in_question
    # Sorted into groups after timing (the look-up is cached by then, and timed no more).
    grouped: dict[str, list[dict[str, float]]] = {g: [] for g in GROUPS}
    for text, _lang, row in rows:
        grouped["names" if names_in_question(text, services) else "no_names"].append(row)
    figures: dict[str, Any] = {}
    for group in GROUPS:
        figures.update(_summary(f"chat_{group}", grouped[group]))
    return figures


def format_lines(f: dict[str, Any]) -> list[str]:
    """Return the chat-path figures as lines of the `riskguide kb bench` report."""
    lines = ["chat answer path (names checked against the shipped snapshot), each question once:"]
    for group, label in (("no_names", "naming nobody"), ("names", "naming someone")):
        p = f"chat_{group}"
        lines.append(
            f"  {label} ({f[p + '_questions']}): p50 {f[p + '_p50_cpu_ms']:.2f} ms CPU / "
            f"{f[p + '_p50_wall_ms']:.2f} ms wall, p99 {f[p + '_p99_cpu_ms']:.2f} ms CPU / "
            f"{f[p + '_p99_wall_ms']:.2f} ms wall (target 2 ms); name step CPU p50 "
            f"{f[p + '_p50_names_cpu_ms']:.2f} ms, p99 {f[p + '_p99_names_cpu_ms']:.2f} ms")
    return lines
