"""User preferences persisted as a small JSON file in the data directory."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class FilePreferences:
    """Remembers each user's chosen language across restarts, and nothing else."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._langs: dict[str, str] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                self._langs = {str(k): str(v) for k, v in data.get("languages", {}).items()}
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            # A damaged file must not stop the bot; the user simply picks a language again.
            log.warning("ignoring unreadable preferences file %s: %s", path, exc)

    def get_language(self, user_key: str) -> str | None:
        """Return the language the user chose, or None."""
        return self._langs.get(user_key)

    def set_language(self, user_key: str, lang: str) -> None:
        """Remember the language the user chose (written atomically)."""
        with self._lock:
            self._langs[user_key] = lang
            self._write()

    def forget(self, user_key: str) -> None:
        """Delete everything stored about a user."""
        with self._lock:
            if self._langs.pop(user_key, None) is not None:
                self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".prefs-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"languages": self._langs}, fh, ensure_ascii=False)
        os.replace(tmp, self.path)
