"""Parsing the mirror JSON, portal rows, XLSX and CSV, with malformed rows skipped."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pytest

from bot.listings import parse
from tests.auxil.registries import FA_2024_10_01, UND_2024_09_05


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
