"""Everything is served from this origin: no CDN, font host or analytics in the templates, the
static files or the pages they render. The CSP would block such a load anyway; this catches it
before a browser does."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

SCANNED_DIRS = ("templates", "static")
# Files allowed to mention an external URL in a loading position, with the URL, for text that
# only documents something and is never fetched. Empty: nothing needs an exception today.
ALLOWLIST: dict[str, set[str]] = {}

_URL = r"""(?P<url>(?:[a-z][a-z0-9+.-]*:)?//[^\s"'()<>]+)"""
# src=, href= (also xlink:href), action=, formaction=, poster=, srcset= and data= attributes.
_ATTRIBUTE = re.compile(
    r"""\b(?:src|href|action|formaction|poster|srcset|data)\s*=\s*["']?\s*""" + _URL,
    re.IGNORECASE,
)
# url(...) in CSS or style attributes, quoted or not.
_CSS_URL = re.compile(r"""\burl\(\s*["']?\s*""" + _URL, re.IGNORECASE)
# @import "..." without url().
_CSS_IMPORT = re.compile(r"""@import\s+["']\s*""" + _URL, re.IGNORECASE)


def external_urls(text: str) -> list[str]:
    """The absolute (scheme://host) and protocol-relative (//host) URLs that `text` would load
    or link to, in the order they appear."""
    found = []
    for pattern in (_ATTRIBUTE, _CSS_URL, _CSS_IMPORT):
        found.extend((match.start(), match["url"]) for match in pattern.finditer(text))
    return [url for _, url in sorted(found)]


def project_files() -> list[Path]:
    base = Path(settings.BASE_DIR)
    files = [
        path
        for directory in SCANNED_DIRS
        for path in sorted((base / directory).rglob("*"))
        if path.is_file()
    ]
    assert files, "nothing to scan: the template and static folders have moved"
    return files


def test_scanner_finds_a_cdn_script_and_a_protocol_relative_css_import():
    text = """
      <link rel="stylesheet" href="/static/css/scrubroom.css">
      <script src="https://cdn.example.com/x.js"></script>
      <style>@import url(//fonts.example.com/css);</style>
    """
    assert external_urls(text) == ["https://cdn.example.com/x.js", "//fonts.example.com/css"]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("<img SRC='http://tracker.example/p.gif'>", "http://tracker.example/p.gif"),
        ('<a href = "//evil.example/">', "//evil.example/"),
        ('<form action="https://collect.example/f">', "https://collect.example/f"),
        ('<use xlink:href="https://icons.example/s.svg#i"/>', "https://icons.example/s.svg#i"),
        ("body { background: url('https://img.example/b.png') }", "https://img.example/b.png"),
        ('@import "https://fonts.example.com/css";', "https://fonts.example.com/css"),
        ("<iframe src=https://embed.example/v></iframe>", "https://embed.example/v"),
    ],
)
def test_scanner_finds_external_urls_in_every_loading_position(text, url):
    assert external_urls(text) == [url]


def test_scanner_ignores_local_urls_and_namespaces():
    text = """
      <svg xmlns="http://www.w3.org/2000/svg"></svg>
      <link rel="icon" href="{% static 'favicon.svg' %}">
      <a href="{% url 'home' %}">Home</a> <a href="#main">Skip</a> <a href="/accounts/login/">
      <img src="data:image/png;base64,AAAA"> .x { background: url(../img/a.png) }
      <p>Documentation: see https://docs.example.org for details.</p>
    """
    assert external_urls(text) == []


@pytest.mark.parametrize(
    "path", project_files(), ids=lambda path: str(path.relative_to(settings.BASE_DIR))
)
def test_templates_and_static_files_load_nothing_from_other_hosts(path):
    relative = str(path.relative_to(settings.BASE_DIR))
    text = path.read_text(encoding="utf-8", errors="replace")  # images too, if any appear
    unexpected = [url for url in external_urls(text) if url not in ALLOWLIST.get(relative, set())]
    assert unexpected == []


def rendered_urls(html: str) -> list[str]:
    return [
        match["url"]
        for match in re.finditer(
            r"""\b(?:src|href|action)\s*=\s*["']?\s*(?P<url>[^"'\s>]+)""", html, re.IGNORECASE
        )
    ]


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_rendered_sign_in_and_sign_up_pages_only_point_at_this_site(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()

    urls = rendered_urls(html)
    assert any(url.startswith("/static/") for url in urls), "the page's stylesheet is missing"
    offsite = [
        url
        for url in urls
        if url.startswith("//")
        or (urlsplit(url).scheme in {"http", "https"} and urlsplit(url).netloc != "testserver")
    ]
    assert offsite == []
