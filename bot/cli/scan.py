"""`riskguide scan FILE... [--json]`, `scan eval` and `scan bench`: listed names in texts.

With --json, one object per FILE, in order: {"file", "mentions": [...], "data": [...],
"annotated"} (the contract other tools rely on). `scan eval` and `scan bench` measure the
scanner on a local copy of the public mirror (default: the 2026-09 copy at
../shared/registries/mirror; --registries DIR for another), read by the bot's own parser, and
on the evaluation sets (tests/data of the checkout, or --sets DIR).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

_MESSAGES = {
    "too_big": "file is larger than 5 MB",
    "binary": "file is binary, not text",
    "undecodable": "file is not UTF-8 text",
    "empty": "no text to scan",
    "unsupported": "unsupported file type (use .txt, .md or .html)",
    "missing": "no such file",
}


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `scan` on the riskguide parser."""
    scan = sub.add_parser("scan", help="find listed names in texts and the notes they need",
                          description="scan FILE... | scan eval | scan bench")
    scan.add_argument("files", nargs="+", help="files (.txt, .md, .html), - for stdin; "
                      "or `eval` / `bench`")
    scan.add_argument("--json", action="store_true", help="one JSON object per file")
    scan.add_argument("--author", help="the text is this person's or outlet's own material")
    scan.add_argument("--registries", "--mirror", dest="registries", type=Path, default=None,
                      help="eval/bench: a mirror copy folder with index.json and data/ "
                      "(default ../shared/registries/mirror)")
    scan.add_argument("--sets", type=Path, default=None,
                      help="eval/bench: folder of scan-eval-dev.json and scan-eval-heldout.json "
                      "(default tests/data of the source checkout)")
    scan.add_argument("--misses", action="store_true", help="eval: list every error")
    scan.set_defaults(func=cmd_scan)


def cmd_scan(args: argparse.Namespace) -> int:
    """Scan each file; exit 0, 1 when a file could not be read or there is no data."""
    if args.files == ["eval"]:
        return cmd_eval(args)
    if args.files == ["bench"]:
        return cmd_bench(args)
    from bot.config import load_settings
    from bot.listings.service import ListingService
    from bot.scan_input import InputError, read_input

    service = ListingService(load_settings(chat=False))  # a scan needs no chat credentials
    data = [d.to_json() for d in service.data()]
    status = 0 if data else 1
    for name in args.files:
        try:
            raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            source = read_input(raw, "" if name == "-" else name)
        except FileNotFoundError:
            _problem(name, "missing", args.json, data)
            status = 1
            continue
        except InputError as exc:
            _problem(name, exc.code, args.json, data)
            status = 1
            continue
        result = service.scan(source.text, author=args.author)
        if args.json:
            print(json.dumps({"file": name, "mentions": [m.to_json() for m in result.mentions],
                              "data": data, "annotated": result.annotated},
                             ensure_ascii=False), flush=True)
        else:
            print(_plain(name, result, source.dropped_scripts, data))
    return status


def _problem(name: str, code: str, as_json: bool, data: list[dict[str, str]]) -> None:
    print(f"{name}: {_MESSAGES.get(code, code)}", file=sys.stderr)
    if as_json:
        print(json.dumps({"file": name, "mentions": [], "data": data, "annotated": "",
                          "error": code}, ensure_ascii=False), flush=True)


def _plain(name: str, result: Any, scripts: int, data: list[dict[str, str]]) -> str:
    lines = [f"{name}: {len(result.mentions)} mention(s)"]
    if scripts:
        lines.append(f"  ({scripts} script(s) ignored)")
    for m in result.mentions:
        state = "listed" if m.listed else (
            f"excluded: listed from {m.included_on} to {m.excluded_on}; no note is needed now")
        lines.append(f"  [{m.start}:{m.end}] {m.text!r} → {m.name} ({m.registry} #{m.entry_id}, "
                     f"{m.match}, {state}) {m.note}")
    if result.label:
        lines.append("  own material of a foreign agent: it must open with the label"
                     + (" (present)" if result.label_present else ":"))
        if not result.label_present:
            lines.append("  " + result.label)
    for d in data:
        lines.append(f"  data: {d['registry']} {d['origin']} as of {d['as_of']}")
    if not data:
        lines.append("  no registry data: run `riskguide registry update` or import a file")
    lines.append("--- annotated ---")
    lines.append(result.annotated)
    return "\n".join(lines)


# ------------------------------------------------------------------------------ eval, bench
def _scanner(root: Path | None) -> Any:
    """Return a Scanner over the mirror copy at root (default: the 2026-09 copy) and its
    entries, parsed as the bot parses the mirror."""
    from bot.listings.index import NameIndex
    from bot.listings.scan import Scanner

    entries = _entries(root)
    return Scanner(NameIndex(entries)), list(entries)


def _entries(root: Path | None) -> Any:
    """Return the entries of the mirror copy at root (default: the 2026-09 copy)."""
    from bot.listings import mirror_copy
    from bot.listings.parse import SchemaError

    folder = root or mirror_copy.DEFAULT_COPY
    try:
        entries = mirror_copy.entries(folder)
    except SchemaError as exc:
        raise SystemExit(f"{folder}: not a mirror copy ({exc})") from None
    if not entries:
        raise SystemExit(f"no mirror data in {folder} (expected data/*.json; --registries DIR)")
    return entries


def _sets(folder: Path | None) -> Path:
    """Return the folder of the evaluation sets: --sets, tests/data here, or the checkout's."""
    for candidate in ([folder] if folder else
                      [Path("tests/data"), Path(__file__).resolve().parents[2] / "tests" / "data"]):
        if (candidate / "scan-eval-dev.json").exists():
            return candidate
    raise SystemExit("evaluation sets not found (scan-eval-dev.json); give --sets DIR")


def cmd_eval(args: argparse.Namespace) -> int:
    """Print precision and recall, definite and possible, on the dev and held-out sets."""
    from bot.measure import scan_eval

    scanner, _ = _scanner(args.registries)
    sets = _sets(args.sets)
    out: dict[str, Any] = {}
    for name in ("dev", "heldout"):
        path = sets / f"scan-eval-{name}.json"
        scores = scan_eval.evaluate(scanner, scan_eval.load_items(path))
        out[name] = {level: {"precision": round(s.precision(), 3), "recall": round(s.recall(), 3),
                             "found": s.found, "expected": s.expected}
                     for level, s in scores.items()}
        if not args.json:
            print(scan_eval.format_scores(name, scores))
            if args.misses:
                for level, s in scores.items():
                    for err in s.errors:
                        print(f"    {level}: {err}")
    if args.json:
        print(json.dumps(out))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Print scan timings (bot.measure.scan_bench): a 10,000-word article at real size and at
    100,000 entries, 10,000 posts, build costs and peak memory; one object with --json."""
    from bot.listings import mirror_copy
    from bot.measure import scan_bench

    folder = args.registries or mirror_copy.DEFAULT_COPY
    figures = scan_bench.measure(list(_entries(folder)), _sets(args.sets), folder)
    if args.json:
        print(json.dumps(figures))
    else:
        for k, v in figures.items():
            print(f"{k:24} {v}")
    return 0
