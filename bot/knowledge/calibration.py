"""A calibrated in-scope decision for questions no anchoring rule puts in scope.

The matcher answers a question only when a rule anchors it in the domain (a domain word or
phrase, a word pair of one entry, a title word, a name, near-identity to an example). A question
most of whose words the base knows (coverage >= MIN_COVERAGE) but that no rule anchors is
declined, whether it is "Мою дочь задержали после акции, что ей говорить?" or "how to cancel a
patreon subscription". For exactly those questions a small logistic model over what the match
already computed says whether the base answers it: the best score, how many of the question's
words the base knows, how the best entry itself covers the question (the share of its weight
on words that entry's own texts use, and on words its asked texts use), the mean contrast of
the known words and the share of words no entry uses. A situation the base answers is told
largely in one entry's own words, with words of the asker's scene besides; an everyday question
borrowing the base's words spreads them over entries that do not answer it.

The coefficients are fitted by `riskguide kb calibrate` on the repository's development question
sets, the features and the threshold chosen by leave-one-set-out cross-validation; a wrong
answer costs as much as three declines (see bot.measure.calibrate).

A second model (`confirms`, the CONFIRM_ constants) rules on the questions a rule short of a
strong anchor put in scope: domain words outweighing words of another field ("впн для ютуба"),
a phrase of everyday words the base asks together ("foreign donations", "illegal in russia"), a
word pair or title word of one entry, a strong score. Such rules are borrowed by questions of
another field or country as easily as by the base's own ("Did Israel ever pass the bill taxing
donations from foreign governments to NGOs?"). Strong anchors are never ruled on: a listed
name (the caller's scope), the bot itself, a domain phrase holding a domain word (or a stump
compound spelled out as its phrase: "иностранный агент"), a status's name beside no word of
another field ("foreign agent", "нежелательная организация"), a cited article, near-identity
to an example question. The model reads the features `CONFIRM_USED` names, chosen among
`calibrate.CONFIRM_CANDIDATES` (the best score, the known words, how the best entry covers the
question; candidates add the learned ranker's confidence and whether a place abroad is named);
it is fitted the same way, mirrored: a right answer lost costs as much as three off-topic
questions declined.

Both models read the learned ranker's probability that the question is about none of the
entries ("ranked_none"): a class fitted on the development sets' off-topic questions beside the
entries (see ranker.NONE), measured out of fold with rankers that never saw the held-out set's
questions, off-topic ones included (session 13, leave-one-set-out: 101 answers won for 1 wrong
let in, against 95 for 8 without it). In session 13 the second model could not: it declined
English questions saying "foreign agent", "can a foreign agent travel to Germany" among them.
Since session 14 a status's name beside no word of another field is a strong anchor it never
rules on, and it reads the class and whether a place abroad is named (leave-one-set-out: 14
off-topic questions declined, 1 right answer lost, 3 wrong answers ended; README).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# The features of a match the model reads, in order (see QuestionIndex._match_one).
FEATURES = (
    "best",          # the best entry's score
    "margin",        # its lead over the second entry
    "nearest",       # the closeness of the nearest example question (weighted Dice)
    "coverage",      # the share of the question's weight on words the base knows
    "asked",         # the share on words the base's questions, titles or keywords use
    "contrast",      # the highest word contrast (base vs. general language) among its words
    "other",         # the weight of everyday words the base never uses (another field)
    "foreign",       # 1 when a rare word the base never uses is present
    "log_words",     # the log of the number of the question's words the base knows: each word
                     # more tells less, so a long everyday text does not get in by length alone
    "own",           # the share of the question's weight on words the best entry itself uses
    "own_asked",     # ... that its title, example questions or keywords use
    "mean_contrast",  # the weighted mean word contrast of the words the base knows
    "unknown",       # the share on words no entry uses
    # Which anchoring rule put the question in scope (0 for the questions no rule anchors):
    "word",          # domain words outweighing words of another field
    "phrase",        # a phrase the base asks with, none of its words a domain word
    "pair",          # two words one entry's examples ask together
    "title",         # a word of one entry's title
    "confident",     # a strong score for one entry, every word known
    "anchor_share",  # the share of the question's weight on its domain words
    "anchor_contrast",  # the highest word contrast among its domain words
    "ranked",        # the learned ranker's top probability (whichever entry it prefers)
    "ranked_margin",  # its lead over the ranker's next most probable entry
    "ranked_entropy",  # the entropy of the ranker's distribution over the entries
    "abroad",        # 1 when it names a place outside Russia (see setting)
    "ranked_none",   # the ranker's probability that it is about none of the entries
)
# Fitted by `riskguide kb calibrate` (see the module docstring); do not edit by hand.
USED = ("best", "log_words", "own", "own_asked", "mean_contrast", "unknown", "ranked_none")
INTERCEPT = -3.2468
COEFFICIENTS: tuple[float, ...] = (4.6232, 1.1922, 5.0209, -3.5981, -0.1506, 4.7428, -7.4168)
# The probability from which a question is answered.
THRESHOLD = 0.65
# The second model (see `confirms`). Fitted by `riskguide kb calibrate`; do not edit by hand.
CONFIRM_USED = ("best", "log_words", "own", "unknown", "ranked_none", "abroad")
CONFIRM_INTERCEPT = 0.4956
CONFIRM_COEFFICIENTS: tuple[float, ...] = (2.6501, 0.234, 1.1755, -0.2527, -6.3178, -0.7728)
# The probability below which such a question is declined (0: every one stays in scope).
CONFIRM_THRESHOLD = 0.24
_INDEX = tuple(FEATURES.index(name) for name in USED)
_LOGIT = math.log(THRESHOLD / (1 - THRESHOLD)) if 0 < THRESHOLD < 1 else math.inf
_CONFIRM_INDEX = tuple(FEATURES.index(name) for name in CONFIRM_USED)
_CONFIRM_LOGIT = (math.log(CONFIRM_THRESHOLD / (1 - CONFIRM_THRESHOLD))
                  if 0 < CONFIRM_THRESHOLD < 1 else -math.inf if CONFIRM_THRESHOLD <= 0
                  else math.inf)


def admits(features: Sequence[float]) -> bool:
    """Return True when the shipped model puts a question with these features in scope.

    A plain comparison of a linear score with the threshold's logit: cheap and deterministic.
    """
    z = INTERCEPT + sum(c * features[i] for c, i in zip(COEFFICIENTS, _INDEX, strict=True))
    return z >= _LOGIT


def confirms(features: Sequence[float]) -> bool:
    """Return True when the shipped second model keeps a question in scope that a rule short
    of a strong anchor put there: anchor words used generically ("впн", "ютуб"), a phrase of
    everyday words the base asks together ("illegal ... russia"), a word pair or title word of
    one entry can be borrowed by a question of another field or country, so the evidence the
    calibrated decision reads, which rule fired and the learned ranker's certainty decide."""
    z = CONFIRM_INTERCEPT + sum(c * features[i] for c, i in zip(CONFIRM_COEFFICIENTS,
                                                                _CONFIRM_INDEX, strict=True))
    return z >= _CONFIRM_LOGIT


def probability(features: Sequence[float], intercept: float, coefficients: Sequence[float],
                used: Sequence[str] = USED) -> float:
    """Return a model's probability that a question with these features is one it answers."""
    z = intercept + sum(c * features[FEATURES.index(n)] for c, n in zip(coefficients, used,
                                                                         strict=True))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def fit(rows: Sequence[Sequence[float]], labels: Sequence[int], used: Sequence[str],
        weights: Sequence[float] | None = None, l2: float = 1.0,
        steps: int = 25) -> tuple[float, tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """Return a logistic model fitted by Newton's method: intercept, coefficients on the raw
    features, and the features' means and scales (the fit runs on standardised features so
    the ridge penalty `l2` treats them alike; the coefficients returned are unstandardised).

    Deterministic: no random start, a fixed number of steps.
    """
    cols = [FEATURES.index(n) for n in used]
    n = len(rows)
    w8 = list(weights) if weights is not None else [1.0] * n
    means = tuple(sum(r[c] for r in rows) / n for c in cols)
    scales = tuple(
        math.sqrt(sum((r[c] - m) ** 2 for r in rows) / n) or 1.0 for c, m in zip(cols, means,
                                                                                 strict=True))
    x = [[1.0, *((r[c] - m) / s for c, m, s in zip(cols, means, scales, strict=True))]
         for r in rows]
    k = len(cols) + 1
    beta = [0.0] * k
    for _ in range(steps):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for xi, yi, wi in zip(x, labels, w8, strict=True):
            z = sum(b * v for b, v in zip(beta, xi, strict=True))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            for a in range(k):
                grad[a] += wi * (p - yi) * xi[a]
                for b in range(k):
                    hess[a][b] += wi * p * (1 - p) * xi[a] * xi[b]
        for a in range(1, k):
            grad[a] += l2 * beta[a]
            hess[a][a] += l2
        step = _solve(hess, grad)
        beta = [b - s for b, s in zip(beta, step, strict=True)]
    coefficients = tuple(b / s for b, s in zip(beta[1:], scales, strict=True))
    intercept = beta[0] - sum(c * m for c, m in zip(coefficients, means, strict=True))
    return intercept, coefficients, means, scales


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Return x with a x = b (Gaussian elimination with partial pivoting; a is small)."""
    n = len(b)
    m = [[*row, v] for row, v in zip(a, b, strict=True)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-12:
            continue
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            for c in range(col, n + 1):
                m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        if abs(m[r][r]) < 1e-12:
            continue
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x
