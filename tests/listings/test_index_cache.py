"""The name index read from the disk cache answers exactly as the one just built."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from bot.listings import index as index_module
from bot.listings import parse
from bot.listings.index import NameIndex, load_index
from bot.listings.model import Entry
from tests.auxil.registries import FA_2024_10_01, UND_2024_09_05

QUERIES = ["Ходорковский Михаил Борисович", "Mikhail Khodorkovsky", "Ходарковский Михаил",
           "Noize MC", "TV Rain", "РСЕ/РС", "Фонд борьбы с коррупцией", "Медуза",
           "Ходорковский М. Б.", "Open Russia", "центр", "7707083893"]


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return (parse.parse_file("foreign_agents", FA_2024_10_01.read_bytes()).entries
            + parse.parse_file("undesirable", UND_2024_09_05.read_bytes()).entries)


def _answers(index: NameIndex) -> list[list[tuple[str, str, str, float, bool]]]:
    return [[(h.entry.entry_id, h.name, h.kind, h.score, h.definite) for h in index.search(q)]
            for q in QUERIES]


def test_cached_index_gives_the_same_answers_and_is_not_rebuilt(
        entries: list[Entry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISKGUIDE_CACHE_DIR", str(tmp_path))
    built = load_index(entries, ["foreign_agents:a", "undesirable:b"])
    builds: list[int] = []
    real_init = NameIndex.__init__

    def counting_init(self: NameIndex, *args: object, **kwargs: object) -> None:
        builds.append(1)
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(NameIndex, "__init__", counting_init)
    loaded = load_index(entries, ["foreign_agents:a", "undesirable:b"])
    assert builds == []
    assert loaded is not built
    assert _answers(loaded) == _answers(built)
    # The scanner's view of the names is the same too.
    assert loaded.names == built.names
    assert loaded._idf == built._idf
    # Other snapshot content: built anew.
    load_index(entries[:-1], ["foreign_agents:c", "undesirable:b"])
    assert builds == [1]


def test_entries_are_not_pickled_and_wrong_entries_are_refused(entries: list[Entry]) -> None:
    index = NameIndex(entries)
    loaded = pickle.loads(pickle.dumps(index))
    assert loaded.entries == []  # they come from the snapshots, which are read anyway
    assert not loaded.attach(entries[:-1])
    renamed = [replace(entries[0], name="Другое имя"), *entries[1:]]
    assert not loaded.attach(renamed)
    assert loaded.attach(entries)
    assert _answers(loaded) == _answers(index)


def test_an_index_of_other_entries_in_the_cache_is_rebuilt(
        entries: list[Entry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISKGUIDE_CACHE_DIR", str(tmp_path))
    load_index(entries[:10], ["k"])
    # The same key with other entries (a hash collision, a hand-edited store): never the
    # stale index.
    index = load_index(entries, ["k"])
    assert len(index.entries) == len(entries)
    assert index.search("Ходорковский Михаил Борисович")[0].definite


def test_the_key_covers_the_matching_code_and_the_alias_file() -> None:
    parts = index_module._code_fingerprint()
    assert any(b"class NameIndex" in part for part in parts)
    assert any(b"def morph_keys" in part for part in parts)
    assert any(b"alias:" in part for part in parts)
