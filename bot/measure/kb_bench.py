"""Benchmark of questions: what one `riskguide ask` process costs (cold and warm cache), how
long the question index takes to build, and per-question latency in a long-running process.

Start-up is measured the way scripts and bars meet it: a fresh `python -m bot.cli ask`
process, timed from outside, once with an empty cache directory (YAML read, index built and
stored) and once with the cache that run left (index read back). Each child's CPU time
comes from the kernel (wait4), so a busy machine shows as wall time above CPU, and its peak
memory from the child itself.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.measure.memory import peak_rss_mb

# A question the base answers, in Russian (the language most questions come in).
STARTUP_QUESTION = "какой штраф за репост материалов иноагента"


# The child reports its own peak memory (VmHWM, Linux) as it exits: the kernel's rusage of a
# child also counts the parent's memory at the fork, so it overstates a small child of a big
# parent (a test run, or this benchmark after building an index).
_PROBE = """
import atexit, runpy, sys

def _peak():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    sys.stderr.write("riskguide-peak-kb " + line.split()[1] + "\\n")
    except OSError:
        pass

atexit.register(_peak)
sys.argv[0] = "riskguide"
runpy.run_module("bot.cli", run_name="__main__", alter_sys=True)
"""


def _child(question: str, cache_dir: Path) -> dict[str, float]:
    """Run one `riskguide ask` process; return its wall and CPU seconds and peak memory (MB)."""
    env = {**os.environ, "RISKGUIDE_CACHE_DIR": str(cache_dir)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _PROBE, "ask", question],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"riskguide ask exited {proc.returncode}: {stderr.strip()}")
    peak_kb = next((float(line.split()[1]) for line in stderr.splitlines()
                    if line.startswith("riskguide-peak-kb ")),
                   float(usage.ru_maxrss))  # kilobytes on Linux
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": peak_kb / 1024}


def startup(runs: int) -> dict[str, Any]:
    """Return the median wall and CPU seconds and peak memory of `runs` cold and `runs` warm
    one-question processes (each cold run with a cache directory of its own)."""
    cold: list[dict[str, float]] = []
    warm: list[dict[str, float]] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="riskguide-bench-cache-") as tmp:
            cold.append(_child(STARTUP_QUESTION, Path(tmp)))
            warm.append(_child(STARTUP_QUESTION, Path(tmp)))

    def median(rows: list[dict[str, float]], key: str) -> float:
        return round(statistics.median(r[key] for r in rows), 3)

    return {f"{name}_{key}": median(rows, key)
            for name, rows in (("startup_cold", cold), ("startup_warm", warm))
            for key in ("wall_s", "cpu_s", "peak_mb")}


def _percentile(sorted_ms: list[float], share: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * share))]


def run(questions_path: Path, rounds: int = 20, startup_runs: int = 3) -> dict[str, Any]:
    """Return every figure of `riskguide kb bench` as one flat mapping (the --json object).

    Times are seconds (`_s`) or milliseconds (`_ms`); memory is MB.
    """
    figures: dict[str, Any] = startup(startup_runs) if startup_runs > 0 else {}
    if startup_runs > 0:
        figures["startup_runs"] = startup_runs
    from bot.knowledge.index import QuestionIndex
    from bot.knowledge.loader import load

    started = time.perf_counter()
    kb = load()
    loaded = time.perf_counter()
    index = QuestionIndex(kb)
    built = time.perf_counter()
    items = json.loads(questions_path.read_text(encoding="utf-8"))
    questions = [(str(i["q"]), str(i["lang"])) for i in items]
    by_round: list[list[float]] = []
    # CPU time of this thread per question too: on a shared, loaded machine wall-clock time
    # also counts the time other processes held the CPU.
    cpu: list[float] = []
    for _ in range(rounds):
        this_round = []
        for q, lang in questions:
            s = time.perf_counter()
            c = time.thread_time()
            index.match(q, lang)
            cpu.append((time.thread_time() - c) * 1000)
            this_round.append((time.perf_counter() - s) * 1000)
        by_round.append(this_round)
    every = sorted(ms for r in by_round for ms in r)
    cpu.sort()
    # The first round meets every word uncached: its p99 is what a new question costs.
    first = sorted(by_round[0]) if by_round and by_round[0] else [0.0]
    figures.update({
        "entries": len(kb.entries),
        "yaml_load_s": round(loaded - started, 3),
        "index_build_s": round(built - loaded, 3),
        "questions": len(questions), "rounds": rounds,
        "p50_ms": round(statistics.median(every), 3) if every else 0.0,
        "p99_ms": round(_percentile(every, 0.99), 3) if every else 0.0,
        "mean_ms": round(statistics.fmean(every), 3) if every else 0.0,
        "p99_first_round_ms": round(_percentile(first, 0.99), 3),
        "p50_cpu_ms": round(statistics.median(cpu), 3) if cpu else 0.0,
        "p99_cpu_ms": round(_percentile(cpu, 0.99), 3) if cpu else 0.0,
        "peak_mb": round(peak_rss_mb(), 1),
    })
    return figures


def format_figures(f: dict[str, Any]) -> str:
    """Return the figures as the human-readable report of `riskguide kb bench`."""
    lines = [
        f"entries: {f['entries']}",
        f"knowledge YAML load: {f['yaml_load_s']:.3f} s; index build: {f['index_build_s']:.3f} s",
        f"questions: {f['questions']} x {f['rounds']} rounds in one process",
        f"  per question p50 {f['p50_ms']:.2f} ms, p99 {f['p99_ms']:.2f} ms, "
        f"mean {f['mean_ms']:.2f} ms (target 2 ms); first round p99 "
        f"{f['p99_first_round_ms']:.2f} ms",
        f"  CPU time per question p50 {f['p50_cpu_ms']:.2f} ms, p99 {f['p99_cpu_ms']:.2f} ms",
        f"  this process's peak memory: {f['peak_mb']:.0f} MB",
    ]
    if "startup_warm_wall_s" in f:
        lines.append(f"one-question process (`riskguide ask`), median of {f['startup_runs']}:")
        for name, label in (("startup_cold", "cold cache (index built)"),
                            ("startup_warm", "warm cache (index read) ")):
            lines.append(f"  {label}: {f[name + '_wall_s']:.2f} s wall, "
                         f"{f[name + '_cpu_s']:.2f} s CPU, {f[name + '_peak_mb']:.0f} MB peak")
        lines.append("  (target 0.7 s; wall above CPU is time spent waiting for a busy machine)")
    return "\n".join(lines)
