"""Replay of the shared registry history (2023-09 to 2024-10) through the refresh path.

Watches in both scripts and languages; the alerts delivered must equal the changes that an
independent, deliberately plain reading of the raw mirror files finds for those names.

How the 2024-07-06 → 2024-07-07 correction is handled: from 2024-06-01 to 2024-07-06 the
foreign-agent mirror's `dateOut` column held publication dates and no exclusion dates (see
bot/listings/parse.py), and some files leaked column titles into one row. The parser marks
those snapshots as having unknown exclusions and salvages the leaked row; the diff then
compares exclusions with the last snapshot that had them (2024-05-07). So 2024-06-01 does
not "re-include" the ~190 excluded entries, and 2024-07-07, where the dates come back,
reports only the three exclusions decided in between — no mass "excluded" wave, and the
row that went missing from the raw count (an empty row) is no event at all.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime

from bot.watch.delivery import Limits, Sender
from bot.watch.model import Delivery
from bot.watch.refresh import Processed
from tests.auxil.registries import SHARED_REGISTRIES
from tests.watch.conftest import Pipeline

FAST = {p: Limits(global_per_s=1000, private_per_s=1000, group_per_min=60000)
        for p in ("telegram", "matrix")}
# Mirror files whose dateOut column held publication dates: exclusions unknown there.
NO_EXCLUSIONS = {"2024-06-01", "2024-06-15", "2024-06-22", "2024-07-06"}

# (platform, chat, language, watched name as typed, substring identifying the raw rows)
WATCHES = [
    ("telegram", "101", "ru", "Чхартишвили Григорий", "Чхартишвили Григорий"),
    ("telegram", "102", "en", "Konstantinov Denis", "Константинов Денис"),
    ("matrix", "!m1:x", "ru", "Литвинова Александра Сергеевича", "Литвинов Александр"),
    ("matrix", "!m2:x", "en", "Etkind Alexander", "Эткинд Александр"),
    ("telegram", "103", "ru", "Свободная Россия", "Свободная Россия"),
    ("telegram", "104", "en", "Bellingcat", "Bellingcat"),
    ("matrix", "!m3:x", "ru", "Иванов Пётр Сидорович", "Иванов Пётр Сидорович"),
]


def _last_line(value: str) -> str:
    return value.split("\n")[-1].strip()


def _day(value: str) -> date | None:
    v = _last_line(value)
    try:
        return datetime.strptime(v, "%d.%m.%Y").date()
    except ValueError:
        return None


def expected_changes(needle: str) -> list[tuple[str, str, str]]:
    """Return (registry, snapshot date, kind) for every change of the rows naming needle,
    read straight from the raw files in date order, independently of the parser and diff."""
    out = []
    for registry in ("foreign_agents", "undesirable"):
        # A row is identified by its inclusion date and the first three words of its name
        # (a pseudonym or former name is appended at the end when the registry adds one).
        previous: dict[tuple[date | None, str], tuple[str, bool]] | None = None
        last_excluded: dict[tuple[date | None, str], bool] = {}
        for path in sorted((SHARED_REGISTRIES / registry).glob("*.json")):
            rows = [r for r in json.loads(path.read_text(encoding="utf-8"))
                    if needle.lower() in _last_line(r["fullName"]).lower()]
            known = path.stem not in NO_EXCLUSIONS
            now: dict[tuple[date | None, str], tuple[str, bool]] = {}
            for r in rows:
                name = " ".join(_last_line(r["fullName"]).split())
                key = (_day(r["dateIn"]), " ".join(name.split()[:3]))
                excluded = (_day(r.get("dateOut", "")) is not None if known
                            else last_excluded.get(key, False))
                now[key] = (name, excluded)
            if previous is not None:
                for key, (name, excluded) in now.items():
                    if key not in previous:
                        out.append((registry, path.stem, "added"))
                    elif excluded != previous[key][1]:
                        out.append((registry, path.stem,
                                    "excluded" if excluded else "reincluded"))
                    elif name != previous[key][0]:
                        out.append((registry, path.stem, "changed"))
                out += [(registry, path.stem, "removed") for key in previous if key not in now]
            if known:
                last_excluded = {k: v[1] for k, v in now.items()}
            previous = now
    return sorted(out, key=lambda c: (c[1], c[0]))


async def test_replay_of_the_shared_history(pipeline: Pipeline) -> None:
    delivered: dict[str, list[Delivery]] = defaultdict(list)

    async def deliver(d: Delivery) -> None:
        delivered[d.chat_id].append(d)

    sender = Sender(pipeline.db, {"telegram": deliver, "matrix": deliver}, limits=FAST)
    for platform, chat, lang, query, _ in WATCHES:
        await pipeline.users.watch(platform, chat, chat, query, lang)
    await pipeline.users.set_digest("telegram", "900", "900", group=False, on=True)

    steps = sorted((p.stem, p.parent.name) for registry in ("foreign_agents", "undesirable")
                   for p in (SHARED_REGISTRIES / registry).glob("*.json"))
    outcomes: dict[tuple[str, str], Processed] = {}
    changes_total = 0
    for day, registry in steps:
        before = sum(len(v) for v in delivered.values())
        processed = await pipeline.load(registry, day)
        outcomes[(registry, day)] = processed
        changes_total += processed.changes
        while await sender.send_due():
            pass
        if processed.outcome != "events":
            # Unchanged content (2024-05-02/03/07) and starting points send nothing.
            assert sum(len(v) for v in delivered.values()) == before, (registry, day)

    for _, chat, lang, query, needle in WATCHES:
        got = sorted(((d.changes[0].registry, d.changes[0].as_of.isoformat(),
                       d.changes[0].kind) for d in delivered.get(chat, [])),
                     key=lambda c: (c[1], c[0]))
        assert got == expected_changes(needle), query
        assert all(d.lang == lang and d.watch == query for d in delivered.get(chat, []))

    assert expected_changes("Чхартишвили Григорий") == [
        ("foreign_agents", "2024-02-19", "added"), ("foreign_agents", "2024-06-01", "changed")]
    assert expected_changes("Константинов Денис") == [
        ("foreign_agents", "2024-05-02", "excluded"), ("foreign_agents", "2024-06-01", "changed")]
    assert not delivered.get("104") and not delivered.get("!m3:x")

    assert outcomes[("foreign_agents", "2024-05-03")].outcome == "no_changes"
    assert outcomes[("foreign_agents", "2024-05-07")].outcome == "no_changes"
    correction = outcomes[("foreign_agents", "2024-07-07")]
    assert correction.counts == {"excluded": 3}
    assert "reincluded" not in outcomes[("foreign_agents", "2024-06-01")].counts

    # The digest reader saw every change of every refresh, once.
    digest = delivered["900"]
    assert sum(len(d.changes) for d in digest) == changes_total
    assert len({(d.id) for d in digest}) == len(digest)
