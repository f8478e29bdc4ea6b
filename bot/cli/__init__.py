"""The `riskguide` command line: one module per command group, each imported only when its
command runs (bot.cli.main builds the parser from the light `add_commands` of each).

Modules: main (the entry point), knowledge (`ask`, `kb …`), registry (`check`, `registry
status|eval|bench|bundle|emulate`), alerts (`registry update|import`, `alerts …`), stats
(`registry stats`), scan (`scan …`), run (`run`, `chat`, and no command at all).
"""

from __future__ import annotations

from bot.cli.main import main

__all__ = ["main"]
