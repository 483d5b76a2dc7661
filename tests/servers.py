"""Real Daphne processes for the tests: start one on loopback, wait until it answers."""

from __future__ import annotations

import contextlib
import http.client
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import free_port

APPLICATION = "forum.asgi:application"
STARTUP_DEADLINE = 60.0  # seconds; Daphne usually answers within a few


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
def daphne(env: dict[str, str], log_path: Path) -> Iterator[Server]:
    """`daphne forum.asgi:application` on a free loopback port, stopped on exit."""
    port = free_port()
    with log_path.open("w") as log:  # a file, not a pipe: a full pipe would stall the server
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), APPLICATION],
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
