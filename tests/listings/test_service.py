"""The service facade: import, reload after another process stores, odd input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.listings import store
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


def test_a_new_process_answers_from_the_cached_index_without_decoding_a_snapshot(
        service: ListingService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    queries = ["Ходорковский Михаил Борисович", "Апухтина Юлия Владимировна",
               "Пугачева Алла Борисовна"]
    first = [service.check(q).to_json() for q in queries]

    def no_decode(body: bytes) -> None:
        raise AssertionError("a warm check must not decode a stored snapshot")

    monkeypatch.setattr(store, "decode", no_decode)
    again = ListingService(settings_in(tmp_path, freshness_days=WIDE_WINDOWS))
    assert [again.check(q).to_json() for q in queries] == first
    # What the memo says since still counts: after a failed fetch, "not found" is unverified.
    again.store.set_state("undesirable", last_fetch_failed=True, last_failure="timeout")
    late = ListingService(settings_in(tmp_path, freshness_days=WIDE_WINDOWS))
    assert late.check(queries[2]).status == "unverified"
    listed = late.check(queries[0]).to_json()
    assert (listed["status"], listed["matches"]) == (first[0]["status"], first[0]["matches"])


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
    # A query that cannot be checked is "invalid", never a "not_found" claim.
    assert (result.status == "invalid") == (problem is not None)
    assert result.to_json().get("problem") == problem
    if problem in ("empty", "too_short"):
        assert result.matches == ()
    if query.startswith("<b>"):
        assert result.matches and "Дудь" in result.matches[0].name


def test_clean_query_strips_markup() -> None:
    assert clean_query("<i>Meduza</i>") == ("Meduza", None)


def test_a_name_at_the_end_of_a_long_text_is_still_checked(service: ListingService) -> None:
    prose = ("Скажите, пожалуйста, можно ли делать репост записи в телеграм-канале, если её "
             "автор когда-то давно писал колонки для разных изданий и выступал на "
             "конференциях по истории литературы, а теперь живёт за границей; боюсь "
             "последствий для себя и для друзей, которые тоже давно подписаны на этот "
             "замечательный канал. ")
    result = service.check(prose + "Автор: Эткинд Александр Маркович")
    assert len(prose) > 300 and result.problem == "too_long"
    assert result.status == "listed" and result.matches[0].name == "Эткинд Александр Маркович"
    # Nothing found in the parts checked of a cut text is no "not found" claim.
    result = service.check(prose + "Автор: мой сосед по даче")
    assert result.status == "invalid" and result.problem == "too_long"


def test_control_characters_are_not_echoed(service: ListingService) -> None:
    result = service.check("\x1b[2J\x1b]0;title\x07Эткинд\u202e Александр\x9b1m")
    assert result.status == "listed"
    assert not any(ch in result.query for ch in "\x1b\x07\u202e\x9b")


@pytest.mark.parametrize(("content", "reason"), [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'[{"fullName": "\xff\xfe"}]', "not valid JSON"),
    (b"name;law\n\"" + b"x" * 200_000 + b"\";y\n", "unreadable csv"),
])
def test_broken_files_are_recorded_rejections(service: ListingService, tmp_path: Path,
                                              content: bytes, reason: str) -> None:
    """Input that makes a parser raise something other than a schema error (recursion,
    decoding, csv's field limit) is still a rejection with its reason, never a traceback."""
    bad = tmp_path / "broken.bin"
    bad.write_bytes(content)
    with pytest.raises(SchemaError, match=reason):
        service.import_file(bad, "foreign_agents")
    rejection = service.status()[0]["rejections"][-1]
    assert reason in rejection["reasons"][0]
    assert service.check("Эткинд Александр Маркович").status == "listed"


@pytest.mark.parametrize("query", ["Germany", "Russia", "Германии"])
def test_a_country_is_no_typo_of_a_listed_name(tmp_path: Path, query: str) -> None:
    """"Germany" is two letters from «ГРАНИ» and "Russia" one from RUSI (both on the shipped
    lists): a correctly spelt everyday word must not be reported as their misspelling."""
    svc = ListingService(settings_in(tmp_path, freshness_days=WIDE_WINDOWS))  # shipped data
    result = svc.check(query)
    assert not [m for m in result.matches if m.match == "fuzzy"], result.matches
