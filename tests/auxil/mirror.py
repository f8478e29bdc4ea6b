"""A public mirror on loopback: a real HTTP server over a copy of the mirror's layout.

The copy (`index.json` plus `data/*.json`, from ../shared/registries/mirror/) lives in a
temporary folder, so a test breaks the mirror the way real ones break — a damaged file, a
failed list in the manifest, a truncated download, a missing file, an older copy — by editing
that folder, and repairs it the same way.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.auxil.registries import SHARED_REGISTRIES

SHARED_MIRROR = SHARED_REGISTRIES / "mirror"
FILES = {"foreign_agents": "minjust_foreign_agents", "undesirable": "minjust_undesirable_orgs",
         "extremist": "minjust_extremist_orgs", "terrorist": "fsb_terrorist_orgs"}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class MirrorCopy:
    """A writable copy of the mirror layout, and helpers to damage and repair it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(SHARED_MIRROR, root, dirs_exist_ok=True)
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)  # the shared copy is read-only
        self._pristine = {p: p.read_bytes() for p in root.rglob("*.json")}

    def data_path(self, registry: str) -> Path:
        """Return the data file of registry in the copy."""
        return self.root / "data" / f"{FILES[registry]}.json"

    def index(self) -> dict[str, Any]:
        """Return the manifest as it stands."""
        return dict(json.loads((self.root / "index.json").read_text("utf-8")))

    def set_index(self, index: dict[str, Any]) -> None:
        """Write the manifest."""
        (self.root / "index.json").write_text(json.dumps(index, ensure_ascii=False), "utf-8")

    def edit_list(self, registry: str, **fields: Any) -> None:
        """Change fields of registry's manifest entry (e.g. status="failed")."""
        index = self.index()
        index["registries"][FILES[registry]].update(fields)
        self.set_index(index)

    def data(self, registry: str) -> dict[str, Any]:
        """Return registry's data document as it stands."""
        return dict(json.loads(self.data_path(registry).read_text("utf-8")))

    def publish(self, registry: str, doc: dict[str, Any]) -> None:
        """Write a data document and a manifest entry that agree with it (a good update)."""
        from bot.listings.parse import entries_digest

        doc = dict(doc)
        doc["entry_count"] = len(doc["entries"])
        doc["entries_sha256"] = entries_digest(doc["entries"])
        self.data_path(registry).write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        self.edit_list(registry, entry_count=doc["entry_count"],
                       entries_sha256=doc["entries_sha256"], fetched_at=doc["fetched_at"],
                       status="ok")

    def restore(self) -> None:
        """Put every file back as copied (the mirror recovers)."""
        for path, body in self._pristine.items():
            path.write_bytes(body)


@contextmanager
def serve_mirror(root: Path) -> Iterator[tuple[MirrorCopy, str]]:
    """Serve a fresh copy of the mirror in root on 127.0.0.1; yield it and its index URL."""
    copy = MirrorCopy(root)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield copy, f"http://127.0.0.1:{server.server_address[1]}/index.json"
    finally:
        server.shutdown()
        server.server_close()
