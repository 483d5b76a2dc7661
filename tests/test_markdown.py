"""Markdown is rendered by markdown-it-py and sanitised by nh3 with a strict allowlist.

The XSS corpus (tests/fixtures/xss_vectors.json, ~1,000 vectors: tags, event handlers,
protocol handlers, encodings, mutation XSS, CSS, Markdown tricks, polyglots) goes through
the real renderer; the output of each is parsed and judged element by element.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from forum.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, LINK_REL, render

VECTORS = json.loads((Path(__file__).parent / "fixtures" / "xss_vectors.json").read_text())
DANGEROUS_SCHEME = re.compile(r"^(?:javascript|data|vbscript|livescript|file):", re.I)
# Browsers ignore these inside a scheme ("java\tscript:"), so the check does too.
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")


class Elements(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))


def violations(output: str) -> list[str]:
    parser = Elements()
    parser.feed(output)
    parser.close()
    found = []
    for tag, attributes in parser.elements:
        if tag not in ALLOWED_TAGS:
            found.append(f"element <{tag}>")
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
        for name, value in attributes:
            if name not in allowed:
                found.append(f"attribute {name} on <{tag}>")
            # The parser has decoded character references once, as a browser does.
            url = IGNORED_IN_URLS.sub("", value or "")
            if DANGEROUS_SCHEME.match(url):
                found.append(f"{name}={value!r} on <{tag}>")
            if tag == "a" and name == "rel" and value != LINK_REL:
                found.append(f"rel={value!r}")
        if tag == "a" and dict(attributes).get("rel") != LINK_REL:
            found.append("a link without rel")
    return found


def test_the_corpus_is_large_and_varied():
    assert len(VECTORS) >= 300
    categories = {vector["category"] for vector in VECTORS}
    assert {"tag", "event_handler", "protocol", "encoding", "mutation", "markdown"} <= categories


@pytest.mark.parametrize(
    "vector",
    [v["vector"] for v in VECTORS],
    ids=[f"{v['category']}-{i}" for i, v in enumerate(VECTORS)],
)
def test_no_vector_survives(vector):
    output = render(vector)
    assert violations(output) == [], output
    # Escaped text is fine ("&lt;script&gt;" shows the code); a live tag is not.
    assert not re.search(r"<\s*(?:script|iframe|object|embed|svg|math|style|img)\b", output, re.I)


def test_the_judge_itself_catches_what_it_must():
    assert violations('<p onclick="x">a</p>') == ["attribute onclick on <p>"]
    assert violations(f'<a href="java&#x09;script:alert(1)" rel="{LINK_REL}">x</a>') == [
        "href='java\\tscript:alert(1)' on <a>"
    ]
    assert violations("<img src=x>") == ["element <img>", "attribute src on <img>"]
    assert violations('<a href="https://x.example">x</a>') == ["a link without rel"]


def test_links_get_nofollow_noopener_noreferrer():
    output = render("[guideline](https://www.example.org/hernia-guideline)")
    assert output == (
        '<p><a href="https://www.example.org/hernia-guideline" '
        'rel="nofollow noopener noreferrer">guideline</a></p>\n'
    )


def test_raw_html_is_shown_as_text_not_run():
    assert render("<b>bold</b> <script>alert(1)</script>") == (
        "<p>&lt;b&gt;bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    )


def test_images_are_not_embedded():
    output = render("![scan](https://example.org/scan.png)")
    assert "<img" not in output


def test_headings_sit_below_the_page_headings():
    output = render("# Big\n\n## Smaller\n\n###### Smallest")
    assert output == "<h3>Big</h3>\n<h4>Smaller</h4>\n<h6>Smallest</h6>\n"


def test_the_allowed_constructs_survive():
    source = (
        "*em* **strong** ~~gone~~ `code`\n\n- one\n- two\n\n3. three\n\n> quote\n\n"
        "```\nblock\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n"
    )
    output = render(source)
    for tag in (
        "em",
        "strong",
        "s",
        "code",
        "ul",
        "li",
        "ol",
        "blockquote",
        "pre",
        "table",
        "th",
        "td",
        "hr",
    ):
        assert f"<{tag}" in output, tag
    assert '<ol start="3">' in output


def test_mailto_and_other_schemes_are_dropped():
    assert "href" not in render("[mail](mailto:someone@example.org)")
    assert "href" not in render("[ftp](ftp://example.org/x)")
    assert 'href="/cases/12/"' in render("[see case 12](/cases/12/)")


def test_a_leading_quote_is_cut_whole_nested_quotes_included():
    from forum.markdown import render, without_leading_quote

    html = render("> **Bob:**\n>\n> > Mrs Jones said\n>\n> more of Bob\n\nMy own words.")
    rest = without_leading_quote(html)
    assert rest is not None and "Mrs Jones" not in rest and "more of Bob" not in rest
    assert "My own words." in rest
    assert without_leading_quote(render("No quote here.\n\n> later")) is None
