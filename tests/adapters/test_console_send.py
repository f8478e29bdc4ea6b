"""Unit test for the console's proactive send: alerts print like answers."""

from __future__ import annotations

import io
from pathlib import Path

from bot.adapters.console import ConsoleAdapter
from handlers.messages import Attachment, Choice, Reply


async def test_send_prints_plain_text_with_numbered_choices() -> None:
    """Markup is dropped and choices are numbered, exactly as answers are shown."""
    out = io.StringIO()
    await ConsoleAdapter(out).send("console", Reply("**Alert**: _Name_ listed",
                                                    choices=((Choice("Stop", "w:1"),),)))
    assert out.getvalue() == "Alert: Name listed\n1) Stop\n\n"


async def test_attachments_are_saved_and_their_path_printed(tmp_path: Path) -> None:
    """The console cannot show a chart: it writes the file and prints where, then the text."""
    out = io.StringIO()
    file = Attachment("../chart.png", "image/png", b"\x89PNG...", caption="**Chart**")
    await ConsoleAdapter(out, files=tmp_path).send("console", Reply("Summary", attachment=file))
    first, caption, text, _ = out.getvalue().split("\n", 3)
    path = Path(first.removeprefix("📎 "))
    assert first.startswith("📎 ") and path.name == "chart.png" and path.is_relative_to(tmp_path)
    assert path.read_bytes() == b"\x89PNG..."
    assert (caption, text) == ("Chart", "Summary")
