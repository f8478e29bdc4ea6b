"""The snapshot diff: what counts as a change, on hand-made entries and on the real history."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.watch.diff import diff
from tests.auxil.registries import entry, shared_snapshot, snapshot


def kinds(changes: list) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in changes:
        out.setdefault(c.kind, []).append(c.name)
    return out


def test_first_snapshot_and_identical_content_make_no_events() -> None:
    a = snapshot([entry("1", "Иванов Иван Иванович")])
    assert diff(None, a) == []
    assert diff(a, replace(a, as_of=date(2024, 1, 2), source="again")) == []


def test_each_kind_of_change() -> None:
    old = snapshot([
        entry("1", "Иванов Иван Иванович"),
        entry("2", "Петров Пётр Петрович"),
        entry("3", "Сидоров Сидор Сидорович", excluded=date(2023, 6, 1)),
        entry("4", "Фонд «Старое имя»", kind="organisation"),
        entry("5", "Козлов Козьма Козьмич"),
    ])
    new = snapshot([
        entry("1", "Иванов Иван Иванович"),
        entry("2", "Петров Пётр Петрович", excluded=date(2024, 1, 5)),
        entry("3", "Сидоров Сидор Сидорович"),
        entry("4", "Фонд «Новое имя» (прежнее наименование - «Старое имя»)",
              kind="organisation"),
        entry("6", "Смирнова Анна Сергеевна", included=date(2024, 1, 5)),
    ], as_of=date(2024, 1, 8))
    found = kinds(diff(old, new))
    assert found == {
        "excluded": ["Петров Пётр Петрович"],
        "reincluded": ["Сидоров Сидор Сидорович"],
        "changed": ["Фонд «Новое имя» (прежнее наименование - «Старое имя»)"],
        "added": ["Смирнова Анна Сергеевна"],
        "removed": ["Козлов Козьма Козьмич"],
    }
    changed = next(c for c in diff(old, new) if c.kind == "changed")
    assert changed.previous_name == "Фонд «Старое имя»"
    excluded = next(c for c in diff(old, new) if c.kind == "excluded")
    assert excluded.excluded_on == date(2024, 1, 5) and excluded.previous_as_of == date(2024, 1, 1)


def test_another_source_writing_names_differently_is_not_a_change() -> None:
    """Row ids renumbered, quotes, spaces, look-alike letters and legal form differ."""
    old = snapshot([
        entry("10", "Автономная некоммерческая организация «Центр «Сова»»", kind="organisation"),
        entry("11", "Transparency International", kind="organisation"),
        entry("12", "Иванов  Иван\xa0Иванович"),
    ], origin="mirror")
    new = snapshot([
        entry("1", "АНО \"Центр Сова\"", kind="organisation"),
        entry("2", "Transparеncy International", kind="organisation"),  # Cyrillic е
        entry("3", "Иванов Иван Иванович"),
    ], origin="portal", as_of=date(2024, 1, 2))
    assert diff(old, new) == []


def test_same_name_twice_is_paired_by_inclusion_date() -> None:
    """An organisation excluded years ago and listed again is two rows with one name."""
    old = snapshot([
        entry("1", "Телеканал Дождь", kind="organisation", included=date(2017, 1, 1),
              excluded=date(2018, 1, 1)),
    ])
    new = snapshot([
        entry("1", "Телеканал Дождь", kind="organisation", included=date(2017, 1, 1),
              excluded=date(2018, 1, 1)),
        entry("2", "Телеканал Дождь", kind="organisation", included=date(2024, 1, 5)),
    ], as_of=date(2024, 1, 8))
    changes = diff(old, new)
    assert [(c.kind, c.included_on) for c in changes] == [("added", date(2024, 1, 5))]


def test_real_history_identical_days_make_nothing() -> None:
    a = shared_snapshot("foreign_agents", "2024-05-02")
    b = shared_snapshot("foreign_agents", "2024-05-03")
    assert diff(a, b) == []


def test_real_history_column_shift_does_not_reinclude_everyone() -> None:
    """From 2024-06-01 the mirror lost exclusion dates: no one is "re-included" by that."""
    before = shared_snapshot("foreign_agents", "2024-05-07")
    after = shared_snapshot("foreign_agents", "2024-06-01")
    assert before.exclusions_known and not after.exclusions_known
    found = kinds(diff(before, after, baseline=before))
    assert "reincluded" not in found and "excluded" not in found and "removed" not in found
    assert len(found["added"]) == 8


def test_real_history_correction_gives_only_the_new_exclusions() -> None:
    """2024-07-07 brought exclusion dates back; compared with the last snapshot that had
    them (2024-05-07), only the exclusions decided in between are events."""
    baseline = shared_snapshot("foreign_agents", "2024-05-07")
    before = shared_snapshot("foreign_agents", "2024-07-06")
    after = shared_snapshot("foreign_agents", "2024-07-07")
    changes = diff(before, after, baseline=baseline)
    assert {c.kind for c in changes} == {"excluded"}
    assert all(c.excluded_on and c.excluded_on > date(2024, 5, 7) for c in changes)
    assert len(changes) == 3
    # With no snapshot that had exclusion dates, nothing can be said about exclusions: no
    # events, rather than 205 old exclusions announced as new.
    assert [c for c in diff(before, after) if c.kind == "excluded"] == []
