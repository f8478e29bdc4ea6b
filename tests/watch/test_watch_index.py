"""The watch index decides exactly as a check of every watched name would, on real names.

The reference is the check itself: each watched name searched in the index of the changed
entries (`matching.check_hits`), one by one. The index must find the same (watch, change)
pairs with the same kind and certainty, while checking fewer names than there are.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import date
from functools import cache

import iuliia
import pymorphy3
import pytest

from bot.listings.model import PERSON, REGISTRIES, Entry
from bot.watch.matching import WatchRow, changes_index, check_hits
from bot.watch.model import ADDED, CHANGED, EXCLUDED, Change
from bot.watch.watch_index import WatchIndex
from tests.auxil.registries import (
    FA_2024_10_01,
    MIRROR_2026,
    mirror_2026_snapshot,
    shared_snapshot,
)

pytestmark = pytest.mark.skipif(not FA_2024_10_01.exists() or not MIRROR_2026.exists(),
                                reason="shared snapshots absent")

AS_OF = date(2024, 10, 1)
UNRELATED = ["Пугачева Алла", "Harvard University", "Иванов Сергей Петрович", "Сбербанк",
             "Газпром", "Московский зоопарк", "Петров Пётр", "Red Cross", "Ромашка"]


@cache
def _entries() -> tuple[Entry, ...]:
    """Real entries of every list: the 2024-10-01 foreign agents, the rest from the mirror."""
    out = list(shared_snapshot("foreign_agents", "2024-10-01").entries)
    for registry in REGISTRIES:
        if registry != "foreign_agents":
            out += mirror_2026_snapshot(registry).entries
    return tuple(out)


def _change(e: Entry, kind: str = ADDED, **kw: object) -> Change:
    return Change(registry=e.registry, kind=kind, key=f"{e.registry}:{e.entry_id}", name=e.name,
                  entry_kind=e.kind, as_of=AS_OF, origin="file", aliases=e.aliases,
                  included_on=e.included_on, excluded_on=e.excluded_on, **kw)  # type: ignore[arg-type]


def _changes(rng: random.Random) -> tuple[list[Change], list[Entry]]:
    """Return a refresh's changes over real entries (added, excluded, renamed) and the
    entries that did not change."""
    entries = list(_entries())
    rng.shuffle(entries)
    changed, rest = entries[:160], entries[160:]
    out = [_change(e) for e in changed[:130]]
    out += [_change(e, EXCLUDED) for e in changed[130:145]]
    # Renamed: a watch on the old name hears about it too.
    out += [_change(e, CHANGED, previous_name=old.name)
            for e, old in zip(changed[145:], rest[:15], strict=True)]
    return out, changed + rest[:15]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def _spellings(e: Entry, rng: random.Random, morph: pymorphy3.MorphAnalyzer,
               people: list[Entry]) -> list[str]:
    """Return how people type a watched name: as published, short, inflected, in Latin,
    misspelt, reordered, lower case, after a preposition, and namesakes of a person."""
    words = e.name.split()
    out = [e.name, e.name.lower(), "про " + e.name, iuliia.WIKIPEDIA.translate(e.name)]
    out += list(e.aliases[:2])
    if e.kind == PERSON and len(words) >= 2:
        genitive = []
        for w in words[:2]:
            form = morph.parse(w)[0].inflect({"gent"})
            genitive.append(form.word.capitalize() if form else w)
        out += [words[0], " ".join(genitive), f"{words[1]} {words[0]}",
                f"{_typo(words[0], rng)} {words[1]}",
                iuliia.ICAO_DOC_9303.translate(f"{words[1]} {words[0]}")]
        other = rng.choice(people).name.split()
        out.append(" ".join([words[0], *other[1:3]]))  # same surname, another person
    elif words:
        out += [f"«{' '.join(words[-2:])}»", _typo(words[-1], rng)]
    return out


def _watches(targets: list[Entry], rng: random.Random) -> list[WatchRow]:
    morph = pymorphy3.MorphAnalyzer()
    people = [e for e in _entries() if e.kind == PERSON and len(e.name.split()) >= 3]
    queries = [q for e in targets for q in _spellings(e, rng, morph, people)] + UNRELATED
    # Several people watch some names: one check serves them all.
    queries += rng.sample(queries, len(queries) // 4)
    return [WatchRow(i, i % 37, q) for i, q in enumerate(queries)]


def _reference(changes: list[Change], rows: list[WatchRow]) -> set[tuple[int, int, str, bool]]:
    """Return what a check of every watched name over the changed entries shows."""
    index = changes_index(changes)
    return {(w.watch_id, int(h.entry.entry_id), h.kind, h.definite)
            for w in rows for h in check_hits(index, w.query)}


def _pairs(index: WatchIndex, changes: list[Change]) -> set[tuple[int, int, str, bool]]:
    return {(m.watch.watch_id, m.change, m.kind, m.definite) for m in index.match(changes)}


@pytest.mark.parametrize("seed", [1, 2])
def test_the_index_finds_exactly_what_checking_every_watched_name_finds(seed: int) -> None:
    rng = random.Random(seed)
    changes, changed = _changes(rng)
    unchanged = [e for e in _entries() if e not in set(changed)]
    targets = rng.sample(changed, 60) + rng.sample(unchanged, 60)
    rows = _watches(targets, rng)
    index = WatchIndex(rows)
    expected = _reference(changes, rows)
    assert _pairs(index, changes) == expected
    # The sample is varied enough to mean something: every way of matching occurs, sure
    # and possible, for every kind of change, and most watched names concern nothing.
    kinds = Counter((kind, definite) for _, _, kind, definite in expected)
    assert {("exact", True), ("exact", False), ("transliteration", False),
            ("fuzzy", False)} <= set(kinds), kinds
    assert {changes[c].kind for _, c, _, _ in expected} == {ADDED, EXCLUDED, CHANGED}
    assert len({w for w, _, _, _ in expected}) < len(rows) / 2
    # ... and the index ran a check for few more names than those the changes concern.
    matched_names = {rows[w].query for w, _, _, _ in expected}
    assert len(matched_names) <= index.last_checked < 1.25 * len(matched_names)
    assert index.last_checked < 0.7 * index.distinct_names


def test_adding_and_removing_watches_keeps_the_same_decisions() -> None:
    rng = random.Random(3)
    changes, changed = _changes(rng)
    rows = _watches(rng.sample(changed, 40), rng)
    first, second = rows[: len(rows) // 2], rows[len(rows) // 2:]
    index = WatchIndex(first)
    assert index.sync(rows) == (len(second), 0)
    assert index.sync(rows) == (0, 0)  # nothing new: nothing analysed again
    assert _pairs(index, changes) == _reference(changes, rows)
    assert index.sync(second) == (0, len(first))
    assert _pairs(index, changes) == _reference(changes, second)
    # A watch whose name was edited is analysed again under its new name.
    edited = [replace(second[0], query="Дудь"), *second[1:]]
    index.sync(edited)
    assert _pairs(index, changes) == _reference(changes, edited)
    for row in edited:
        index.remove(row.watch_id)
    assert len(index) == 0 and index.distinct_names == 0 and index.match(changes) == []


def _person(fragment: str) -> Entry:
    return next(e for e in _entries() if e.name.startswith(fragment))


def test_a_watch_of_dud_fires_when_yuri_dud_is_listed_and_a_namesake_does_not() -> None:
    dud = _person("Дудь Юрий")
    others = [e for e in _entries() if e.registry == "foreign_agents"][:200]
    changes = [_change(dud)] + [_change(e) for e in others if e is not dud]
    rows = [WatchRow(1, 1, "Дудь"), WatchRow(2, 2, "Юрия Дудя"), WatchRow(3, 3, "Yury Dud"),
            WatchRow(4, 4, "Дудь Андрей Петрович"), WatchRow(5, 5, "Пугачева Алла")]
    found = {m.watch.watch_id: m for m in WatchIndex(rows).match(changes) if m.change == 0}
    assert set(found) == {1, 2, 3}
    assert found[2].definite  # the full name in the genitive is certain
    assert not found[1].definite and not found[3].definite  # a surname, a transliteration


def test_an_organisation_added_to_the_extremist_list_alerts_its_watchers() -> None:
    extremist = [e for e in _entries() if e.registry == "extremist"]
    fbk = next(e for e in extremist if "коррупц" in e.name)
    changes = [_change(fbk)] + [_change(e) for e in extremist[:40] if e is not fbk]
    rows = [WatchRow(1, 1, "ФБК"), WatchRow(2, 2, "Фонд борьбы с коррупцией"),
            WatchRow(3, 3, "Anti-Corruption Foundation"), WatchRow(4, 4, "Штабы Навального"),
            WatchRow(5, 5, "Фонд борьбы с бедностью")]
    found = {m.watch.watch_id: m for m in WatchIndex(rows).match(changes) if m.change == 0}
    assert set(found) == {1, 2, 3}
    assert all(m.definite for m in found.values())
    assert changes[found[1].change].registry == "extremist"
