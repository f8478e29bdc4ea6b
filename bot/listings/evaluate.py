"""The names evaluation: recall@1, false positives and noise per variant on a labelled set.

Items look like `{"query", "lang", "variant", "as_of", "expect": [{"registry",
"name_contains", "listed"}]}`. A positive counts as found when the first match's name contains
an expected `name_contains` and its `listed` agrees; a negative (empty `expect`) is a false
positive when the status is "listed" or "excluded", and noise when it is "possible".
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.listings.model import REGISTRIES
from bot.listings.status import EXCLUDED, LISTED, POSSIBLE, CheckResult

# How far before an item's as_of a mirror file may be and still stand for that date.
MAX_SNAPSHOT_LAG = timedelta(days=45)


@dataclass
class VariantScore:
    """Counts for one variant type (or the total)."""

    positives: int = 0
    found: int = 0
    negatives: int = 0
    false_positives: int = 0
    possible: int = 0
    misses: list[str] = field(default_factory=list)

    def recall(self) -> float | None:
        """Return recall@1 over positives, None when there are none."""
        return self.found / self.positives if self.positives else None

    def fp_rate(self) -> float | None:
        """Return the share of negatives answered with a definite claim."""
        return self.false_positives / self.negatives if self.negatives else None

    def possible_rate(self) -> float | None:
        """Return the share of negatives answered "possible"."""
        return self.possible / self.negatives if self.negatives else None


def as_of_date(value: str) -> date:
    """Return the last day an item's as_of can mean ("2026-07" → 2026-07-31)."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return date(*parts)
    year, month = parts[0], parts[1] if len(parts) > 1 else 12
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def pick_snapshot_files(root: Path, as_of: str) -> dict[str, Path] | None:
    """Return, per registry, the newest mirror file dated on or before as_of.

    Returns None when a registry has no file close enough to as_of to stand for it: the
    items of that date cannot be evaluated with the data at hand.
    """
    end = as_of_date(as_of)
    chosen: dict[str, Path] = {}
    for registry in REGISTRIES:
        if not (root / registry).is_dir():
            continue  # a history without this list (the 2023-2024 one has two of four)
        files = []
        for path in sorted((root / registry).glob("*.json")):
            try:
                d = date.fromisoformat(path.stem)
            except ValueError:
                continue
            if d <= end:
                files.append((d, path))
        if not files:
            return None
        d, path = files[-1]
        if end - d > MAX_SNAPSHOT_LAG:
            return None
        chosen[registry] = path
    return chosen or None


def judge(item: dict[str, Any], result: CheckResult, score: VariantScore) -> None:
    """Add one item's outcome to score."""
    expect = item.get("expect") or []
    if expect:
        score.positives += 1
        first = result.matches[0] if result.matches else None
        ok = first is not None and any(
            e["name_contains"].casefold() in first.name.casefold()
            and bool(e.get("listed", True)) == first.listed
            for e in expect
        )
        if ok:
            score.found += 1
        else:
            got = f"{first.name[:60]!r} listed={first.listed}" if first else "nothing"
            score.misses.append(f"{item['query']!r}: got {got}")
    else:
        score.negatives += 1
        if result.status in (LISTED, EXCLUDED):
            score.false_positives += 1
            top = result.matches[0].name[:60] if result.matches else ""
            score.misses.append(f"{item['query']!r}: {result.status} {top!r}")
        elif result.status == POSSIBLE:
            score.possible += 1


def evaluate(items: Sequence[dict[str, Any]], root: Path,
             checker_for: Callable[[dict[str, Path]], Callable[[str], CheckResult]],
             ) -> tuple[dict[str, VariantScore], dict[str, int]]:
    """Return scores per variant (plus "ALL") and counts of items skipped per as_of.

    `checker_for(files)` builds a check function over the given snapshot files; it is
    called once per distinct as_of.
    """
    by_as_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_as_of[str(item.get("as_of", ""))].append(item)
    scores: dict[str, VariantScore] = defaultdict(VariantScore)
    skipped: dict[str, int] = {}
    for as_of, group in sorted(by_as_of.items()):
        files = pick_snapshot_files(root, as_of) if as_of else None
        if files is None:
            skipped[as_of] = len(group)
            continue
        check = checker_for(files)
        for item in group:
            result = check(item["query"])
            judge(item, result, scores[item.get("variant", "?")])
            judge(item, result, scores["ALL"])
    return dict(scores), skipped


def load_items(path: Path) -> list[dict[str, Any]]:
    """Return the items of an evaluation set file (a JSON list)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("items", [])
    return list(data)


def format_table(scores: dict[str, VariantScore], skipped: dict[str, int]) -> str:
    """Return the plain-text report: one line per variant, then totals and skipped sets."""

    def pct(x: float | None) -> str:
        return "   -  " if x is None else f"{100 * x:5.1f}%"

    lines = [f"{'variant':16} {'pos':>4} {'recall@1':>9} {'neg':>4} {'FP':>7} {'possible':>9}"]
    for name in [*sorted(k for k in scores if k != "ALL"), "ALL"]:
        s = scores.get(name)
        if s is None:
            continue
        lines.append(f"{name:16} {s.positives:4d} {pct(s.recall()):>9} {s.negatives:4d} "
                     f"{pct(s.fp_rate()):>7} {pct(s.possible_rate()):>9}")
    for as_of, n in skipped.items():
        lines.append(f"skipped {n} items with as_of {as_of!r}: no snapshot close enough")
    return "\n".join(lines)
