"""The base's own misspellings are read as the right word, even a misspelling of a misspelling."""

from __future__ import annotations

import datetime as dt

from bot.knowledge.index import QuestionIndex
from bot.knowledge.model import Entry, KnowledgeBase, Source


def _entry(entry_id: str, ru: list[str], en: list[str]) -> Entry:
    return Entry(
        id=entry_id, topic="general", severity="info",
        title={"ru": entry_id, "en": entry_id}, answer={"ru": "ответ", "en": "answer"},
        questions={"ru": tuple(ru), "en": tuple(en)}, keywords={"ru": (), "en": ()},
        sources=(Source("source", "https://example.org"),), reviewed=dt.date(2026, 11, 1),
        related=(), file="tiny.yaml", line=1)


def test_a_typo_closest_to_another_typo_folds_to_the_right_word() -> None:
    # "скоко" is nearest to "сколко", itself a typo of "сколько"; "скоко" comes first in the
    # base. The index used to move "скоко" onto "сколко" and then "сколко" away, and its build
    # crashed (KeyError) on the example that still named "сколко".
    kb = KnowledgeBase((
        _entry("fines", ["скоко платить штраф"], ["how much is the fine"]),
        _entry("terms", ["сколко длится проверка"] * 3 + ["сколько длится проверка"] * 9,
               ["how long is the check"]),
    ))
    index = QuestionIndex(kb)
    assert index.typo_aliases == {"скоко": "сколько", "сколко": "сколько"}
    assert index.match("скоко платить штраф", "ru").entry_id == "fines"
    assert index.match("сколко длится проверка", "ru").entry_id == "terms"
