"""Request bodies stay in Daphne's memory, up to a limit, and are let go as they are handed on.

Daphne's request (daphne.http_protocol.WebRequest) is Twisted's twisted.web.http.Request,
which, left to itself, does three things with an upload that Scrubroom cannot have:

1. `gotLength` writes every body of 100,000 bytes or more, and every chunked one, to
   `tempfile.TemporaryFile()`: an unlinked file in /tmp holding the original photo (its
   patient's name in the part's filename) until the request ends, and on the disk for as
   long as its blocks survive.
2. `requestReceived` parses every multipart POST into `request.args` with the email
   package: the whole body copied several times over (once as a str, at two bytes for each
   byte above ASCII), on the reactor thread, with a copy of each file kept to the end of the
   request. Daphne never reads `args`.
3. Nothing limits a body's size: once the body is kept in memory, that would be a way to
   make the process hold any amount.

Daphne then reads the body into the application's queue in 8 KB messages, keeping
`request.content` until the response has been sent: a second copy for the whole request.

`InMemoryWebRequest` keeps the body as the chunks that came off the socket (`BodyBuffer`),
lets each go as Daphne reads it into the queue (so the bytes are held once, in one place or
the other), skips Twisted's parse, and answers a body over settings.SCRUBROOM_REQUEST_MAX_BYTES
with 413 and a closed connection, without reading the rest. Django's side of the same promise
is FILE_UPLOAD_MAX_MEMORY_SIZE and uploads/handlers.py; nginx's is deploy/nginx.conf.

`install()` (called by scrubroom/asgi.py) puts it in place of Daphne's request class.
"""

from __future__ import annotations

import collections
import ctypes
import io
import os
import sys

from daphne import http_protocol
from daphne.http_protocol import WebRequest
from django.conf import settings
from twisted.web import http

from audit.security_events import event

# glibc's malloc.h: allocations from this size up are mapped on their own, and unmapped when freed.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024

REFUSAL_BODY = b"The request is larger than this site accepts.\n"
REFUSAL = (
    b"HTTP/1.1 413 Content Too Large\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: " + str(len(REFUSAL_BODY)).encode() + b"\r\n"
    b"Connection: close\r\n"
    b"\r\n" + REFUSAL_BODY
)


class BodyBuffer:
    """A request body in memory: written as it arrives, then read once from the start.

    What is read is let go. Daphne reads the whole body into the application's queue as
    soon as it is complete, so the bytes are held once, here or in the queue, never in both.
    The parts of the file interface that Twisted and Daphne use, and no more.
    """

    def __init__(self) -> None:
        self._chunks: collections.deque[bytes] = collections.deque()
        self._offset = 0  # how much of the first chunk was read already
        self._length = 0  # bytes written
        self._position: int | None = None  # bytes read; None until reading starts
        self.closed = False

    def write(self, data: bytes) -> int:
        if self._position is not None or self.closed:
            raise io.UnsupportedOperation("a request body is written before it is read")
        if data:
            self._chunks.append(data)  # the transport's own bytes object: no copy
            self._length += len(data)
        return len(data)

    def tell(self) -> int:
        # While writing, the end (Twisted takes this as the body's length); then, what was read.
        return self._length if self._position is None else self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Only to the start, before anything was read: the read part is gone."""
        if offset != 0 or whence != io.SEEK_SET or self._position:
            raise io.UnsupportedOperation("a request body is read once, from the start")
        self._position = 0
        return 0

    def read(self, size: int | None = -1) -> bytes:
        """Exactly `size` bytes while there are that many (Daphne takes a short read for the
        end of the body), all that is left if `size` is negative or None."""
        if self.closed:
            raise ValueError("read of a closed request body")
        if self._position is None:
            self._position = 0
        wanted = self._length - self._position if size is None or size < 0 else size
        pieces = []
        while wanted > 0 and self._chunks:
            head = self._chunks[0]
            available = len(head) - self._offset
            if available <= wanted:
                pieces.append(head[self._offset :] if self._offset else head)
                self._chunks.popleft()  # let go of it
                self._offset = 0
                wanted -= available
            else:
                pieces.append(head[self._offset : self._offset + wanted])
                self._offset += wanted
                wanted = 0
        data = pieces[0] if len(pieces) == 1 else b"".join(pieces)
        self._position += len(data)
        return data

    def close(self) -> None:
        self._chunks.clear()
        self.closed = True


class InMemoryWebRequest(WebRequest):
    """Daphne's request, changed as the module's docstring says."""

    _refused = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # 2: Daphne hands the raw body to the application and never reads `args`.
        self._parsePOSTFormSubmission = False

    def gotLength(self, length: int | None) -> None:  # noqa: N802  (Twisted's name)
        # 1: memory for every body, whatever its length; 3: refused before any is read.
        self.content = BodyBuffer()
        self._received = 0
        self._limit = settings.SCRUBROOM_REQUEST_MAX_BYTES
        if length is not None and length > self._limit:
            self._refuse()

    def handleContentChunk(self, data: bytes) -> None:  # noqa: N802
        if self._refused:
            return  # what was already in the socket's buffer when it closed
        self._received += len(data)
        if self._received > self._limit:  # a chunked body, which declares no length
            self._refuse()
            return
        self.content.write(data)

    def requestReceived(self, command: bytes, path: bytes, version: bytes) -> None:  # noqa: N802
        if self._refused:
            return  # the end of a chunked body in the same read as the refusal
        super().requestReceived(command, path, version)

    def _refuse(self) -> None:
        """413 and close. Reading on only to be polite (as nginx does) would still hold the
        connection for as long as the client cares to send."""
        self._refused = True
        self.content.close()
        # Twisted answers `Expect: 100-continue` after gotLength; not after a refusal.
        self.requestHeaders.removeHeader(b"Expect")
        event("request_body_too_large", limit=self._limit)
        if isinstance(self.channel, http.HTTPChannel):  # HTTP/1.1: the channel's own bytes
            self.channel.write(REFUSAL)
        self.loseConnection()


def under_daphne() -> bool:
    """True in a process Daphne serves: its command line (the Dockerfile's `daphne ...`, the
    tests' `python -m daphne ...`) or its `manage.py runserver`. Daphne's app in
    INSTALLED_APPS imports daphne.server into every process, serving or not."""
    return "daphne.cli" in sys.modules or "daphne.management.commands.runserver" in sys.modules


def install() -> None:
    """Serve with InMemoryWebRequest, under Daphne only (elsewhere, as under the test client
    or other `manage.py` commands, nothing is changed); a second call changes nothing."""
    if not under_daphne() or http_protocol.WebRequest is InMemoryWebRequest:
        return
    # HTTPFactory.buildProtocol names the class anew for each connection.
    http_protocol.WebRequest = InMemoryWebRequest  # type: ignore[misc]
    return_large_buffers_to_the_system()


def return_large_buffers_to_the_system() -> bool:
    """Make glibc give a freed upload's memory back (True if it was told to).

    glibc maps a large allocation on its own and unmaps it when freed, but raises that
    threshold to the size of each such block freed, up to 32 MB: after the first upload,
    bodies, form buffers and scrubbed outputs all come from the heaps of the threads that
    handled them, where freed memory mostly stays, so the resident size only ever grew
    (bench/upload_memory.py --rounds 5: 58, 124, 131, 104, 118 MB above idle after each burst
    of ten uploads; 56 to 71 with the threshold fixed, and the same peaks). Setting it once
    turns the adjustment off, for every thread's heap. Per-thread arenas (M_ARENA_MAX) were
    measured too, and capping them changed nothing.
    """
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (ValueError, OSError):
        libc = ""  # not glibc (musl, macOS): its allocator is its own business
    if not libc.startswith("glibc"):
        return False
    return bool(ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
