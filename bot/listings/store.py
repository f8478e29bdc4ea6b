"""Snapshots on disk under `data_dir/registries/<registry>/`, with the last good one kept safe.

Layout: `snapshots/<as_of>_<fetched>_<hash8>.json` (one file per accepted snapshot, written
atomically), `current.json` (names the latest and previous good snapshots), `rejected.jsonl`
(one line per refused fetch or import, with the reason) and `state.json` (per-source memos
such as the portal's lastModified). A crash at any point leaves the previous good snapshot
readable: new files are written to a temporary name and renamed over.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import redact
from bot.listings import validate
from bot.listings.model import REGISTRIES, Snapshot, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreOutcome:
    """What happened to a snapshot offered to the store.

    `previous` and `current` are the snapshots a diff layer compares: the last good one
    before this call, and the one that is good now (the new one when accepted).
    """

    registry: str
    accepted: bool
    unchanged: bool
    reasons: tuple[str, ...]
    previous: Snapshot | None
    current: Snapshot | None
    path: Path | None = None
    # What --force waived for an accepted snapshot (validate.doubts), for the operator to see.
    overridden: tuple[str, ...] = ()


def atomic_write(path: Path, data: bytes) -> None:
    """Write data to path so readers see the old or the new file, never a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class SnapshotStore:
    """Reads and writes the snapshots of every registry under one directory."""

    def __init__(self, root: Path) -> None:
        """Use root (normally `settings.data_dir / "registries"`); created on first write."""
        self.root = Path(root)
        self._cache: dict[Path, Snapshot] = {}

    def _dir(self, registry: str) -> Path:
        if registry not in REGISTRIES:
            raise ValueError(f"unknown registry {registry!r}")
        return self.root / registry

    def _pointer(self, registry: str) -> dict[str, Any]:
        path = self._dir(registry) / "current.json"
        try:
            return dict(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.error("unreadable %s: %s", path, exc)
            return {}

    def _load(self, registry: str, name: str | None) -> Snapshot | None:
        if not name:
            return None
        path = self._dir(registry) / "snapshots" / name
        if path in self._cache:
            return self._cache[path]
        try:
            snap = Snapshot.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError) as exc:
            log.error("unreadable snapshot %s: %s", path, exc)
            return None
        self._cache[path] = snap
        return snap

    def latest_name(self, registry: str) -> str | None:
        """Return the file name of registry's latest good snapshot (its stable identity)."""
        name = self._pointer(registry).get("latest")
        return str(name) if name else None

    def load(self, registry: str, name: str | None) -> Snapshot | None:
        """Return the stored snapshot of registry with this file name, or None when gone.

        Every accepted snapshot is kept, so the alert layer can diff from the last one it
        processed even when several were stored while the bot was down.
        """
        return self._load(registry, name)

    def latest(self, registry: str) -> Snapshot | None:
        """Return the last good snapshot of registry, or None when there is none yet."""
        return self._load(registry, self._pointer(registry).get("latest"))

    def previous(self, registry: str) -> Snapshot | None:
        """Return the good snapshot before the latest one (what a diff compares against)."""
        return self._load(registry, self._pointer(registry).get("previous"))

    def version(self) -> tuple[float, ...]:
        """Return a value that changes whenever any registry's latest snapshot changes.

        The service compares it before a check to reload data stored by another process.
        """
        out = []
        for registry in REGISTRIES:
            # state.json too: a failed fetch changes what a check may conclude.
            for name in ("current.json", "state.json"):
                try:
                    out.append((self._dir(registry) / name).stat().st_mtime_ns / 1e9)
                except FileNotFoundError:
                    out.append(0.0)
        return tuple(out)

    def save(self, snapshot: Snapshot) -> Path:
        """Store snapshot as the latest good one (no checks: use validate_and_store)."""
        folder = self._dir(snapshot.registry)
        name = (f"{snapshot.as_of.isoformat()}_{snapshot.fetched_at.strftime('%Y%m%dT%H%M%S')}"
                f"_{snapshot.content_hash[:8]}.json")
        path = folder / "snapshots" / name
        body = json.dumps(snapshot.to_dict(), ensure_ascii=False, separators=(",", ":"))
        atomic_write(path, body.encode("utf-8"))
        pointer = self._pointer(snapshot.registry)
        new_pointer = {"latest": name, "previous": pointer.get("latest"),
                       "meta": snapshot.meta()}
        atomic_write(folder / "current.json",
                     json.dumps(new_pointer, ensure_ascii=False, indent=1).encode("utf-8"))
        self._cache[path] = snapshot
        return path

    def record_rejection(self, registry: str, origin: str, source: str, reasons: list[str],
                         count: int | None = None) -> None:
        """Append a refused fetch or import, with its reasons, to the registry's log.

        URLs in the source and the reasons are stored without credentials.
        """
        source = redact.text(source)
        reasons = [redact.text(r) for r in reasons]
        line = {"at": utcnow().isoformat(), "registry": registry, "origin": origin,
                "source": source, "count": count, "reasons": reasons}
        folder = self._dir(registry)
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "rejected.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        # An unreachable source is routine abroad (the portal answers Russian addresses only)
        # and is shown by `registry status`; refused data is worth an operator's attention.
        level = logging.INFO if all(r.startswith("fetch failed") for r in reasons) \
            else logging.WARNING
        log.log(level, "%s: rejected %s data from %s: %s", registry, origin, source,
                "; ".join(reasons))

    def rejections(self, registry: str, limit: int = 5) -> list[dict[str, Any]]:
        """Return the most recent rejections of registry, newest last."""
        path = self._dir(registry) / "rejected.jsonl"
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines[-limit:]:
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def state(self, registry: str) -> dict[str, Any]:
        """Return the per-registry memo (e.g. the portal's last seen lastModified)."""
        try:
            return dict(json.loads((self._dir(registry) / "state.json").read_text("utf-8")))
        except (FileNotFoundError, ValueError):
            return {}

    def set_state(self, registry: str, **values: Any) -> None:
        """Update the per-registry memo atomically."""
        state = self.state(registry) | values
        atomic_write(self._dir(registry) / "state.json",
                     json.dumps(state, ensure_ascii=False).encode("utf-8"))

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive lock so two processes never store at the same moment."""
        import fcntl

        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def validate_and_store(store: SnapshotStore, snapshot: Snapshot, *,
                       force: bool = False) -> StoreOutcome:
    """Validate snapshot against the last good one and store it if it passes.

    The single path for every source (portal, mirror, file import): a refused snapshot is
    recorded with its reasons and the last good snapshot stays current.
    """
    with store.lock():
        previous = store.latest(snapshot.registry)
        doubts, notes = validate.review(snapshot, previous)
        reasons = validate.schema_problems(snapshot) + ([] if force else doubts)
        overridden = tuple(doubts) if force and not reasons else ()
        if not reasons:
            for note in notes:
                log.warning("%s: the source's layout changed: %s", snapshot.registry, note)
        if reasons:
            store.record_rejection(snapshot.registry, snapshot.origin, snapshot.source,
                                   reasons, snapshot.count)
            return StoreOutcome(snapshot.registry, False, False, tuple(reasons), previous,
                                previous)
        unchanged = previous is not None and previous.content_hash == snapshot.content_hash
        if unchanged and previous is not None and snapshot.as_of <= previous.as_of:
            # The same data for the same date again (an hourly refresh from a mirror that has
            # not moved): storing it would only grow the directory by a copy per refresh.
            return StoreOutcome(snapshot.registry, True, True, (), previous, previous,
                                overridden=overridden)
        if overridden:
            log.warning("%s: forced over: %s", snapshot.registry, "; ".join(overridden))
        path = store.save(snapshot)
        log.info("%s: stored %d entries as of %s from %s%s", snapshot.registry, snapshot.count,
                 snapshot.as_of, snapshot.origin, " (content unchanged)" if unchanged else "")
        return StoreOutcome(snapshot.registry, True, unchanged, (), previous, snapshot, path,
                            overridden)
