"""A learned lexical ranker: which of a question's terms point to which entry, against its
neighbours.

The matcher's scores (association, nearest example, the naive-Bayes posterior) are built from
each entry's texts alone: a word weighs for an entry by how much that entry uses it, not by how
well it tells that entry from the ones questions confuse it with. A multinomial logistic
regression (softmax over the entries, L2-regularised) fitted on labelled questions learns the
latter: its weight for ("штраф", fines) rises where "штраф" separates the fines from the label
duty, and falls where every neighbour uses it. Its inputs are the terms the matcher already
computes for a question (`resolved` in QuestionIndex._match_one: analysed, typo- and
thesaurus-folded keys with their weights, flattened: see INPUT_POWER), the question's words
the base never uses (see UNKNOWN), each two of those read words in a row (see PAIR), each read
word as written and the pieces of the unknown ones (see SURFACE), normalised to unit length.

The fit is full-batch accelerated gradient descent over a sparse design matrix, with a fixed
number of steps from a zero start: deterministic, so that a test can refit the shipped weights
and compare. It is fitted offline (`riskguide kb rank`) because the labelled questions that
teach it most, the development sets', are not part of the installed package.

Beside the entries it is fitted with one more class, NONE: the development sets' off-topic
questions (other countries' laws, everyday legal questions, domain words in another sense).
That class never ranks (the entries' probabilities are renormalised without it, see
`Ranker.probabilities`); its probability is a feature of the calibrated in-scope decisions
(see calibration), a fitted "this is about none of the entries" learned from words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

# The L2 penalty and the number of descent steps, the model's share of an entry's score (see
# QuestionIndex._learned) and how much surer the model must be of its own leader than of the
# one chosen without it, in probability, to replace it: MARGIN where the texts' scores alone
# chose that one, RULE_MARGIN where a reordering rule did (see `overrules`). Chosen by
# leave-one-set-out cross-validation over the development sets (`riskguide kb rank
# --cross-validate`, bot.measure.rank_fit), all three jointly (session 15); L2 and steps sat
# on a plateau (session 11); with 51 sets a lower L2 gained some 15 questions out of fold but
# moved the calibrated threshold and broke suite questions (session 21). Session 22, 52 sets:
# 3e-6 with share and margins cross-validated again (0.7/0.1/0.5, the choosing rule's pick)
# and the decisions refitted, +62 answers and -3 declines out of fold against 1e-5 at
# 0.9/0.1/0.3 (README). Up to session 14 the share was 0.5 with a margin of 0.3 and a rule's
# leader always stood; out of fold over the 37 sets (15,930 questions) that way gives
# 14,157 answers and declines right, no ranker 13,494, the best way 14,392 (0.9/0/0.1). The
# choosing rule picks 0.9/0.1/0.2 (14,379); 0.9/0.1/0.3 ships (14,378, one short of the
# noise band), which keeps "can a retired teacher be named a foreign agent" with the focus
# rule that reads it (the model prefers the bans by 0.23). README, session 15. At L2 3e-6 the
# model is surer of itself, and at 0.9/0.1/0.3 its weak leads overruled the texts ("может ли
# иностранный агент по работе поехать в Германию" got the definition): 0.7/0.1/0.5 ships.
# Session 23, word pairs as inputs (see PAIR): the rule picks 0.9/0.1/0.5 (23,036 right
# against 23,018 at 0.7/0.1/0.5), which again gives "Вчера меня внесли в реестр иноагентов.
# Как теперь выйти из него?" the first steps after designation: 0.7/0.1/0.5 stays.
L2 = 3e-6
STEPS = 600
# The matcher weighs a term by how rare it is in general language, which tells the domain's
# words from everyday ones; between the entries, the common words that say what is asked
# ("become", "стать", "fine") tell them apart as well as the rare ones, and the model learns
# each term's weight itself. So its inputs are the matcher's weights flattened: raised to
# this power. Fitted without the three newest sets and ranking them alone (1,392 in-scope
# questions first right): 1,169 at the matcher's weights (power 1), 1,229 at 0.5, 1,238 at
# 0.25, 1,232 at 0 (presence alone); session 15.
INPUT_POWER = 0.25
CROSS_VALIDATED_SHARE = 0.7
SHARE = CROSS_VALIDATED_SHARE
MARGIN = 0.1
RULE_MARGIN = 0.5
# The shipped model, fitted by `riskguide kb rank` on the base's example questions and the
# development sets' in-scope questions, with their off-topic ones as the class NONE (the clean
# held-out set never).
WEIGHTS = Path(__file__).with_name("ranker_weights.npz")
# The class of the questions about none of the entries (the development sets' off-topic
# questions): fitted beside the entries so that its probability tells the calibrated decisions
# how much a question's words read as those of questions the base does not answer (see
# `none_probability`); never ranked (see `probabilities`).
NONE = "(none)"
# A question's words the base never uses are inputs too, keyed with this prefix: the labelled
# questions teach what the entries' texts cannot ("librarian" asks about banned materials,
# "беременность" about none of the entries). Only words at least MIN_UNKNOWN_USES of the
# fitting questions use get a weight (rarer ones would be one question's accident), and a
# question's unknown words the model has no weight for are not read at all, so that they do
# not dilute the others (see `distribution`). Ranking the three newest sets alone with a model
# fitted without them (1,392 in-scope questions, first right): 1,299 without these inputs,
# 1,311 with words used twice, 1,314 five times (session 16).
UNKNOWN = "?"
MIN_UNKNOWN_USES = 5
# Two of a question's read words in a row (resolved terms or unknown words, function words
# and setting words skipped) are an input too, keyed with this prefix and weighing PAIR_WEIGHT
# of the lesser of the two: a model of single words gives each word one weight whatever stands
# beside it, and a pair can weigh what the two say together. Like unknown words, only pairs
# MIN_UNKNOWN_USES fitting questions use get a weight. Session 23, the ranker alone fitted
# without nine sets and ranking them (4,176 in-scope questions): 3,905 first right without
# pairs, 3,929 with them (PAIR_WEIGHT 0.5; 1.0 and 0.25 were a little worse, pairs across one
# word between worse still); README.
PAIR = "+"
PAIR_WEIGHT = 0.5
# Each read word as written (lower-cased; Latin-typed Russian as read back into Cyrillic) is an
# input too, keyed with this prefix and weighing SURFACE_WEIGHT of the word's: the matcher's
# key folds forms a question can tell apart ("designated" and "design" are one Snowball stem),
# and the labelled questions can teach which form asks what. And each word the base never uses
# is read in GRAM_LENGTH-letter pieces (its edges marked), keyed with GRAM and weighing
# GRAM_WEIGHT of the word's, spread over its pieces: a misspelt or unusually transliterated
# word shares pieces with the forms the questions taught, where as a whole word it would be one
# question's accident. Like unknown words, only inputs MIN_UNKNOWN_USES fitting questions use
# get a weight. Session 24, the ranker alone fitted without the sets held out and ranking them
# (two splits: heldout19-24, 2,592 in-scope and 460 off-topic questions; train20-25 and
# heldout10-12, 4,176 and 819): first right 2,479 and 3,935 without these inputs, 2,490 and
# 3,942 with both; the class of no entry above one half for 445 and 762 off-topic questions
# without them, 448 and 776 with them. Either kind alone gained on one split and little on the
# other; README.
SURFACE = "="
SURFACE_WEIGHT = 0.5
GRAM = "#"
GRAM_WEIGHT = 0.5
GRAM_LENGTH = 4


def _learned_only(term: str) -> bool:
    """Return whether a term is an input only labelled questions teach (an unknown word, a
    pair, a word as written or a piece of an unknown word), read only where the model has a
    weight for it."""
    return term.startswith((UNKNOWN, PAIR, SURFACE, GRAM))


def inputs(resolved: Mapping[str, float], unknown: Mapping[str, float],
           read: Sequence[tuple[str, float, str]]) -> dict[str, float]:
    """Return everything the model reads for a question: its resolved terms, the words the
    base never uses (keyed with UNKNOWN), and from its read words in order (`read`: term,
    weight, the word as written) their pairs (see `pairs`), the words as written (see
    SURFACE) and the unknown words' pieces (see `grams`)."""
    written: dict[str, float] = {}
    for _, weight, surface in read:
        key = SURFACE + surface.lower()
        written[key] = max(written.get(key, 0.0), SURFACE_WEIGHT * weight)
    return {**resolved, **unknown, **pairs([(term, weight) for term, weight, _ in read]),
            **grams(unknown), **written}


def grams(unknown: Mapping[str, float]) -> dict[str, float]:
    """Return the pieces of the words the base never uses (keyed with UNKNOWN, weights): each
    word's GRAM_LENGTH-letter pieces with its edges marked, keyed with GRAM and the word's
    language, GRAM_WEIGHT of its weight over the square root of its number of pieces, so that
    a long word's pieces weigh together what a short one's do."""
    out: dict[str, float] = {}
    for term, weight in unknown.items():
        word = term.removeprefix(UNKNOWN)
        lang, bare = ("en", word[3:]) if word.startswith("en:") else ("", word)
        padded = "<" + bare + ">"
        pieces = {padded[i:i + GRAM_LENGTH]
                  for i in range(max(1, len(padded) - GRAM_LENGTH + 1))}
        each = GRAM_WEIGHT * weight / math.sqrt(len(pieces))
        for piece in pieces:
            key = GRAM + lang + piece
            out[key] = max(out.get(key, 0.0), each)
    return out


def pairs(sequence: Sequence[tuple[str, float]]) -> dict[str, float]:
    """Return the pair inputs of a question's read words in order (term, weight): each two
    neighbours, PAIR_WEIGHT of the lesser weight (see PAIR)."""
    out: dict[str, float] = {}
    for (a, wa), (b, wb) in pairwise(sequence):
        if a != b:
            key = PAIR + a + " " + b
            out[key] = max(out.get(key, 0.0), PAIR_WEIGHT * min(wa, wb))
    return out


@dataclass(frozen=True)
class Ranker:
    """A fitted softmax model: the entries, a bias per entry and a weight vector per term."""

    entries: tuple[str, ...]
    bias: np.ndarray
    weights: Mapping[str, np.ndarray]

    def probabilities(self, resolved: Mapping[str, float]) -> dict[str, float]:
        """Return each entry's probability of being the one asked about, from the question's
        resolved terms (terms the model never saw add nothing), given that it asks about one
        of them: the class of questions about none (NONE) is left out and the entries'
        probabilities renormalised, so that it never ranks."""
        return self.distribution(resolved)[0]

    def none_probability(self, resolved: Mapping[str, float]) -> float:
        """Return the probability that the question is about none of the entries (0 for a
        model fitted without that class)."""
        return self.distribution(resolved)[1]

    def distribution(self, resolved: Mapping[str, float]) -> tuple[dict[str, float], float]:
        """Return the entries' probabilities given that the question asks about one (see
        `probabilities`) and the probability that it asks about none, in one pass. A word
        the base never uses (see UNKNOWN) is read only where the model has a weight for it."""
        x = _normalised({t: w for t, w in resolved.items()
                         if not _learned_only(t) or t in self.weights})
        logits = self.bias.copy()
        for term, value in x.items():
            vector = self.weights.get(term)
            if vector is not None:
                logits += value * vector
        logits -= logits.max()
        odds = np.exp(logits)
        total = odds.sum()
        if self.entries and self.entries[-1] == NONE:
            none = float(odds[-1] / total)
            odds = odds[:-1]
            return dict(zip(self.entries[:-1], (odds / odds.sum()).tolist(), strict=True)), none
        return dict(zip(self.entries, (odds / total).tolist(), strict=True)), 0.0


def overrules(gain: float, rule_chose: bool, margin: float = MARGIN,
              rule_margin: float = RULE_MARGIN) -> bool:
    """Return whether the ranker's leader replaces the one chosen without it, from how much
    likelier the model finds its own leader than that one (`gain`) and whether a reordering
    rule chose that one (`rule_chose`); `margin` and `rule_margin` are MARGIN and RULE_MARGIN
    but where cross-validation tries others.

    A model fitted on a few thousand questions is sure of what their words told it and
    unsure elsewhere, so a margin lets the entries' texts stand where it barely prefers
    another entry, and a rule's leader (the rules read what the question asks: "can a
    retired teacher be named a foreign agent" asks who can be named) may ask for more.
    Since session 15 both are small (0.1 and 0.3): the rules were written against the
    development sets' failures, and on questions written later the model fitted on ten
    thousand labelled questions tells neighbours apart better than they do. `gain` compares
    the mixed scores' leader, before the rules read them, with the leader chosen without the
    model (the texts' or a rule's): a rule reading the mixed scores decides as it does the
    texts'.
    """
    return gain >= (rule_margin if rule_chose else margin)


def _normalised(resolved: Mapping[str, float]) -> dict[str, float]:
    """Return the terms' weights flattened (raised to INPUT_POWER) and scaled to unit
    Euclidean length, so that a long question and a short one with the same balance of words
    read alike."""
    flat = {t: w ** INPUT_POWER for t, w in resolved.items() if w > 0}
    norm = math.sqrt(sum(w * w for w in flat.values()))
    return {t: w / norm for t, w in flat.items()} if norm else {}


def fit(rows: Sequence[Mapping[str, float]], targets: Sequence[Sequence[str]],
        entries: Sequence[str], l2: float = L2, steps: int = STEPS) -> Ranker:
    """Return the softmax model fitted on questions' resolved terms (`rows`) and the entries
    answering each (`targets`; several share the target evenly).

    Minimises the mean cross-entropy plus l2/2 times the squared weights (the biases are not
    penalised) by Nesterov's accelerated gradient with the step 1/L, L bounding the
    curvature; rows without terms or without a known target are skipped, and so are the
    unknown words (see UNKNOWN) fewer than MIN_UNKNOWN_USES rows use.
    """
    uses: dict[str, int] = {}
    for row in rows:
        for term in row:
            if _learned_only(term):
                uses[term] = uses.get(term, 0) + 1
    column = {e: k for k, e in enumerate(entries)}
    kept: list[dict[str, float]] = []
    y_rows: list[np.ndarray] = []
    for row, target in zip(rows, targets, strict=True):
        x = _normalised({t: w for t, w in row.items()
                         if uses.get(t, MIN_UNKNOWN_USES) >= MIN_UNKNOWN_USES})
        ks = [column[e] for e in target if e in column]
        if not x or not ks:
            continue
        kept.append(x)
        y = np.zeros(len(entries))
        y[ks] = 1.0 / len(ks)
        y_rows.append(y)
    n, k = len(y_rows), len(entries)
    if not n:
        return Ranker(tuple(entries), np.zeros(k), {})
    design = _Design(kept)
    y_all = np.vstack(y_rows)

    def gradient(w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = design.times(w) + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - y_all) / n
        return design.transposed_times(g) + l2 * w, g.sum(axis=0)

    # The softmax's curvature is at most half the design's (with a column of ones for the
    # biases): its largest eigenvalue, by power iteration from a fixed start.
    v = len(design.terms)
    u = np.ones(v + 1)
    for _ in range(30):
        xu = design.times(u[:v, None])[:, 0] + u[v]
        u = np.append(design.transposed_times(xu[:, None])[:, 0], xu.sum()) / n
        top = float(np.linalg.norm(u))
        u /= top or 1.0
    rate = 1.0 / (0.5 * top + l2)
    w = np.zeros((v, k))
    b = np.zeros(k)
    w_prev, b_prev = w, b
    for step in range(1, steps + 1):
        momentum = (step - 1) / (step + 2)
        w_look = w + momentum * (w - w_prev)
        b_look = b + momentum * (b - b_prev)
        gw, gb = gradient(w_look, b_look)
        w_prev, b_prev = w, b
        w, b = w_look - rate * gw, b_look - rate * gb
    return Ranker(tuple(entries), b, {t: w[i] for i, t in enumerate(design.terms)})


class _Design:
    """The sparse design matrix (questions by terms) and its transpose, in scipy's compressed
    sparse row form, and their products with dense matrices.

    The descent's 600 steps are two such products each. scipy's compiled kernels take 0.009 s
    per product on session 25's 27,088 questions and 19,237 inputs, against 0.041 s for the
    numpy prefix slices used before (rows by length, terms by use), which made the 55 fold
    refits of a cold `kb calibrate` (and of the calibration test on a clean machine) take 31
    minutes on two cores. Terms are numbered by how many questions use them, most first (ties
    alphabetical), so that the fit is the same on any machine.
    """

    def __init__(self, rows: Sequence[Mapping[str, float]]) -> None:
        # Only fitting needs scipy: the bot's start does not pay for importing it.
        from scipy import sparse

        frequency: dict[str, int] = {}
        for row in rows:
            for term in row:
                frequency[term] = frequency.get(term, 0) + 1
        self.terms = sorted(frequency, key=lambda t: (-frequency[t], t))
        number = {t: i for i, t in enumerate(self.terms)}
        self.n = len(rows)
        cells = [(number[t], v) for row in rows for t, v in sorted(row.items())]
        pointers = np.cumsum([0, *(len(row) for row in rows)])
        columns = np.array([c for c, _ in cells], dtype=np.int64)
        values = np.array([v for _, v in cells], dtype=np.float64)
        self.matrix = sparse.csr_matrix((values, columns, pointers),
                                        shape=(self.n, len(self.terms)))
        self.transposed = self.matrix.T.tocsr()

    def times(self, w: np.ndarray) -> np.ndarray:
        """Return X w."""
        return np.asarray(self.matrix @ w)

    def transposed_times(self, g: np.ndarray) -> np.ndarray:
        """Return X^T g (terms in this design's order)."""
        return np.asarray(self.transposed @ g)


def save(model: Ranker, path: Path = WEIGHTS) -> None:
    """Write a model compactly (half-precision weights, compressed): what `riskguide kb rank`
    ships."""
    terms = sorted(model.weights)
    matrix = (np.vstack([model.weights[t] for t in terms]) if terms
              else np.zeros((0, len(model.entries))))
    with path.open("wb") as out:
        np.savez_compressed(out, entries=np.array(model.entries), terms=np.array(terms),
                            bias=model.bias.astype(np.float32),
                            weights=matrix.astype(np.float16))


def load(path: Path = WEIGHTS) -> Ranker | None:
    """Return the model stored at `path`, or None when there is none (a base without one is
    ranked by its own texts alone)."""
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as stored:
        matrix = stored["weights"].astype(np.float64)
        return Ranker(tuple(str(e) for e in stored["entries"]),
                      stored["bias"].astype(np.float64),
                      {str(t): matrix[i] for i, t in enumerate(stored["terms"])})
