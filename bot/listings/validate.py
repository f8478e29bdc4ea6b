"""Checks a new snapshot must pass before it may replace the last good one (pure)."""

from __future__ import annotations

from collections import Counter

from bot.listings.model import REGISTRIES, Snapshot

# A new snapshot with more than this share fewer entries than the last good one is refused:
# registries only grow (excluded rows stay listed), so a big drop means a broken fetch.
MAX_DROP = 0.10


def problems(new: Snapshot, previous: Snapshot | None, *, force: bool = False) -> list[str]:
    """Return the reasons new must not replace previous (empty when it may).

    `force` waives the plausibility checks (count drop, older data) but never the schema
    ones (unknown registry, no entries, duplicate ids).
    """
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
    if previous is not None and not force:
        if new.count < previous.count * (1 - MAX_DROP):
            found.append(
                f"entry count dropped from {previous.count} to {new.count} "
                f"(more than {int(MAX_DROP * 100)}%); use --force if this is real"
            )
        if new.as_of < previous.as_of:
            found.append(
                f"data as of {new.as_of} is older than the stored {previous.as_of}; "
                "use --force to go back"
            )
    return found
