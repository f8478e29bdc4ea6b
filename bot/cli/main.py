"""The `riskguide` command line: the composition root's entry point for every command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from bot import __version__, redact
from bot.config import ConfigError, load_log_level


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every subcommand registered by its owning module.

    Each command module exposes `add_commands(subparsers)` and sets `func(args) -> int` on its
    parsers, so the table of commands lives next to the code that runs them.
    """
    from bot.cli import alerts, knowledge, registry, run, scan, stats

    parser = argparse.ArgumentParser(
        prog="riskguide",
        description="Risk guidance on Russia's foreign-agent and undesirable-organisation laws.",
    )
    parser.add_argument("--version", action="version", version=f"riskguide {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    knowledge.add_commands(sub)
    registry_actions = registry.add_commands(sub)
    alerts.add_commands(sub, registry_actions)
    stats.add_commands(registry_actions)
    run.add_commands(sub)
    scan.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the riskguide CLI and return its exit code (0 success, 1 failure, 2 usage)."""
    # Russian text must print on consoles whose locale is not UTF-8 (CI, cron, Docker).
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        level = load_log_level()
    except ConfigError as exc:
        print(f"riskguide: {exc}", file=sys.stderr)
        return 2
    # RISKGUIDE_LOG_LEVEL applies to every command; -v overrides it; without either, one-shot
    # commands show warnings only (`run` raises its own default to INFO).
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else level or logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Whatever a library logs (a URL with a token, at any level) is redacted on the way out.
    redact.install_filter(*logging.getLogger().handlers)
    func = getattr(args, "func", None)
    try:
        if func is None:
            # No subcommand: what the README's run command does (configured bots, else
            # console).
            from bot.cli.run import start_default

            return start_default(args)
        return int(func(args))
    except ConfigError as exc:  # a setting's value: one line naming it, no traceback
        print(f"riskguide: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `riskguide ask - | head -1`: the reader has gone, which is no error of ours. Later
        # writes (the interpreter's final flush) go nowhere instead of failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
