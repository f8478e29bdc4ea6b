"""Snapshot storage in the database: the last good snapshot survives, rejections are
recorded, and two processes storing at once never both validate against the same list."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot.listings.store import SnapshotStore, validate_and_store
from bot.storage.schema import snapshots
from tests.auxil.databases import PostgresServer
from tests.auxil.registries import entry, snapshot


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database's URL (the store migrates it on first use), on both backends."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'riskguide.db'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return await server.new_database()


def _snap(n: int, as_of: date) -> object:
    return snapshot([entry(str(i), f"Имя{i} Фамилия") for i in range(n)], as_of=as_of)


def _rows(store: SnapshotStore) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(snapshots)).scalar() or 0)


def test_store_keeps_latest_and_previous(url: str) -> None:
    store = SnapshotStore(url)
    assert store.latest("foreign_agents") is None
    first = validate_and_store(store, _snap(10, date(2024, 1, 1)))
    second = validate_and_store(store, _snap(11, date(2024, 2, 1)))
    assert first.accepted and second.accepted
    assert second.previous is not None and second.previous.count == 10
    fresh = SnapshotStore(url)  # another process sees the same
    assert fresh.latest("foreign_agents").count == 11
    assert fresh.previous("foreign_agents").count == 10
    assert fresh.load("foreign_agents", first.name).count == 10  # history is kept


def test_rejected_snapshot_leaves_last_good_and_is_logged(url: str) -> None:
    store = SnapshotStore(url)
    validate_and_store(store, _snap(100, date(2024, 1, 1)))
    v = store.version()
    out = validate_and_store(store, _snap(50, date(2024, 2, 1)))
    assert not out.accepted and "dropped" in out.reasons[0]
    assert store.latest("foreign_agents").count == 100
    assert store.version() == v
    rej = SnapshotStore(url).rejections("foreign_agents")
    assert rej[-1]["count"] == 50 and "dropped" in rej[-1]["reasons"][0]


def test_identical_content_is_marked_unchanged(url: str) -> None:
    store = SnapshotStore(url)
    validate_and_store(store, _snap(5, date(2024, 5, 2)))
    out = validate_and_store(store, _snap(5, date(2024, 5, 3)))
    assert out.accepted and out.unchanged
    assert store.latest("foreign_agents").as_of == date(2024, 5, 3)


def test_a_damaged_stored_snapshot_does_not_crash(url: str) -> None:
    store = SnapshotStore(url)
    validate_and_store(store, _snap(5, date(2024, 5, 2)))
    with store.engine.begin() as conn:
        conn.execute(update(snapshots).values(body=b"{broken"))
    assert SnapshotStore(url).latest("foreign_agents") is None
    # A good snapshot can still be stored over it (nothing to validate against).
    fresh = SnapshotStore(url)
    assert validate_and_store(fresh, _snap(3, date(2024, 6, 1))).accepted
    assert SnapshotStore(url).latest("foreign_agents").count == 3


def test_the_same_data_again_adds_no_row(url: str) -> None:
    """An hourly refresh from a mirror that has not moved must not grow the database."""
    store = SnapshotStore(url)
    validate_and_store(store, _snap(10, date(2024, 1, 1)))
    again = validate_and_store(store, _snap(10, date(2024, 1, 1)))
    assert again.accepted and again.unchanged
    assert _rows(store) == 1
    # The same content for a newer date is kept: "not found as of" moves forward.
    newer = validate_and_store(store, _snap(10, date(2024, 1, 8)))
    assert newer.unchanged and store.latest("foreign_agents").as_of == date(2024, 1, 8)
    assert _rows(store) == 2


def test_state_is_shared_and_merged(url: str) -> None:
    """The per-list memo (a failed fetch) written by one instance is what another reads, and
    two writers of different keys both keep theirs."""
    one, two = SnapshotStore(url), SnapshotStore(url)
    before = two.version()
    one.set_state("undesirable", last_modified="x")
    two.set_state("undesirable", last_fetch_failed=True)
    assert SnapshotStore(url).state("undesirable") == {"last_modified": "x",
                                                       "last_fetch_failed": True}
    assert two.version() != before  # a failed fetch changes what a check may conclude


def test_two_stores_at_once_never_validate_against_a_stale_list(url: str) -> None:
    """Two processes (here: threads with their own stores) storing together: each accepted
    snapshot's `previous` is the one stored just before it, so the chain has no fork."""
    SnapshotStore(url).save(_snap(99, date(2024, 1, 1)))
    outcomes = []

    def work(n: int) -> None:
        store = SnapshotStore(url)
        for k in range(4):
            outcomes.append(validate_and_store(store, _snap(100 + k * 2 + n,
                                                            date(2024, 2, 1))))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(o.accepted for o in outcomes)
    previous = sorted(o.previous.content_hash for o in outcomes if o.previous)
    assert len(previous) == len(set(previous)) == 8  # nobody stored over the same list



def test_schema_head_is_the_newest_migration() -> None:
    """A read-only command trusts SCHEMA_HEAD instead of loading Alembic: it must name the
    newest revision, or such a command would not migrate a database that needs it."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from bot.storage.database import MIGRATIONS, SCHEMA_HEAD

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


def test_store_bench_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m bot.measure.store_bench --json` measures a real file and a grown one."""
    import json

    from bot.measure import store_bench
    from tests.auxil.registries import FA_2024_10_01

    assert store_bench.main([str(FA_2024_10_01), "--size", "3000", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["real"]["entries"] == 866 and figures["grown"]["entries"] == 3000
    assert 0 < figures["grown"]["stored_bytes"] < figures["grown"]["json_bytes"] / 3
    assert figures["real"]["load_ms_p50"] > 0
