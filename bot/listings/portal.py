"""Fetchers for the official registry portal's REST API and for a mirror (httpx, sync).

The portal: `GET /rest/registry/<id>/info` (title, lastModified, columns), then
`POST /rest/registry/<id>/values` page by page. The server caps a page at 1000 rows whatever
`limit` says, so we page until `size` rows are read; a short read is a failed fetch, never a
smaller registry. TLS verification is always on; an extra CA bundle can be supplied for the
portal's incomplete certificate chain. The proxy applies to these fetches only.
"""

from __future__ import annotations

import logging
import ssl
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx

from bot import redact
from bot.listings import parse
from bot.listings.model import EXTREMIST, FOREIGN_AGENTS, UNDESIRABLE, Snapshot, utcnow

log = logging.getLogger(__name__)

REGISTRY_IDS = {
    FOREIGN_AGENTS: "39b95df9-9a68-6b6d-e1e3-e6388507067e",
    UNDESIRABLE: "c2d1692e-a9f6-5a79-13ee-5da5b42980df",
    EXTREMIST: "59961ebb-9f0e-d885-7ebc-b90399923b03",
}
# The FSB's terrorist list has no portal registry: it comes from the mirror (or a file).
PAGE_SIZE = 1000
# Never page forever: a registry of this many rows would be a broken server.
MAX_ROWS = 200_000


class FetchError(RuntimeError):
    """A fetch did not produce a complete, readable registry (the reason is the message).

    The message is redacted when made: it names URLs, and it is logged, stored as a
    rejection and shown by both status commands.
    """

    def __init__(self, message: str) -> None:
        super().__init__(redact.text(message))


@dataclass(frozen=True)
class PortalFetch:
    """One fetch result: a snapshot, or None when lastModified says nothing changed."""

    registry: str
    last_modified: str
    snapshot: Snapshot | None


def make_client(*, proxy: str | None = None, ca_bundle: str | None = None,
                timeout: float = 30.0, transport: httpx.BaseTransport | None = None,
                ) -> httpx.Client:
    """Return an httpx client for registry fetches (verification on; extra CA optional).

    `transport` is for tests (httpx.MockTransport); with it the proxy is not used.
    """
    # httpx logs every request's URL at INFO; a mirror URL may carry a password or a token.
    redact.install_filter(logging.getLogger("httpx"))
    verify: ssl.SSLContext | bool = True
    if ca_bundle:
        # Default roots plus the bundle: the bundle usually holds just the missing intermediate.
        ctx = ssl.create_default_context()
        ctx.load_verify_locations(cafile=ca_bundle)
        verify = ctx
    headers = {"User-Agent": "riskguide registry check", "Accept": "application/json"}
    if transport is not None:
        return httpx.Client(transport=transport, timeout=timeout, headers=headers)
    return httpx.Client(proxy=proxy, verify=verify, timeout=timeout, headers=headers,
                        follow_redirects=True)


def _as_of(last_modified: object) -> date:
    """Return the date a lastModified value (epoch ms, epoch s or ISO text) stands for."""
    if isinstance(last_modified, int | float) or str(last_modified).isdigit():
        value = float(str(last_modified))
        if value > 1e11:
            value /= 1000
        return datetime.fromtimestamp(value, UTC).date()
    try:
        return datetime.fromisoformat(str(last_modified).replace("Z", "+00:00")).date()
    except ValueError:
        return utcnow().date()


class PortalClient:
    """Fetches whole registries from the portal's REST API with retries."""

    def __init__(self, base_url: str, client: httpx.Client, *, retries: int = 3,
                 backoff: float = 1.0) -> None:
        """Use client for requests to base_url (e.g. https://reestrs.minjust.gov.ru)."""
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.retries = retries
        self.backoff = backoff

    def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        last: Exception | None = None
        for attempt in range(self.retries):
            try:
                response = self.client.request(method, url, **kwargs)
                if response.status_code >= 500 or response.status_code == 429:
                    raise FetchError(f"HTTP {response.status_code} from {url}")
                response.raise_for_status()
                return parse.load_json(response.content)
            except (httpx.TransportError, FetchError, ValueError) as exc:
                last = exc
                log.info("attempt %d for %s failed: %s", attempt + 1, redact.url(url),
                         redact.text(str(exc)))
                if attempt + 1 < self.retries:
                    time.sleep(self.backoff * 2**attempt)
            except httpx.HTTPStatusError as exc:
                raise FetchError(f"HTTP {exc.response.status_code} from {url}") from exc
        raise FetchError(f"{url}: {last}")

    def info(self, registry: str) -> dict[str, Any]:
        """Return the registry's /info (title, lastModified, columns)."""
        data = self._request("GET", f"{self.base_url}/rest/registry/{REGISTRY_IDS[registry]}/info")
        if not isinstance(data, dict) or not isinstance(data.get("columns"), list):
            raise FetchError("/info has no columns")
        return data

    def fetch(self, registry: str, *, known_last_modified: str | None = None) -> PortalFetch:
        """Return the whole registry, or no snapshot when lastModified equals the known one.

        Raises FetchError on any incomplete or unreadable answer.
        """
        info = self.info(registry)
        last_modified = str(info.get("lastModified") or "")
        if known_last_modified and last_modified == known_last_modified:
            return PortalFetch(registry, last_modified, None)
        url = f"{self.base_url}/rest/registry/{REGISTRY_IDS[registry]}/values"
        rows: list[Any] = []
        total: int | None = None
        while total is None or len(rows) < total:
            body = {"offset": len(rows), "limit": PAGE_SIZE, "search": "", "facets": {},
                    "sort": []}
            page = self._request("POST", url, json=body)
            if not isinstance(page, dict) or not isinstance(page.get("values"), list):
                raise FetchError("/values answer has no values")
            total = int(page.get("size", 0))
            if total > MAX_ROWS:
                raise FetchError(f"implausible size {total}")
            values = page["values"]
            if not values and len(rows) < total:
                raise FetchError(f"short read: {len(rows)} of {total} rows")
            rows.extend(values)
        if len(rows) != total:
            raise FetchError(f"read {len(rows)} rows but size is {total}")
        try:
            result = parse.parse_portal_rows(registry, info["columns"], rows)
        except parse.SchemaError as exc:
            raise FetchError(f"schema: {exc}") from exc
        snapshot = Snapshot(
            registry=registry, origin="portal", source=redact.url(url),
            as_of=_as_of(info.get("lastModified")) if last_modified else utcnow().date(),
            fetched_at=utcnow(), entries=tuple(result.entries), skipped_rows=result.skipped,
            exclusions_known=result.exclusions_known,
        )
        return PortalFetch(registry, last_modified, snapshot)
