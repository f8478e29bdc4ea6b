"""Fetching a registry from a public mirror: the manifest layout, and the older per-list URLs.

The manifest layout is that of ITSalt/ru-registries-mirror: `index.json` names, per list, its
data file, `entry_count`, `entries_sha256`, `fetched_at`, `status` and the freshness window;
`data/<list>.json` holds the same metadata and the entries. Everything a manifest promises is
checked: a failed list, a count or checksum that does not match, a body that is not JSON or
was cut short, a missing file — each is a FetchError with its reason, never a smaller list.
The older layout (a URL template with `{registry}`, serving the 2023-2024 mirror JSON) still
works for operators who set one up.
"""

from __future__ import annotations

import contextlib
import logging
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import httpx

from bot import redact
from bot.listings import parse
from bot.listings.model import (
    EXTREMIST,
    FOREIGN_AGENTS,
    MIRROR,
    TERRORIST,
    UNDESIRABLE,
    Snapshot,
    utcnow,
)
from bot.listings.portal import FetchError

log = logging.getLogger(__name__)

# The mirror's names for our lists (it also carries extremist materials, which we do not use).
MANIFEST_KEYS = {
    FOREIGN_AGENTS: "minjust_foreign_agents",
    UNDESIRABLE: "minjust_undesirable_orgs",
    EXTREMIST: "minjust_extremist_orgs",
    TERRORIST: "fsb_terrorist_orgs",
}
# A registry file larger than this is not a registry (the largest list is ~0.6 MB).
MAX_BYTES = 64 * 1024 * 1024


def fetch(client: httpx.Client, url: str, registry: str) -> Snapshot:
    """Return registry's snapshot from the mirror at url (a manifest or a `{registry}` template).

    Raises FetchError with the reason when the mirror cannot give a complete, checked list.
    """
    if "{registry}" in url:
        return _fetch_legacy(client, url.format(registry=registry), registry)
    if not url.split("?", 1)[0].endswith(".json"):
        # A folder URL of the older layout: `<url>/<registry>.json`.
        return _fetch_legacy(client, f"{url.rstrip('/')}/{registry}.json", registry)
    return _fetch_manifest(client, url, registry)


def _get(client: httpx.Client, url: str) -> httpx.Response:
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
    if response.status_code != 200:
        raise FetchError(f"HTTP {response.status_code} from {url}")
    if len(response.content) > MAX_BYTES:
        raise FetchError(f"{url}: {len(response.content)} bytes is too large for a registry")
    return response


def _json(response: httpx.Response, what: str) -> Any:
    try:
        return parse.load_json(response.content)  # bounded: no RecursionError from a deep body
    except ValueError as exc:
        # A body cut short by a broken download is not valid JSON either.
        raise FetchError(f"{what} is not valid JSON (damaged or cut short): {exc}") from exc


def _fetch_manifest(client: httpx.Client, index_url: str, registry: str) -> Snapshot:
    key = MANIFEST_KEYS[registry]
    manifest = _json(_get(client, index_url), "the mirror's index.json")
    lists = manifest.get("registries") if isinstance(manifest, dict) else None
    if not isinstance(lists, dict):
        raise FetchError("the mirror's index.json has no 'registries'")
    meta = lists.get(key)
    if not isinstance(meta, dict):
        raise FetchError(f"the mirror's index.json has no list {key!r}")
    if meta.get("status") != "ok":
        raise FetchError(f"the mirror could not take {key}: status {meta.get('status')!r}"
                         f" ({meta.get('last_error') or 'no reason given'})")
    file_url = urljoin(index_url, str(meta.get("file") or f"data/{key}.json"))
    doc = _json(_get(client, file_url), file_url)
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise FetchError(f"{file_url} has no list of entries")
    entries = doc["entries"]
    # The manifest is the promise and the data file must keep it: a file replaced by an
    # older or damaged one is caught here even if it is consistent with itself.
    for field in ("entry_count", "entries_sha256"):
        if meta.get(field) is not None and doc.get(field) is not None \
                and meta[field] != doc[field]:
            raise FetchError(f"{file_url}: {field} {doc[field]!r} differs from the manifest's "
                             f"{meta[field]!r}")
    if meta.get("entry_count") is not None and meta["entry_count"] != len(entries):
        raise FetchError(f"{file_url}: {len(entries)} entries, the manifest promises "
                         f"{meta['entry_count']}")
    if meta.get("entries_sha256") and parse.entries_digest(entries) != meta["entries_sha256"]:
        raise FetchError(f"{file_url}: entries_sha256 does not match (damaged or altered copy)")
    try:
        result = parse.parse_mirror_json(registry, doc)
    except (parse.SchemaError, ValueError) as exc:
        raise FetchError(f"{file_url}: {exc}") from exc
    taken = result.taken_on or parse.timestamp_date(meta.get("fetched_at"))
    if taken is None:
        raise FetchError(f"{file_url}: no fetched_at, so the data's date is unknown")
    return Snapshot(registry=registry, origin=MIRROR, source=redact.url(file_url), as_of=taken,
                    fetched_at=utcnow(), entries=tuple(result.entries),
                    skipped_rows=result.skipped, exclusions_known=result.exclusions_known)


def _fetch_legacy(client: httpx.Client, url: str, registry: str) -> Snapshot:
    response = _get(client, url)
    try:
        result = parse.parse_mirror_json(registry, response.content)
    except (parse.SchemaError, ValueError) as exc:
        raise FetchError(f"{url}: {exc}") from exc
    as_of = utcnow().date()
    if "last-modified" in response.headers:
        with contextlib.suppress(TypeError, ValueError):
            as_of = parsedate_to_datetime(response.headers["last-modified"]).date()
    return Snapshot(registry=registry, origin=MIRROR, source=redact.url(url), as_of=as_of,
                    fetched_at=utcnow(), entries=tuple(result.entries),
                    skipped_rows=result.skipped, exclusions_known=result.exclusions_known)
