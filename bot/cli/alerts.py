"""CLI commands that end in alerts: `registry update`, `registry import`, `alerts status|bench`.

`registry update` and `registry import` run the same path as the scheduled refresh of a
running bot: validation, a new snapshot, the diff, events and queued alerts. A bot process
running on the same data delivers what they queue (its sender polls the outbox).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.listings.model import REGISTRIES

if TYPE_CHECKING:
    from bot.storage.database import Database
    from bot.watch.refresh import RefreshService


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                 registry: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `registry update|import` (on the registry actions) and `alerts …`."""
    upd = registry.add_parser("update", help="fetch the registries and queue the alerts")
    upd.add_argument("--registry", choices=REGISTRIES, action="append")
    upd.add_argument("--force", action="store_true",
                     help="fetch even if unchanged and accept a large drop in entries")
    upd.set_defaults(func=cmd_update)

    imp = registry.add_parser("import", help="import an XLSX, CSV or mirror JSON file, "
                                             "then queue the alerts")
    imp.add_argument("file", type=Path)
    imp.add_argument("--registry", choices=REGISTRIES, required=True)
    imp.add_argument("--as-of", type=date.fromisoformat, help="date the data holds for")
    imp.add_argument("--force", action="store_true",
                     help="accept a large drop in entries or older data")
    imp.set_defaults(func=cmd_import)

    alerts = sub.add_parser("alerts", help="alert delivery: status, benchmark")
    asub = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    st = asub.add_parser("status", help="pending/sent/failed alerts, refreshes, rejections")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_status)
    be = asub.add_parser("bench", help="matching and delivery throughput figures")
    be.add_argument("--registries", type=Path, default=Path("../shared/registries"))
    be.add_argument("--changes", type=int, default=1000)
    be.add_argument("--watches", type=int, default=100_000)
    be.add_argument("--messages", type=int, default=300,
                    help="alerts delivered through the local Bot API server")
    be.add_argument("--no-refresh-path", dest="refresh_path", action="store_false",
                    help="skip timing the whole refresh path on SQLite")
    be.add_argument("--json", action="store_true", help="print one JSON object")
    be.set_defaults(func=cmd_bench)


async def _pipeline() -> tuple[Database, RefreshService]:
    """Return (db, refresh service) for this instance's settings (the database migrated).

    Not bot.app.build_app: these commands need no knowledge base and no chat.
    """
    from bot.config import load_settings
    from bot.listings.service import ListingService
    from bot.storage.database import open_database
    from bot.watch.refresh import RefreshService

    settings = load_settings(chat=False)  # no chat credentials needed to import or report
    db = await open_database(settings)
    return db, RefreshService(db, ListingService(settings))


def _processed_line(p: Any) -> str:
    if p.outcome == "events":
        kinds = ", ".join(f"{k} {n}" for k, n in p.counts.items())
        return f"{p.changes} changes ({kinds}), {p.queued} messages queued"
    return {"baseline": "first data in this database: the starting point, no alerts",
            "no_changes": "no changes", "up_to_date": "already processed",
            "no_data": "no data"}.get(p.outcome, p.outcome)


def cmd_update(args: argparse.Namespace) -> int:
    """Fetch registries and queue alerts; exit 1 when any registry failed or was refused."""
    import asyncio

    async def run() -> int:
        db, refresh = await _pipeline()
        try:
            results = await refresh.refresh(tuple(args.registry or REGISTRIES), force=args.force)
        finally:
            await db.close()
        for report, processed in results:
            print(f"{report.registry}: {report.outcome} {report.detail}; "
                  f"{_processed_line(processed)}")
            if report.store is not None and report.store.overridden:
                print(f"{report.registry}: --force overrides: "
                      f"{'; '.join(report.store.overridden)}", file=sys.stderr)
        ok = ("stored", "unchanged", "not_modified")
        return 0 if all(r.outcome in ok for r, _ in results) else 1

    return asyncio.run(run())


def cmd_import(args: argparse.Namespace) -> int:
    """Import one file and queue alerts; exit 1 when it was refused (the reason is printed
    and recorded for `registry status` and `alerts status`)."""
    import asyncio

    from bot.listings.parse import SchemaError

    async def run() -> int:
        db, refresh = await _pipeline()
        try:
            outcome, processed = await refresh.import_file(
                args.file, args.registry, as_of=args.as_of, force=args.force)
        except (SchemaError, OSError) as exc:
            print(f"{args.registry}: rejected: {exc}", file=sys.stderr)
            return 1
        finally:
            await db.close()
        if not outcome.accepted:
            print(f"{args.registry}: rejected: {'; '.join(outcome.reasons)}", file=sys.stderr)
            if not args.force and outcome.previous is not None:
                print(f"{args.registry}: nothing was stored or queued; if the change is real, "
                      "import again with --force", file=sys.stderr)
            return 1
        cur = outcome.current
        assert cur is not None  # an accepted outcome always has the stored snapshot
        if outcome.overridden:
            print(f"{args.registry}: --force overrides: {'; '.join(outcome.overridden)}",
                  file=sys.stderr)
        note = " (content unchanged)" if outcome.unchanged else ""
        print(f"{args.registry}: stored {cur.count} entries as of {cur.as_of}, "
              f"{cur.skipped_rows} malformed rows skipped{note}; {_processed_line(processed)}")
        return 0

    return asyncio.run(run())


def cmd_status(args: argparse.Namespace) -> int:
    """Print the alert status; exit 1 when messages failed or a registry has no data."""
    import asyncio

    from bot.watch.status import alerts_status, format_status

    async def run() -> dict[str, Any]:
        db, refresh = await _pipeline()
        try:
            return await alerts_status(db, refresh.listings)
        finally:
            await db.close()

    status = asyncio.run(run())
    print(json.dumps(status, ensure_ascii=False, indent=1) if args.json
          else format_status(status))
    healthy = not status["outbox"]["failed"] and all(r["data_as_of"]
                                                     for r in status["registries"])
    return 0 if healthy else 1


def cmd_bench(args: argparse.Namespace) -> int:
    """Print the alert benchmark: matching a large change against many watches (index
    build, matching, memory), the refresh path, and delivery throughput through a local Bot
    API server that enforces Telegram's limits."""
    import asyncio

    from bot.measure import alerts_bench, delivery_bench

    figures = asyncio.run(alerts_bench.measure(args.registries, changes=args.changes,
                                               watches=args.watches,
                                               refresh_path=args.refresh_path))
    if not args.json:
        print(alerts_bench.report(figures), flush=True)
    if args.messages:
        figures["delivery"] = asyncio.run(delivery_bench.measure(args.messages))
        if not args.json:
            print(delivery_bench.report(figures["delivery"]))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0
