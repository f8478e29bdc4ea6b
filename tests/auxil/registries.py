"""Helpers for listings tests: shared snapshot paths, small entries, settings in a temp dir."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from bot.config import Settings
from bot.listings.model import REGISTRIES, Entry, Snapshot

REPO = Path(__file__).resolve().parents[2]
SHARED_REGISTRIES = REPO.parent / "shared" / "registries"
FA_2024_10_01 = SHARED_REGISTRIES / "foreign_agents" / "2024-10-01.json"
UND_2024_09_05 = SHARED_REGISTRIES / "undesirable" / "2024-09-05.json"
NAMES_DEV = REPO.parent / "shared" / "eval" / "names-dev.json"


# Freshness windows wide enough that the 2023-2024 history counts as fresh: for tests of
# matching and wording that are not about freshness.
WIDE_WINDOWS = {registry: 100_000 for registry in REGISTRIES}


def settings_in(tmp: Path, **overrides: object) -> Settings:
    """Return Settings whose data directory is tmp (nothing read from the environment).

    No mirror unless a test names one: the default public mirror is outside this machine,
    and tests touch no outside network.
    """
    overrides.setdefault("registry_mirror_url", None)
    return Settings(data_dir=tmp, **overrides)  # type: ignore[arg-type]


def entry(entry_id: str, name: str, *, registry: str = "foreign_agents", kind: str = "person",
          aliases: tuple[str, ...] = (), excluded: date | None = None,
          included: date | None = date(2023, 1, 1)) -> Entry:
    """Return a hand-made entry."""
    return Entry(registry, entry_id, kind, name, aliases, included, excluded)


def snapshot(entries: list[Entry], *, registry: str = "foreign_agents",
             as_of: date = date(2024, 1, 1), origin: str = "file") -> Snapshot:
    """Return a snapshot of entries."""
    return Snapshot(registry, origin, "test", as_of, datetime(2024, 1, 2, tzinfo=UTC),
                    tuple(entries))


def shared_dates(registry: str) -> list[date]:
    """Return the dates of the shared mirror snapshots of registry, oldest first."""
    return sorted(date.fromisoformat(p.stem) for p in (SHARED_REGISTRIES / registry).glob("*.json"))


def shared_snapshot(registry: str, day: date | str) -> Snapshot:
    """Return the shared mirror snapshot of registry taken on day, parsed as an import would."""
    from bot.listings import parse

    path = SHARED_REGISTRIES / registry / f"{day}.json"
    result = parse.parse_file(registry, path.read_bytes())
    return Snapshot(registry, "mirror", path.name, date.fromisoformat(str(day)),
                    datetime(2024, 11, 1, tzinfo=UTC), tuple(result.entries), result.skipped,
                    exclusions_known=result.exclusions_known)


# The 2026-09 copy of the public mirror ({"entries": [{id, kind, name, aliases, inn, ogrn,
# included_at, excluded_at, decision}]}), file per registry.
MIRROR_2026 = SHARED_REGISTRIES / "mirror" / "data"
MIRROR_2026_FILES = {
    "foreign_agents": MIRROR_2026 / "minjust_foreign_agents.json",
    "undesirable": MIRROR_2026 / "minjust_undesirable_orgs.json",
    "extremist": MIRROR_2026 / "minjust_extremist_orgs.json",
    "terrorist": MIRROR_2026 / "fsb_terrorist_orgs.json",
}


def mirror_2026_snapshot(registry: str) -> Snapshot:
    """Return the 2026-09 mirror copy of a registry as a Snapshot, read field by field.

    A stand-in until the application parses this format itself: dates are DD.MM.YYYY or
    null, `kind` is "person" or "org"; the data's date is the file's `fetched_at`.
    """
    import json

    data = json.loads(MIRROR_2026_FILES[registry].read_text(encoding="utf-8"))

    def day(value: str | None) -> date | None:
        return datetime.strptime(value, "%d.%m.%Y").date() if value else None

    entries = tuple(
        Entry(registry, str(row["id"]), "person" if row["kind"] == "person" else "organisation",
              str(row["name"]), tuple(row.get("aliases") or ()), day(row.get("included_at")),
              day(row.get("excluded_at")))
        for row in data["entries"]
    )
    fetched = datetime.fromisoformat(data["fetched_at"])
    return Snapshot(registry, "mirror", MIRROR_2026_FILES[registry].name, fetched.date(),
                    fetched, entries)
