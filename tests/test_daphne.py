"""The real server: `daphne forum.asgi:application` on a migrated database answers the probe,
sends anonymous visitors to sign in, carries the CSP, and refuses cross-site websockets."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

pytestmark = pytest.mark.daphne

ROOT = settings.BASE_DIR
STARTUP_DEADLINE = 60.0  # seconds; Daphne usually answers within a few


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 10.0):
    """(status, headers, body) without following redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log_path) -> None:
        self.process = process
        self.port = port
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


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

    port = free_port()
    log_path = tmp / "daphne.log"
    with log_path.open("w") as log:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "forum.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    running = Server(process, port, log_path)
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE
        while True:
            if process.poll() is not None:
                pytest.fail(f"Daphne exited with {process.returncode}:\n{running.log()}")
            try:
                get(port, "/healthz", timeout=1.0)  # any answer: the tests judge its content
                break
            except (OSError, http.client.HTTPException):
                pass  # not listening yet
            if time.monotonic() > deadline:
                pytest.fail(
                    f"Daphne did not answer /healthz in {STARTUP_DEADLINE}s:\n{running.log()}"
                )
            time.sleep(0.1)  # poll interval while waiting for the port, not synchronisation
        yield running
    finally:
        died = process.poll()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if died is not None:
        pytest.fail(f"Daphne died during the tests with {died}:\n{running.log()}")


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
