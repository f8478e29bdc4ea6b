"""Parsing the mirror JSON, portal rows, XLSX and CSV, with malformed rows skipped."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pytest

from bot.listings import parse
from tests.auxil.registries import FA_2024_10_01, SHARED_REGISTRIES, UND_2024_09_05


def test_real_mirror_snapshots_parse_completely() -> None:
    fa = parse.parse_file("foreign_agents", FA_2024_10_01.read_bytes())
    und = parse.parse_file("undesirable", UND_2024_09_05.read_bytes())
    assert len(fa.entries) == 866 and fa.skipped == 0
    assert len(und.entries) == 188 and und.skipped == 0
    excluded = [e for e in fa.entries if not e.listed]
    assert len(excluded) > 100  # excluded rows stay in the list
    dud = next(e for e in fa.entries if e.name.startswith("Дудь"))
    assert dud.kind == "person" and dud.included_on is not None
    assert all(e.kind == "organisation" for e in und.entries)
    # No birth dates or SNILS kept anywhere.
    assert "dob" not in json.dumps(dud.to_dict())


def test_malformed_rows_are_skipped_and_counted() -> None:
    rows = [{"id": "1", "fullName": "Иванов Иван Иванович", "dateIn": "01.02.2023"},
            {"id": "2", "fullName": "   "}, "not a row",
            {"id": "3", "fullName": "Фонд «Х»", "dateIn": "32 марта"},
            {"id": "4", "fullName": "Фонд «Y»", "dateIn": "1.2.2023", "dateOut": " "}]
    result = parse.parse_mirror_json("foreign_agents", json.dumps(rows).encode())
    assert [e.entry_id for e in result.entries] == ["1", "4"]
    assert result.skipped == 3
    assert result.entries[1].included_on == date(2023, 2, 1) and result.entries[1].listed


def test_not_a_registry_is_a_schema_error() -> None:
    with pytest.raises(parse.SchemaError):
        parse.parse_file("foreign_agents", b'[{"foo": 1}]')
    with pytest.raises(parse.SchemaError):
        parse.parse_file("foreign_agents", b"a;b;c\n1;2;3\n")
    with pytest.raises(parse.SchemaError):
        parse.parse_file("foreign_agents", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")


def test_format_is_detected_from_content() -> None:
    assert parse.detect_format(b"PK\x03\x04") == "xlsx"
    assert parse.detect_format(b"\xef\xbb\xbf[{}]") == "json"
    assert parse.detect_format(b"<html>") == "html"
    assert parse.detect_format("ФИО;Дата".encode()) == "csv"


def test_xlsx_export_with_title_row_above_the_header() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Реестр иностранных агентов"])
    sheet.append(["№ п/п", "Полное наименование / ФИО", "Дата принятия решения о включении",
                  "Дата принятия решения об исключении", "Вид лица", "СНИЛС"])
    sheet.append([1, "Петров Пётр Петрович", "01.03.2024", None, "Физические лица", "1"])
    sheet.append([2, "Фонд «Z»", "02.03.2024", "05.05.2024", "Юридические лица", None])
    buf = io.BytesIO()
    book.save(buf)
    result = parse.parse_file("foreign_agents", buf.getvalue())
    assert [e.name for e in result.entries] == ["Петров Пётр Петрович", "Фонд «Z»"]
    assert result.entries[0].kind == "person"
    assert result.entries[1].excluded_on == date(2024, 5, 5)


def test_csv_in_windows_1251_with_semicolons() -> None:
    text = "Наименование;Дата включения;Дата исключения\n«Фонд Ф»;01.01.2020;\n"
    result = parse.parse_file("undesirable", text.encode("cp1251"))
    assert result.entries[0].name == "«Фонд Ф»"
    assert result.entries[0].aliases == ()  # the quoted name is the name itself


def test_portal_columns_are_mapped_by_title_not_number() -> None:
    columns = [{"name": "field_9_s", "title": "Наименование организации"},
               {"name": "field_1_s", "title": "Дата принятия решения о включении"},
               {"name": "field_3_s", "title": "Статус"}]
    rows = [{"id": "a", "field_9_s": "X Fund, Inc. (США)", "field_1_s": "01.01.2020",
             "field_3_s": "Исключена"}]
    result = parse.parse_portal_rows("undesirable", columns, rows)
    assert result.entries[0].name == "X Fund, Inc. (США)"
    assert not result.entries[0].listed  # excluded by status even without a date


# ---------------------------------------------------------------- real-data quirks (mirror)
FA_DIR = SHARED_REGISTRIES / "foreign_agents"
GUSEV = "Гусев Андрей Юрьевич"
GUSEV_BASIS = ("Статья 6 Закона Российской Федерации от 27.12.1991 No 2124-1 "
               "«О средствах массовой информации»")
# Mirror files whose dateOut column holds the publication date (no datePubl column).
PUBLICATION_IN_DATEOUT = ("2024-06-01", "2024-06-15", "2024-06-22", "2024-07-06")


def _fa(day: str) -> parse.ParseResult:
    return parse.parse_file("foreign_agents", (FA_DIR / f"{day}.json").read_bytes())


def _excluded(result: parse.ParseResult) -> int:
    return sum(1 for e in result.entries if not e.listed)


def test_header_leak_row_is_kept_without_titles_in_every_snapshot() -> None:
    days = sorted(p.stem for p in FA_DIR.glob("*.json") if "2024-06-01" <= p.stem <= "2024-10-01")
    assert len(days) == 11  # includes the seven files with the leaked row
    for day in days:
        found = [e for e in _fa(day).entries if e.name == GUSEV]
        assert len(found) == 1, day
        gusev = found[0]
        assert gusev.entry_id == "262" and gusev.kind == "person", day
        assert gusev.included_on == date(2021, 9, 29) and gusev.listed, day
        assert gusev.legal_basis == GUSEV_BASIS, day
        assert gusev.inn == "253801190331" and gusev.ogrn == "", day  # "ОГРН" alone is empty
        assert gusev.resources[0] == "https://vk.com/id2077107", day


def test_only_genuinely_empty_rows_are_skipped_in_real_snapshots() -> None:
    for registry in ("foreign_agents", "undesirable"):
        for path in sorted((SHARED_REGISTRIES / registry).glob("*.json")):
            rows = json.loads(path.read_bytes())
            empty = sum(1 for r in rows if not any(str(v).strip() for v in r.values()))
            result = parse.parse_file(registry, path.read_bytes())
            assert result.skipped == empty, path.name
            assert len(result.entries) == len(rows) - empty, path.name
            assert all(p.endswith(": empty row") for p in result.problems), path.name


def test_publication_dates_in_dateout_are_not_exclusions() -> None:
    june = _fa("2024-06-01")
    assert not june.exclusions_known
    filippov = next(e for e in june.entries if e.name == "Филиппов Иван Борисович")
    assert filippov.included_on == date(2024, 4, 12) and filippov.listed
    assert _excluded(june) == 0  # nothing in that file says who was excluded
    for day in PUBLICATION_IN_DATEOUT:
        assert not _fa(day).exclusions_known, day
    for day in ("2024-05-07", "2024-07-07"):
        result = _fa(day)
        assert result.exclusions_known, day
        assert 190 <= _excluded(result) <= 215, day
    corrected = _fa("2024-07-07")
    assert next(e for e in corrected.entries if e.name == "Филиппов Иван Борисович").listed


def test_every_other_real_file_keeps_its_exclusions() -> None:
    for registry in ("foreign_agents", "undesirable"):
        for path in sorted((SHARED_REGISTRIES / registry).glob("*.json")):
            if registry == "foreign_agents" and path.stem in PUBLICATION_IN_DATEOUT:
                continue
            assert parse.parse_file(registry, path.read_bytes()).exclusions_known, path.name


# ------------------------------------------------------------- header-leak salvage (synthetic)
LEAKED = {"id": "No п/п\n7", "fullName": "Полное наименование / ФИО\nСидоров Сидор Сидорович",
          "dob": "Дата рождения\n01.01.1980", "ogrn": "ОГРН", "inn": "ИНН\n123456789012",
          "address": "Адрес (место нахождения)", "law": "Основания включения\nСтатья 6",
          "dateIn": "Дата принятия решения о включении\n01.02.2023",
          "datePubl": "Дата опубликования принятого Минюстом России решения о включении в реестр",
          "dateOut": "Дата принятия решения об исключении"}


def test_leaked_titles_are_removed_and_title_only_cells_are_empty() -> None:
    rows = [LEAKED, {"id": "8", "fullName": "Петров Пётр Петрович", "dateIn": "02.02.2023",
                     "datePubl": "", "dateOut": "03.03.2024"},
            {"id": "", "fullName": "", "dateIn": "", "datePubl": "", "dateOut": ""}]
    result = parse.parse_mirror_json("foreign_agents", json.dumps(rows).encode())
    assert result.skipped == 1 and result.problems == ["row 3: empty row"]
    assert result.salvaged == 1 and result.exclusions_known
    sidorov = result.entries[0]
    assert (sidorov.entry_id, sidorov.name) == ("7", "Сидоров Сидор Сидорович")
    assert sidorov.included_on == date(2023, 2, 1) and sidorov.listed
    assert sidorov.legal_basis == "Статья 6" and sidorov.inn == "123456789012"
    assert sidorov.ogrn == "" and sidorov.kind == "person"
    assert not result.entries[1].listed  # the ordinary row beside it is read as before


def test_ordinary_rows_with_title_words_are_left_alone() -> None:
    # A multi-line name whose first line has a title word, beside ordinary cells.
    row = {"id": "1", "fullName": "Namely Foundation\n(Фонд «Намели»)",
           "law": "Основания: статья 6", "dateIn": "01.02.2023", "dateOut": ""}
    canonical = {"id": "1", "name": row["fullName"], "legal_basis": row["law"],
                 "included_on": "01.02.2023", "excluded_on": ""}
    assert parse.salvage_header_leak(canonical) is None
    result = parse.parse_mirror_json("foreign_agents", json.dumps([row]).encode())
    assert result.salvaged == 0
    assert result.entries[0].name == "Namely Foundation (Фонд «Намели»)"
    assert result.entries[0].legal_basis == "Основания: статья 6"


def test_column_titles_are_recognised_by_their_words() -> None:
    for title in ("No п/п", "ОГРН", "Регистрационный номер", "Дата рождения", "СНИЛС",
                  " Доменное имя информационного ресурса (при наличии)",
                  "Полное наименование/ФИО участников", "Основания включения"):
        assert parse.is_column_title(title), title
    for value in ("262", "29.09.2021", "https://vk.com/id1", "Гусев Андрей Юрьевич", ""):
        assert not parse.is_column_title(value), value


def test_publication_title_maps_to_publication_not_inclusion() -> None:
    titles = ["ФИО", "Дата опубликования принятого Минюстом России решения о включении в реестр",
              "Дата принятия решения о включении"]
    assert parse.map_titles(titles) == {0: "name", 1: "published_on", 2: "included_on"}


# -------------------------------------------------- publication date under dateOut (synthetic)
def _fa_rows(pairs: list[tuple[str, str]], *, publ: bool = False) -> list[dict[str, str]]:
    rows = []
    for n, (date_in, date_out) in enumerate(pairs, start=1):
        row = {"id": str(n), "fullName": f"Фонд «Ф{n}»", "dateIn": date_in, "dateOut": date_out}
        if publ:
            row["datePubl"] = ""
        rows.append(row)
    return rows


def test_dateout_within_days_of_inclusion_is_a_publication_date() -> None:
    rows = _fa_rows([("01.02.2024", "01.02.2024"), ("05.03.2024", "06.03.2024"),
                     ("10.04.2024", "12.04.2024"), ("01.01.2020", "")])
    result = parse.parse_mirror_json("foreign_agents", json.dumps(rows).encode())
    assert not result.exclusions_known
    assert all(e.listed for e in result.entries) and len(result.entries) == 4


def test_real_exclusions_long_after_inclusion_are_kept() -> None:
    rows = _fa_rows([("01.02.2021", "01.02.2024"), ("05.03.2022", "20.06.2023"),
                     ("10.04.2022", "12.04.2024"), ("01.01.2020", ""),
                     ("01.01.2023", "20.02.2023")])
    result = parse.parse_mirror_json("foreign_agents", json.dumps(rows).encode())
    assert result.exclusions_known
    assert [e.listed for e in result.entries] == [False, False, False, True, False]


def test_too_few_dates_or_a_publication_column_mean_no_detection() -> None:
    few = _fa_rows([("01.02.2024", "01.02.2024"), ("05.03.2024", "06.03.2024")])
    assert parse.parse_mirror_json("foreign_agents", json.dumps(few).encode()).exclusions_known
    same_days = _fa_rows([("01.02.2024", "01.02.2024")] * 5, publ=True)
    result = parse.parse_mirror_json("foreign_agents", json.dumps(same_days).encode())
    assert result.exclusions_known and not any(e.listed for e in result.entries)
    # The other registry never had that layout.
    und = _fa_rows([("01.02.2024", "02.02.2024")] * 5)
    assert parse.parse_mirror_json("undesirable", json.dumps(und).encode()).exclusions_known


def test_leaked_title_naming_dateout_a_publication_decides_the_layout() -> None:
    leaked = {k: v for k, v in LEAKED.items() if k != "datePubl"}
    leaked["dateOut"] = "Дата опубликования принятого Минюстом России решения о включении в реестр"
    # One real-looking exclusion years later: without the title it would be believed.
    rows = [leaked, {"id": "8", "fullName": "Фонд «Ф»", "dateIn": "01.02.2021",
                     "dateOut": "01.02.2024"}]
    result = parse.parse_mirror_json("foreign_agents", json.dumps(rows).encode())
    assert not result.exclusions_known and result.salvaged == 1
    assert all(e.listed for e in result.entries)
