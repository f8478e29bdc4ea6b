"""Reading texts to scan: limits and HTML."""

from __future__ import annotations

import pytest

from bot.scan_input import MAX_BYTES, InputError, read_input


def test_html_markup_and_scripts_are_dropped() -> None:
    html = ("<html><head><script>var x='Юрий Дудь';</script><style>p{}</style></head>"
            "<body><p>Журналист <b>Юрий&nbsp;Дудь</b></p><p>Второй абзац</p></body></html>")
    got = read_input(html.encode(), "page.html")
    assert got.text == "Журналист Юрий\u00a0Дудь\nВторой абзац"
    assert got.dropped_scripts == 1


@pytest.mark.parametrize(("data", "name", "code"), [
    (b"\x00\x01PK\x03\x04binary", "a.txt", "binary"),
    ("текст".encode("cp1251"), "a.txt", "undecodable"),
    (b"   \n\t", "a.txt", "empty"),
    (b"<html><script>x</script></html>", "a.html", "empty"),
    (b"x" * (MAX_BYTES + 1), "a.txt", "too_big"),
    (b"text", "a.pdf", "unsupported"),
])
def test_bad_input_is_named(data: bytes, name: str, code: str) -> None:
    with pytest.raises(InputError) as err:
        read_input(data, name)
    assert err.value.code == code


def test_markdown_and_bom() -> None:
    assert read_input("\ufeff# Заголовок\nтекст".encode(), "a.md").text == "# Заголовок\nтекст"
