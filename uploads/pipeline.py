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
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings

from uploads.scrub import Limits, Receipt, Refused, human_size
from uploads.worker import LENGTH_BYTES

# Python, Pillow and a 50 MP RGB frame with a few working copies fit well within this.
MEMORY_LIMIT = 1536 * 1024 * 1024
CPU_SECONDS = 30
WALL_SECONDS = 60
# Handing a job to the fork server takes milliseconds; one that doesn't answer in this time
# is wedged (stopped, or stuck), and is replaced rather than waited for.
FORK_SECONDS = 5.0
# After the file's bytes, how long the server may take to say how its child ended.
STATUS_SECONDS = 5.0


class ScrubberUnavailable(Refused):
    """Our fault, not the file's: the scrubbing service is busy or failing. Nothing was
    kept; the same file may go through in a minute. Views answer 503 with Retry-After."""

    status = 503
    retry_after = 5


class ScrubberBusy(ScrubberUnavailable):
    """Every scrubbing slot of this process is taken: the browser retries by itself."""

    retry_after = 2


BUSY = "Busy scrubbing other images: retrying in a moment."
UNAVAILABLE = (
    "Our image scrubber is restarting, so nothing was kept. This is our fault, not your "
    "file's: try again in a minute."
)
OUR_BUG = (
    "Something went wrong on our side while reading this image. Nothing was kept; try "
    "again, and tell a moderator if it happens again."
)
CRASHED = (
    "The image reader failed on this file: it is damaged or uses a variant we can't read "
    "safely. Export it again as JPEG or PNG."
)
TOO_SLOW = "The image took too long to read. Export it again and retry."
TOO_BIG = "The image could not be read safely: it needs too much memory."

# Signals a decoder dies of on a hostile or damaged file (the file's fault).
CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT}


@dataclass
class Scrubbed:
    data: bytes
    receipt: Receipt
    peak_rss_kb: int = 0  # the worker's peak resident set (bench/scrub.py reports it)

    @property
    def content_type(self) -> str:
        return "image/png" if self.receipt.output_format == "PNG" else "image/jpeg"


def _worker_environment() -> dict[str, str]:
    """Ours, plus glibc's malloc on transparent huge pages: every child touches a fresh
    50-150 MB of pixels, and 2 MB pages cut its page faults (bench/scrub.py: about 50 ms
    of 300 on a 12 MP photo). Other C libraries ignore the tunable."""
    environment = dict(os.environ)
    tunables = [item for item in environment.get("GLIBC_TUNABLES", "").split(":") if item]
    if not any(item.startswith("glibc.malloc.hugetlb=") for item in tunables):
        tunables.append("glibc.malloc.hugetlb=1")
    environment["GLIBC_TUNABLES"] = ":".join(tunables)
    return environment


class _ForkServer:
    """The running `python -m uploads.worker` and our end of its control socket."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.control: socket.socket | None = None

    def _start(self) -> None:
        self._discard()
        # Messages keep their bounds on a SEQPACKET pair: one job, one reply (the child's pid).
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        fd = theirs.fileno()
        # Started without preexec_fn (unsafe in a threaded server); pass_fds keeps the number.
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "uploads.worker", str(fd)],
            pass_fds=(fd,),
            cwd=settings.BASE_DIR,
            stdin=subprocess.DEVNULL,
            env=_worker_environment(),
        )
        theirs.close()
        ours.settimeout(FORK_SECONDS)
        self.control = ours

    def _discard(self) -> None:
        """Forget a dead or wedged server: close its socket, kill it, reap it."""
        if self.control is not None:
            self.control.close()
            self.control = None
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()  # SIGKILL also ends a stopped (SIGSTOP) server
            self.process.wait()
            self.process = None

    def fork(self, job: dict[str, Any], connection: socket.socket, status: socket.socket) -> int:
        """A child for one file, given our sockets' other ends; its pid. A server that is
        dead or doesn't answer within FORK_SECONDS is replaced, once; then it is our fault."""
        message = json.dumps(job).encode()
        with self.lock:
            for _attempt in (1, 2):
                try:
                    if (
                        self.control is None
                        or self.process is None
                        or self.process.poll() is not None
                    ):
                        self._start()  # may fail too: no processes or memory left
                    assert self.control is not None
                    socket.send_fds(self.control, [message], [connection.fileno(), status.fileno()])
                    reply = self.control.recv(32)
                except OSError:  # TimeoutError included: a wedged server
                    reply = b""
                if reply and int(reply) > 0:
                    return int(reply)
                self._discard()
            raise ScrubberUnavailable(UNAVAILABLE)

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


class _Slots:
    """At most N scrubs at once in this process (settings.SCRUBROOM_SCRUBS_PER_PROCESS): each
    holds the file, its output and a worker, so a burst of uploads must queue, briefly,
    rather than all decode at once. A request that can't get a slot in time is told busy."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.semaphore: threading.BoundedSemaphore | None = None
        self.size = 0

    @contextlib.contextmanager
    def hold(self) -> Iterator[None]:
        size = settings.SCRUBROOM_SCRUBS_PER_PROCESS
        with self.lock:
            if self.semaphore is None or self.size != size:  # settings changed (tests)
                self.semaphore, self.size = threading.BoundedSemaphore(size), size
            semaphore = self.semaphore
        if not semaphore.acquire(timeout=settings.SCRUBROOM_SCRUB_WAIT_SECONDS):
            raise ScrubberBusy(BUSY)
        try:
            yield
        finally:
            semaphore.release()


slots = _Slots()


def _receive(connection: socket.socket, deadline: float) -> tuple[bytes, bytes]:
    """(header line, output): the header is read up to its newline, then exactly the length
    it announces is read into one buffer (no list of chunks joined into a second copy)."""
    head = bytearray()
    while b"\n" not in head:
        connection.settimeout(max(deadline - time.monotonic(), 0.001))
        chunk = connection.recv(65536)
        if not chunk:
            return b"", b""  # the child died before its header
        head += chunk
        if len(head) > 1 << 20:
            return b"", b""
    header, _, start = bytes(head).partition(b"\n")
    try:
        length = int(json.loads(header).get("length", 0))
    except (ValueError, AttributeError):
        return b"", b""
    output = bytearray(length)
    view = memoryview(output)
    view[: len(start)] = start[:length]
    filled = min(len(start), length)
    while filled < length:
        connection.settimeout(max(deadline - time.monotonic(), 0.001))
        count = connection.recv_into(view[filled:])
        if not count:
            return b"", b""  # cut short: treated as no answer
        filled += count
    return header, bytes(output) if length else b""


def _ending(status: socket.socket) -> str:
    """How the child ended, as the fork server reports it ("exit 0", "signal 11"), or ""."""
    try:
        status.settimeout(STATUS_SECONDS)
        return status.recv(64).decode("ascii", "replace")
    except OSError:
        return ""


def _silent_child(ending: str) -> Refused:
    """The refusal for a child that ended without a header, by how it ended."""
    kind, _, number = ending.partition(" ")
    if kind == "signal" and number.isdigit():
        code = int(number)
        if code == signal.SIGXCPU:
            return Refused(TOO_SLOW)  # its CPU limit: the file needs too much time
        if code == signal.SIGKILL:
            return Refused(TOO_BIG)  # not us (we say so when we kill): the kernel, for memory
        if code in CRASH_SIGNALS:
            return Refused(CRASHED)
    if kind == "exit":
        return ScrubberUnavailable(OUR_BUG)  # a Python error in our code, not a decoder's
    return ScrubberUnavailable(UNAVAILABLE)  # no word from the server at all


def _run(data: bytes | memoryview, options: Any = None) -> tuple[dict, bytes]:
    limits = Limits(**settings.SCRUBROOM_UPLOAD_LIMITS)
    if len(data) > limits.max_bytes:
        raise Refused(f"The file is larger than {human_size(limits.max_bytes)}.")
    job = {
        "memory": MEMORY_LIMIT,
        "cpu": CPU_SECONDS,
        "limits": asdict(limits),
        "options": options,
    }
    with slots.hold():
        deadline = time.monotonic() + WALL_SECONDS
        ours, theirs = socket.socketpair()
        status, server_status = socket.socketpair()
        with ours, status:
            with theirs, server_status:
                pid = _server.fork(job, theirs, server_status)
            try:
                ours.settimeout(WALL_SECONDS)
                # Two sends, not length + data: that sum would be one more copy of the file.
                ours.sendall(len(data).to_bytes(LENGTH_BYTES, "big"))
                ours.sendall(data)
                header, output = _receive(ours, deadline)
            except TimeoutError:
                _kill(pid)
                raise Refused(TOO_SLOW) from None
            except OSError:
                header, output = b"", b""  # the child died while we were still sending
            if not header:
                raise _silent_child(_ending(status))
    document = json.loads(header)
    if not document["ok"]:
        if document["error"] == "memory":
            raise Refused(TOO_BIG)
        raise Refused(document["error"])
    return document, output


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # it finished meanwhile
        os.kill(pid, signal.SIGKILL)


def scrub(data: bytes | memoryview) -> Scrubbed:
    document, output = _run(data)
    return Scrubbed(output, Receipt(**document["receipt"]), document["peak_rss_kb"])


def edit(data: bytes, *, rotate: int, crop, rectangles) -> tuple[bytes, str, tuple[int, int]]:
    options = {"rotate": rotate, "crop": crop, "rectangles": rectangles}
    document, output = _run(data, options)
    return output, document["output_format"], tuple(document["size"])  # type: ignore[return-value]
