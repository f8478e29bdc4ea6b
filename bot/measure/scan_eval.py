"""The scan evaluation: precision and recall of definite and of all (possible) mentions.

Items: `{"id", "lang", "text", "expect": [{"text", "start", "end", "entries": ["registry/id"],
"match": "definite"|"possible"}]}`. A found span is matched to an expected mention when the
two overlap and share an entry. Definite figures: found definite spans against expected
definite mentions. Possible figures count every found span (definite or possible) against
every expected mention. An expected "possible" mention is not a miss for definite recall.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.listings.scan import DEFINITE, Scanner


@dataclass
class Score:
    """Counts for one level (definite, or any) of one set."""

    found: int = 0
    correct: int = 0
    expected: int = 0
    recalled: int = 0
    errors: list[str] = field(default_factory=list)

    def precision(self) -> float:
        """Return correct / found (1.0 when nothing was found)."""
        return self.correct / self.found if self.found else 1.0

    def recall(self) -> float:
        """Return recalled / expected (1.0 when nothing was expected)."""
        return self.recalled / self.expected if self.expected else 1.0


def load_items(path: Path) -> list[dict[str, Any]]:
    """Return the items of one evaluation file."""
    return list(json.loads(Path(path).read_text(encoding="utf-8"))["items"])


def evaluate(scanner: Scanner, items: Iterable[dict[str, Any]]) -> dict[str, Score]:
    """Return {"definite": Score, "possible": Score} over items."""
    definite, anything = Score(), Score()
    for item in items:
        result = scanner.scan(item["text"])
        spans: dict[tuple[int, int], dict[str, Any]] = {}
        for m in result.mentions:
            s = spans.setdefault((m.start, m.end), {"entries": set(), "definite": False,
                                                     "text": m.text})
            s["entries"].add(f"{m.registry}/{m.entry_id}")
            s["definite"] = s["definite"] or m.match == DEFINITE
        expect = item["expect"]

        def hits(span: tuple[int, int], info: dict[str, Any], exp: dict[str, Any]) -> bool:
            return span[0] < exp["end"] and exp["start"] < span[1] and bool(
                info["entries"] & set(exp["entries"]))

        for span, info in spans.items():
            anything.found += 1
            if any(hits(span, info, e) for e in expect):
                anything.correct += 1
            else:
                anything.errors.append(f"{item['id']}: extra {info['text']!r} "
                                       f"{sorted(info['entries'])[:3]}")
            if info["definite"]:
                definite.found += 1
                if any(hits(span, info, e) for e in expect):
                    definite.correct += 1
                else:
                    definite.errors.append(f"{item['id']}: extra definite {info['text']!r}")
        for exp in expect:
            anything.expected += 1
            found = [info for span, info in spans.items() if hits(span, info, exp)]
            if found:
                anything.recalled += 1
            else:
                anything.errors.append(f"{item['id']}: missed {exp['text']!r}")
            if exp["match"] == DEFINITE:
                definite.expected += 1
                if any(info["definite"] for info in found):
                    definite.recalled += 1
                else:
                    definite.errors.append(f"{item['id']}: not definite {exp['text']!r}")
    return {"definite": definite, "possible": anything}


def format_scores(name: str, scores: dict[str, Score]) -> str:
    """Return one table row per level: precision, recall and counts."""
    lines = []
    for level, s in scores.items():
        lines.append(f"{name:10} {level:9} precision {s.precision():.3f} ({s.correct}/{s.found})"
                     f"  recall {s.recall():.3f} ({s.recalled}/{s.expected})")
    return "\n".join(lines)
