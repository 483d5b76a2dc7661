"""Real Daphne processes for the tests: start one on loopback, wait until it answers."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.conftest import free_port

APPLICATION = "scrubroom.asgi:application"
STARTUP_DEADLINE = 60.0  # seconds; Daphne usually answers within a few


def shared_database_url() -> str:
    """SCRUBROOM_DATABASE_URL for a server process that must share the test database (the
    SQLite file of the fast suite, or the PostgreSQL test database of the scaled one)."""
    from django.db import connection

    database = connection.settings_dict
    if connection.vendor == "postgresql":
        return (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        )
    return f"sqlite:///{database['NAME']}"


def get(port: int, path: str, timeout: float = 10.0, headers: dict | None = None):
    """(status, headers, body) without following redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log_path: Path) -> None:
        self.process = process
        self.port = port
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def daphne(env: dict[str, str], log_path: Path, app: str = APPLICATION) -> Iterator[Server]:
    """`daphne scrubroom.asgi:application` on a free loopback port, stopped on exit."""
    port = free_port()
    with log_path.open("w") as log:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen(
            # As the Dockerfile runs it: Daphne's own access log (which prints query strings)
            # off; the application's access lines (scrubroom/security_log.py) go to the log.
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "--access-log",
                os.devnull,
                app,
            ],
            cwd=settings.BASE_DIR,
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


class Browser:
    """A cookie-keeping HTTP client that can talk to any of the processes.

    Cookies are kept by hand: the session cookie is Secure (production settings), and the
    processes speak plain HTTP on loopback.
    """

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, body: bytes | None = None, **headers):
        # One site name for both processes, as behind nginx (allauth keys its login limits
        # by site and address, and the port would otherwise tell the processes apart).
        headers.setdefault("Host", "127.0.0.1")
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.headers, content

    def get(self, port: int, path: str):
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, data: dict[str, str]):
        if settings.CSRF_COOKIE_NAME not in self.cookies:
            self.get(port, "/accounts/login/")
        form = {"csrfmiddlewaretoken": self.cookies[settings.CSRF_COOKIE_NAME], **data}
        return self.request(
            port,
            "POST",
            path,
            urlencode(form).encode(),
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )

    def post_multipart(self, port: int, path: str, fields: dict, files: dict[str, tuple]):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {
            "csrfmiddlewaretoken": self.cookies[settings.CSRF_COOKIE_NAME],
            **fields,
        }.items():
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(f"{head}{value}\r\n".encode())
        for name, (filename, content, content_type) in files.items():
            head = (
                f"--{boundary}\r\nContent-Disposition: form-data; "
                f'name="{name}"; filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            port,
            "POST",
            path,
            body,
            **{"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def sign_in(self, port: int, user) -> None:
        from tests.conftest import PASSWORD, totp_code

        status, headers, _ = self.post(
            port, "/accounts/login/", {"login": user.email, "password": PASSWORD}
        )
        if headers.get("Location") == "/accounts/2fa/authenticate/":
            status, headers, _ = self.post(
                port, "/accounts/2fa/authenticate/", {"code": totp_code()}
            )
        assert status == 302, f"sign-in failed with {status}"


class Viewer:
    """A real websocket client on one case, carrying a member's session cookie."""

    def __init__(self, port: int, case_id: int, session: str) -> None:
        from websockets.sync.client import connect

        self._connection = connect(
            f"ws://127.0.0.1:{port}/ws/cases/{case_id}/",
            additional_headers={
                "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
                "Origin": f"http://127.0.0.1:{port}",
            },
            open_timeout=30,
        )
        self.socket = self._connection.__enter__()

    def send(self, message: dict) -> None:
        self.socket.send(json.dumps(message))

    def receive(self, kind: str, timeout: float = 20.0) -> dict:
        """The next message of `kind` (presence and typing may come in between)."""
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message["type"] == kind:
                return message

    def close(self) -> None:
        self._connection.__exit__(None, None, None)
