"""Where the bundled data files (knowledge base, locales) and the user's state live."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    """Return the directory of a data folder shipped with the package.

    An installed wheel carries `knowledge/` and `locales/` under `bot/data/` (hatchling
    force-include); a source checkout or an editable install keeps them at the repo root.
    """
    inside = _PACKAGE_DIR / "data" / name
    if inside.is_dir():
        return inside
    return _PACKAGE_DIR.parent / name


def knowledge_dir() -> Path:
    """Return the directory holding the bundled knowledge-base YAML files."""
    return _bundled("knowledge")


def locales_dir() -> Path:
    """Return the directory holding the bundled gettext catalogues."""
    return _bundled("locales")
