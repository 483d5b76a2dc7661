"""Run the scrubber in its own process, with bounded memory, CPU time and wall time.

A decompression bomb or a decoder bug then costs one short-lived process, never the server.
The original bytes travel through a socket: they are never written to disk.

Each file gets a fresh process, forked by a small fork server (uploads/worker.py) that this
process starts once and that has already imported Pillow and the scrubber: a file then
costs a fork rather than a Python start-up and its imports (most of the time a 12 MP photo
took). The fork server is single-threaded, so forking it is safe where forking this
process (Daphne runs sync views in threads) would not be.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings

from uploads.scrub import Limits, Receipt, Refused, human_size
from uploads.worker import LENGTH_BYTES

# Python, Pillow and a 50 MP RGB frame with a few working copies fit well within this.
MEMORY_LIMIT = 1536 * 1024 * 1024
CPU_SECONDS = 30
WALL_SECONDS = 60


@dataclass
class Scrubbed:
    data: bytes
    receipt: Receipt
    peak_rss_kb: int = 0  # the worker's peak resident set (bench/scrub.py reports it)

    @property
    def content_type(self) -> str:
        return "image/png" if self.receipt.output_format == "PNG" else "image/jpeg"


class _ForkServer:
    """The running `python -m uploads.worker` and our end of its control socket."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None

    def _start(self) -> None:
        if self.control is not None:
            self.control.close()  # a dead server's socket
        # Messages keep their bounds on a SEQPACKET pair: one job, one reply (the child's pid).
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        fd = theirs.fileno()
        # Started without preexec_fn (unsafe in a threaded server); pass_fds keeps the number.
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "uploads.worker", str(fd)],
            pass_fds=(fd,),
            cwd=settings.BASE_DIR,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.control = ours

    def fork(self, job: dict[str, Any], connection: socket.socket) -> int:
        """A child for one file, given our socket's other end; its pid."""
        message = json.dumps(job).encode()
        with self.lock:
            for _attempt in (1, 2):
                if self.control is None or self.process is None or self.process.poll() is not None:
                    self._start()
                assert self.control is not None
                try:
                    socket.send_fds(self.control, [message], [connection.fileno()])
                    reply = self.control.recv(32)
                except OSError:
                    reply = b""
                if reply:
                    return int(reply)
                self.control.close()  # the fork server died: start a new one, once
                self.control = None
            raise Refused("The image could not be read just now. Try again.")

    def stop(self) -> None:
        """At exit: closing our end tells the server to go; then it is waited for."""
        with self.lock:
            if self.control is not None:
                self.control.close()
                self.control = None
            if self.process is not None:
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
                self.process = None


_server = _ForkServer()
atexit.register(_server.stop)


def _receive_all(connection: socket.socket, deadline: float) -> bytes:
    chunks: list[bytes] = []
    while True:
        connection.settimeout(max(deadline - time.monotonic(), 0.001))
        chunk = connection.recv(1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _run(data: bytes, options: Any = None) -> tuple[dict, bytes]:
    limits = Limits(**settings.SCRUBROOM_UPLOAD_LIMITS)
    if len(data) > limits.max_bytes:
        raise Refused(f"The file is larger than {human_size(limits.max_bytes)}.")
    job = {
        "memory": MEMORY_LIMIT,
        "cpu": CPU_SECONDS,
        "limits": asdict(limits),
        "options": options,
    }
    deadline = time.monotonic() + WALL_SECONDS
    ours, theirs = socket.socketpair()
    with ours:
        with theirs:
            pid = _server.fork(job, theirs)
        try:
            ours.settimeout(WALL_SECONDS)
            ours.sendall(len(data).to_bytes(LENGTH_BYTES, "big") + data)
            response = _receive_all(ours, deadline)
        except TimeoutError:
            _kill(pid)
            raise Refused("The image took too long to read. Export it again and retry.") from None
        except OSError:
            response = b""  # the child died while we were still sending
    header, _, output = response.partition(b"\n")
    if not header:
        # Killed by a limit (memory, CPU) or crashed in a decoder: the file is the problem.
        raise Refused("The image could not be read safely (it needs too much memory or time).")
    document = json.loads(header)
    if not document["ok"]:
        if document["error"] == "memory":
            raise Refused("The image could not be read safely (it needs too much memory).")
        raise Refused(document["error"])
    return document, output


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it finished meanwhile
        os.kill(pid, signal.SIGKILL)


def scrub(data: bytes) -> Scrubbed:
    document, output = _run(data)
    return Scrubbed(output, Receipt(**document["receipt"]), document["peak_rss_kb"])


def edit(data: bytes, *, rotate: int, crop, rectangles) -> tuple[bytes, str, tuple[int, int]]:
    options = {"rotate": rotate, "crop": crop, "rectangles": rectangles}
    document, output = _run(data, options)
    return output, document["output_format"], tuple(document["size"])  # type: ignore[return-value]
