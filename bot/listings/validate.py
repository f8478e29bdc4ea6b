"""Checks a new snapshot must pass before it may replace the last good one (pure).

Two kinds of reasons. Schema problems (unknown registry, no entries, duplicate ids, rows of
another registry) are never waived. Plausibility doubts compare the new snapshot with the
last good one of the same list and are what `--force` overrides: a count that dropped, older
data, and above all data that is not the list it claims to be. A registry only grows
(excluded rows stay listed), so nearly every entry of the last good snapshot must still be
there, paired by the diff's own rules (bot.listings.pairing), and the share of persons must
hold; a field every entry had must not go missing from part of the entries. A field gone from
all of them, or legal-basis texts worded otherwise, count against data that fails the first
test, and are only noted (a source's new layout) for data that passes it. In the shared
history of both registries every entry remained and every share held from one snapshot to the
next (2023-09 to 2024-10), while the foreign-agent file offered as the undesirable list keeps
a handful of 188 entries and a file of invented names none.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence

from bot import textnorm
from bot.listings.model import PERSON, REGISTRIES, Entry, Snapshot
from bot.listings.pairing import pair_entries

# A new snapshot with more than this share fewer entries than the last good one is refused:
# registries only grow (excluded rows stay listed), so a big drop means a broken fetch.
MAX_DROP = 0.10
# At least this share of the last good snapshot's entries must pair with new ones.
MIN_KEPT = 0.90
# The share of persons may move by at most this much (foreign agents: 0.51 -> 0.56 in a year).
MAX_PERSON_SHIFT = 0.15
# A field at least this share of old entries had is one "the list always has" ...
ALWAYS = 0.90
# ... and the new snapshot may have it in at most this much smaller a share.
MAX_FIELD_LOSS = 0.10
# At least this share of new legal-basis texts must read like one the list already had.
MIN_BASIS_KNOWN = 0.80

_FIELDS: dict[str, Callable[[Entry], object]] = {
    "inclusion date": lambda e: e.included_on,
    "legal basis": lambda e: e.legal_basis,
    "INN": lambda e: e.inn,
    "OGRN": lambda e: e.ogrn,
    "resources": lambda e: e.resources,
    "members": lambda e: e.members,
}
_WORDS = re.compile(r"[^\W\d_]+")


def problems(new: Snapshot, previous: Snapshot | None, *, force: bool = False) -> list[str]:
    """Return the reasons new must not replace previous (empty when it may).

    `force` waives the plausibility doubts (see `doubts`) but never the schema problems
    (unknown registry, no entries, duplicate ids).
    """
    found = schema_problems(new)
    if not force:
        found += doubts(new, previous)
    return found


def schema_problems(new: Snapshot) -> list[str]:
    """Return what makes new unusable as any registry's data, whatever came before."""
    found: list[str] = []
    if new.registry not in REGISTRIES:
        found.append(f"unknown registry {new.registry!r}")
    if not new.entries:
        found.append("no entries")
    dupes = [i for i, n in Counter(e.entry_id for e in new.entries).items() if n > 1]
    if dupes:
        found.append(f"duplicate ids: {', '.join(sorted(dupes)[:5])}")
    wrong = {e.registry for e in new.entries} - {new.registry}
    if wrong:
        found.append(f"entries of another registry: {', '.join(sorted(wrong))}")
    return found


def doubts(new: Snapshot, previous: Snapshot | None) -> list[str]:
    """Return why new does not look like the next version of previous (what --force waives).

    Each reason carries its figures ("12 of 866 entries remain"), so an operator can judge
    whether the change is real before forcing it.
    """
    return review(new, previous)[0]


def notes(new: Snapshot, previous: Snapshot | None) -> list[str]:
    """Return what changed in the source's layout without casting doubt on the data.

    When nearly every entry remains, the list is the same list: a field gone from every entry
    or legal-basis texts worded otherwise mean the source changed its layout (the 2026 mirror
    has no decision texts for undesirable organisations, the portal words them its own way),
    and refusing would keep the bot on old data. Worth a warning, not a refusal.
    """
    return review(new, previous)[1]


def review(new: Snapshot, previous: Snapshot | None) -> tuple[list[str], list[str]]:
    """Return (doubts, notes) for new against previous in one pass; see `doubts` and `notes`
    (the store needs both, and pairing a large list twice would cost twice)."""
    if previous is None or not previous.entries or not new.entries:
        return [], []
    found: list[str] = []
    if new.count < previous.count * (1 - MAX_DROP):
        found.append(f"entry count dropped from {previous.count} to {new.count} "
                     f"(more than {int(MAX_DROP * 100)}%)")
    if new.as_of < previous.as_of:
        found.append(f"data as of {new.as_of} is older than the stored {previous.as_of}")
    _pairs, _added, gone = pair_entries(previous.entries, new.entries)
    kept = previous.count - len(gone)
    same_list = kept >= previous.count * MIN_KEPT
    if not same_list:
        found.append(f"only {kept} of {previous.count} entries of the last good "
                     f"{previous.registry} data (as of {previous.as_of}) remain; a registry "
                     f"keeps its entries, at least {int(MIN_KEPT * 100)}% must remain")
    old_share, new_share = _share(previous.entries, PERSON), _share(new.entries, PERSON)
    if abs(new_share - old_share) > MAX_PERSON_SHIFT:
        found.append(f"persons are {_pct(new_share)} of entries, against {_pct(old_share)} "
                     "in the last good data")
    layout: list[str] = []
    for label, get in _FIELDS.items():
        had = sum(1 for e in previous.entries if get(e))
        has = sum(1 for e in new.entries if get(e))
        if had >= previous.count * ALWAYS and has < new.count * (had / previous.count
                                                                 - MAX_FIELD_LOSS):
            figures = (f"{label} present in {has} of {new.count} entries, against {had} "
                       f"of {previous.count} in the last good data")
            # Gone from every entry of the same list: the source's layout. Gone from some:
            # entries of another kind mixed in.
            (layout if has == 0 and same_list else found).append(figures)
    basis = _basis_known(previous.entries, new.entries)
    if basis is not None and basis[0] < basis[1] * MIN_BASIS_KNOWN:
        (found if not same_list else layout).append(
            f"the legal basis of {basis[1] - basis[0]} of {basis[1]} entries reads like "
            "none in the last good data")
    return found, layout


def _share(entries: Sequence[Entry], kind: str) -> float:
    return sum(1 for e in entries if e.kind == kind) / len(entries)


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _basis_shape(text: str) -> str:
    """Return the wording of a legal basis without its numbers and dates.

    "Статья 32 Федерального закона от 12.01.1996 No 7-ФЗ" and the same article cited for
    another entry read alike; a decision number "№ 1076-р от 29.07.2015" reads otherwise.
    """
    return " ".join(_WORDS.findall(textnorm.fold(text)))


def _basis_known(old: Sequence[Entry], new: Sequence[Entry]) -> tuple[int, int] | None:
    """Return (new entries whose legal basis reads like an old one, new entries with one),
    or None when the last good data carries no legal basis to compare with."""
    shapes = {_basis_shape(e.legal_basis) for e in old if e.legal_basis}
    if sum(1 for e in old if e.legal_basis) < len(old) * ALWAYS:
        return None
    with_basis = [e for e in new if e.legal_basis]
    if not with_basis:
        return None  # the field check above already says the legal basis is missing
    known = sum(1 for e in with_basis if _basis_shape(e.legal_basis) in shapes)
    return known, len(with_basis)
