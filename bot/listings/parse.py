"""Parsers from every registry format (mirror JSON, portal rows, XLSX/CSV export) to entries.

Pure functions over bytes or plain data. The file format is detected from content, never from
a file name. A malformed row is skipped and counted; a missing name column is a schema error
that rejects the whole input.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot import textnorm
from bot.listings import names as nm
from bot.listings.model import (
    EXTREMIST,
    FOREIGN_AGENTS,
    ORGANISATION,
    PERSON,
    REGISTRIES,
    TERRORIST,
    Entry,
)

log = logging.getLogger(__name__)


class SchemaError(ValueError):
    """The input lacks what every registry row needs (a name column), or is not a registry."""


@dataclass
class ParseResult:
    """Entries read from one input, plus how many rows were skipped and why (first few).

    `salvaged` counts rows whose cells carried their column titles (kept, titles removed).
    `exclusions_known` is False when the input's exclusion column held something else (see
    parse_mirror_json): then no entry is excluded, but that says nothing about the registry.
    """

    entries: list[Entry] = field(default_factory=list)
    skipped: int = 0
    problems: list[str] = field(default_factory=list)
    salvaged: int = 0
    exclusions_known: bool = True
    # The date the source says it took the data (a mirror document's fetched_at), if any.
    taken_on: date | None = None

    def skip(self, why: str) -> None:
        """Count one skipped row, keeping the first reasons for the operator."""
        self.skipped += 1
        if len(self.problems) < 20:
            self.problems.append(why)


# Canonical fields and the words of a column title that identify them (folded, first wins).
# The portal's titles are matched by words, not numbers: field numbers have changed before.
_TITLE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("excluded_on", ("дата исключ", "решения об исключ", "dateout")),
    # Before included_on: the portal's publication title ("Дата опубликования принятого
    # Минюстом России решения о включении в реестр") also says "решения о включ".
    ("published_on", ("опубликован", "дата публикац", "datepubl")),
    ("included_on", ("дата включ", "решения о включ", "datein", "дата внесения")),
    ("kind", ("вид лица", "тип лица", "категори", "вид")),
    ("status", ("статус",)),
    ("inn", ("инн", "inn")),
    ("ogrn", ("огрн", "ogrn")),
    ("legal_basis", ("основани", "law", "норма")),
    ("decision", ("решени", "decisioninminjust")),
    ("resources", ("ресурс", "resources", "сайт", "доменн")),
    ("members", ("участник", "член", "members")),
    ("name", ("полное наименование", "наименование", "ф.и.о", "фио", "fullname", "name",
              "название")),
    ("id", ("№ п/п", "номер", "id", "№")),
)
# Titles of columns no entry keeps (map_titles ignores them), recognised only so that a cell
# prefixed by its title can be cleaned (see salvage_header_leak). "No п/п" is the portal's
# own spelling of "№ п/п".
_UNMAPPED_TITLE_WORDS = ("no п/п", "дата рождения", "снилс", "адрес", "регистрационн")
_MIRROR_KEYS = {
    "fullName": "name", "dateIn": "included_on", "dateOut": "excluded_on", "law": "legal_basis",
    "resources": "resources", "members": "members", "inn": "inn", "ogrn": "ogrn", "id": "id",
    "decisionInMinjust": "decision", "decisionOutMinjust": "decision_out", "dob": "dob",
    "snils": "snils", "datePubl": "published_on",
    # The public mirror's normalised layout (ITSalt/ru-registries-mirror, schema_version 1).
    "included_at": "included_on", "excluded_at": "excluded_on", "aliases": "source_aliases",
}
_LINE_BREAK = re.compile(r"\r?\n")
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def map_titles(titles: Sequence[str]) -> dict[int, str]:
    """Return {column index: canonical field} for column titles (first title wins per field).

    Raises SchemaError when no column can be the name: such input is not a registry.
    """
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for i, title in enumerate(titles):
        if title in _MIRROR_KEYS:
            fieldname = _MIRROR_KEYS[title]
            if fieldname not in taken:
                mapping[i] = fieldname
                taken.add(fieldname)
            continue
        folded = textnorm.fold(str(title or ""))
        if not folded:
            continue
        for fieldname in _title_fields(folded):
            if fieldname not in taken:
                mapping[i] = fieldname
                taken.add(fieldname)
                break
    if "name" not in taken:
        raise SchemaError(f"no name column among {list(titles)[:20]}")
    return mapping


def _title_fields(folded: str) -> Iterator[str]:
    """Yield the canonical fields a folded column title can name, in rule order."""
    for fieldname, words in _TITLE_RULES:
        if any(_title_has(folded, w) for w in words):
            yield fieldname


def is_column_title(text: str) -> bool:
    """Return True when text reads as a column title (the words map_titles knows).

    Titles hold no digits and no links, so a date, number or URL is never taken for one.
    """
    text = text.strip()
    if not text or any(ch.isdigit() for ch in text) or "://" in text or "www." in text.lower():
        return False
    folded = textnorm.fold(text)
    return (next(_title_fields(folded), None) is not None
            or any(_title_has(folded, w) for w in _UNMAPPED_TITLE_WORDS))


# The real leaked rows have a title in all 13 or 14 cells; real rows have none or one.
LEAK_MIN_TITLES = 3


def salvage_header_leak(row: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]] | None:
    """Return (row without titles, {field: title}) for a header-leak row, else None.

    Some mirror snapshots hold a row whose every cell is "<column title>\n<value>", and whose
    empty cells hold just the title. Without cleaning, the row is skipped and the entry
    vanishes from that snapshot only, which a diff would report as removed, then added back.
    A row counts as leaked when its name cell starts with a title line and most of its
    non-empty cells, at least LEAK_MIN_TITLES, start with (or are) titles: a name that merely
    contains a title word ("Namely Foundation") proves nothing on its own.
    The titles are returned because they say what each column really holds.
    """
    name = row.get("name")
    if not isinstance(name, str) or not is_column_title(_LINE_BREAK.split(name, 1)[0]):
        return None
    cleaned: dict[str, Any] = dict(row)
    titles: dict[str, str] = {}
    filled = 0
    for key, value in row.items():
        if not isinstance(value, str) or not value.strip():
            continue
        filled += 1
        head, *rest = _LINE_BREAK.split(value, 1)
        if is_column_title(head):
            titles[key] = head.strip()
            cleaned[key] = rest[0].strip() if rest else ""
    if len(titles) < LEAK_MIN_TITLES or len(titles) * 2 <= filled:
        return None
    return cleaned, titles


def _title_has(folded: str, word: str) -> bool:
    if len(word) <= 3:  # "инн", "id", "№": whole words only
        return word in re.split(r"[\s,.;:/()]+", folded)
    return word in folded


def parse_date(value: object) -> date | None:
    """Return the date in a registry cell (dd.mm.yyyy, ISO, or a spreadsheet datetime).

    Blank cells and the single spaces some mirrors write mean "no date" (None).
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    m = _DATE.search(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        return date(year, month, day)
    m = _ISO.search(text)
    if m:
        return date(int(m[1]), int(m[2]), int(m[3]))
    raise ValueError(f"not a date: {text[:30]!r}")


# The Ministry's extremist list writes the court decision and the date the entry was placed
# on the list inside the name: "… «Фонд борьбы с коррупцией» (решение Московского городского
# суда от 09.06.2021) (дата размещения сведений: 06.08.2021);".
_COURT_REMARK = re.compile(r"\(\s*((?:решени|определени|апелляционн|приговор)[^()]*"
                           r"(?:\([^()]*\)[^()]*)*)\)", re.I)
_PLACED = re.compile(r"\(\s*дата размещения сведений\s*:?\s*(\d{1,2}\.\d{1,2}\.\d{4})\s*\)",
                     re.I)
_IN_FORCE = re.compile(r"вступил[оа]?\s+в\s+(?:законную\s+)?силу\s+(\d{1,2}\.\d{1,2}\.\d{4})",
                       re.I)


def split_court_remarks(name: str) -> tuple[str, str, str]:
    """Return (name, court decision, date placed on the list) for an extremist-list name.

    The decision and the placement date are facts about the listing, not part of the
    organisation's name: a label quotes the name alone, and the date is the listing's own.
    """
    placed = ""
    m = _PLACED.search(name)
    if m:
        placed = m.group(1)
        name = name[: m.start()] + name[m.end() :]
    court = "; ".join(c.strip() for c in _COURT_REMARK.findall(name))
    name = _COURT_REMARK.sub("", name)
    name = re.sub(r"\s+", " ", name).strip(" ;,.")
    return name, court, placed


def in_force_date(decision: str) -> str:
    """Return the date a court decision entered into force ("вступило в силу DD.MM.YYYY").

    The FSB's terrorist list dates its entries only through their decisions; the ban
    applies from the day the decision entered into force, so that is the listing date.
    """
    m = _IN_FORCE.search(decision)
    return m.group(1) if m else ""


def row_to_entry(registry: str, row: Mapping[str, Any], *, fallback_id: str) -> Entry:
    """Return an Entry from a row keyed by canonical field names.

    Raises ValueError for a row that cannot be an entry (no name, unreadable date).
    """
    raw_name = str(row.get("name") or "")
    name = raw_name.replace("\xa0", " ").strip()
    name = re.sub(r"\s+", " ", name)
    row = dict(row)
    if registry in (EXTREMIST, TERRORIST):
        name, court, placed = split_court_remarks(name)
        if court and not row.get("decision"):
            row["decision"] = court
        if placed and not row.get("included_on"):
            row["included_on"] = placed
        if not row.get("included_on"):
            row["included_on"] = in_force_date(str(row.get("decision") or ""))
    if not nm.norm_tokens(name):
        raise ValueError("row without a name")
    included = parse_date(row.get("included_on"))
    excluded = parse_date(row.get("excluded_on"))
    status = textnorm.fold(str(row.get("status") or ""))
    if excluded is None and status.startswith("исключ"):
        # Some exports mark exclusion only by status; the date is then unknown but real.
        excluded = date.min  # sentinel: excluded, date unknown (shown as no date)
    inn = re.sub(r"\D", "", str(row.get("inn") or ""))
    ogrn = re.sub(r"\D", "", str(row.get("ogrn") or ""))
    kind_text = textnorm.fold(str(row.get("kind") or ""))
    if registry != FOREIGN_AGENTS:
        kind = ORGANISATION
    elif "физическ" in kind_text or kind_text == "person":
        kind = PERSON
    elif kind_text and ("юридическ" in kind_text or "объединени" in kind_text
                        or kind_text == "org"):
        kind = ORGANISATION
    else:
        kind = nm.guess_kind(name, has_birth_date=bool(str(row.get("dob") or "").strip()),
                             inn=inn, snils=str(row.get("snils") or ""), ogrn=ogrn)
    legal = " ".join(str(row.get(k) or "").strip() for k in ("legal_basis", "decision"))
    resources = tuple(r.strip() for r in re.split(r"[;\s]\s*", str(row.get("resources") or ""))
                      if r.strip().startswith(("http", "www", "t.me")))
    members = tuple(m.strip() for m in re.split(r"[;,]\s*(?=[А-ЯЁA-Z])",
                                                 str(row.get("members") or "")) if m.strip())
    entry_id = str(row.get("id") or "").strip() or fallback_id
    aliases = nm.extract_aliases(name, kind=kind)
    source_aliases = row.get("source_aliases")
    if isinstance(source_aliases, list):
        for alias in nm.usable_source_aliases(name, [str(a) for a in source_aliases]):
            if alias not in aliases:
                aliases.append(alias)
    return Entry(
        registry=registry,
        entry_id=entry_id,
        kind=kind,
        name=name,
        aliases=tuple(aliases),
        included_on=included,
        excluded_on=excluded,
        legal_basis=re.sub(r"\s+", " ", legal).strip(),
        resources=resources,
        members=members,
        inn=inn,
        ogrn=ogrn,
    )


def rows_to_entries(registry: str, rows: Iterable[Mapping[str, Any]]) -> ParseResult:
    """Return entries for rows keyed by canonical field names, skipping malformed rows."""
    result = ParseResult()
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            result.skip(f"row {n}: not an object")
            continue
        if not any(str(v or "").strip() for v in row.values()):
            result.skip(f"row {n}: empty row")
            continue
        leak = salvage_header_leak(row)
        if leak is not None:
            row = leak[0]
            result.salvaged += 1
        try:
            result.entries.append(row_to_entry(registry, row, fallback_id=str(n)))
        except (ValueError, TypeError) as exc:
            result.skip(f"row {n}: {exc}")
    if result.salvaged:
        log.info("%s: removed column titles from %d rows", registry, result.salvaged)
    if result.skipped:
        log.warning("%s: skipped %d rows (empty or malformed)", registry, result.skipped)
    return result


def load_json(data: bytes | str) -> Any:
    """Return parsed JSON from a registry source, or raise SchemaError saying why not.

    Registry JSON is a list of flat rows; input nested deeper than Python's recursion limit
    would otherwise escape as a RecursionError traceback instead of a recorded rejection.
    """
    try:
        return json.loads(data)
    except RecursionError:
        raise SchemaError("JSON nested too deeply to be registry rows") from None
    except ValueError as exc:  # JSONDecodeError, and UnicodeDecodeError for bytes
        raise SchemaError(f"not valid JSON: {str(exc)[:200]}") from None


def parse_mirror_json(registry: str, data: bytes | str | list[Any] | dict[str, Any]
                      ) -> ParseResult:
    """Return entries from the mirror JSON format (a list of objects with fullName, dateIn...).

    Raises SchemaError when the JSON is not a list of rows with a name field.
    """
    rows = load_json(data) if isinstance(data, bytes | str) else data
    taken_on = None
    if isinstance(rows, dict):
        verify_mirror_document(rows)
        taken_on = timestamp_date(rows.get("fetched_at"))
        rows = rows.get("values") or rows.get("entries") or rows.get("data")
    if not isinstance(rows, list):
        raise SchemaError("JSON is not a list of registry rows")
    sample = [r for r in rows[:50] if isinstance(r, dict)]
    if rows and not any("fullName" in r or "name" in r for r in sample):
        raise SchemaError("JSON rows have no fullName field")
    mapped: list[Any] = []
    for row in rows:
        if isinstance(row, dict):
            mapped.append({_MIRROR_KEYS.get(k, k): v for k, v in row.items()})
        else:
            mapped.append(row)
    objects = [r for r in mapped if isinstance(r, dict)]
    publication_in_dateout = registry == FOREIGN_AGENTS and dateout_is_publication(objects)
    if publication_in_dateout:
        log.warning("%s: dateOut holds publication dates here; exclusions unknown", registry)
        # Keep the values (as the publication date they are) but never as exclusions.
        mapped = [_renamed(r, "excluded_on", "published_on") if isinstance(r, dict) else r
                  for r in mapped]
    result = rows_to_entries(registry, mapped)
    result.exclusions_known = not publication_in_dateout
    result.taken_on = taken_on
    return result


def timestamp_date(value: object) -> date | None:
    """Return the date of an ISO timestamp such as a mirror's fetched_at (None if absent)."""
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date() if value else None
    except ValueError:
        return None


def entries_digest(entries: Sequence[Any]) -> str:
    """Return the public mirror's `entries_sha256` of a list of entries.

    The recipe from the mirror: each entry as `json.dumps(entry, ensure_ascii=False,
    sort_keys=True)`, joined by newlines, hashed with SHA-256. A match proves the list
    arrived whole and as the mirror published it.
    """
    lines = "\n".join(json.dumps(e, ensure_ascii=False, sort_keys=True) for e in entries)
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def verify_mirror_document(doc: Mapping[str, Any]) -> None:
    """Raise SchemaError when a mirror data document contradicts its own count or checksum.

    Documents without these fields (older mirrors, hand-made files) pass: there is nothing
    to check them against.
    """
    entries = doc.get("entries")
    if "entries" in doc and not isinstance(entries, list):
        raise SchemaError("'entries' is not a list")
    if not isinstance(entries, list):
        return
    count = doc.get("entry_count")
    if count is not None and count != len(entries):
        raise SchemaError(f"entry_count says {count} but the file holds {len(entries)} entries")
    expected = doc.get("entries_sha256")
    if expected and entries_digest(entries) != str(expected).lower():
        raise SchemaError("entries_sha256 does not match the entries (damaged or altered copy)")


# A decision is published within days of being taken (0-2 in the real snapshots), while real
# exclusions come 49 days to years after inclusion: a 31-day window separates them with margin.
PUBLICATION_WINDOW_DAYS = 31
# Share of the filled dateOut cells inside that window that makes the column a publication
# date (real files: 1.00 in the shifted ones, 0.00 in all others), and the least such cells
# to judge by at all.
PUBLICATION_SHARE = 0.8
PUBLICATION_MIN_DATES = 3


def dateout_is_publication(rows: Sequence[Mapping[str, Any]]) -> bool:
    """Return True when the dateOut column of foreign-agent mirror rows (canonical keys)
    holds the publication date of the inclusion decision instead of an exclusion date.

    From 2024-06-01 to 2024-07-06 the mirror dropped datePubl and put the publication date
    under dateOut, which would make every recently listed person look excluded. Only a file
    without a publication column can have that layout; it is recognised when a header-leak
    row titles the column as a publication, or when nearly all filled dateOut dates fall
    within PUBLICATION_WINDOW_DAYS after dateIn (see the constants for the figures).
    """
    if any("published_on" in row for row in rows):
        return False
    near = dated = 0
    for row in rows:
        leak = salvage_header_leak(row)
        if leak is not None:
            title = leak[1].get("excluded_on", "")
            if title and "опубликован" in textnorm.fold(title):
                return True
            row = leak[0]
        try:
            included = parse_date(row.get("included_on"))
            excluded = parse_date(row.get("excluded_on"))
        except ValueError:
            continue  # such a row is skipped later, and says nothing about the column
        if included is None or excluded is None:
            continue
        dated += 1
        near += 0 <= (excluded - included).days <= PUBLICATION_WINDOW_DAYS
    return dated >= PUBLICATION_MIN_DATES and near >= PUBLICATION_SHARE * dated


def _renamed(row: Mapping[str, Any], old: str, new: str) -> dict[str, Any]:
    """Return a copy of row with key old moved to new (absent old: unchanged copy)."""
    out = dict(row)
    if old in out:
        out[new] = out.pop(old)
    return out


def parse_portal_rows(registry: str, columns: Sequence[Mapping[str, Any]],
                      rows: Iterable[Mapping[str, Any]]) -> ParseResult:
    """Return entries from the portal's /values rows, columns mapped by their /info titles."""
    keys = [str(c.get("name") or "") for c in columns]
    titles = [str(c.get("title") or "") for c in columns]
    mapping = map_titles(titles)
    by_key = {keys[i]: f for i, f in mapping.items()}

    def convert(row: Mapping[str, Any]) -> dict[str, Any]:
        out = {f: row.get(k) for k, f in by_key.items()}
        if not out.get("id") and row.get("id") is not None:
            out["id"] = row.get("id")
        return out

    return rows_to_entries(registry, (convert(r) if isinstance(r, Mapping) else r for r in rows))


def parse_table(registry: str, table: Sequence[Sequence[Any]]) -> ParseResult:
    """Return entries from a table whose header row holds column titles (XLSX/CSV export).

    The header is the first of the first ten rows that maps a name column: exports put a
    title line or two above it.
    """
    last_error: SchemaError | None = None
    for h, header in enumerate(table[:10]):
        try:
            mapping = map_titles([str(c or "") for c in header])
        except SchemaError as exc:
            last_error = exc
            continue
        rows = []
        for line in table[h + 1 :]:
            if not any(str(c or "").strip() for c in line):
                continue
            rows.append({f: (line[i] if i < len(line) else None) for i, f in mapping.items()})
        return rows_to_entries(registry, rows)
    raise last_error or SchemaError("empty table")


def detect_format(data: bytes) -> str:
    """Return "xlsx", "xls", "json", "html" or "csv" by looking at the bytes themselves."""
    if data[:2] == b"PK":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head[:1] in (b"[", b"{"):
        return "json"
    if head.startswith((b"<!doctype", b"<html", b"<table", b"<?xml")):
        return "html"
    return "csv"


def parse_file(registry: str, data: bytes) -> ParseResult:
    """Return entries from file bytes in any supported format (detected from content).

    Raises SchemaError for unsupported formats (old XLS, HTML) and unrecognisable content.
    """
    if registry not in REGISTRIES:
        raise SchemaError(f"unknown registry {registry!r}")
    fmt = detect_format(data)
    try:
        if fmt == "json":
            return parse_mirror_json(registry, data)
        if fmt == "xlsx":
            return parse_table(registry, _xlsx_rows(data))
        if fmt == "csv":
            return parse_table(registry, _csv_rows(data))
    except SchemaError:
        raise
    except (ValueError, RecursionError, csv.Error) as exc:
        # Whatever a broken file makes a parser raise is a reason to refuse it, recorded
        # like any other; not a traceback.
        raise SchemaError(f"unreadable {fmt}: {type(exc).__name__}: {str(exc)[:200]}") from None
    raise SchemaError(f"{fmt} files are not supported; export XLSX or CSV instead")


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken archive
        raise SchemaError(f"unreadable XLSX: {exc}") from exc
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SchemaError("CSV is neither UTF-8 nor Windows-1251")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]
