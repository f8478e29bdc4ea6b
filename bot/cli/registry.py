"""CLI commands for registries and name checks (check, registry status/eval/bench/emulate).

`riskguide check NAME|- [--json]` prints one JSON object per line with --json (the contract
other tools rely on); `riskguide registry …` inspects the stored snapshots. `registry
update` and `registry import` live in bot.cli.alerts: they go on to events and alerts.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]
                 ) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """Register `check` and `registry …` on the riskguide parser; returns the registry
    actions, where bot.cli.alerts adds `update` and `import` (they end in alerts)."""
    check = sub.add_parser("check", help="is a person or organisation listed?")
    check.add_argument("name", help="a name, or - to read one name per line from stdin")
    check.add_argument("--json", action="store_true", help="one JSON object per line")
    check.set_defaults(func=cmd_check)

    reg = sub.add_parser("registry", help="registry data: update, import, status, eval, bench")
    rsub = reg.add_subparsers(dest="registry_command", metavar="ACTION", required=True)

    st = rsub.add_parser("status", help="what data every check uses, and refused updates")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_status)

    ev = rsub.add_parser("eval", help="recall/false positives per variant on a labelled set")
    ev.add_argument("--set", type=Path, default=Path("../shared/eval/names-dev.json"))
    ev.add_argument("--registries", type=Path, default=Path("../shared/registries"),
                    help="folder of mirror snapshots (<registry>/<date>.json)")
    ev.add_argument("--misses", action="store_true", help="list every miss")
    ev.set_defaults(func=cmd_eval)

    be = rsub.add_parser("bench", help="check latency, index build time and memory")
    be.add_argument("--registries", type=Path, default=Path("../shared/registries"))
    be.add_argument("--size", type=int, default=100_000, help="grown registry size")
    be.add_argument("--queries", type=int, default=300)
    be.add_argument("--json", action="store_true", help="print one JSON object")
    be.add_argument("--no-processes", dest="processes", action="store_false",
                    help="skip the start-up and memory figures of separate processes")
    be.set_defaults(func=cmd_bench)

    bu = rsub.add_parser("bundle", help="write the snapshot that ships in the package")
    bu.add_argument("--out", type=Path, default=None,
                    help="file to write (default: the package's bundled-registries.json)")
    bu.set_defaults(func=cmd_bundle)

    em = rsub.add_parser("emulate", help="serve a local emulator of the portal's REST API")
    em.add_argument("--registries", type=Path, default=Path("../shared/registries"))
    em.add_argument("--port", type=int, default=8089)
    em.set_defaults(func=cmd_emulate)
    return rsub


def _service() -> Any:
    from bot.config import load_settings
    from bot.listings.service import ListingService

    return ListingService(load_settings(chat=False))  # registry data needs no chat secrets


def cmd_check(args: argparse.Namespace) -> int:
    """Check one name or every stdin line; exit 0 (also for "not found"), 1 with no data.

    With "-" each line is answered as soon as it is read (a pipe from a slow producer, or a
    person typing, sees one answer per line as it comes, not all of them at the end).
    """
    service = _service()
    names: Iterable[str] = (iter(sys.stdin.readline, "") if args.name == "-"
                            else [args.name])
    any_data = True
    for line in names:
        name = line.rstrip("\r\n")
        if args.name == "-" and not name.strip():
            continue
        result = service.check(name)
        any_data = any_data and result.status != "no_data"
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        else:
            print(_plain(result), flush=True)
    return 0 if any_data else 1


def _plain(result: Any) -> str:
    lines = [f"{result.query}: {result.status}"]
    if result.problem:
        lines[0] += f" ({result.problem})"
    for m in result.matches:
        dates = f"from {m.included_on}" + (f" to {m.excluded_on}" if m.excluded_on else "")
        lines.append(f"  [{m.registry} #{m.entry_id}] {m.name} — {m.match} {m.score:.2f}, "
                     f"{'listed' if m.listed else 'excluded'} {dates}")
    for d in result.data:
        note = ""
        if d.fetch_failed:
            note = " (last fetch failed)"
        elif d.stale():
            note = f" (older than its {d.window_days}-day window)"
        lines.append(f"  data: {d.registry} {d.origin} as of {d.as_of}{note}")
    for r in result.missing:
        lines.append(f"  no data for {r}: run `riskguide registry update` or import a file")
    return "\n".join(lines)


def cmd_status(args: argparse.Namespace) -> int:
    """Print the data behind every check; exit 1 when some registry has no data."""
    status = _service().status()
    if args.json:
        print(json.dumps(status, ensure_ascii=False, indent=1))
    else:
        for s in status:
            cur = s["current"]
            if cur:
                fresh = ("STALE: older than" if s["stale"] else "within") + \
                    f" its {s['window_days']}-day window"
                print(f"{s['registry']}: {cur['count']} entries as of {cur['as_of']} "
                      f"({s['age_days']} days old, {fresh}), {cur['origin']} {cur['source']}, "
                      f"fetched {cur['fetched_at']}"
                      + (f", stored {cur['stored_at']} by {cur['stored_by']}"
                         if cur.get("stored_at") else ""))
            else:
                print(f"{s['registry']}: no data")
            if s["last_fetch_failed"]:
                print(f"  last fetch failed ({s['last_fetch_at']}): {s['last_failure']}")
            for rej in s["rejections"]:
                print(f"  rejected {rej['at']} {rej['origin']} {rej['source']}: "
                      f"{'; '.join(rej['reasons'])}")
    return 0 if all(s["current"] for s in status) else 1


def cmd_eval(args: argparse.Namespace) -> int:
    """Print recall@1, FP rate and possible rate per variant; exit 1 below the targets."""
    from bot.measure import registry_eval
    from bot.measure.registry_bench import checker_for_files

    items = registry_eval.load_items(args.set)
    scores, skipped = registry_eval.evaluate(items, args.registries, checker_for_files)
    print(registry_eval.format_table(scores, skipped))
    total = scores.get("ALL")
    if args.misses and total:
        for miss in total.misses:
            print("miss:", miss)
    if total is None:
        return 1
    ok = ((total.recall() or 0) >= 0.95 and (total.fp_rate() or 0) <= 0.02
          and (total.possible_rate() or 0) <= 0.15)
    return 0 if ok else 1


def cmd_bench(args: argparse.Namespace) -> int:
    """Print the benchmark figures (real size and grown registry, index vs naive baseline,
    `check` start-up and peak memory), as a table or with --json as one object."""
    from bot.measure import registry_bench as bench

    figures = bench.measure(args.registries, grown_size=args.size, n_queries=args.queries,
                            processes=args.processes)
    print(json.dumps(figures, indent=1) if args.json else bench.format_table(figures))
    return 0


def cmd_bundle(args: argparse.Namespace) -> int:
    """Write the bundled snapshot from the store's latest good snapshot of every list; exit 1
    (writing nothing) when a list has none stored, since a bundle must cover every list."""
    from bot.listings import bundle
    from bot.listings.model import REGISTRIES

    store = _service().store
    snapshots = [store.latest(r) for r in REGISTRIES]
    missing = [r for r, s in zip(REGISTRIES, snapshots, strict=True) if s is None]
    if missing:
        print(f"no stored snapshot of {', '.join(missing)}: import or update it first",
              file=sys.stderr)
        return 1
    out = args.out or bundle.BUNDLE_PATH
    lists = bundle.write([s for s in snapshots if s is not None], out)
    for registry, meta in lists.items():
        print(f"{registry}: {meta['count']} entries as of {meta['as_of']} ({meta['source']})")
    print(f"written to {out} ({out.stat().st_size} bytes)")
    return 0


def cmd_emulate(args: argparse.Namespace) -> int:
    """Serve the newest shared snapshots through the portal emulator until interrupted."""
    import time

    from bot.measure.portal_emulator import Emulator, latest_files

    emu = Emulator()
    for registry, path in latest_files(args.registries).items():
        emu.load_file(registry, path)
    with emu.running(port=args.port) as url:
        print(f"portal emulator at {url} (RISKGUIDE_REGISTRY_PORTAL_URL={url}); Ctrl-C stops")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0
