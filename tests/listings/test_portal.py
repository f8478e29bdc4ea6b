"""The portal fetcher against httpx.MockTransport: paging, short reads, retries, schema."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.listings import portal

COLUMNS = [{"name": "field_2_s", "title": "Полное наименование / ФИО"},
           {"name": "field_4_s", "title": "Дата принятия решения о включении"}]


def _transport(total: int, served: int | None = None, fail: int = 0,
               columns: list | None = None) -> tuple[httpx.MockTransport, list]:
    rows = [{"id": str(i), "field_2_s": f"Фамилия{i} Имя", "field_4_s": "01.01.2024"}
            for i in range(served if served is not None else total)]
    seen: list = []
    state = {"fail": fail}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path))
        if state["fail"]:
            state["fail"] -= 1
            return httpx.Response(503)
        if request.url.path.endswith("/info"):
            return httpx.Response(200, json={"title": "t", "lastModified": 1727740800000,
                                             "columns": columns or COLUMNS})
        body = json.loads(request.content)
        limit = min(1000, body["limit"])
        return httpx.Response(200, json={"values": rows[body["offset"]:body["offset"] + limit],
                                         "size": total})

    return httpx.MockTransport(handler), seen


def _client(transport: httpx.MockTransport) -> portal.PortalClient:
    return portal.PortalClient("https://portal.test", portal.make_client(transport=transport),
                               backoff=0)


def test_pages_past_the_1000_row_cap() -> None:
    transport, seen = _transport(2500)
    fetched = _client(transport).fetch("foreign_agents")
    assert fetched.snapshot is not None and fetched.snapshot.count == 2500
    assert sum(1 for m, _ in seen if m == "POST") == 3
    assert fetched.snapshot.origin == "portal"
    assert fetched.snapshot.as_of.isoformat() == "2024-10-01"


def test_short_read_is_a_failed_fetch() -> None:
    transport, _ = _transport(1500, served=1200)
    with pytest.raises(portal.FetchError, match="short read"):
        _client(transport).fetch("foreign_agents")


def test_unchanged_last_modified_skips_download() -> None:
    transport, seen = _transport(10)
    fetched = _client(transport).fetch("foreign_agents", known_last_modified="1727740800000")
    assert fetched.snapshot is None
    assert all(m == "GET" for m, _ in seen)


def test_retries_server_errors() -> None:
    transport, _ = _transport(10, fail=2)
    assert _client(transport).fetch("undesirable").snapshot is not None
    transport, _ = _transport(10, fail=5)
    with pytest.raises(portal.FetchError):
        _client(transport).fetch("undesirable")


def test_missing_name_column_is_a_schema_failure() -> None:
    transport, _ = _transport(10, columns=[{"name": "field_4_s", "title": "Дата"}])
    with pytest.raises(portal.FetchError, match="schema"):
        _client(transport).fetch("foreign_agents")


def test_ca_bundle_keeps_verification_on(tmp_path) -> None:
    import certifi

    client = portal.make_client(ca_bundle=certifi.where())
    client.close()
    with pytest.raises(OSError):
        portal.make_client(ca_bundle=str(tmp_path / "missing.pem"))
