"""Validation before a snapshot may replace the last good one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from itertools import pairwise

import pytest

from bot.listings import parse, validate
from bot.listings.model import Snapshot
from tests.auxil.registries import (
    SHARED_REGISTRIES,
    entry,
    shared_dates,
    shared_snapshot,
    snapshot,
)


def _many(n: int) -> list:
    return [entry(str(i), f"Имя{i} Фамилия") for i in range(n)]


def test_big_drop_is_refused_unless_forced() -> None:
    old = snapshot(_many(100))
    new = snapshot(_many(89), as_of=date(2024, 2, 1))
    assert any("dropped" in p for p in validate.problems(new, old))
    assert validate.problems(new, old, force=True) == []
    # One fewer (a real correction, as on 2024-07-07) passes.
    assert validate.problems(snapshot(_many(99), as_of=date(2024, 2, 1)), old) == []


def test_duplicates_and_empty_are_refused_even_when_forced() -> None:
    dup = snapshot([entry("1", "А"), entry("1", "Б")])
    assert any("duplicate" in p for p in validate.problems(dup, None, force=True))
    assert validate.problems(snapshot([]), None, force=True) == ["no entries"]


def test_older_data_is_refused() -> None:
    old = snapshot(_many(3), as_of=date(2024, 5, 1))
    assert any("older" in p for p in validate.problems(snapshot(_many(3)), old))


def test_another_list_offered_as_this_one_is_refused_with_figures() -> None:
    # The foreign-agent file imported as the undesirable list: no undesirable entry remains.
    und = shared_snapshot("undesirable", "2024-09-05")
    fa = shared_snapshot("foreign_agents", "2024-10-01")
    wrong = replace(fa, registry="undesirable",
                    entries=tuple(replace(e, registry="undesirable") for e in fa.entries))
    reasons = validate.problems(wrong, und)
    assert any("0 of 188 entries" in r and "remain" in r for r in reasons), reasons
    assert any("legal basis" in r for r in reasons)
    # And the other way round: the persons' share and the law wording differ too.
    back = replace(und, registry="foreign_agents", as_of=date(2024, 10, 2),
                   entries=tuple(replace(e, registry="foreign_agents") for e in und.entries))
    reasons = validate.problems(back, fa)
    assert any("0 of 866 entries" in r for r in reasons)
    assert any("persons are 0%" in r for r in reasons)


def test_junk_names_over_the_real_register_are_refused() -> None:
    fa = shared_snapshot("foreign_agents", "2024-10-01")
    junk = snapshot([entry(str(i), f"Имя {i}") for i in range(900)], as_of=date(2024, 10, 2))
    reasons = validate.problems(junk, fa)
    assert any("0 of 866 entries" in r for r in reasons), reasons
    assert any("legal basis present in 0 of 900" in r for r in reasons)
    # --force waives exactly these doubts, and says what they were.
    assert validate.problems(junk, fa, force=True) == []
    assert validate.doubts(junk, fa) == reasons


@pytest.mark.parametrize("registry", ["foreign_agents", "undesirable"])
def test_every_real_update_in_the_shared_history_passes(registry: str) -> None:
    days = shared_dates(registry)
    snaps = [shared_snapshot(registry, d) for d in days]
    for old, new in pairwise(snaps):
        assert validate.problems(new, old) == [], (old.as_of, new.as_of)
    # A year apart as well (a bot that was down that long).
    assert validate.problems(snaps[-1], snaps[0]) == []


def test_a_field_missing_from_part_of_the_entries_is_refused() -> None:
    """Entries without the inclusion date every entry had, mixed into the real ones, are
    refused; the same field gone from every entry of the same list is the source's new
    layout, noted but accepted (refusing it would keep the bot on old data for good)."""
    fa = shared_snapshot("foreign_agents", "2024-09-13")
    new = shared_snapshot("foreign_agents", "2024-10-01")
    mixed = replace(new, entries=tuple(replace(e, included_on=None) if i % 3 == 0 else e
                                       for i, e in enumerate(new.entries)))
    assert any("inclusion date present in 577 of 866" in r
               for r in validate.problems(mixed, fa))
    undated = replace(new, entries=tuple(replace(e, included_on=None) for e in new.entries))
    assert validate.problems(undated, fa) == []
    assert any("inclusion date present in 0 of 866" in n for n in validate.notes(undated, fa))


def test_the_2026_mirror_layout_over_2024_data_is_accepted() -> None:
    """The 2026 mirror carries no decision texts for undesirable organisations: the same
    list in a new layout, accepted with a note."""
    path = SHARED_REGISTRIES / "mirror" / "data" / "minjust_undesirable_orgs.json"
    if not path.exists():
        pytest.skip("shared mirror data absent")
    result = parse.parse_file("undesirable", path.read_bytes())
    new = Snapshot("undesirable", "mirror", path.name, date(2026, 11, 1),
                   datetime(2026, 11, 1, tzinfo=UTC), tuple(result.entries))
    old = shared_snapshot("undesirable", "2024-09-05")
    assert validate.problems(new, old) == []
    assert any("legal basis present in 0 of" in n for n in validate.notes(new, old))
