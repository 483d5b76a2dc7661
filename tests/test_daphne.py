"""The real server: `daphne scrubroom.asgi:application` on a migrated database answers the probe,
sends anonymous visitors to sign in, carries the CSP, and refuses cross-site websockets."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.servers import daphne, get

pytestmark = pytest.mark.daphne

ROOT = settings.BASE_DIR


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("daphne")
    env = {
        **os.environ,  # the suite's environment (tests/environment.py), DEBUG off
        "SCRUBROOM_DATABASE_URL": f"sqlite:///{tmp / 'daphne.sqlite3'}",
    }
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr

    with daphne(env, tmp / "daphne.log") as running:
        yield running


def test_healthz_over_daphne_reports_ok(server):
    status, headers, body = get(server.port, "/healthz")

    assert status == 200, server.log()
    assert headers["Content-Type"] == "application/json"
    data = json.loads(body)
    assert data == {
        "status": "ok",
        "region": os.environ["SCRUBROOM_REGION"],
        "database": "ok",
        "channel_layer": "ok",
    }


def test_anonymous_home_redirects_to_sign_in(server):
    status, headers, _ = get(server.port, "/")

    assert status == 302
    assert headers["Location"] == "/accounts/login/?next=/"


def test_sign_in_page_over_daphne_carries_the_csp(server):
    status, headers, body = get(server.port, "/accounts/login/")

    assert status == 200, server.log()
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert b"<form" in body


def test_websocket_from_another_origin_is_refused(server):
    # Without AllowedHostsOriginValidator this would reach the (empty) router instead and
    # fail differently (500), so the 403 is the origin check's.
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(
            f"ws://127.0.0.1:{server.port}/ws/anything",
            origin="http://evil.example",
            open_timeout=10,
        ),
    ):
        pass

    assert refused.value.response.status_code == 403
