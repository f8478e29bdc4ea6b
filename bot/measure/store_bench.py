"""Benchmark of the snapshot store: how long a fresh process takes to load a list's newest
snapshot from the database, its stored size, and the cost of the version check a running
instance makes (at most once a second) to notice another instance's data.

    python -m bot.measure.store_bench --json [--url URL] [--size 100000] [FILE]

FILE is a registry file (default: the newest shared foreign-agent snapshot); it is measured
as it is and grown to --size entries by recombining its names (registry_bench.grow). The
database is a temporary SQLite file unless --url names another (e.g. a PostgreSQL).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.listings.model import Snapshot
from bot.listings.service import file_snapshot
from bot.listings.store import SnapshotStore, encode
from bot.measure.registry_bench import grow

DEFAULT_FILE = Path("../shared/registries/foreign_agents/2024-10-01.json")


def measure(snapshot: Snapshot, url: str, repeats: int = 5) -> dict[str, Any]:
    """Return the load figures of snapshot stored at url (it becomes the list's latest)."""
    SnapshotStore(url).save(snapshot)
    loads = []
    for _ in range(repeats):
        store = SnapshotStore(url)  # as a new process: nothing decoded yet
        store.version()  # connected and migrated before the clock starts
        started = time.perf_counter()
        loaded = store.latest(snapshot.registry)
        loads.append(time.perf_counter() - started)
        assert loaded is not None and loaded.count == snapshot.count
    n = 200
    started = time.perf_counter()
    for _ in range(n):
        store.version()
    raw = json.dumps(snapshot.to_dict(), ensure_ascii=False).encode("utf-8")
    return {"entries": snapshot.count, "json_bytes": len(raw),
            "stored_bytes": len(encode(snapshot)),
            "load_ms_p50": round(statistics.median(loads) * 1000, 1),
            "load_ms_max": round(max(loads) * 1000, 1),
            "version_check_ms": round((time.perf_counter() - started) / n * 1000, 3)}


def main(argv: list[str] | None = None) -> int:
    """Print the figures at real size and grown (a table, or one JSON object)."""
    parser = argparse.ArgumentParser(prog="python -m bot.measure.store_bench")
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--registry", default="foreign_agents")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    url = args.url or f"sqlite:///{tempfile.mkdtemp(prefix='store-bench-')}/bench.db"
    real = file_snapshot(args.file, args.registry)
    big = Snapshot(real.registry, real.origin, real.source, real.as_of, real.fetched_at,
                   tuple(grow(real.entries, args.size)))
    figures: dict[str, Any] = {"database": url.split(":", 1)[0], "real": measure(real, url),
               "grown": measure(big, url)}
    if args.json:
        print(json.dumps(figures))
    else:
        for label in ("real", "grown"):
            f = figures[label]
            print(f"{label}: {f['entries']} entries, {f['json_bytes']} B JSON stored as "
                  f"{f['stored_bytes']} B; load p50 {f['load_ms_p50']} ms "
                  f"(max {f['load_ms_max']}); version check {f['version_check_ms']} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
