"""`riskguide scan bench`: how long scanning takes at real size and with 100,000 entries.

The figures the scanning issue sets targets for: a 10,000-word article (its first scan and the
p50 of repeated scans, wall and CPU time), 10,000 posts of about 300 words, what building the
name index and the scanner costs, and the process's memory.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bot.measure.memory import peak_rss_mb, rss_mb


def measure(entries: list[Any], sets: Path, folder: Path) -> dict[str, Any]:
    """Return the scan figures over `entries` (a mirror copy's, from `folder`) and the same
    grown to 100,000, with texts built from the evaluation sets in `sets` and the seeds."""
    from bot.measure import scan_eval
    from bot.measure.registry_bench import grow

    items = scan_eval.load_items(sets / "scan-eval-dev.json") + \
        scan_eval.load_items(sets / "scan-eval-heldout.json")
    seeds = sorted(folder.resolve().parents[1].glob("seeds/*.txt"))
    corpus = [i["text"] for i in items] + [p.read_text(encoding="utf-8") for p in seeds]
    article = _words(corpus, 10_000)
    figures: dict[str, Any] = {"entries_real": len(entries), "article_words": 10_000}
    scanner = _bench_size(figures, "real", entries, article)
    figures["peak_rss_real_mb"] = peak_rss_mb()
    posts = [_words(corpus[i:] + corpus[:i], 300) for i in range(len(corpus))]
    t = time.perf_counter()
    mentions = 0
    for n in range(10_000):
        mentions += len(scanner.scan(posts[n % len(posts)]).mentions)
    figures["posts"] = 10_000
    figures["posts_words"] = 10_000 * 300
    figures["posts_s"] = time.perf_counter() - t
    figures["posts_mentions"] = mentions
    del scanner
    grown = grow(entries, 100_000)
    figures["entries_grown"] = len(grown)
    _bench_size(figures, "100k", grown, article)
    figures["peak_rss_mb"] = peak_rss_mb()
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}


def _bench_size(figures: dict[str, Any], size: str, entries: Any, article: str) -> Any:
    """Build the index and scanner over entries and time the article on them; return the
    scanner. `first`: the article's first scan (its words not yet looked up, libraries
    loaded by a short text); the p50 of seven more scans of it (looked-up words cached)."""
    import statistics

    from bot.listings import everyday
    from bot.listings.index import NameIndex
    from bot.listings.scan import Scanner

    rss = rss_mb()
    everyday.preload()  # word lists and analyser: loaded once per process, not per data
    figures[f"libraries_rss_{size}_mb"] = rss_mb() - rss
    t = time.perf_counter()
    index = NameIndex(entries)
    figures[f"index_build_{size}_s"] = time.perf_counter() - t
    rss = rss_mb()
    t = time.perf_counter()
    scanner = Scanner(index)
    figures[f"scanner_build_{size}_s"] = time.perf_counter() - t
    figures[f"scanner_rss_{size}_mb"] = rss_mb() - rss  # what the scanner's tables add
    scanner.scan("Москва, 1 января. Издание сообщило. Moscow, the outlet said.")
    figures[f"article_{size}_first_ms"] = _time(scanner, article) * 1000
    runs, cpu = [], []
    for _ in range(7):
        c = time.process_time()
        runs.append(_time(scanner, article) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    figures[f"article_{size}_ms"] = statistics.median(runs)
    figures[f"article_{size}_max_ms"] = max(runs)
    # CPU time of the same runs: on a machine other jobs share, wall time above it is
    # waiting for a core, not the scan's own cost.
    figures[f"article_{size}_cpu_ms"] = statistics.median(cpu)
    return scanner


def _words(texts: list[str], n: int) -> str:
    out: list[str] = []
    count = 0
    while count < n:
        for text in texts:
            words = text.split()
            out.append(" ".join(words[: n - count]))
            count += min(len(words), n - count)
            if count >= n:
                break
    return "\n\n".join(out)


def _time(scanner: Any, text: str) -> float:
    t = time.perf_counter()
    scanner.scan(text)
    return time.perf_counter() - t
