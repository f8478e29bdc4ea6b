"""A local emulator of the registry portal's REST API, serving mirror snapshots in its shape.

It answers `GET /rest/registry/<id>/info` (title, lastModified, columns with field names and
titles), `POST /rest/registry/<id>/values` (pages capped at 1000 rows, like the real server)
and `GET /rest/registry/<id>/export` (an XLSX file). Tests run it on 127.0.0.1 to drive the
official adapter end to end over HTTP; `riskguide registry emulate` serves it by hand.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bot.listings.model import FOREIGN_AGENTS, UNDESIRABLE
from bot.listings.portal import REGISTRY_IDS

SERVER_PAGE_CAP = 1000

# (portal field name, column title, mirror key) per registry; field numbers as seen publicly.
COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    FOREIGN_AGENTS: [
        ("field_1_s", "№ п/п", "id"),
        ("field_2_s", "Полное наименование / ФИО", "fullName"),
        ("field_3_s", "Дата рождения", "dob"),
        ("field_4_s", "Дата принятия решения о включении", "dateIn"),
        ("field_5_s", "Дата принятия решения об исключении", "dateOut"),
        ("field_6_s", "Основание включения", "law"),
        ("field_7_s", "Вид лица", "_kind"),
        ("field_8_s", "ИНН", "inn"),
        ("field_9_s", "ОГРН", "ogrn"),
        ("field_11_s", "Информационные ресурсы", "resources"),
        ("field_12_s", "Участники", "members"),
    ],
    UNDESIRABLE: [
        ("field_1_s", "№ п/п", "id"),
        ("field_5_s", "Наименование организации", "fullName"),
        ("field_2_s", "Дата принятия решения о включении", "dateIn"),
        ("field_3_s", "Решение Минюста о включении", "decisionInMinjust"),
        ("field_8_s", "Дата исключения", "dateOut"),
        ("field_10_s", "Статус", "_status"),
    ],
}


@dataclass
class EmulatedRegistry:
    """One registry's rows in portal shape, and knobs to make the server misbehave."""

    rows: list[dict[str, Any]]
    last_modified: int
    short_read: bool = False  # answer `size` larger than the rows actually served
    fail_times: int = 0  # answer HTTP `fail_status` this many times first
    fail_status: int = 503
    delay_s: float = 0.0  # wait this long before answering (a hanging server)
    truncate: bool = False  # cut every /values body in half (a broken download)
    renamed_columns: bool = False  # /info and rows use field names and titles never seen
    requests: list[str] = field(default_factory=list)


def mirror_to_rows(registry: str, mirror: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return mirror JSON objects as portal rows (field_N_s keys plus technical keys)."""
    rows = []
    for n, item in enumerate(mirror, start=1):
        row: dict[str, Any] = {"id": f"{registry}-{n}", "grid_s": str(n), "_version_": n}
        for fname, _title, key in COLUMNS[registry]:
            if key == "_kind":
                person = bool(item.get("dob") or len(str(item.get("inn", ""))) == 12
                              or item.get("snils"))
                row[fname] = "Физические лица" if person else "Юридические лица"
            elif key == "_status":
                row[fname] = "Исключена" if str(item.get("dateOut", "")).strip() else "Действует"
            else:
                row[fname] = item.get(key, "")
        rows.append(row)
    return rows


class Emulator:
    """The emulated portal: registries by portal id, served by a ThreadingHTTPServer."""

    def __init__(self) -> None:
        """Start empty; add registries with `load` or `load_file`."""
        self.registries: dict[str, EmulatedRegistry] = {}
        self.server: ThreadingHTTPServer | None = None

    def load(self, registry: str, mirror: list[dict[str, Any]],
             last_modified: datetime | None = None) -> EmulatedRegistry:
        """Serve mirror-format rows as registry (replacing what was served before)."""
        moment = last_modified or datetime.now(UTC)
        reg = EmulatedRegistry(mirror_to_rows(registry, mirror), int(moment.timestamp() * 1000))
        self.registries[REGISTRY_IDS[registry]] = reg
        return reg

    def load_file(self, registry: str, path: Path) -> EmulatedRegistry:
        """Serve a mirror snapshot file; its date (file name) becomes lastModified."""
        stamp = datetime.fromisoformat(path.stem).replace(hour=12, tzinfo=UTC)
        return self.load(registry, json.loads(path.read_text(encoding="utf-8")), stamp)

    def get(self, registry: str) -> EmulatedRegistry:
        """Return the emulated state of registry (to set failure knobs in tests)."""
        return self.registries[REGISTRY_IDS[registry]]

    def info(self, rid: str) -> dict[str, Any]:
        """Return the /info body for a portal registry id."""
        name = next(r for r, i in REGISTRY_IDS.items() if i == rid)
        reg = self.registries[rid]
        columns = [{"name": f, "title": t, "hidden": False} for f, t, _ in COLUMNS[name]]
        if reg.renamed_columns:
            columns = [{"name": f"col{n}", "title": f"Колонка {n}", "hidden": False}
                       for n, _ in enumerate(columns, start=1)]
        return {"title": name, "lastModified": reg.last_modified, "columns": columns}

    def values(self, rid: str, body: dict[str, Any]) -> dict[str, Any]:
        """Return one /values page; the page is capped at 1000 rows whatever limit says."""
        reg = self.registries[rid]
        offset = max(0, int(body.get("offset", 0)))
        limit = min(SERVER_PAGE_CAP, max(0, int(body.get("limit", 50))))
        size = len(reg.rows) + (5 if reg.short_read else 0)
        rows = reg.rows[offset : offset + limit]
        if reg.renamed_columns:
            rows = [{(f"col{n}" if k.startswith("field_") else k): v
                     for n, (k, v) in enumerate(row.items())} for row in rows]
        return {"values": rows, "size": size}

    def export(self, rid: str) -> bytes:
        """Return the registry as an XLSX workbook (title row, header row, data)."""
        import openpyxl

        name = next(r for r, i in REGISTRY_IDS.items() if i == rid)
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append([f"Реестр {name}"])
        sheet.append([t for _, t, _ in COLUMNS[name]])
        for row in self.registries[rid].rows:
            sheet.append([row.get(f, "") for f, _, _ in COLUMNS[name]])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """Return the request handler class bound to this emulator."""
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
                return

            def _send(self, code: int, body: bytes, ctype: str = "application/json") -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _route(self) -> tuple[str, str] | None:
                parts = self.path.split("?")[0].strip("/").split("/")
                known = len(parts) == 4 and parts[:2] == ["rest", "registry"]
                if known and parts[2] in emulator.registries:
                    reg = emulator.registries[parts[2]]
                    reg.requests.append(f"{self.command} {parts[3]}")
                    if reg.delay_s:
                        time.sleep(reg.delay_s)
                    if reg.fail_times > 0:
                        reg.fail_times -= 1
                        self._send(reg.fail_status, b'{"error": "unavailable"}')
                        return None
                    return parts[2], parts[3]
                self._send(404, b'{"error": "not found"}')
                return None

            def do_GET(self) -> None:
                route = self._route()
                if route is None:
                    return
                rid, action = route
                if action == "info":
                    self._send(200, json.dumps(emulator.info(rid)).encode())
                elif action == "export":
                    self._send(200, emulator.export(rid), "application/octet-stream")
                else:
                    self._send(405, b"{}")

            def do_POST(self) -> None:
                route = self._route()
                if route is None:
                    return
                rid, action = route
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    self._send(400, b'{"error": "bad json"}')
                    return
                if action == "values":
                    page = json.dumps(emulator.values(rid, body), ensure_ascii=False).encode()
                    if emulator.registries[rid].truncate:
                        page = page[: len(page) // 2]
                    self._send(200, page)
                else:
                    self._send(405, b"{}")

        return Handler

    @contextmanager
    def running(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve in a background thread; yield the base URL; stop on exit."""
        self.server = ThreadingHTTPServer((host, port), self.handler())
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://{host}:{self.server.server_address[1]}"
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join(timeout=5)


def latest_files(root: Path) -> dict[str, Path]:
    """Return the newest mirror file per registry under root (`<registry>/<date>.json`)."""
    out = {}
    for registry in REGISTRY_IDS:
        files = sorted((root / registry).glob("*.json"))
        if files:
            out[registry] = files[-1]
    return out
