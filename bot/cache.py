"""A disk cache for structures built from data that does not change between runs.

A CLI call (`riskguide check`, `riskguide ask`) pays for building the name index or the question
index on every start although the snapshot or knowledge base it is built from rarely changes. The
cache keeps the built structure, keyed by the content hash of its source plus the code version, so
a changed source or a new release never reads a stale structure.

The files are pickles: they are written and read only by this user's own processes, in a directory
only this user writes to (the platform's cache directory, or `RISKGUIDE_CACHE_DIR`). Setting
`RISKGUIDE_CACHE_DIR=off` disables the cache; an error reading or writing it falls back to building.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from bot import __version__

log = logging.getLogger(__name__)

T = TypeVar("T")

# Bumped when a cached structure's layout changes without a release: old files are then ignored.
_FORMAT = "1"


def cache_dir() -> Path | None:
    """Return the directory cached structures live in, or None when caching is switched off.

    Read from the environment on each call, so tests and operators can point it elsewhere.
    """
    configured = os.environ.get("RISKGUIDE_CACHE_DIR", "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured)
    return Path(platformdirs.user_cache_dir("riskguide"))


def content_key(*parts: bytes | str) -> str:
    """Return a hex digest identifying `parts` together with the code that builds from them.

    Python's and riskguide's versions are part of the key because a pickle of one version's
    classes may not load, or may load wrongly, in another.
    """
    digest = hashlib.sha256()
    for part in (__version__, _FORMAT, sys.version, *parts):
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def load(kind: str, key: str) -> Any:
    """Return the structure cached under (`kind`, `key`), or None when there is none (or the
    cache is off, or the file is unreadable).

    For a caller that can tell from cheap facts (a content hash) whether a structure is cached,
    and only otherwise reads the source it would be built from.
    """
    directory = cache_dir()
    if directory is None:
        return None
    path = _path(directory, kind, key)
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as error:  # a truncated or foreign file: rebuild rather than fail
        log.warning("Ignoring unreadable cache file %s: %s", path.name, error)
        return None


def load_or_build(kind: str, key: str, build: Callable[[], T]) -> T:
    """Return the structure cached under (`kind`, `key`), building and storing it when absent.

    `kind` names the structure ("names", "questions"); `key` comes from `content_key` over
    everything the structure is built from. Only the newest file of a kind is kept, so the
    cache does not grow with each snapshot.
    """
    cached: T | None = load(kind, key)
    if cached is not None:
        return cached
    built = build()
    directory = cache_dir()
    if directory is not None:
        _store(directory, kind, _path(directory, kind, key), built)
    return built


def _path(directory: Path, kind: str, key: str) -> Path:
    """Return the file a structure of `kind` built from the source hashed as `key` lives in."""
    return directory / f"{kind}-{key[:32]}.pickle"


def _store(directory: Path, kind: str, path: Path, value: object) -> None:
    """Write `value` to `path` atomically and drop older files of the same kind."""
    tmp: Path | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=f".{kind}-", delete=False) as handle:
            tmp = Path(handle.name)
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        tmp = None
        for old in directory.glob(f"{kind}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except Exception as error:  # a read-only or full disk must never stop an answer
        log.warning("Could not write the %s cache: %s", kind, error)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
