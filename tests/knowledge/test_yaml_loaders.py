"""libyaml's C loader and the pure-Python fallback read a knowledge base identically: the
same entries from the bundled base, the same file:line problems from broken files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge import loader
from bot.paths import knowledge_dir

BROKEN = {
    "zz_alias.yaml": "entries:\n  - id: &x one\n    related: [*x]\n",
    "zz_deep.yaml": "entries: " + "[" * 20000 + "]" * 20000 + "\n",
    "zz_syntax.yaml": "entries:\n  - id: [unclosed\n",
    "zz_tab.yaml": "entries:\n\t- id: x\n",
    "zz_dup.yaml": "entries:\n  - id: fa_definition\n    topic: nowhere\n",
}


def _validate(directory: Path, c_loader: bool,
              monkeypatch: pytest.MonkeyPatch) -> tuple[object, list[str]]:
    with monkeypatch.context() as m:
        if not c_loader:
            m.setattr(loader, "_CLineLoader", None)
        kb, problems = loader.validate(directory)
    return kb, [str(p) for p in problems]


def test_pyyaml_has_libyaml() -> None:
    """The wheel PyYAML installs from carries libyaml; without it knowledge loads ten times
    slower (still correctly)."""
    assert yaml.__with_libyaml__


def test_both_loaders_read_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), directory)
    fast = _validate(directory, True, monkeypatch)
    slow = _validate(directory, False, monkeypatch)
    assert fast == slow and fast[1] == []
    for name, text in BROKEN.items():
        (directory / name).write_text(text, encoding="utf-8")
    fast = _validate(directory, True, monkeypatch)
    slow = _validate(directory, False, monkeypatch)
    assert fast[1] == slow[1]
    for name in BROKEN:
        assert any(p.startswith(f"{name}:") for p in fast[1]), name
