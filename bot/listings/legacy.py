"""Import the snapshot files an older version kept under `data_dir/registries/` into the database.

Layout read: `<registry>/snapshots/<name>.json` (every accepted snapshot), `current.json`
(the latest and previous names), `state.json` (the per-list memo), `rejected.jsonl`. The
import runs when an instance first opens its store, not in an Alembic revision: the files
belong to one instance while a revision runs once per database, and a second instance moved
onto a shared database later has files of its own.

It is idempotent and loses nothing: the files stay where they are; a snapshot already
stored (by name) is skipped; the memo only fills keys the database lacks; a rejection line
already imported (same time and source) is skipped. A file that cannot be read is reported
by name (once per database: it is recorded as a rejection) and skipped. The latest file
becomes the database's latest only when the database has none, or an older one.
"""

from __future__ import annotations

import json
import logging
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.listings.model import REGISTRIES, Snapshot

if TYPE_CHECKING:
    from bot.listings.store import SnapshotStore

log = logging.getLogger(__name__)

UNREADABLE = "unreadable stored snapshot file"


@dataclass
class LegacyImport:
    """What the import of one folder did, per registry."""

    imported: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # already in the database
    broken: list[str] = field(default_factory=list)  # "<registry>/snapshots/<name>"
    heads: dict[str, str] = field(default_factory=dict)  # registry -> latest name set


def import_folder(store: SnapshotStore, root: Path) -> LegacyImport:
    """Import every registry's files under root into store; returns what it did.

    Never raises for a damaged file or folder: those are reported and skipped, so an
    instance with one bad file still starts with everything else.
    """
    report = LegacyImport()
    for registry in REGISTRIES:
        folder = root / registry
        if folder.is_dir():
            try:
                _import_registry(store, registry, folder, report)
            except OSError as exc:
                log.error("%s: cannot read the old snapshot folder %s: %s", registry, folder,
                          exc)
    if report.imported:
        log.info("imported old snapshot files from %s into the database: %s", root,
                 ", ".join(f"{r} {n}" for r, n in report.imported.items()))
    return report


def _import_registry(store: SnapshotStore, registry: str, folder: Path,
                     report: LegacyImport) -> None:
    files = sorted((folder / "snapshots").glob("*.json"))
    known = store.names(registry) if files else set()
    for path in files:
        if path.name in known:
            report.skipped[registry] = report.skipped.get(registry, 0) + 1
            continue
        snap = _read_snapshot(store, registry, path, report)
        if snap is None:
            continue
        if store.insert(snap, path.name, stored_by=f"{socket.gethostname()} (file import)"):
            report.imported[registry] = report.imported.get(registry, 0) + 1
    _import_head(store, registry, folder, files, report)
    _import_state(store, registry, folder)
    _import_rejections(store, registry, folder)


def _read_snapshot(store: SnapshotStore, registry: str, path: Path,
                   report: LegacyImport) -> Snapshot | None:
    label = f"{registry}/snapshots/{path.name}"
    try:
        snap = Snapshot.from_dict(json.loads(path.read_text(encoding="utf-8")))
        if snap.registry != registry:
            raise ValueError(f"it holds the {snap.registry} list")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        report.broken.append(label)
        # Recorded once per database, so that every start does not warn again.
        if not any(r["source"] == label for r in store.rejections(registry, limit=None)):
            log.warning("%s: skipped the unreadable snapshot file %s: %s", registry,
                        path, exc)
            store.record_rejection(registry, "file", label, [f"{UNREADABLE}: {exc}"],
                                   quiet=True)
        return None
    return snap


def _import_head(store: SnapshotStore, registry: str, folder: Path, files: list[Path],
                 report: LegacyImport) -> None:
    """Make the files' latest snapshot the database's latest when it has none or an older
    one; a missing or damaged current.json falls back to the newest stored file."""
    pointer = _read_json(folder / "current.json")
    names = store.names(registry)
    latest = pointer.get("latest") if isinstance(pointer, dict) else None
    previous = pointer.get("previous") if isinstance(pointer, dict) else None
    fallback = latest not in names
    if fallback:
        ours = [p.name for p in files if p.name in names]
        if not ours:
            return
        latest = max(ours, key=lambda n: _order(store, registry, n))
        previous = None
    if previous not in names:
        previous = None
    current, _ = store.head(registry)
    if current == latest:
        return
    if current is not None and _order(store, registry, current) >= _order(store, registry,
                                                                          str(latest)):
        return  # the database already has newer data (another instance's, or newer files)
    if fallback:
        log.warning("%s: %s names no readable snapshot; taking the newest file, %s",
                    registry, folder / "current.json", latest)
    if store.set_head(registry, str(latest), previous if current is None else current,
                      current):
        report.heads[registry] = str(latest)
        log.info("%s: the latest snapshot is now %s (from %s)", registry, latest, folder)


def _order(store: SnapshotStore, registry: str, name: str) -> tuple[str, str]:
    snap = store.load(registry, name)
    if snap is None:
        return ("", "")
    return (snap.as_of.isoformat(), snap.fetched_at.isoformat())


def _import_state(store: SnapshotStore, registry: str, folder: Path) -> None:
    state = _read_json(folder / "state.json")
    if not isinstance(state, dict):
        return
    have = store.state(registry)
    missing = {k: v for k, v in state.items() if k not in have}
    if missing:
        store.set_state(registry, **missing)


def _import_rejections(store: SnapshotStore, registry: str, folder: Path) -> None:
    path = folder / "rejected.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return
    seen = {(r["at"], r["source"]) for r in store.rejections(registry, limit=None)}
    for line in lines:
        try:
            item = json.loads(line)
            key = (str(item["at"]), str(item.get("source", "")))
        except (ValueError, KeyError, TypeError):
            continue
        if key in seen:
            continue
        seen.add(key)
        count = item.get("count")
        store.record_rejection(registry, str(item.get("origin", "file")), key[1],
                               [str(r) for r in item.get("reasons") or []],
                               count if isinstance(count, int) else None, at=key[0],
                               quiet=True)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("unreadable %s: %s", path, exc)
        return None
