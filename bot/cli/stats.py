"""`riskguide registry stats`: how the registries grow, as text, JSON or a PNG chart.

`--json` prints one object keyed by registry, each {"as_of", "listed", "excluded", "persons",
"organisations", "per_month": {"YYYY-MM": {"added", "excluded"}}, ...} (months by the dates of
inclusion and exclusion the list publishes). The figures come from the stored snapshots (the
data every check uses), or with `--file` from one registry file read as `registry import`
reads it, without storing anything.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bot.listings.model import REGISTRIES


def add_commands(registry: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `stats` among the `riskguide registry` actions."""
    st = registry.add_parser("stats", help="how the registries grow: figures, JSON, a PNG chart")
    st.add_argument("--registry", action="append", choices=REGISTRIES,
                    help="only this registry (repeatable; default: every one with data)")
    st.add_argument("--since", metavar="YYYY-MM", help="count months from this one on")
    st.add_argument("--json", action="store_true", help="one JSON object keyed by registry")
    st.add_argument("--png", type=Path, metavar="FILE", help="also write the chart to FILE")
    st.add_argument("--lang", choices=("ru", "en"), default="ru",
                    help="language of the chart and the text (default ru)")
    st.add_argument("--file", type=Path, metavar="FILE",
                    help="count a registry file (XLSX, CSV, mirror JSON) instead of the stored "
                         "data; needs exactly one --registry")
    st.add_argument("--as-of", metavar="YYYY-MM-DD",
                    help="with --file: the date the file holds (default: a date in its name)")
    st.set_defaults(func=cmd_stats)


def cmd_stats(args: argparse.Namespace) -> int:
    """Print the figures (text or JSON) and write the chart; exit 1 without data, 2 on bad
    arguments."""
    from bot.config import load_settings
    from bot.listings.charts import RegistryStatistics
    from bot.listings.stats import parse_month, registry_stats

    try:
        since = parse_month(args.since) if args.since else None
    except ValueError:
        print(f"--since must be a month as YYYY-MM, not {args.since!r}", file=sys.stderr)
        return 2
    settings = load_settings(chat=False)  # statistics need no chat credentials
    statistics = RegistryStatistics(_store(settings), settings.data_dir / "cache" / "charts")
    registries = tuple(r for r in REGISTRIES if r in (args.registry or REGISTRIES))
    if args.file is not None:
        if not args.registry or len(args.registry) != 1:
            print("--file needs exactly one --registry", file=sys.stderr)
            return 2
        snapshot = _file_snapshot(args.file, args.registry[0], args.as_of)
        if snapshot is None:
            return 1
        figures = [registry_stats(snapshot, since)]
    else:
        figures = statistics.stats(registries, since)
    if not figures:
        print("no registry data: run `riskguide registry update` or import a file",
              file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({s.registry: s.to_json() for s in figures}, ensure_ascii=False))
    else:
        from bot.i18n import Translator
        from handlers.markup import to_plain
        from handlers.stats import summary

        print(to_plain(summary(figures, Translator(args.lang))))
    if args.png is not None:
        drawn_before = statistics.cache.drawn
        started = time.perf_counter()
        png = statistics.chart(figures, args.lang)
        elapsed = time.perf_counter() - started
        args.png.write_bytes(png)
        how = "drawn" if statistics.cache.drawn > drawn_before else "from the cache"
        print(f"chart: {args.png} ({len(png)} bytes, {how} in {elapsed:.2f} s)", file=sys.stderr)
    return 0


def _store(settings: Any) -> Any:
    from bot.listings.store import SnapshotStore

    return SnapshotStore.for_settings(settings)


def _file_snapshot(path: Path, registry: str, as_of: str | None) -> Any:
    """Return a Snapshot of a registry file (nothing stored), or None after saying why."""
    from bot.listings.parse import SchemaError
    from bot.listings.service import file_snapshot

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        print(f"--as-of must be a date as YYYY-MM-DD, not {as_of!r}", file=sys.stderr)
        return None
    try:
        return file_snapshot(path, registry, day)
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
    except SchemaError as exc:
        print(f"{path} is not a {registry} registry file: {exc}", file=sys.stderr)
    return None
