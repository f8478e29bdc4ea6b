"""The name index read from the disk cache answers exactly as the one just built."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from bot.listings import index as index_module
from bot.listings import parse
from bot.listings.entryrows import EntryRows
from bot.listings.index import NameIndex, cached_index, load_index
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
    sources = ["foreign_agents:a", "undesirable:b"]
    assert cached_index(sources) is None
    built = load_index(sources, lambda: entries)
    builds: list[int] = []
    real_init = NameIndex.__init__

    def counting_init(self: NameIndex, *args: object, **kwargs: object) -> None:
        builds.append(1)
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]

    def no_entries() -> list[Entry]:
        raise AssertionError("a cached index must not ask for the entries")

    monkeypatch.setattr(NameIndex, "__init__", counting_init)
    loaded = load_index(sources, no_entries)
    assert builds == []
    assert loaded is not built
    assert _answers(loaded) == _answers(built)
    assert cached_index(sources) is not None
    # The scanner's view of the names is the same too.
    assert loaded.names == built.names
    assert loaded._idf == built._idf
    # Other snapshot content: built anew.
    assert cached_index(["foreign_agents:c", "undesirable:b"]) is None
    load_index(["foreign_agents:c", "undesirable:b"], lambda: entries[:-1])
    assert builds == [1]


def test_the_cached_index_carries_its_entries_as_rows(entries: list[Entry]) -> None:
    index = NameIndex(entries)
    loaded = pickle.loads(pickle.dumps(index))
    assert isinstance(loaded.entries, EntryRows)
    # A check makes Entry objects of its hits only, not of the whole list.
    hits = loaded.search("Ходорковский Михаил Борисович")
    assert hits and hits[0].entry.name.startswith("Ходорковский")
    assert 0 < len(loaded.entries._made) <= 20
    assert list(loaded.entries) == entries
    assert loaded.entries[-1] == entries[-1] and loaded.entries[3:5] == entries[3:5]
    # One object per position, whoever reads it (the scanner maps entries by identity).
    assert loaded.entries[7] is loaded.entries[7]
    assert _answers(loaded) == _answers(index)


def test_the_key_covers_the_matching_code_and_the_alias_file() -> None:
    parts = index_module._code_fingerprint()
    assert any(b"class NameIndex" in part for part in parts)
    assert any(b"def morph_keys" in part for part in parts)
    assert any(b"alias:" in part for part in parts)
