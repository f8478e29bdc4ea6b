"""Which entries of two snapshots of one registry are the same entry (pure, no I/O).

Entries are paired on their normalised name (legal form, quotes, spacing and look-alike
letters folded) rather than on row ids, which differ between sources and after a mirror's
re-numbering (pitfalls.md); entries that share a normalised name are paired by inclusion date.
What stays unpaired is paired once more by tax number, then by row id within one source, so a
renamed organisation reads as "changed", not as one removal and one addition.

Two users, one rule: the alert diff (bot.watch.diff) says what changed between paired
entries, and validation (bot.listings.validate) refuses a snapshot that pairs with too little
of the last good one, so both agree on what "the same entry" means.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bot.listings import names as nm
from bot.listings.model import Entry


def entry_key(entry: Entry) -> str:
    """Return the source-independent identity of an entry: its folded name without legal form."""
    return nm.norm(nm.strip_legal_form(entry.name)) or nm.norm(entry.name) or entry.entry_id


def pair_entries(old: Iterable[Entry], new: Iterable[Entry]
                 ) -> tuple[dict[int, Entry], list[Entry], list[Entry]]:
    """Return (new entry's id() -> its old entry, unpaired new, unpaired old).

    Pairing order: same key and inclusion date; same key; same INN/OGRN; same row id (only
    trusted when the two rows also agree on the inclusion date).
    """
    old_list, new_list = list(old), list(new)
    pairs: dict[int, Entry] = {}
    free_old = _by_key(old_list)
    for strict in (True, False):
        for cur in new_list:
            if id(cur) in pairs:
                continue
            candidates = free_old.get(entry_key(cur))
            if not candidates:
                continue
            pick = next((o for o in candidates if o.included_on == cur.included_on), None)
            if pick is None and not strict:
                pick = candidates[0]
            if pick is not None:
                candidates.remove(pick)
                pairs[id(cur)] = pick
    left_old = [o for group in free_old.values() for o in group]
    left_new = [c for c in new_list if id(c) not in pairs]
    for field in ("inn", "ogrn", "entry_id"):
        if not left_old or not left_new:
            break
        by_value: dict[str, list[Entry]] = defaultdict(list)
        for o in left_old:
            value = getattr(o, field)
            if value:
                by_value[value].append(o)
        for cur in left_new:
            value = getattr(cur, field)
            found = by_value.get(value) if value else None
            if not found:
                continue
            pick = found[0]
            if field == "entry_id" and pick.included_on != cur.included_on:
                continue  # row numbers shift; only a matching date makes it the same row
            found.remove(pick)
            pairs[id(cur)] = pick
            left_old.remove(pick)
        left_new = [c for c in left_new if id(c) not in pairs]
    return pairs, left_new, left_old


def _by_key(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        out[entry_key(e)].append(e)
    return out
