"""The disk cache of built indexes: a changed source rebuilds, a damaged file never breaks a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import cache


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RISKGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_second_run_reads_the_structure_and_a_changed_source_rebuilds(cache_dir: Path) -> None:
    builds: list[str] = []

    def build(source: str) -> dict[str, str]:
        builds.append(source)
        return {"built from": source}

    first = cache.load_or_build("names", cache.content_key("snapshot A"), lambda: build("A"))
    again = cache.load_or_build("names", cache.content_key("snapshot A"), lambda: build("A"))
    changed = cache.load_or_build("names", cache.content_key("snapshot B"), lambda: build("B"))

    assert first == again == {"built from": "A"}
    assert changed == {"built from": "B"}
    assert builds == ["A", "B"]
    # Only the newest structure of a kind is kept.
    assert len(list(cache_dir.glob("names-*.pickle"))) == 1


def test_a_damaged_cache_file_is_rebuilt_and_replaced(cache_dir: Path) -> None:
    key = cache.content_key("kb")
    cache.load_or_build("questions", key, lambda: [1, 2, 3])
    (stored,) = cache_dir.glob("questions-*.pickle")
    stored.write_bytes(b"\x80\x05truncated")

    assert cache.load_or_build("questions", key, lambda: [4]) == [4]
    assert cache.load_or_build("questions", key, lambda: [5]) == [4]


def test_an_unwritable_cache_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setenv("RISKGUIDE_CACHE_DIR", str(blocker / "cache"))

    assert cache.load_or_build("names", cache.content_key("x"), lambda: "built") == "built"


def test_off_disables_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISKGUIDE_CACHE_DIR", "off")
    builds: list[int] = []
    for _ in range(2):
        cache.load_or_build("names", cache.content_key("x"), lambda: builds.append(1))
    assert cache.cache_dir() is None
    assert len(builds) == 2
