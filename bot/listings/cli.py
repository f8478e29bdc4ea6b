"""CLI commands for registries and name checks (check, registry update/import/status)."""

from __future__ import annotations

import argparse


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the listings commands on the riskguide parser (filled in by the listings work)."""
