"""Leave-one-out over the knowledge base's own example questions.

Each example question is taken out of the index and asked; its entry should win. This measures
how the matcher generalises to wordings it has not seen without a held-out set, so parameters
can be chosen on it without tuning on questions people wrote for evaluation.

Rebuilding the index once per question would take minutes, so the examples are left out in
folds: fold k leaves out the k-th example question of every entry, in each language. Every
example is left out exactly once, and each index misses only one question per entry and
language, close to leaving one out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.knowledge.analyze import Analyzer
from bot.knowledge.index import QuestionIndex
from bot.knowledge.model import Entry, KnowledgeBase


@dataclass(frozen=True)
class HeldOut:
    """One example question asked of an index built without it, and what came back."""

    entry_id: str
    lang: str
    question: str
    got: str | None
    score: float


def _without(entry: Entry, fold: int) -> tuple[Entry, dict[str, str]]:
    """Return the entry without its fold-th question per language, and the questions taken."""
    taken: dict[str, str] = {}
    kept: dict[str, tuple[str, ...]] = {}
    for lang, questions in entry.questions.items():
        if fold < len(questions):
            taken[lang] = questions[fold]
            kept[lang] = questions[:fold] + questions[fold + 1:]
        else:
            kept[lang] = questions
    return replace(entry, questions=kept), taken


def leave_one_out(kb: KnowledgeBase,
                  build: Callable[[KnowledgeBase], QuestionIndex] | None = None,
                  ) -> list[HeldOut]:
    """Return, for every example question of the base, what an index built without it answers.

    `build` makes an index from a knowledge base (default: QuestionIndex with one shared
    Analyzer, whose dictionaries load once).
    """
    analyzer = Analyzer()
    make = build or (lambda base: QuestionIndex(base, analyzer))
    folds = max((len(q) for e in kb.entries for q in e.questions.values()), default=0)
    out: list[HeldOut] = []
    for fold in range(folds):
        entries: list[Entry] = []
        asked: list[tuple[str, str, str]] = []
        for entry in kb.entries:
            kept, taken = _without(entry, fold)
            entries.append(kept)
            asked += [(entry.id, lang, q) for lang, q in taken.items()]
        index = make(KnowledgeBase(tuple(entries)))
        for entry_id, lang, question in asked:
            result = index.match(question, lang)
            out.append(HeldOut(entry_id, lang, question, result.entry_id, result.score))
    return out
