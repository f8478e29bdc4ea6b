"""Re-ranking the two best entries by what their answers and titles say.

The ranking reads mostly the entries' example questions: which questions an entry has been
asked. Its answer says what it can answer. When the runner-up scores close to the leader, the
question's content words (lemmatised, weighted as the ranking weighs them) that each one's
answer discusses, its title and keywords name, and the facts of the question (an article
number, an amount) each answer cites are compared; a small logistic model over those
differences says whether the runner-up answers the question better.

The coefficients are fitted by `riskguide kb rerank` on the development question sets and the
base's own example questions asked by leave-one-out, features and threshold chosen by
leave-one-set-out cross-validation (see bot.measure.rerank_fit); do not edit them by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.knowledge import calibration

# The runner-up is compared with the leader only when it scores at least this share of it: a
# distant second is not a candidate the evidence of answers should lift.
MIN_RATIO = 0.6
# The features of a leader/runner-up pair the model may read, in order (see `features`).
FEATURES = (
    "ratio",     # the runner-up's score over the leader's
    "answer",    # the share of the question's weight its answer uses, runner-up minus leader
    "title",     # the same for the title and keywords
    "only",      # the weight only the runner-up's answer uses, minus the weight only the leader's
    "facts",     # the question's numbers (an article, an amount) cited by the runner-up's
                 # answer, minus those cited by the leader's
    "cosine",    # the cosine of the question's weights with the answer's tf-idf vector,
                 # runner-up minus leader
    "passage",   # the share of the question's weight one sentence of the answer uses (its
                 # best sentence), runner-up minus leader
)
# Fitted by `riskguide kb rerank` (see the module docstring); do not edit by hand.
USED: tuple[str, ...] = ("ratio", "answer", "facts", "cosine")
INTERCEPT = -4.7395
COEFFICIENTS: tuple[float, ...] = (4.0407, 0.0008, 2.7928, 10.9891)
# The probability from which the runner-up takes the first place.
THRESHOLD = 0.57
_INDEX = tuple(FEATURES.index(name) for name in USED)
_LOGIT = math.log(THRESHOLD / (1 - THRESHOLD)) if 0 < THRESHOLD < 1 else math.inf


@dataclass(frozen=True)
class Pair:
    """The leader and the runner-up of a ranking, and what tells them apart."""

    leader: str
    runner: str
    features: tuple[float, ...]


# Decides whether the runner-up of a pair takes the leader's place (`swaps`, or a recorder).
Swap = Callable[[Pair], bool]


@dataclass(frozen=True)
class EntryText:
    """The terms of an entry's answer and of its title and keywords (both languages), the
    answer's tf-idf vector (unit length) and the terms of each of its sentences."""

    answer: frozenset[str]
    title: frozenset[str]
    vector: Mapping[str, float]
    sentences: tuple[frozenset[str], ...]


def entry_text(answer: Sequence[Sequence[str]], title: Sequence[str],
               idf: Mapping[str, float]) -> EntryText:
    """Return what the re-ranking reads of an entry, from its answer's sentences' terms (in
    order, repeats kept) and its title's and keywords' terms; `idf` weighs the answer's
    vector as the ranking weighs words."""
    counts: dict[str, int] = {}
    for sentence in answer:
        for t in sentence:
            counts[t] = counts.get(t, 0) + 1
    vector = {t: (1 + math.log(n)) * idf.get(t, 0.0) for t, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return EntryText(frozenset(counts), frozenset(title),
                     {t: v / norm for t, v in vector.items()},
                     tuple(frozenset(s) for s in answer if s))


def features(query: Mapping[str, float], facts: Sequence[str], ratio: float,
             leader: EntryText, runner: EntryText) -> tuple[float, ...]:
    """Return the features (FEATURES, in order) of a leader/runner-up pair for a question
    whose resolved terms weigh `query` and whose numbers are `facts`."""
    total = sum(query.values()) or 1.0

    def share(terms: frozenset[str]) -> float:
        return sum(w for t, w in query.items() if t in terms) / total

    only = sum(w for t, w in query.items() if t in runner.answer and t not in leader.answer) - sum(
        w for t, w in query.items() if t in leader.answer and t not in runner.answer)
    cited = sum(1 for f in facts if f in runner.answer) - sum(1 for f in facts
                                                              if f in leader.answer)
    length = math.sqrt(sum(w * w for w in query.values())) or 1.0

    def cosine(entry: EntryText) -> float:
        return sum(w * entry.vector.get(t, 0.0) for t, w in query.items()) / length

    def passage(entry: EntryText) -> float:
        return max((share(s) for s in entry.sentences), default=0.0)

    return (ratio, share(runner.answer) - share(leader.answer),
            share(runner.title) - share(leader.title), only / total, float(cited),
            cosine(runner) - cosine(leader), passage(runner) - passage(leader))


def swaps(pair: Pair) -> bool:
    """Return True when the shipped model says the runner-up answers the question better.

    A plain comparison of a linear score with the threshold's logit: cheap and deterministic.
    """
    z = INTERCEPT + sum(c * pair.features[i] for c, i in zip(COEFFICIENTS, _INDEX, strict=True))
    return z >= _LOGIT


def probability(values: Sequence[float], intercept: float, coefficients: Sequence[float],
                used: Sequence[str]) -> float:
    """Return a model's probability that the runner-up is the better answer."""
    return calibration.probability(values, intercept, coefficients, used, FEATURES)
