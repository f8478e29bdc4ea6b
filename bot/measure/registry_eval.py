"""The names evaluation: recall@1, false positives and noise per variant on a labelled set.

Items look like `{"query", "lang", "variant", "as_of", "expect": [{"registry",
"name_contains", "listed"}]}`. A positive counts as found when the first match's name contains
an expected `name_contains` and its `listed` agrees; a negative (empty `expect`) is a false
positive when the status is "listed" or "excluded", and noise when it is "possible".

Data comes from dated mirror files (`<registries>/<registry>/<YYYY-MM-DD>.json`) and from a
copy of the public mirror in its own layout (`<registries>/mirror/index.json` plus
`data/*.json`). Expectations on a registry without data for an item's date are dropped; an
item left with none is skipped and counted, never judged.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.listings import parse
from bot.listings.model import REGISTRIES, Entry
from bot.listings.status import EXCLUDED, LISTED, POSSIBLE, CheckResult

# How far before an item's as_of a mirror file may be and still stand for that date.
MAX_SNAPSHOT_LAG = timedelta(days=45)
# With nothing before it, how far after an item's as_of a file may be: the mirror copy of
# 2026-09 stands for 2026-07 (lists only grow between; exclusions carry their own dates).
MAX_SNAPSHOT_LEAD = timedelta(days=62)
# The public mirror's file stem for each registry (ITSalt/ru-registries-mirror layout).
MIRROR_FILES = {
    "foreign_agents": "minjust_foreign_agents",
    "undesirable": "minjust_undesirable_orgs",
    "extremist": "minjust_extremist_orgs",
    "terrorist": "fsb_terrorist_orgs",
}


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


def _dated_files(root: Path, registry: str) -> list[tuple[date, Path]]:
    """Return every (date, file) holding registry under root, oldest first."""
    files = []
    for path in sorted((root / registry).glob("*.json")):
        try:
            files.append((date.fromisoformat(path.stem), path))
        except ValueError:
            continue
    mirror = root / "mirror" / "data" / f"{MIRROR_FILES.get(registry, registry)}.json"
    if mirror.is_file():
        files.append((snapshot_date(mirror), mirror))
    return sorted(files)


def pick_snapshot_files(root: Path, as_of: str) -> dict[str, Path] | None:
    """Return, per registry with data for as_of, the file that stands for that date.

    The newest file dated on or before as_of (at most MAX_SNAPSHOT_LAG older), else the
    oldest one after it (at most MAX_SNAPSHOT_LEAD newer). Registries without such a file
    are left out; None when no registry has one.
    """
    end = as_of_date(as_of)
    chosen: dict[str, Path] = {}
    for registry in REGISTRIES:
        files = _dated_files(root, registry)
        before = [(d, p) for d, p in files if d <= end and end - d <= MAX_SNAPSHOT_LAG]
        after = [(d, p) for d, p in files if d > end and d - end <= MAX_SNAPSHOT_LEAD]
        if before:
            chosen[registry] = before[-1][1]
        elif after:
            chosen[registry] = after[0][1]
    return chosen or None


def is_mirror_layout(path: Path) -> bool:
    """Return True for a data file of the public mirror's layout (entries under a header)."""
    return path.parent.name == "data" and (path.parent.parent / "index.json").is_file()


def snapshot_date(path: Path) -> date:
    """Return the date a snapshot file holds for: its name, or the mirror's fetched_at."""
    if not is_mirror_layout(path):
        return date.fromisoformat(path.stem)
    with path.open(encoding="utf-8") as fh:
        head = fh.read(4096)  # the header comes before the (long) entries list
    marker = '"fetched_at": "'
    start = head.find(marker)
    if start < 0:
        raise ValueError(f"{path}: no fetched_at in the mirror header")
    return date.fromisoformat(head[start + len(marker):start + len(marker) + 10])


def read_snapshot_entries(registry: str, path: Path) -> list[Entry]:
    """Return the entries of a snapshot file in either layout (the registry parser reads
    both; the public mirror's own `aliases` come with them)."""
    return parse.parse_file(registry, path.read_bytes()).entries


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
            skipped[f"as_of {as_of!r}: no snapshot close enough"] = len(group)
            continue
        check = checker_for(files)
        for item in group:
            expect = item.get("expect") or []
            kept = [e for e in expect if e.get("registry") in files]
            if expect and not kept:
                missing = ", ".join(sorted({str(e.get("registry")) for e in expect}))
                key = f"as_of {as_of!r}: no data for {missing}"
                skipped[key] = skipped.get(key, 0) + 1
                continue
            item = {**item, "expect": kept}
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
    for why, n in skipped.items():
        lines.append(f"skipped {n} items with {why}")
    return "\n".join(lines)
