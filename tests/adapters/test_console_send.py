"""Unit test for the console's proactive send: alerts print like answers."""

from __future__ import annotations

import io

from bot.adapters.console import ConsoleAdapter
from handlers.messages import Choice, Reply


async def test_send_prints_plain_text_with_numbered_choices() -> None:
    """Markup is dropped and choices are numbered, exactly as answers are shown."""
    out = io.StringIO()
    await ConsoleAdapter(out).send("console", Reply("**Alert**: _Name_ listed",
                                                    choices=((Choice("Stop", "w:1"),),)))
    assert out.getvalue() == "Alert: Name listed\n1) Stop\n\n"
