"""Unit tests for the Telegram rendering: splitting long HTML, keyboards, the command menu."""

from __future__ import annotations

import pytest

from bot.adapters.telegram import keyboard, menu_commands, render, render_caption, split_html
from bot.i18n import Translator
from handlers.commands import COMMANDS
from handlers.markup import bold, esc, link, to_html
from handlers.messages import Attachment, Choice, Reply
from tests.auxil.botapi import parse_html


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def test_short_text_is_one_part() -> None:
    """Text within the limit comes back unchanged."""
    assert split_html("<b>hi</b> &amp; bye") == ["<b>hi</b> &amp; bye"]


def test_cuts_between_paragraphs() -> None:
    """Paragraphs are packed greedily and never broken when each fits on its own."""
    paragraphs = [f"p{i} " + "x" * 29 for i in range(10)]
    parts = split_html("\n\n".join(paragraphs), limit=100)
    assert all(units(p) <= 100 for p in parts)
    assert [q for p in parts for q in p.split("\n\n")] == paragraphs
    assert len(parts) == 4  # three 32-character paragraphs and two breaks: exactly 100


def test_long_paragraph_falls_back_to_lines_then_words() -> None:
    """A paragraph over the limit is cut at a line break, else at a space."""
    lines = "\n".join(["line " + "y" * 20] * 10)
    parts = split_html(lines, limit=60)
    assert all(units(p) <= 60 for p in parts)
    assert all(p.startswith("line") for p in parts)
    words = " ".join(["word"] * 100)
    parts = split_html(words, limit=50)
    assert all(units(p) <= 50 and not p.startswith(" ") and not p.endswith(" ") for p in parts)
    assert " ".join(parts) == words


def test_never_cuts_inside_an_entity_or_tag() -> None:
    """Escaped characters and tags survive any cut; every part parses as Telegram HTML."""
    text = "&lt;&amp;&gt;" * 200  # no spaces: hard cuts are needed
    parts = split_html(text, limit=97)
    assert "".join(parts) == text
    for part in parts:
        assert units(part) <= 97
        parse_html(part)
    link_heavy = " ".join(f'<a href="https://example.org/{i}">link {i}</a>' for i in range(60))
    for part in split_html(link_heavy, limit=120):
        parse_html(part)


def test_open_tags_are_closed_and_reopened() -> None:
    """Bold text spanning a cut is bold in both parts, and each part is balanced HTML."""
    text = "<b>" + "\n\n".join(["bold paragraph " * 3] * 6) + "</b> tail"
    parts = split_html(text, limit=110)
    assert len(parts) > 1
    for part in parts:
        assert units(part) <= 110
        parse_html(part)
    assert all(p.startswith("<b>") for p in parts)
    assert parts[-1].endswith("</b> tail")


def test_emoji_count_twice() -> None:
    """Telegram counts UTF-16 units: 3000 emoji do not fit into one 4096-unit message."""
    text = "😀" * 3000
    parts = split_html(text)
    assert len(parts) == 2 and "".join(parts) == text
    assert all(units(p) <= 4096 for p in parts)


@pytest.mark.parametrize("size", [4096, 4097, 10_000, 50_000])
def test_real_markup_round_trip(size: int) -> None:
    """Rendered markup of any size splits into valid parts that keep every visible character."""
    para = bold("Title *_[x]") + " " + esc("a < b & c > d ") * 5 + link("src", "https://e.org/?a=1&b=2")
    markup = "\n\n".join([para] * (size // len(para) + 1))
    html_text = to_html(markup)
    parts = split_html(html_text)
    visible = [parse_html(p) for p in parts]
    assert all(units(p) <= 4096 for p in parts)
    assert "\n\n".join(visible) == parse_html(html_text)


def test_render_puts_buttons_on_the_last_part() -> None:
    """A long reply's keyboard goes under its last message only."""
    reply = Reply("\n\n".join(["word " * 500] * 5), choices=((Choice("A", "a:1"),),))
    messages = render(reply)
    assert len(messages) >= 3
    assert [m is not None for _, m in messages] == [False] * (len(messages) - 1) + [True]


def test_keyboard_rows() -> None:
    """Rows of choices become rows of callback buttons; no choices, no keyboard."""
    markup = keyboard(((Choice("A", "a:1"), Choice("B", "a:2")), (Choice("C", "t:"),)))
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [
        ["a:1", "a:2"], ["t:"],
    ]
    assert keyboard(()) is None


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_menu_from_the_command_table(lang: str) -> None:
    """The menu lists the table's commands with translated help texts."""
    menu = menu_commands(lang)
    assert [c.command for c in menu] == [c.name for c in COMMANDS if c.in_menu]
    assert [c.description for c in menu] == [
        Translator(lang)(c.help_key) for c in COMMANDS if c.in_menu
    ]


def test_attachment_only_replies_have_no_text_messages() -> None:
    """A file that says it all sends no "…" message; with text, the text follows as usual."""
    file = Attachment("chart.png", "image/png", b"png")
    assert render(Reply("", attachment=file)) == []
    [(text, markup)] = render(Reply("**Summary**", attachment=file))
    assert text == "<b>Summary</b>" and markup is None
    assert render(Reply("")) == [("…", None)]  # Telegram refuses an empty message


def test_captions_fit_under_the_file_or_follow_it() -> None:
    """A caption within 1024 characters goes under the file as HTML; a longer one is sent
    whole as messages of its own instead of being cut."""
    assert render_caption(Attachment("a.txt", "text/plain", b"x")) == (None, [])
    short = Attachment("a.png", "image/png", b"x", caption="**Foreign agents** <2026>")
    assert render_caption(short) == ("<b>Foreign agents</b> &lt;2026&gt;", [])
    long_text = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(6))
    caption, parts = render_caption(Attachment("a.png", "image/png", b"x", caption=long_text))
    assert caption is None and len(parts) == 1
    assert parse_html(parts[0]) == long_text
