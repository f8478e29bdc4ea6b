"""A word's contrast (how much more the base uses it than general language) does not depend on
the base's size: more example questions worded like the ones there leave the words that clear
the fixed bars where they were, so adding examples cannot silently drop the base's core words
("реестр", "legal") below the bars and turn answered questions into declines."""

from __future__ import annotations

import dataclasses

import pytest

from bot.knowledge.index import ANCHOR_CONTRAST, QuestionIndex
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.prebuilt import load_index
from bot.knowledge.scope import PHRASE_CONTRAST


def _with_examples_repeated(kb: KnowledgeBase, times: int) -> KnowledgeBase:
    """Return the base with every entry's example questions written `times` over."""
    entries = [dataclasses.replace(e, questions={lang: list(qs) * times
                                                 for lang, qs in e.questions.items()})
               for e in kb.entries]
    return dataclasses.replace(kb, entries=entries)


@pytest.fixture(scope="module")
def base() -> QuestionIndex:
    return load_index()


@pytest.fixture(scope="module")
def doubled(base: QuestionIndex) -> QuestionIndex:
    return QuestionIndex(_with_examples_repeated(base.kb, 2))


def _same_words(base: QuestionIndex, doubled: QuestionIndex) -> set[str]:
    """Return the words both indexes read alike: not folded into, or from, another as a typo.

    Typo folding compares how often the base uses two forms; doubling the questions but not
    the answers is new evidence for a form the questions use more, so it may fold differently.
    """
    folded = {w for index in (base, doubled) for pair in index.typo_aliases.items() for w in pair}
    return set(base._contrast) - folded


def test_more_examples_of_the_same_kind_leave_every_contrast(
        base: QuestionIndex, doubled: QuestionIndex) -> None:
    changed = {k: (base._contrast[k], doubled._contrast[k]) for k in _same_words(base, doubled)
               if abs(doubled._contrast[k] - base._contrast[k]) > 1e-9}
    assert not changed


@pytest.mark.parametrize("bar", [ANCHOR_CONTRAST, PHRASE_CONTRAST])
def test_more_examples_leave_the_words_clearing_each_bar(
        base: QuestionIndex, doubled: QuestionIndex, bar: float) -> None:
    same = _same_words(base, doubled)

    def clearing(index: QuestionIndex) -> set[str]:
        return {k for k in same if index._contrast[k] >= bar}

    assert clearing(base) == clearing(doubled)
    # The words that fell below the bars when the examples grew from 721 to 1,190.
    assert {"реестр", "en:legal"} & clearing(base) == {"реестр", "en:legal"} & clearing(doubled)


def test_the_register_still_anchors_after_more_examples(doubled: QuestionIndex) -> None:
    assert "реестр" in doubled.anchors
