"""Leave-one-out over the base's own example questions (`kb eval --leave-one-out`)."""

from __future__ import annotations

from dataclasses import replace

from bot.knowledge.holdout import leave_one_out
from bot.knowledge.index import QuestionIndex
from bot.knowledge.model import KnowledgeBase


def test_every_example_is_asked_once_of_an_index_without_it(kb: KnowledgeBase) -> None:
    # A small base keeps the index builds cheap: six entries, three questions per language.
    entries = tuple(
        replace(e, questions={lang: qs[:3] for lang, qs in e.questions.items()})
        for e in kb.entries[:6])
    small = KnowledgeBase(entries)
    built: list[KnowledgeBase] = []

    def build(base: KnowledgeBase) -> QuestionIndex:
        built.append(base)
        return QuestionIndex(base)

    results = leave_one_out(small, build)
    examples = [(e.id, lang, q) for e in entries for lang, qs in e.questions.items() for q in qs]
    assert sorted((r.entry_id, r.lang, r.question) for r in results) == sorted(examples)
    assert len(built) == 3
    # No index was asked a question it had among its examples.
    for base, fold in zip(built, range(3), strict=True):
        for r in results[fold * 12:(fold + 1) * 12]:
            entry = base.get(r.entry_id)
            assert entry is not None and r.question not in entry.questions[r.lang]
    # Most examples are still answered by their entry: the measure says something.
    assert sum(r.got == r.entry_id for r in results) > len(results) / 2
