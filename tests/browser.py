"""Real headless Chromium for the browser suite, driven by Playwright.

Chromium comes from Debian (`apt-get install chromium`; deploy/debian-packages.sh), never a
download of Playwright's own. Where it is missing the browser tests skip, except in CI,
where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from members.models import User

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
ARTIFACTS = Path(os.environ.get("SCRUBROOM_ARTIFACTS", settings.BASE_DIR / "var" / "artifacts"))

CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Without these Chromium phones home at start; this machine's network refuses it.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_path() -> str | None:
    return os.environ.get("SCRUBROOM_CHROMIUM") or shutil.which("chromium")


@pytest.fixture
def chromium(transactional_db) -> Iterator:
    """A fresh Chromium for one test, started after the test's data and stopped before the
    database is cleaned.

    Playwright's sync API keeps an event loop running in the main thread while it is open,
    and Django rightly refuses ORM calls from a thread with a running loop. So a browser test
    prepares everything it needs in the database (members, posts, session cookies) in
    fixtures listed before `chromium`, and only drives the browser in its body; the live
    server answers from its own thread.
    """
    path = chromium_path()
    if path is None:
        message = "needs Debian's chromium (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def session_cookie(db) -> Callable[[User], dict]:
    """A signed-in session for `user`, as a cookie to hand to a browser context."""

    def make(user: User) -> dict:
        client = Client()
        client.force_login(user)
        return {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        }

    return make


def signed_in_context(chromium, server, cookie: dict, **options):
    """A fresh browser profile carrying `cookie` (from `session_cookie`), on `server`
    (pytest-django's `live_server`, or `live_daphne` where websockets are needed)."""
    context = chromium.new_context(base_url=server.url, **options)
    # A __Host- cookie is Secure and host-only: set for the https form of the same origin,
    # Chromium sends it to loopback over http too (loopback counts as a secure context).
    secure_url = server.url.replace("http://", "https://", 1)
    context.add_cookies([{**cookie, "url": secure_url, "secure": True}])
    return context


@pytest.fixture(scope="module")
def live_daphne(django_db_setup, tmp_path_factory):
    """A real Daphne on the test database (the SQLite file, or PostgreSQL when scaled)
    serving HTTP and websockets, for browser tests of live threads."""
    from tests.servers import daphne, shared_database_url

    env = {**os.environ, "SCRUBROOM_DATABASE_URL": shared_database_url()}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    folder = tmp_path_factory.mktemp("live-daphne")
    with daphne(env, folder / "daphne.log", app="tests.asgi_static:application") as running:
        running.url = f"http://127.0.0.1:{running.port}"
        yield running


def shot(page, name: str, folder: str = "journeys") -> None:
    """Screenshots of `page` as it is now, at desktop and phone widths, as test artifacts
    (var/artifacts/<folder>/<name>-<size>.png, or under $SCRUBROOM_ARTIFACTS)."""
    target = ARTIFACTS / folder
    target.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=target / f"{name}-{size}.png", full_page=True)
    if before:
        page.set_viewport_size(before)
