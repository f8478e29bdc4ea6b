"""Reading a text to scan from a file or bytes: plain text, Markdown, HTML (markup ignored).

One place for the limits every entry point shares (CLI files, chat documents): at most
MAX_BYTES, decodable text, not empty. HTML is reduced to its text; scripts and styles are
dropped and reported, so offsets point into the text a reader sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import ClassVar

MAX_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", "")
HTML_SUFFIXES = (".html", ".htm")


class InputError(ValueError):
    """A text that cannot be scanned; `code` names the reason for a translated message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # "too_big" | "binary" | "undecodable" | "empty" | "unsupported"


@dataclass(frozen=True)
class ScanInput:
    """The text to scan and what was left out of it (e.g. scripts of an HTML page)."""

    text: str
    dropped_scripts: int = 0


class _TextOfHtml(HTMLParser):
    _SKIP: ClassVar[frozenset[str]] = frozenset({"script", "style", "noscript", "template"})
    _BREAK: ClassVar[frozenset[str]] = frozenset({
        "p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
        "article", "blockquote", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skipping += 1
            self.scripts += tag == "script"
        elif tag in self._BREAK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BREAK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> ScanInput:
    """Return the visible text of an HTML document and how many scripts were dropped."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    # Collapse runs of ASCII whitespace only: a non-breaking space is part of the text.
    lines = [re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.splitlines()]
    return ScanInput("\n".join(line for line in lines if line), parser.scripts)


def decode(data: bytes) -> str:
    """Return bytes as text (UTF-8, with or without BOM); raise InputError when they are not."""
    if len(data) > MAX_BYTES:
        raise InputError("too_big")
    if b"\x00" in data[:8192]:
        raise InputError("binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("undecodable") from None


def read_input(data: bytes, filename: str = "") -> ScanInput:
    """Return the text to scan from a file's bytes, by its name's suffix.

    Raises InputError for files too big, binary, undecodable, of an unsupported type, or
    with no text at all.
    """
    name = filename.lower()
    suffix = name[name.rfind("."):] if "." in name.rsplit("/", 1)[-1] else ""
    if suffix not in TEXT_SUFFIXES + HTML_SUFFIXES:
        raise InputError("unsupported")
    text = decode(data)
    looks_html = suffix in HTML_SUFFIXES or text.lstrip()[:15].lower().startswith(
        ("<!doctype html", "<html"))
    result = html_text(text) if looks_html else ScanInput(text)
    if not result.text.strip():
        raise InputError("empty")
    return result
