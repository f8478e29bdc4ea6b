"""Registry and user strings can never become formatting or links."""

from handlers.markup import bold, esc, link, to_html, to_plain


def test_user_strings_are_escaped_in_html() -> None:
    name = '<script>alert(1)</script> *Project_X* [a](http://evil)'
    html = to_html("Found: " + bold(name))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<a " not in html
    assert "*Project_X*" in html


def test_links_and_plain_rendering() -> None:
    markup = "See " + link("ст. 20.33", "https://example.org/a_(b)") + " " + esc("snake_case")
    assert to_html(markup) == 'See <a href="https://example.org/a_(b)">ст. 20.33</a> snake_case'
    assert to_plain(markup) == "See ст. 20.33 (https://example.org/a_(b)) snake_case"
