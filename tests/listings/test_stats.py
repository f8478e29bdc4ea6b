"""The registry figures equal a count made directly from the shared snapshot files."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime

import pytest

from bot.listings.stats import busiest_weekday, month_key, parse_month, registry_stats
from tests.auxil.registries import (
    FA_2024_10_01,
    MIRROR_2026_FILES,
    UND_2024_09_05,
    entry,
    mirror_2026_snapshot,
    shared_snapshot,
    snapshot,
)

pytestmark = pytest.mark.skipif(not FA_2024_10_01.exists(), reason="shared snapshots absent")


def _day(text: str | None) -> date | None:
    """Read a DD.MM.YYYY date as the files write it ("" and None mean no date)."""
    return datetime.strptime(text.strip(), "%d.%m.%Y").date() if text and text.strip() else None


def _raw_2024(path: object) -> list[dict[str, str]]:
    """Return the rows of a 2023-2024 mirror file that carry a name (header leaks aside)."""
    rows = json.loads(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    return [r for r in rows if r.get("fullName") and not r["fullName"].startswith("ФИО")]


@pytest.mark.parametrize(("registry", "path"), [
    ("foreign_agents", FA_2024_10_01), ("undesirable", UND_2024_09_05),
])
def test_2024_history_matches_a_direct_count(registry: str, path: object) -> None:
    """Entries now and additions/exclusions per month and year equal a count of the raw rows."""
    day = path.stem  # type: ignore[attr-defined]
    stats = registry_stats(shared_snapshot(registry, day))
    rows = _raw_2024(path)
    added = Counter(month_key(d) for r in rows if (d := _day(r.get("dateIn"))))
    gone = Counter(month_key(d) for r in rows if (d := _day(r.get("dateOut"))))
    assert stats.total == len(rows)
    assert stats.excluded == sum(gone.values()) and stats.listed == len(rows) - stats.excluded
    assert {m: c.added for m, c in stats.per_month.items() if c.added} == dict(added)
    assert {m: c.excluded for m, c in stats.per_month.items() if c.excluded} == dict(gone)
    years = Counter(k[:4] for k in added.elements())
    assert {y: c.added for y, c in stats.per_year.items() if c.added} == dict(years)
    assert stats.undated == len(rows) - sum(added.values())
    assert stats.as_of == date.fromisoformat(day)
    assert stats.running_total()[-1] == stats.listed - stats.undated


def test_2026_mirror_copy_matches_a_direct_count() -> None:
    """The 2026-09 copy: the four lists' figures equal a count of the JSON, undated entries
    are reported (all of the extremist and terrorist lists), and foreign agents are added
    on Fridays above all."""
    for registry, path in MIRROR_2026_FILES.items():
        raw = json.loads(path.read_text(encoding="utf-8"))["entries"]
        stats = registry_stats(mirror_2026_snapshot(registry))
        added = Counter(month_key(d) for r in raw if (d := _day(r["included_at"])))
        gone = Counter(month_key(d) for r in raw if (d := _day(r["excluded_at"])))
        assert stats.as_of == date(2026, 9, 19) or registry != "foreign_agents"
        assert (stats.listed, stats.excluded) == (
            sum(1 for r in raw if not r["excluded_at"]), sum(1 for r in raw if r["excluded_at"]))
        assert (stats.persons, stats.organisations) == (
            sum(1 for r in raw if r["kind"] == "person"),
            sum(1 for r in raw if r["kind"] != "person"))
        assert {m: c.added for m, c in stats.per_month.items() if c.added} == dict(added)
        assert {m: c.excluded for m, c in stats.per_month.items() if c.excluded} == dict(gone)
        assert stats.undated == sum(1 for r in raw if not r["included_at"])
    fa = registry_stats(mirror_2026_snapshot("foreign_agents"))
    assert (fa.total, fa.excluded, fa.persons, fa.undated) == (1267, 259, 806, 0)
    assert busiest_weekday(fa) == "fri" and fa.weekdays["fri"] > sum(fa.weekdays.values()) / 2
    extremist = registry_stats(mirror_2026_snapshot("extremist"))
    assert (extremist.undated, extremist.total, dict(extremist.per_month)) == (153, 153, {})
    assert busiest_weekday(extremist) is None


def test_since_trims_months_but_not_the_lists_size() -> None:
    """--since counts months from that one on; the running total still starts from what was
    listed before, so it ends at the number listed now."""
    fa = mirror_2026_snapshot("foreign_agents")
    whole = registry_stats(fa)
    recent = registry_stats(fa, since=date(2025, 1, 1))
    assert next(iter(recent.per_month)) == "2025-01" and recent.since == "2025-01"
    assert list(recent.per_month)[-1] == "2026-09"
    assert {m: whole.per_month[m] for m in recent.per_month} == dict(recent.per_month)
    assert (recent.listed, recent.excluded) == (whole.listed, whole.excluded)
    assert recent.running_total()[-1] == whole.running_total()[-1] == whole.listed
    assert sum(recent.weekdays.values()) == sum(c.added for c in recent.per_month.values())


def test_empty_months_are_kept_and_json_follows_the_contract() -> None:
    """Months without changes appear with zeros; the JSON has the contract's keys."""
    snap = snapshot([entry("1", "A", included=date(2024, 1, 5)),
                     entry("2", "B", kind="organisation", included=date(2024, 3, 8),
                           excluded=date(2024, 4, 1)),
                     entry("3", "C", included=None)], as_of=date(2024, 5, 2))
    data = registry_stats(snap).to_json()
    assert data["per_month"] == {
        "2024-01": {"added": 1, "excluded": 0}, "2024-02": {"added": 0, "excluded": 0},
        "2024-03": {"added": 1, "excluded": 0}, "2024-04": {"added": 0, "excluded": 1},
        "2024-05": {"added": 0, "excluded": 0},
    }
    assert {k: data[k] for k in ("as_of", "listed", "excluded", "persons", "organisations",
                                 "undated")} == {
        "as_of": "2024-05-02", "listed": 2, "excluded": 1, "persons": 2, "organisations": 1,
        "undated": 1}
    assert data["busiest_days"][0] == {"date": "2024-01-05", "added": 1}


def test_months_are_read_strictly() -> None:
    """Only YYYY-MM is a month; anything else is refused, not guessed."""
    assert parse_month("2025-03") == date(2025, 3, 1)
    for bad in ("2025", "03-2025", "2025-13", "25-03", "2025-03-01", ""):
        with pytest.raises(ValueError):
            parse_month(bad)
