"""The service facade: import, reload after another process stores, odd input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.listings.parse import SchemaError
from bot.listings.service import ListingService, clean_query
from tests.auxil.registries import FA_2024_10_01, UND_2024_09_05, WIDE_WINDOWS, settings_in


@pytest.fixture
def service(tmp_path: Path) -> ListingService:
    svc = ListingService(settings_in(tmp_path, freshness_days=WIDE_WINDOWS))
    svc.import_file(FA_2024_10_01, "foreign_agents")
    svc.import_file(UND_2024_09_05, "undesirable")
    return svc


def test_import_takes_the_date_from_the_file_name(service: ListingService) -> None:
    result = service.check("Ходорковский Михаил Борисович")
    assert result.status == "listed"
    imported = [d for d in result.data if d.registry in ("foreign_agents", "undesirable")]
    assert {d.as_of for d in imported} == {date(2024, 10, 1), date(2024, 9, 5)}
    assert {d.origin for d in imported} == {"file"}
    # The lists nothing was imported for still answer, from the bundled snapshot.
    assert {d.origin for d in result.data if d not in imported} == {"bundled"}


def test_not_found_carries_the_data_date(service: ListingService) -> None:
    result = service.check("Пугачева Алла Борисовна")
    assert result.status == "not_found" and result.as_of == date(2024, 9, 5)


def test_excluded_entry(service: ListingService) -> None:
    result = service.check("Апухтина Юлия Владимировна")
    assert result.status == "excluded"
    assert result.matches[0].excluded_on is not None


def test_reloads_when_another_process_stores(service: ListingService, tmp_path: Path) -> None:
    assert service.check("Эткинд Александр").status == "listed"
    other = ListingService(settings_in(tmp_path, freshness_days=WIDE_WINDOWS))
    older = FA_2024_10_01.parent / "2024-09-05.json"
    other.import_file(older, "foreign_agents", as_of=date(2024, 10, 2), force=True)
    assert service.check("Эткинд Александр").status == "not_found"  # listed only on 25.09


def test_bad_file_is_refused_and_recorded(service: ListingService, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a;b\n1;2\n")
    with pytest.raises(SchemaError):
        service.import_file(bad, "foreign_agents")
    status = {s["registry"]: s for s in service.status()}
    assert "schema" in status["foreign_agents"]["rejections"][-1]["reasons"][0]
    assert status["foreign_agents"]["current"]["count"] == 866


@pytest.mark.parametrize(("query", "problem"), [
    ("", "empty"), ("   ", "empty"), ("🙂", "empty"), ("a", "too_short"),
    ("x" * 10000, "too_long"), ("<b>Дудь</b>", None), ("Дудь\x00\x07", None),
])
def test_odd_queries_get_a_clear_result(service: ListingService, query: str,
                                        problem: str | None) -> None:
    result = service.check(query)
    assert result.problem == problem
    assert result.status in ("listed", "possible", "excluded", "not_found", "unverified",
                             "no_data")
    if problem in ("empty", "too_short"):
        assert result.matches == ()
    if query.startswith("<b>"):
        assert result.matches and "Дудь" in result.matches[0].name


def test_clean_query_strips_markup() -> None:
    assert clean_query("<i>Meduza</i>") == ("Meduza", None)
