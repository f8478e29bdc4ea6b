"""Whole replies as text for platforms without buttons: choices become numbered lines."""

from __future__ import annotations

import html

from handlers.markup import to_html, to_plain
from handlers.messages import Choice, Reply


def numbered_choices(reply: Reply) -> list[Choice]:
    """Return the reply's choices in reading order, as they are numbered from 1."""
    return [choice for row in reply.choices for choice in row]


def as_plain(reply: Reply, start: int = 1) -> str:
    """Return the reply as plain text with its choices listed as "1) label" lines.

    `start` continues the numbering when several replies are shown one after another.
    """
    text = to_plain(reply.text)
    choices = numbered_choices(reply)
    if choices:
        text += "\n" + "\n".join(f"{i}) {c.label}" for i, c in enumerate(choices, start))
    return text


def replies_as_plain(replies: list[Reply]) -> str:
    """Return several replies as one plain text, with one numbering across all choices."""
    parts, start = [], 1
    for reply in replies:
        parts.append(as_plain(reply, start))
        start += len(numbered_choices(reply))
    return "\n\n".join(parts)


def as_html(reply: Reply, start: int = 1) -> str:
    """Return the reply as HTML with its choices listed as numbered lines from `start`."""
    body = to_html(reply.text).replace("\n", "<br>")
    choices = numbered_choices(reply)
    if choices:
        items = "".join(f"<li>{html.escape(c.label)}</li>" for c in choices)
        body += f'<ol start="{start}">{items}</ol>'
    return body
