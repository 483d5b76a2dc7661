"""A Daphne process's memory under a burst of uploads: 10 members' browsers each sending a
5.6 MB photo at the same moment.

    .venv/bin/python bench/upload_memory.py [--uploads 10] [--rounds 1]

Starts `daphne scrubroom.asgi:application` on loopback with production settings (DEBUG off,
its own SQLite file and private media folder), signs a member in, and reads the server
process's resident set (/proc/<pid>/status) when idle. It then resets the high-water mark
(`5` into /proc/<pid>/clear_refs), fires the uploads at once and reads VmHWM, the peak
during the burst, and VmRSS once all are answered: the first is what a burst costs, the
second whether the memory went back. An upload told busy (503 with `retry`, as
uploads/pipeline.py answers when every scrub slot stays taken) is sent again after its
Retry-After, as the page's widget does (static/js/uploads.js), and counted.

Only the Daphne process is measured: the scrub itself runs in a worker process of its own,
with its own limit (bench/scrub.py measures that). Goal: peak ≤ 300 MB above idle. The last
line is the headline.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable

from uploads.findings import hides_markup  # noqa: E402  (pure Pillow: no Django set up)

GOAL_MB = 300
# The widget's own number of attempts for a busy scrubber (static/js/uploads.js).
MAX_ATTEMPTS = 5

SETUP = """
import json
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.utils import timezone
from forum.models import Specialty
from members.models import Profile, User

user = User.objects.create_user(
    "uploader@bench.example", "bench password not used",
    status="verified", verified_at=timezone.now(),
)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
Profile.objects.create(
    user=user, full_name="Uploader", professional_role="consultant",
    specialty=Specialty.objects.get(slug="hernia-and-abdominal-wall"),
    institution="Bench", country="UK", registration_body="GMC", licence_number="bench",
)
client = Client()
client.force_login(user)
print(json.dumps({"session": client.cookies[settings.SESSION_COOKIE_NAME].value}))
"""
# The servers run production settings: cookies carry the __Host- prefix (scrubroom/settings.py).
SESSION_COOKIE, CSRF_COOKIE = "__Host-sessionid", "__Host-csrftoken"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(folder: Path) -> dict[str, str]:
    # The allocator's own settings pass through, to compare them (GLIBC_TUNABLES=...).
    env = {
        name: value
        for name, value in os.environ.items()
        if name in {"PATH", "HOME", "GLIBC_TUNABLES"} or name.startswith("MALLOC_")
    }
    region = "bench"
    env.update(
        SCRUBROOM_SECRET_KEY="bench-only-" + "x" * 50,
        SCRUBROOM_REGION=region,
        SCRUBROOM_ALLOWED_HOSTS="127.0.0.1,testserver",
        SCRUBROOM_EMAIL_HOST="smtp.invalid",
        SCRUBROOM_SSL_REDIRECT="0",
        SCRUBROOM_DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        SCRUBROOM_PRIVATE_MEDIA_ROOT=str(folder / "private"),
        SCRUBROOM_STATIC_ROOT=str(folder / "static"),
        SCRUBROOM_BACKUP_TARGET=str(folder / "backups"),
        SCRUBROOM_MFA_KEYS="ipDoB-gUzC8bi7E--_QkWYfjc1rZudXPblaGlHqGpB8=",  # bench-only key
        SCRUBROOM_LOG_LEVEL="WARNING",
        # Generous: a member's burst is what is measured, not the hourly quota.
        SCRUBROOM_QUOTA_UPLOADS="10000",
        PYTHONDONTWRITEBYTECODE="1",
        **{
            f"SCRUBROOM_{store}_REGION": region
            for store in ("DATABASE", "MEDIA", "REDIS", "EMAIL", "BACKUP")
        },
    )
    return env


@contextmanager
def server(env: dict[str, str], folder: Path):
    """(port, pid) of `daphne scrubroom.asgi:application`, as the Dockerfile runs it."""
    port = free_port()
    log = (folder / "daphne.log").open("w")
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "daphne",
            "--access-log",
            "/dev/null",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "scrubroom.asgi:application",
        ],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"Daphne did not start; see {log.name}") from None
                time.sleep(0.1)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def photo(megabytes: float = 5.6) -> bytes:
    """A 12 MP photo-like JPEG (gradients and sensor noise) of about `megabytes`: noise
    is what makes a phone's JPEG large. Quality is searched, so the size holds across
    Pillow versions. Random bytes spell `<svg` now and then, which the scrubber rightly
    refuses as a polyglot: such a draw is made again."""
    while True:
        data = _noisy_photo(megabytes)
        if not hides_markup(data, "jpeg"):
            return data


def _noisy_photo(megabytes: float) -> bytes:
    size = (4000, 3000)
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge(
        "RGB",
        (gradient, Image.effect_noise(size, 30), gradient.transpose(Image.Transpose.ROTATE_180)),
    )
    target = megabytes * 1e6
    low, high, best = 50, 98, b""
    while low <= high:  # the quality whose file comes closest to the target
        quality = (low + high) // 2
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
        if not best or abs(out.tell() - target) < abs(len(best) - target):
            best = out.getvalue()
        low, high = (quality + 1, high) if out.tell() < target else (low, quality - 1)
    return best


def memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak since the last reset) in bytes."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            fields[name] = int(value.split()[0]) * 1024
    return fields


class Member:
    """A signed-in browser: the session cookie, and the CSRF cookie from a page."""

    def __init__(self, port: int, session: str) -> None:
        self.port = port
        self.cookies = {SESSION_COOKIE: session}
        status, _, _ = self.request("GET", "/cases/new/")
        assert status == 200 and CSRF_COOKIE in self.cookies, status

    def request(self, method: str, path: str, body: bytes | None = None, **headers):
        headers["Host"] = "127.0.0.1"
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers, content

    def upload(self, data: bytes) -> tuple[int, int]:
        """(final status, times told busy), retrying a busy answer as the widget does."""
        boundary = uuid.uuid4().hex
        body = b"".join(
            [
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="IMG_0001.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode(),
                data,
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRFToken": self.cookies[CSRF_COOKIE],
        }
        busy = 0
        while True:
            status, response_headers, content = self.request("POST", "/uploads/", body, **headers)
            if not (status == 503 and json.loads(content or b"{}").get("retry")):
                return status, busy
            busy += 1
            if busy == MAX_ATTEMPTS:
                return status, busy  # the widget gives up here too
            # As the browser does: wait as long as the server asked before sending again.
            time.sleep(float(response_headers.get("Retry-After") or 2))


def burst(member: Member, data: bytes, uploads: int) -> tuple[list[int], int, float]:
    """(final statuses, busy answers, seconds) for `uploads` sent at the same moment."""
    results: list[tuple[int, int]] = []
    lock = threading.Lock()
    start = threading.Barrier(uploads)

    def send() -> None:
        start.wait()
        outcome = member.upload(data)
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=send) for _ in range(uploads)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (
        [status for status, _ in results],
        sum(b for _, b in results),
        (time.perf_counter() - started),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uploads", type=int, default=10, help="uploads sent at once")
    parser.add_argument("--rounds", type=int, default=1, help="bursts, one after the other")
    parser.add_argument("--slots", type=int, help="SCRUBROOM_SCRUBS_PER_PROCESS (default: 2)")
    parser.add_argument("--wait", type=int, help="SCRUBROOM_SCRUB_WAIT_SECONDS (default: 10)")
    args = parser.parse_args()
    data = photo()
    print(f"input: 4000x3000 JPEG, {len(data) / 1e6:.1f} MB; {args.uploads} at once")
    folder = Path(tempfile.mkdtemp(prefix="scrubroom-upload-memory-"))
    try:
        env = environment(folder)
        if args.slots is not None:
            env["SCRUBROOM_SCRUBS_PER_PROCESS"] = str(args.slots)
        if args.wait is not None:
            env["SCRUBROOM_SCRUB_WAIT_SECONDS"] = str(args.wait)
        for command in (["manage.py", "migrate", "--noinput"], ["manage.py", "shell", "-c", SETUP]):
            result = subprocess.run(
                [PYTHON, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
            )
            if result.returncode:
                print(result.stdout + result.stderr)
                return 1
        session = json.loads(result.stdout.strip().splitlines()[-1])["session"]
        with server(env, folder) as (port, pid):
            member = Member(port, session)
            idle = memory(pid)["VmRSS"]
            print(f"idle RSS: {idle / 2**20:.0f} MB (signed in, no upload yet)")
            peaks, afters, statuses, busy = [], [], [], 0
            for number in range(1, args.rounds + 1):
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
                round_statuses, round_busy, seconds = burst(member, data, args.uploads)
                figures = memory(pid)
                peaks.append(figures["VmHWM"] - idle)
                afters.append(figures["VmRSS"] - idle)
                statuses += round_statuses
                busy += round_busy
                print(
                    f"burst {number}: {seconds:.1f} s, statuses {sorted(round_statuses)}, "
                    f"busy answers {round_busy}, peak {peaks[-1] / 2**20:.0f} MB above idle, "
                    f"after {afters[-1] / 2**20:.0f} MB above idle"
                )
        succeeded = statuses.count(201)
        print(
            f"uploads: {succeeded} of {len(statuses)} stored, {busy} busy answers retried, "
            f"{len(statuses) - succeeded} failed"
        )
        print(f"RSS after: {afters[-1] / 2**20:.0f} MB above idle")
        print(f"peak RSS above idle: {max(peaks) / 2**20:.0f} MB (goal ≤ {GOAL_MB} MB)")
        print(
            f"upload_memory: uploads={args.uploads} size={len(data) / 1e6:.1f}MB "
            f"peak={max(peaks) / 2**20:.0f}MB after={afters[-1] / 2**20:.0f}MB "
            f"stored={succeeded}/{len(statuses)} busy={busy} goal<={GOAL_MB}MB"
        )
    finally:
        if os.environ.get("UPLOAD_MEMORY_KEEP"):
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
