"""What changed between two snapshots of one registry (pure, no I/O).

Entries are paired on their normalised name (legal form, quotes, spacing and look-alike
letters folded) rather than on row ids, which differ between sources and after a mirror's
re-numbering (pitfalls.md); entries that share a normalised name are paired by inclusion date.
What stays unpaired is paired once more by tax number, then by row id within one source, so a
renamed organisation reads as "changed", not as one removal and one addition.

Snapshots whose exclusion dates are unknown (a mirror layout that dropped that column) say
nothing about exclusions: comparing them would turn every excluded entry into a
"re-included" one and back. Exclusions are then compared with `baseline`, the last snapshot
that did carry exclusion dates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from bot.listings import names as nm
from bot.listings.model import Entry, Snapshot
from bot.watch.model import ADDED, CHANGED, EXCLUDED, REINCLUDED, REMOVED, Change


def entry_key(entry: Entry) -> str:
    """Return the source-independent identity of an entry: its folded name without legal form."""
    return nm.norm(nm.strip_legal_form(entry.name)) or nm.norm(entry.name) or entry.entry_id


def diff(previous: Snapshot | None, current: Snapshot,
         baseline: Snapshot | None = None) -> list[Change]:
    """Return the changes from previous to current, in current's order (removals last).

    With no previous snapshot there is nothing to compare, and the result is empty: a first
    import is the starting point, not a wave of "added" alerts. Identical content gives [].
    """
    if previous is None or previous.content_hash == current.content_hash:
        return []
    pairs, _added, removed = pair_entries(previous.entries, current.entries)
    excl_known = current.exclusions_known
    # Exclusion dates to compare with (and to show while current has none): those of the
    # last snapshot that had them, paired with current entries the same way as previous.
    base_pairs: dict[int, Entry] | None = None
    if baseline is not None and (not excl_known or not previous.exclusions_known):
        base_pairs = pair_entries(baseline.entries, current.entries)[0]

    def change(kind: str, cur: Entry, old: Entry | None = None) -> Change:
        last = base_pairs.get(id(cur)) if base_pairs is not None else None
        return Change(
            registry=current.registry, kind=kind, key=entry_key(cur), name=cur.name,
            entry_kind=cur.kind, as_of=current.as_of, origin=current.origin,
            previous_as_of=previous.as_of, aliases=cur.aliases, included_on=cur.included_on,
            excluded_on=(cur.excluded_on if excl_known
                         else last.excluded_on if last is not None else None),
            legal_basis=cur.legal_basis,
            previous_name=(old.name if old is not None and entry_key(old) != entry_key(cur)
                           else None),
            previous_included_on=old.included_on if old is not None else None,
            previous_excluded_on=old.excluded_on if old is not None else None,
        )

    out: list[Change] = []
    for cur in current.entries:
        old = pairs.get(id(cur))
        if old is None:
            out.append(change(ADDED, cur))
            continue
        was_excluded: bool | None = old.excluded_on is not None
        if excl_known and not previous.exclusions_known and base_pairs is not None:
            base = base_pairs.get(id(cur))
            # An entry first seen while exclusions were unknown was listed when it appeared.
            was_excluded = base is not None and base.excluded_on is not None
            old = replace(old, excluded_on=base.excluded_on if base is not None else None)
        elif not excl_known or not previous.exclusions_known:
            was_excluded = None  # nothing is known about exclusions on one side
        is_excluded = cur.excluded_on is not None
        if was_excluded is False and is_excluded:
            out.append(change(EXCLUDED, cur, old))
        elif was_excluded is True and not is_excluded:
            out.append(change(REINCLUDED, cur, old))
        elif _changed(old, cur, compare_exclusion=was_excluded is not None):
            out.append(change(CHANGED, cur, old))
    for old in removed:
        out.append(Change(
            registry=current.registry, kind=REMOVED, key=entry_key(old), name=old.name,
            entry_kind=old.kind, as_of=current.as_of, origin=current.origin,
            previous_as_of=previous.as_of, aliases=old.aliases, included_on=old.included_on,
            excluded_on=old.excluded_on, legal_basis=old.legal_basis,
        ))
    return out


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


def _changed(old: Entry, cur: Entry, *, compare_exclusion: bool) -> bool:
    """Return True when what a user sees of the entry differs (name or dates).

    Names are compared by key: quotes, spacing or a legal-form preamble written differently
    by another source are not a change of name.
    """
    if entry_key(old) != entry_key(cur):
        return True
    if old.included_on != cur.included_on:
        return True
    return compare_exclusion and old.excluded_on != cur.excluded_on
