"""The light markup of Reply.text and its renderings to HTML and plain text.

Markup: **bold**, _italic_, [label](url), and a backslash escaping any of \\ * _ [ ] ( ).
Handlers build text with `esc()` around every user- or registry-supplied string, so a name like
"*Project_X*" can never turn into formatting or a link; adapters call `to_html()` / `to_plain()`.
"""

from __future__ import annotations

import html
import re

_SPECIAL = re.compile(r"([\\*_\[\]()])")
_TOKEN = re.compile(
    r"\\(?P<esc>.)"
    r"|\*\*(?P<bold>(?:\\.|[^*\\])+?)\*\*"
    r"|(?<![\w\\])_(?P<ital>(?:\\.|[^_\\])+?)_(?!\w)"
    r"|\[(?P<label>(?:\\.|[^\]\\])+)\]\((?P<url>(?:\\.|[^)\\])+)\)",
    re.S,
)


def esc(text: str) -> str:
    """Return text with every markup character escaped, safe to embed in Reply.text."""
    return _SPECIAL.sub(r"\\\1", text)


def bold(text: str) -> str:
    """Return markup showing the (unescaped) text in bold."""
    return f"**{esc(text)}**"


def italic(text: str) -> str:
    """Return markup showing the (unescaped) text in italics."""
    return f"_{esc(text)}_"


def link(label: str, url: str) -> str:
    """Return markup for a hyperlink with an (unescaped) label."""
    return f"[{esc(label)}]({esc(url)})"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def to_html(markup: str) -> str:
    """Return markup as the HTML subset Telegram and Matrix both accept (b, i, a)."""

    def repl(m: re.Match[str]) -> str:
        if m.group("esc") is not None:
            return html.escape(m.group("esc"), quote=False)
        if m.group("bold") is not None:
            return f"<b>{to_html(m.group('bold'))}</b>"
        if m.group("ital") is not None:
            return f"<i>{to_html(m.group('ital'))}</i>"
        url = html.escape(_unescape(m.group("url")), quote=True)
        return f'<a href="{url}">{to_html(m.group("label"))}</a>'

    out: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(markup):
        out.append(html.escape(markup[pos : m.start()], quote=False))
        out.append(repl(m))
        pos = m.end()
    out.append(html.escape(markup[pos:], quote=False))
    return "".join(out)


def to_plain(markup: str) -> str:
    """Return markup as plain text: formatting dropped, links shown as 'label (url)'."""

    def repl(m: re.Match[str]) -> str:
        if m.group("esc") is not None:
            return m.group("esc")
        if m.group("bold") is not None:
            return to_plain(m.group("bold"))
        if m.group("ital") is not None:
            return to_plain(m.group("ital"))
        label = to_plain(m.group("label"))
        url = _unescape(m.group("url"))
        return url if label == url else f"{label} ({url})"

    return _TOKEN.sub(repl, markup)
