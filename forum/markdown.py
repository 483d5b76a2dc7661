"""Markdown for posts: markdown-it-py renders, nh3 sanitises with a strict allowlist.

Two layers, because either alone has failed somewhere: markdown-it runs with raw HTML and
images switched off, so what members type as HTML is shown as text; nh3 then removes any
element, attribute or URL outside the allowlist from whatever markdown-it produced. Posts
keep their source; `render` runs when a post is saved and the result is stored beside it.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "s",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
# Relative links (to other cases here) have no scheme and are kept; mailto is left out on
# purpose, since an address in a post is an identifier the PHI screen asks authors to remove.
ALLOWED_URL_SCHEMES = {"http", "https"}
LINK_REL = "nofollow noopener noreferrer"

# A post's headings sit under the page's own h1 (case title) and h2 (sections).
HEADING_SHIFT = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    # Removed with their content, not just unwrapped (markdown-it escapes them anyway).
    clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript", "template"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    link_rel=LINK_REL,
    strip_comments=True,
)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("image")  # no images in text: images come through the upload pipeline only

    def heading_open(renderer, tokens, index, options, env):
        token = tokens[index]
        return f"<{HEADING_SHIFT[token.tag]}>"

    def heading_close(renderer, tokens, index, options, env):
        return f"</{HEADING_SHIFT[tokens[index].tag]}>\n"

    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)
    return md


_md = _parser()


def sanitise(html: str) -> str:
    return _cleaner.clean(html)


def render(source: str) -> str:
    """Markdown source to safe HTML. Empty source renders to the empty string."""
    if not source.strip():
        return ""
    return sanitise(_md.render(source))


def quote(source: str, *, attribution: str) -> str:
    """The Markdown a reply starts with when quoting `source`."""
    lines = [f"> **{attribution}:**", ">"]
    lines += [f"> {line}" if line else ">" for line in source.strip().splitlines()]
    return "\n".join(lines) + "\n\n"


_BLOCKQUOTE = re.compile(r"<(/?)blockquote\b[^>]*>")


def without_leading_quote(html: str) -> str | None:
    """`html` without the blockquote it opens with (a reply's quote of another post), or
    None when it does not open with one. Rendered HTML is sanitised, so its tags are
    well-formed and counting them finds where the quote ends, nested quotes included."""
    stripped = html.lstrip()
    if not stripped.startswith("<blockquote"):
        return None
    depth = 0
    for tag in _BLOCKQUOTE.finditer(stripped):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return stripped[tag.end() :].lstrip()
    return None
