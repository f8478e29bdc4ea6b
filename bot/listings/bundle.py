"""The registry snapshot that ships inside the package, so a fresh install can check names.

`riskguide registry bundle` writes it from the store's latest good snapshots; the service
answers from it for a list only while the store holds no snapshot of that list. It is never
a diff base for alerts and no fetch or import is compared with it: the first snapshot a
store gets is still the starting point. Only what a check needs is kept — names as
published, aliases, kind, dates in and out, the legal basis, INN/OGRN for lookups by number —
never birth dates, SNILS, addresses, resources or members.

The file is JSON with one entry per line, so a rebuild shows in git as the entries that
changed; repeated legal-basis texts are stored once and referred to by number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.listings.model import BUNDLED, REGISTRIES, Entry, Snapshot, utcnow

BUNDLE_PATH = Path(__file__).resolve().parent / "bundled-registries.json"
FORMAT = 1


class BundleError(ValueError):
    """The bundled file is missing, unreadable or of another format."""


def write(snapshots: Iterable[Snapshot], path: Path = BUNDLE_PATH) -> dict[str, Any]:
    """Write the compact bundle of snapshots to path; return its summary per list.

    The summary (rows, date, source) is what the closing note and the CLI report.
    """
    bases: list[str] = []
    base_ids: dict[str, int] = {}
    lists: dict[str, dict[str, Any]] = {}
    entry_lines: list[str] = []
    for snap in snapshots:
        lists[snap.registry] = {"as_of": snap.as_of.isoformat(), "source": snap.source,
                                "source_origin": snap.origin, "count": snap.count,
                                "exclusions_known": snap.exclusions_known}
        for e in snap.entries:
            basis = base_ids.setdefault(e.legal_basis, len(base_ids))
            if basis == len(bases):
                bases.append(e.legal_basis)
            item = {"r": e.registry, "id": e.entry_id, "k": e.kind, "n": e.name,
                    "a": list(e.aliases), "in": _iso(e.included_on), "out": _iso(e.excluded_on),
                    "b": basis, "inn": e.inn or None, "ogrn": e.ogrn or None}
            entry_lines.append(json.dumps({k: v for k, v in item.items() if v not in (None, [])},
                                          ensure_ascii=False, separators=(",", ":")))
    head = {"format": FORMAT, "built_at": utcnow().isoformat(), "lists": lists, "bases": bases}
    body = (json.dumps(head, ensure_ascii=False, indent=1)[:-2]
            + ',\n "entries": [\n' + ",\n".join(entry_lines) + "\n]}\n")
    from bot.listings.store import atomic_write

    atomic_write(path, body.encode("utf-8"))
    path.chmod(0o644)  # package data: readable by whoever installs it
    load_all.cache_clear()
    return lists


@lru_cache(maxsize=2)
def load_all(path: Path = BUNDLE_PATH) -> dict[str, Snapshot]:
    """Return the bundled snapshot of every list it holds, keyed by registry.

    Raises BundleError when the file is missing or broken: a package without its bundle is
    a packaging mistake the caller reports, not something to paper over.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BundleError(f"no bundled registry data at {path}") from exc
    except (OSError, ValueError) as exc:
        raise BundleError(f"unreadable bundled registry data {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BundleError(f"bundled registry data {path} is not format {FORMAT}")
    bases = data.get("bases") or []
    built_at = datetime.fromisoformat(str(data["built_at"]))
    per_list: dict[str, list[Entry]] = {r: [] for r in data["lists"]}
    for item in data["entries"]:
        per_list[item["r"]].append(Entry(
            registry=item["r"], entry_id=item["id"], kind=item["k"], name=item["n"],
            aliases=tuple(item.get("a") or ()), included_on=_date(item.get("in")),
            excluded_on=_date(item.get("out")), legal_basis=bases[item.get("b", 0)] if bases
            else "", inn=item.get("inn") or "", ogrn=item.get("ogrn") or ""))
    out = {}
    for registry, meta in data["lists"].items():
        if registry not in REGISTRIES:
            continue
        out[registry] = Snapshot(
            registry=registry, origin=BUNDLED, source=f"package ({meta['source']})",
            as_of=date.fromisoformat(meta["as_of"]), fetched_at=built_at,
            entries=tuple(per_list[registry]),
            exclusions_known=bool(meta.get("exclusions_known", True)))
    return out


def load(registry: str, path: Path = BUNDLE_PATH) -> Snapshot | None:
    """Return the bundled snapshot of registry, or None when the bundle lacks it or is broken.

    The service calls this only for a list with nothing stored; a broken bundle then means
    "no data" for that list, which checks already answer honestly.
    """
    try:
        return load_all(path).get(registry)
    except BundleError:
        return None


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None
