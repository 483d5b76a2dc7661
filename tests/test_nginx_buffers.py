"""nginx never writes a request body to disk (deploy/nginx.conf): read from the configuration,
checked by nginx itself, and watched while it passes a large upload on.

By default nginx reads a body of more than 16 KB into a temporary file before passing it on.
Every location that proxies must stream the body instead (proxy_request_buffering off), or
keep the largest body it accepts in memory; nowhere may a body be forced into a file.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import free_port

CONFIG = Path(settings.BASE_DIR) / "deploy" / "nginx.conf"
HOST = "forum.test"
STARTUP_DEADLINE = 30.0  # seconds


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None
    line: int = 0
    parent: Directive | None = field(default=None, repr=False)


# A comment, a quoted string, a brace or semicolon, or a word (which may hold ${variable}).
TOKEN = re.compile(
    r"""#[^\n]*|"(?:\\.|[^"])*"|'(?:\\.|[^'])*'|[{};]|(?:\$\{[^}]*\}|[^\s{};"'#])+"""
)


def parse(text: str) -> list[Directive]:
    """nginx's configuration syntax: directives ending in `;`, blocks in braces, # comments."""
    root: list[Directive] = []
    stack: list[tuple[list[Directive], Directive | None]] = [(root, None)]
    words: list[str] = []
    for match in TOKEN.finditer(text):
        token = match.group()
        line = text.count("\n", 0, match.start()) + 1
        if token.startswith("#"):
            continue
        siblings, parent = stack[-1]
        if token in {";", "{"}:
            assert words, f"line {line}: {token!r} without a directive"
            directive = Directive(words[0], words[1:], line=line, parent=parent)
            siblings.append(directive)
            if token == "{":
                directive.block = []
                stack.append((directive.block, directive))
            words = []
        elif token == "}":
            assert not words and len(stack) > 1, f"line {line}: unbalanced '}}'"
            stack.pop()
        else:
            words.append(token.strip("\"'"))
    assert not words and len(stack) == 1, "the configuration ends inside a directive or block"
    return root


def walk(directives: list[Directive]) -> Iterator[Directive]:
    for directive in directives:
        yield directive
        if directive.block is not None:
            yield from walk(directive.block)


def effective(directive: Directive, name: str, default: str) -> str:
    """The value of `name` where `directive` is: its own block's, else the nearest enclosing
    block's (nginx's inheritance), else nginx's default."""
    scope: Directive | None = directive
    while scope is not None:
        for child in scope.block or []:
            if child.name == name:
                return child.args[0]
        scope = scope.parent
    return default


def size(value: str) -> int:
    units = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * units[unit.lower()]


@pytest.fixture(scope="module")
def config() -> list[Directive]:
    return parse(CONFIG.read_text())


def proxied_locations(config: list[Directive]) -> list[Directive]:
    return [
        directive
        for directive in walk(config)
        if directive.name == "location"
        and any(child.name == "proxy_pass" for child in directive.block or [])
    ]


def test_the_configuration_proxies_the_site_and_its_websockets(config):
    # Not vacuous: the rules below are about these locations.
    assert {" ".join(location.args) for location in proxied_locations(config)} == {"/", "/ws/"}


def test_every_proxied_location_streams_bodies_or_keeps_them_in_memory(config):
    for location in proxied_locations(config):
        streams = effective(location, "proxy_request_buffering", "on") == "off"
        in_memory = size(effective(location, "client_body_buffer_size", "16k")) >= size(
            effective(location, "client_max_body_size", "1m")
        )
        assert streams or in_memory, (
            f"location {' '.join(location.args)} (line {location.line}) writes bodies over "
            f"{effective(location, 'client_body_buffer_size', '16k')} to a temporary file"
        )
        if streams:
            # Without HTTP/1.1 to the upstream, nginx buffers a chunked body regardless.
            assert effective(location, "proxy_http_version", "1.0") == "1.1", location.line


def test_no_body_is_ever_forced_into_a_file(config):
    forced = [
        f"line {directive.line}: {directive.name} {' '.join(directive.args)}"
        for directive in walk(config)
        if directive.name == "client_body_in_file_only" and directive.args != ["off"]
    ]
    assert forced == []


def test_nginx_refuses_what_daphne_would_refuse_first(config):
    """nginx's limit is no higher than Daphne's (settings.SCRUBROOM_REQUEST_MAX_BYTES), so
    the 413 a browser gets is nginx's, before any byte of the body reaches Python, and above
    the image limit, so that an image Django would take gets there."""
    for location in proxied_locations(config):
        limit = size(effective(location, "client_max_body_size", "1m"))
        assert settings.SCRUBROOM_UPLOAD_LIMITS["max_bytes"] < limit
        assert limit <= settings.SCRUBROOM_REQUEST_MAX_BYTES


# nginx itself, on the configuration rendered as the nginx image renders it ----------------


def nginx() -> str:
    path = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(path, os.X_OK):
        message = "needs Debian's nginx (deploy/debian-packages.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def render(folder: Path, *, port: int, upstream: int, site=None) -> Path:
    """deploy/nginx.conf with what the nginx image and docker-compose.yml supply (the host
    name, the app processes) pointed at loopback, and every path nginx writes inside
    `folder`, inside the main configuration the image wraps it in. `site` may change the
    text first."""
    text = CONFIG.read_text()
    if site is not None:
        text = site(text)
    for old, new in {
        "${SCRUBROOM_HOST}": HOST,
        "server app1:8000": f"server 127.0.0.1:{upstream}",
        "server app2:8000": f"server 127.0.0.1:{upstream}",
        "listen 80 default_server;": f"listen 127.0.0.1:{port} default_server;",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "/var/log/nginx/access.log": str(folder / "access.log"),
    }.items():
        assert old in text, f"deploy/nginx.conf no longer has {old!r}: update render()"
        text = text.replace(old, new)
    (folder / "site.conf").write_text(text)
    temp = {name: folder / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    main = folder / "nginx.conf"
    main.write_text(
        # As root, workers would otherwise run as nobody, who cannot use these folders.
        ("user root;\n" if os.geteuid() == 0 else "") + f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} info;\n"
        "worker_processes 1;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        f"    client_body_temp_path {temp['client_body']};\n"
        f"    proxy_temp_path {temp['proxy']};\n"
        f"    fastcgi_temp_path {temp['fastcgi']};\n"
        f"    uwsgi_temp_path {temp['uwsgi']};\n"
        f"    scgi_temp_path {temp['scgi']};\n"
        f"    include {folder / 'site.conf'};\n"
        "}\n"
    )
    return main


def test_nginx_accepts_the_configuration(tmp_path):
    main = render(tmp_path, port=free_port(), upstream=free_port())
    result = subprocess.run(
        [nginx(), "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr


class Upstream(BaseHTTPRequestHandler):
    """Daphne's stand-in: reads the whole body (by length or in chunks), answers with its
    size."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.answer(200, b"ok")

    def do_POST(self) -> None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            received = 0
            while chunk := int(self.rfile.readline().split(b";")[0], 16):
                received += len(self.rfile.read(chunk))
                self.rfile.readline()
            while self.rfile.readline() not in {b"\r\n", b"\n", b""}:
                pass  # trailers
        else:
            received = len(self.rfile.read(int(self.headers["Content-Length"])))
        self.answer(201, str(received).encode())

    def answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def upstream() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def written_paths(trace: Path, since: float) -> list[str]:
    """Files opened for writing or created, in a `strace -f -ttt` log, from `since` on."""
    call = re.compile(r"^\d+\s+(?P<at>\d+\.\d+) (?P<name>open|openat|openat2|creat)\((?P<args>.*)")
    writes = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND|O_TMPFILE")
    found = []
    for line in trace.read_text(errors="replace").splitlines():
        match = call.match(line)
        if not match or float(match["at"]) < since:
            continue
        if match["name"] == "creat" or writes.search(match["args"]):
            found.append(line)
    return found


def send(port: int, body: bytes, *, chunked: bool) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Host": HOST, "Content-Type": "application/octet-stream"}
        if chunked:
            pieces = (body[i : i + 65536] for i in range(0, len(body), 65536))
            connection.request("POST", "/uploads/", pieces, headers, encode_chunked=True)
        else:
            connection.request("POST", "/uploads/", body, headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class Passage:
    """What nginx did with one upload: its answer, the files it opened for writing meanwhile,
    what is left in its body folder, and its error log."""

    status: int
    answer: bytes
    written: list[str]
    left: list[Path]
    errors: str


def upload_through_nginx(folder: Path, body: bytes, *, chunked: bool, site=None) -> Passage:
    """One upload through nginx on the rendered configuration, run under strace (-f: the
    master and its workers; -ttt: when, to leave out the log files opened at start)."""
    if shutil.which("strace") is None:
        message = "needs strace (deploy/debian-packages.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    binary = nginx()
    port = free_port()
    trace = folder / "nginx.strace"
    with upstream() as upstream_port:
        main = render(folder, port=port, upstream=upstream_port, site=site)
        tracer = subprocess.Popen(
            [
                *("strace", "-f", "-qq", "-ttt", "-e", "trace=open,openat,openat2,creat"),
                *("-o", str(trace), binary, "-p", str(folder), "-e", str(folder / "error.log")),
                *("-c", str(main), "-g", "daemon off;"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + STARTUP_DEADLINE
            while True:  # until a worker answers, through to the upstream
                assert tracer.poll() is None, tracer.stderr.read().decode(errors="replace")
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                try:
                    connection.request("GET", "/healthz", headers={"Host": HOST})
                    if connection.getresponse().status == 200:
                        break
                except (OSError, http.client.HTTPException):
                    pass  # not listening yet
                finally:
                    connection.close()
                assert time.monotonic() < deadline, (folder / "error.log").read_text()
                time.sleep(0.05)  # poll interval while waiting for the port, not synchronisation
            started = time.time()
            status, answer = send(port, body, chunked=chunked)
        finally:
            # Ends nginx, and with it strace, which then writes out the rest of its log.
            with contextlib.suppress(FileNotFoundError, ValueError, ProcessLookupError):
                os.kill(int((folder / "nginx.pid").read_text()), signal.SIGTERM)
            try:
                tracer.wait(timeout=30)
            except subprocess.TimeoutExpired:
                tracer.kill()
                tracer.wait()
    return Passage(
        status,
        answer,
        written_paths(trace, since=started),
        list((folder / "client_body").rglob("*")),
        (folder / "error.log").read_text(),
    )


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_large_upload_passes_through_nginx_without_a_file(tmp_path, chunked):
    """Buffered, the body would go to a file in client_body_temp_path, unlinked at once:
    only the system calls show it."""
    body = os.urandom(6 * 1024 * 1024)

    passage = upload_through_nginx(tmp_path, body, chunked=chunked)

    assert (passage.status, passage.answer) == (201, str(len(body)).encode()), passage.errors
    assert passage.written == []
    assert passage.left == []
    assert "buffered to a temporary file" not in passage.errors


def test_the_watch_sees_a_body_nginx_buffers(tmp_path):
    """With request buffering back on, the same watch sees the file: the test above can fail."""
    body = os.urandom(6 * 1024 * 1024)

    passage = upload_through_nginx(
        tmp_path,
        body,
        chunked=False,
        site=lambda text: text.replace(
            "proxy_request_buffering off;", "proxy_request_buffering on;"
        ),
    )

    assert passage.status == 201, passage.errors
    assert any(str(tmp_path / "client_body") in line for line in passage.written), passage.written
    assert "buffered to a temporary file" in passage.errors
