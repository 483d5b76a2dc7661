"""An original photo never reaches a file while it is uploaded through real Daphne, and a body
over the limit is refused without being read on.

Three watches on a 4000x3000 JPEG (about 9 MB) whose comment and filename carry a marker
("SMITH-John-MRN-<marker>.jpg"):
  - half-way through the body, no process of the server holds a regular file other than its
    database, its private media and its log (Twisted's body file is an unlinked /tmp file,
    which only /proc shows), and the server has written nothing the size of the body;
  - under strace, no file is created or opened for writing during the whole upload but the
    database and the scrubbed output (Django's body spool is another unlinked /tmp file);
  - afterwards, the marker is in no file in /tmp, /var/tmp, /dev/shm or the media folder.
The case against nginx's buffering is tests/test_nginx_buffers.py.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from daphne import http_protocol
from django.conf import settings
from django.core.checks import Error
from PIL import Image
from twisted.internet.testing import StringTransport
from twisted.web import http

from scrubroom import inmemory_bodies
from scrubroom.checks import check_bodies_stay_in_memory
from scrubroom.inmemory_bodies import BodyBuffer, InMemoryWebRequest
from tests.servers import Browser, daphne
from uploads.findings import hides_markup

ROOT = settings.BASE_DIR
DEADLINE = 30.0  # seconds, for any one condition polled below
POLL = 0.02  # seconds between two looks at a condition, not synchronisation

SETUP = """
import json
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.utils import timezone
from forum.models import Specialty
from members.models import Profile, User

user = User.objects.create_user(
    "alice@hospital.example", "correct horse battery staple",
    status="verified", verified_at=timezone.now(),
)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
Profile.objects.create(
    user=user, full_name="Alice Surgeon", professional_role="consultant",
    specialty=Specialty.objects.get(slug="hernia-and-abdominal-wall"),
    institution="Royal Infirmary", country="UK", registration_body="GMC", licence_number="LIC-1",
)
client = Client()
client.force_login(user)
print(json.dumps({"session": client.cookies[settings.SESSION_COOKIE_NAME].value}))
"""


@dataclass
class Site:
    port: int
    pid: int
    folder: Path
    media: Path
    database: Path
    log: Path
    browser: Browser


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("no-disk")
    database, media = folder / "daphne.sqlite3", folder / "private"
    env = {
        **os.environ,  # the suite's environment (tests/environment.py), DEBUG off
        "SCRUBROOM_DATABASE_URL": f"sqlite:///{database}",
        "SCRUBROOM_PRIVATE_MEDIA_ROOT": str(media),
        # As the Dockerfile runs it: no bytecode written when a module is first imported.
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    # Local files, whatever the suite runs on: the media folder is what is searched.
    for name in ("SCRUBROOM_REDIS_URL", "SCRUBROOM_S3_BUCKET"):
        env.pop(name, None)
    for command in (["manage.py", "migrate", "--noinput"], ["manage.py", "shell", "-c", SETUP]):
        result = subprocess.run(
            [sys.executable, *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    session = json.loads(result.stdout.strip().splitlines()[-1])["session"]
    with daphne(env, folder / "daphne.log") as running:
        browser = Browser()
        browser.cookies[settings.SESSION_COOKIE_NAME] = session
        status, _, _ = browser.get(running.port, "/cases/new/")  # and its CSRF cookie
        assert status == 200, running.log()
        yield Site(
            running.port, running.process.pid, folder, media, database, running.log_path, browser
        )


@dataclass
class Photo:
    marker: bytes
    filename: str
    data: bytes


@pytest.fixture(scope="module")
def photo() -> Photo:
    """A 12 MP noisy JPEG at quality 95, the marker in its comment and in its filename."""
    marker = uuid.uuid4().hex.encode()
    size = (4000, 3000)
    while True:
        gradient = Image.linear_gradient("L").resize(size)
        image = Image.merge("RGB", (gradient, Image.effect_noise(size, 40), gradient.rotate(180)))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=95, comment=b"SMITH-John-MRN-" + marker)
        # Random bytes spell `<svg` now and then, which the scrubber refuses as a polyglot.
        if not hides_markup(out.getvalue(), "jpeg"):
            break
    assert out.tell() >= 6 * 1024 * 1024 and marker in out.getvalue()
    return Photo(marker, f"SMITH-John-MRN-{marker.decode()}.jpg", out.getvalue())


def multipart(site: Site, photo: Photo) -> tuple[str, bytes]:
    """(boundary, body) of the upload widget's form: the CSRF token and the file."""
    boundary = uuid.uuid4().hex
    token = site.browser.cookies[settings.CSRF_COOKIE_NAME]
    body = b"".join(
        [
            f"--{boundary}\r\nContent-Disposition: form-data; name="
            f'"csrfmiddlewaretoken"\r\n\r\n{token}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{photo.filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(),
            photo.data,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    return boundary, body


def request_head(site: Site, boundary: str, *, length: int | None) -> bytes:
    cookies = "; ".join(f"{name}={value}" for name, value in site.browser.cookies.items())
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    return (
        "POST /uploads/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: {cookies}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
        f"{framing}\r\nConnection: close\r\n\r\n"
    ).encode()


def chunked(data: bytes, size: int = 256 * 1024) -> bytes:
    return b"".join(
        f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        for piece in (data[i : i + size] for i in range(0, len(data), size))
    )


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"not in {DEADLINE}s: {what}"
        time.sleep(POLL)


def read_response(connection: socket.socket) -> tuple[int, bytes]:
    """(status, body) of an HTTP/1.1 response on a connection the server then closes."""
    received = bytearray()
    with contextlib.suppress(ConnectionResetError):
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 "), bytes(received[:200])
    return int(head.split()[1]), body


# What the server's processes hold and did ------------------------------------------------


def processes(pid: int) -> list[int]:
    """The server and every process under it (the scrubber's fork server and its workers)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            for task in Path(f"/proc/{current}/task").iterdir():
                queue += [int(child) for child in (task / "children").read_text().split()]
    return found


def allowed(site: Site, path: str) -> bool:
    """The files the server may write while an upload runs: its database (and the SQLite
    journal beside it), the private media folder, where the *scrubbed* image is stored, and
    its log. Not a file: the null device."""
    if path == os.devnull:
        return True
    resolved = Path(path)
    return (
        (resolved.parent == site.database.parent and resolved.name.startswith(site.database.name))
        or resolved == site.log
        or resolved.is_relative_to(site.media)
    )


def open_files(site: Site) -> list[str]:
    """Regular files held open by any of the server's processes that it may not write to:
    "/tmp/#1234 (deleted)" is how Twisted's and Django's unlinked body files show."""
    held = []
    for pid in processes(site.pid):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(FileNotFoundError):
                    if not stat.S_ISREG(os.stat(fd).st_mode):
                        continue  # sockets, pipes, devices, anonymous inodes
                    target = os.readlink(fd)
                    if not allowed(site, target):
                        held.append(f"pid {pid} fd {fd.name}: {target}")
    return held


def written_bytes(pid: int) -> int:
    """Bytes the process has passed to write(2) and the like, on any file; not what it sends
    on a socket (/proc/<pid>/io's wchar)."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise AssertionError("no wchar")


def unread(server_port: int, client_port: int) -> int | None:
    """Bytes sent from `client_port` that the server has not yet read: the client side's
    unacknowledged bytes plus the server side's receive queue (/proc/net/tcp). Twisted reads
    with recv(2), which /proc/<pid>/io does not count."""
    sides = {f"0100007F:{client_port:04X}": "client", f"0100007F:{server_port:04X}": "server"}
    queues: dict[str, int] = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, (tx, rx) = fields[1], fields[2], fields[4].split(":")
        if sides.get(local) == "client" and sides.get(remote) == "server":
            queues["client"] = int(tx, 16)
        elif sides.get(local) == "server" and sides.get(remote) == "client":
            queues["server"] = int(rx, 16)
    if len(queues) < 2:
        return None
    return queues["client"] + queues["server"]


def files_with(marker: bytes, folders: list[Path], leave_out: tuple[Path, ...] = ()) -> list[str]:
    """Regular files under `folders` holding `marker`, read in overlapping blocks."""
    found = []
    for folder in folders:
        for directory, _, names in os.walk(folder):
            for name in names:
                path = Path(directory) / name
                if path in leave_out:
                    continue
                with contextlib.suppress(OSError):
                    if not stat.S_ISREG(path.lstat().st_mode):
                        continue
                    with path.open("rb") as file:
                        tail = b""
                        while block := file.read(1 << 20):
                            if marker in tail + block:
                                found.append(str(path))
                                break
                            tail = block[-len(marker) :]
    return found


def searched(site: Site) -> list[Path]:
    """Where a temporary file would be: searched, never written."""
    folders = {Path(tempfile.gettempdir()), *map(Path, ("/tmp", "/var/tmp", "/dev/shm"))}  # noqa: S108
    return [folder for folder in sorted(folders | {site.media}) if folder.is_dir()]


# The watches -------------------------------------------------------------------------------


@pytest.mark.daphne
@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_half_an_upload_is_held_in_memory_only(site, photo, framing):
    boundary, body = multipart(site, photo)
    wire = body if framing == "content-length" else chunked(body) + b"0\r\n\r\n"
    head = request_head(site, boundary, length=len(body) if framing == "content-length" else None)
    half = len(wire) // 2
    before = sum(written_bytes(pid) for pid in processes(site.pid))
    connection = socket.create_connection(("127.0.0.1", site.port), timeout=DEADLINE)
    try:
        connection.sendall(head + wire[:half])
        client_port = connection.getsockname()[1]
        wait_for(
            lambda: unread(site.port, client_port) == 0,
            "the server reads the first half of the body",
        )

        assert open_files(site) == []
        written = sum(written_bytes(pid) for pid in processes(site.pid)) - before
        assert written < 64 * 1024, f"{written} bytes written while receiving {half}"

        connection.sendall(wire[half:])
        status, answer = read_response(connection)
    finally:
        connection.close()
    if framing == "content-length":
        assert status == 201, answer
        assert json.loads(answer)["state"] == "draft"
    else:
        # Django reads a body by its length, so it sees no form in a chunked one (and the
        # CSRF check refuses it); what matters here is that Daphne kept it in memory.
        assert status < 500, answer
    assert open_files(site) == []
    assert files_with(photo.marker, searched(site)) == [], "the original reached a file"


@dataclass
class Call:
    name: str
    path: str  # where it wrote, as strace resolved it (-y)
    line: str


CALL = re.compile(r"^(?P<name>\w+)\((?P<args>.*)\) = (?P<result>-?\d+)(?:<(?P<fd>.*)>)?")
QUOTED = re.compile(r'"((?:\\.|[^"\\])*)"')
WRITING = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND|O_TMPFILE")
TARGET = re.compile(r'(?:AT_FDCWD|\d+)(?:<([^>]*)>)?, "((?:\\.|[^"\\])*)"')
SYSCALLS = [
    *("open", "openat", "openat2", "creat", "memfd_create"),
    *("rename", "renameat", "renameat2", "link", "linkat"),
]


def writes(trace: Path) -> list[Call]:
    """Files created, opened for writing, renamed or linked into place, in the per-process
    logs of `strace -ff -y` (one file per thread: no interleaved lines). A memfd is memory,
    not a file on any disk, and is left out; so are calls that failed."""
    found = []
    for log in trace.parent.glob(f"{trace.name}.*"):
        for line in log.read_text(errors="replace").splitlines():
            match = CALL.match(line)
            if not match or int(match["result"]) < 0:
                continue
            name, args = match["name"], match["args"]
            paths = QUOTED.findall(args)
            if name in {"open", "openat", "openat2", "creat"}:
                if name == "creat" or WRITING.search(args):
                    found.append(Call(name, match["fd"] or (paths[0] if paths else "?"), line))
            elif name.startswith(("rename", "link")) and paths:
                # The last path is where the file lands; relative to the directory before
                # it (-y shows its path), else to the server's working directory.
                pairs = TARGET.findall(args)
                directory, target = pairs[-1] if pairs else ("", paths[-1])
                found.append(Call(name, os.path.join(directory or str(ROOT), target), line))
    return found


@contextlib.contextmanager
def traced(site: Site, trace: Path) -> Iterator[None]:
    """strace on the server and everything under it (-f follows what it starts meanwhile),
    from when every thread is attached to when the block ends."""
    if shutil.which("strace") is None:
        message = "needs strace (deploy/debian-packages.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    targets = processes(site.pid)
    tracer = subprocess.Popen(
        [
            *("strace", "-ff", "-qq", "-y", "-e", f"trace={','.join(SYSCALLS)}", "-o", str(trace)),
            *(argument for pid in targets for argument in ("-p", str(pid))),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def attached() -> bool:
        if tracer.poll() is not None:
            complaint = tracer.stderr.read().decode(errors="replace")
            if "Operation not permitted" in complaint:
                # A container without ptrace: the /proc watch above stands on its own.
                pytest.skip(f"strace may not attach here: {complaint.strip()}")
            pytest.fail(f"strace stopped: {complaint}")
        tracers = []
        for pid in targets:
            for task in Path(f"/proc/{pid}/task").iterdir():
                status = (task / "status").read_text()
                tracers.append(int(re.search(r"TracerPid:\s+(\d+)", status).group(1)))
        return all(tracer_pid == tracer.pid for tracer_pid in tracers)

    try:
        wait_for(attached, "strace attaches to every thread of the server")
        yield
    finally:
        tracer.send_signal(signal.SIGINT)  # detach, and write out the logs
        try:
            tracer.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            tracer.kill()
            tracer.wait()


@pytest.mark.daphne
def test_no_file_is_written_during_an_upload_but_the_scrubbed_image(site, photo, tmp_path):
    trace = tmp_path / "daphne.strace"
    before = set(site.media.rglob("*"))

    with traced(site, trace):
        status, _, answer = site.browser.post_multipart(
            site.port, "/uploads/", {}, {"file": (photo.filename, photo.data, "image/jpeg")}
        )

    assert status == 201, answer
    calls = writes(trace)
    assert calls, "the trace saw nothing: not even the database and the stored image"
    assert [call.line for call in calls if not allowed(site, call.path)] == []
    stored = [path for path in set(site.media.rglob("*")) - before if path.is_file()]
    assert len(stored) == 1
    assert stored[0].read_bytes().startswith(b"\xff\xd8")  # the scrubbed JPEG
    assert photo.marker not in stored[0].read_bytes()
    leave_out = tuple(trace.parent.glob(f"{trace.name}.*"))  # the test's own instrument
    assert files_with(photo.marker, searched(site), leave_out) == []


# Over the limit ---------------------------------------------------------------------------


@pytest.mark.daphne
def test_a_body_declared_over_the_limit_is_refused_before_it_is_sent(site):
    connection = socket.create_connection(("127.0.0.1", site.port), timeout=DEADLINE)
    try:
        connection.sendall(
            request_head(site, "x", length=settings.SCRUBROOM_REQUEST_MAX_BYTES + 1)[:-2]
            + b"Expect: 100-continue\r\n\r\n"
        )
        status, answer = read_response(connection)  # and then the connection is closed
    finally:
        connection.close()

    assert status == 413, answer  # not 100 Continue first


@pytest.mark.daphne
def test_a_chunked_body_over_the_limit_is_cut_off_with_413(site):
    """A chunked body declares no length: Daphne counts, and closes the connection on the
    client once past the limit, rather than read the rest (however much it is)."""
    piece = chunked(b"\0" * (1024 * 1024), size=1024 * 1024)
    # Far more than the socket buffers on both sides could take in after the server stops.
    endless = settings.SCRUBROOM_REQUEST_MAX_BYTES + 256 * 1024 * 1024
    connection = socket.create_connection(("127.0.0.1", site.port), timeout=DEADLINE)
    sent, cut_off = 0, False
    try:
        connection.sendall(request_head(site, "x", length=None))
        try:
            while sent < endless:
                connection.sendall(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            cut_off = True
        status, answer = read_response(connection)
    finally:
        connection.close()

    assert status == 413, answer
    assert cut_off, f"the server read {sent} bytes on"


# The request class and its body, in this process ------------------------------------------


class Probe(InMemoryWebRequest):
    """The request as Twisted's channel drives it, stopping where Daphne would take over."""

    def process(self) -> None:
        self.processed = True


def drive(raw: bytes) -> tuple[Probe, StringTransport]:
    """Feed `raw` to a real Twisted HTTP channel whose requests are Probes."""
    channel = http.HTTPChannel()
    channel.requestFactory = Probe
    channel.factory = SimpleNamespace(  # what Daphne's request asks of its server
        server=SimpleNamespace(
            protocol_connected=lambda _: None, protocol_disconnected=lambda _: None
        )
    )
    transport = StringTransport()
    channel.makeConnection(transport)
    channel.dataReceived(raw)
    return channel.requests[-1], transport


def test_twisted_neither_spools_nor_parses_a_multipart_body():
    """Twisted would write this 300 KB body to a TemporaryFile and parse a copy of its file
    into `args`, which Daphne never reads."""
    content = os.urandom(300 * 1024)
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.jpg"\r\n\r\n'
        + content
        + b"\r\n--b--\r\n"
    )
    request, transport = drive(
        b"POST /uploads/ HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
        b"boundary=b\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    )

    assert request.processed
    assert isinstance(request.content, BodyBuffer)
    assert request.args == {}
    assert request.content.read() == body
    assert transport.value() == b""  # nothing answered yet: that is the application's


def test_a_body_declared_over_the_limit_gets_413_from_the_channel(settings):
    settings.SCRUBROOM_REQUEST_MAX_BYTES = 1000
    request, transport = drive(
        b"POST /uploads/ HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n"
        b"Expect: 100-continue\r\n\r\n" + b"x" * 1001
    )

    assert not getattr(request, "processed", False)
    assert transport.value().startswith(b"HTTP/1.1 413 ")
    assert b"100 Continue" not in transport.value()
    assert transport.disconnecting


def test_a_body_is_read_once_in_exact_pieces_and_let_go():
    buffer = BodyBuffer()
    for piece in (b"a" * 5000, b"b" * 70000, b"c" * 100):
        buffer.write(piece)
    assert buffer.tell() == 75100
    buffer.seek(0)

    pieces = [buffer.read(8192) for _ in range(10)]

    assert [len(piece) for piece in pieces] == [8192] * 9 + [1372]  # short only at the end
    assert b"".join(pieces) == b"a" * 5000 + b"b" * 70000 + b"c" * 100
    assert buffer.read(8192) == b""
    assert not buffer._chunks  # nothing kept once handed on
    with pytest.raises(io.UnsupportedOperation):
        buffer.seek(0)  # what was read is gone


def test_outside_daphne_install_changes_nothing():
    inmemory_bodies.install()

    assert http_protocol.WebRequest is not InMemoryWebRequest


# The settings that keep the spool in memory ----------------------------------------------


def ids(messages: list[Error]) -> list[str]:
    return [message.id for message in messages]


def test_the_real_settings_keep_bodies_in_memory():
    assert check_bodies_stay_in_memory(None) == []
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= settings.SCRUBROOM_REQUEST_MAX_BYTES


def test_a_spool_smaller_than_the_largest_body_is_scrubroom_e030(settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default

    assert ids(check_bodies_stay_in_memory(None)) == ["scrubroom.E030"]


def test_a_request_limit_below_the_image_limit_is_scrubroom_e031(settings):
    settings.SCRUBROOM_REQUEST_MAX_BYTES = settings.SCRUBROOM_UPLOAD_LIMITS["max_bytes"] - 1

    assert ids(check_bodies_stay_in_memory(None)) == ["scrubroom.E031"]


def test_djangos_own_upload_handlers_are_scrubroom_e032(settings):
    settings.FILE_UPLOAD_HANDLERS = [
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]

    assert ids(check_bodies_stay_in_memory(None)) == ["scrubroom.E032"]
