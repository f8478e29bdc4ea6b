"""The question index is built once per knowledge base and code, then read from the cache:
an edited entry is answered as edited, and a broken base is refused, cached or not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge.loader import KnowledgeError
from bot.knowledge.prebuilt import load_index
from bot.paths import knowledge_dir


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled knowledge base, with a cache directory of its own."""
    monkeypatch.setenv("RISKGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), copy)
    return copy


def test_second_load_reads_the_cache_and_answers_the_same(base: Path, tmp_path: Path) -> None:
    question = "какой штраф за репост материалов иноагента"
    built = load_index(base)
    assert len(list((tmp_path / "cache").glob("questions-*.pickle"))) == 1
    cached = load_index(base)
    assert cached is not built
    assert cached.match(question, "ru") == built.match(question, "ru")
    assert cached.kb == built.kb


def test_an_edited_entry_is_answered_as_edited(base: Path) -> None:
    load_index(base)
    path = base / "general.yaml"
    text = path.read_text(encoding="utf-8")
    entry = next(e for e in load_index(base).kb.entries if e.file == path.name)
    old_title = entry.title["en"]
    path.write_text(text.replace(old_title, old_title + " (revised)", 1), encoding="utf-8")
    titles = {e.title["en"] for e in load_index(base).kb.entries}
    assert old_title + " (revised)" in titles


def test_a_broken_base_is_refused_and_not_cached(base: Path, tmp_path: Path) -> None:
    (base / "broken.yaml").write_text("entries:\n  - id: x\n", encoding="utf-8")
    with pytest.raises(KnowledgeError):
        load_index(base)
    assert not list((tmp_path / "cache").glob("questions-*.pickle"))
