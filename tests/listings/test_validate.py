"""Validation before a snapshot may replace the last good one."""

from __future__ import annotations

from datetime import date

from bot.listings import validate
from tests.auxil.registries import entry, snapshot


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
