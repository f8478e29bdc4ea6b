"""What changed between two snapshots of one registry (pure, no I/O).

Entries are paired by bot.listings.pairing (folded name, then tax number, then row id), the
rule validation also uses, so a renamed organisation reads as "changed", not as one removal
and one addition.

Snapshots whose exclusion dates are unknown (a mirror layout that dropped that column) say
nothing about exclusions: comparing them would turn every excluded entry into a
"re-included" one and back. Exclusions are then compared with `baseline`, the last snapshot
that did carry exclusion dates.
"""

from __future__ import annotations

from dataclasses import replace

from bot.listings.model import Entry, Snapshot
from bot.listings.pairing import entry_key, pair_entries
from bot.watch.model import ADDED, CHANGED, EXCLUDED, REINCLUDED, REMOVED, Change


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
