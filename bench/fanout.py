"""Live-thread fan-out: N viewers on one case, replies posted at a fixed rate.

    .venv/bin/python bench/fanout.py [--viewers 500] [--rates 1,10] [--seconds 8] [--redis URL]

Starts Daphne on loopback twice: Scrubroom (scrubroom.asgi, its own SQLite file, the in-memory
channel layer, or Redis with --redis) and, as the baseline, a bare websocket broadcaster
in plain ASGI (bench/bare_asgi.py), with the same clients and the same posting rates.
Latency is per viewer and per reply: from the moment the server announced the committed
reply (the event's `at`) to the moment the viewer's socket received it, on one clock.
Prints p50, p99, the share delivered and whether every viewer saw them in order; the last
line is the headline: `fanout: viewers=… rate=1/s p50=… p99=… delivered=…% ratio=…`
(ratio = Scrubroom p99 / bare p99).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

SETUP = """
import json
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.utils import timezone
from forum import actions
from forum.models import Specialty
from members.models import Profile, User

hernia = Specialty.objects.get(slug="hernia-and-abdominal-wall")
sessions = {}
for name in ("author", "viewer"):
    user = User.objects.create_user(
        f"{name}@bench.example", "bench password not used",
        status="verified", verified_at=timezone.now(),
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Profile.objects.create(
        user=user, full_name=name.title(), professional_role="consultant", specialty=hernia,
        institution="Bench", country="UK", registration_body="GMC", licence_number=name,
    )
    client = Client()
    client.force_login(user)
    sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
case = actions.create_case(
    User.objects.get(email="author@bench.example"), specialty=hernia,
    data={"title": "Fan-out", "age_band": "40-64", "presentation": "Bench.",
          "investigations": "None.", "plan": "None.", "question": "Fast?",
          "consent_basis": "consented"},
)
print(json.dumps({"case": case.pk, "sessions": sessions}))
"""
# The servers run production settings: cookies carry the __Host- prefix (scrubroom/settings.py).
SESSION_COOKIE, CSRF_COOKIE = "__Host-sessionid", "__Host-csrftoken"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(folder: Path, redis: str | None) -> dict[str, str]:
    env = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
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
        SCRUBROOM_LOG_LEVEL="WARNING",
        **{
            f"SCRUBROOM_{store}_REGION": region
            for store in ("DATABASE", "MEDIA", "REDIS", "EMAIL", "BACKUP")
        },
    )
    if redis:
        env["SCRUBROOM_REDIS_URL"] = redis
    return env


@contextmanager
def server(app: str, env: dict[str, str], folder: Path, name: str):
    port = free_port()
    log = (folder / f"{name}.log").open("w")
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
            app,
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
                    raise SystemExit(f"{name} did not start; see {log.name}") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


class Poster:
    """Posts replies as the author over one HTTP connection (CSRF and session cookies)."""

    def __init__(self, port: int, case_id: int | None, session: str | None) -> None:
        self.port, self.case_id = port, case_id
        self.cookies = {SESSION_COOKIE: session} if session else {}
        if case_id is not None:
            self.request("GET", f"/cases/{case_id}/")

    def request(self, method: str, path: str, body: bytes | None = None, **headers) -> int:
        headers["Host"] = "127.0.0.1"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status

    def post(self, number: int) -> None:
        if self.case_id is None:
            status = self.request("POST", "/post", b"")
            assert status == 204, status
            return
        form = urlencode(
            {"csrfmiddlewaretoken": self.cookies[CSRF_COOKIE], "body": f"Reply number {number}."}
        ).encode()
        status = self.request(
            "POST",
            f"/cases/{self.case_id}/replies/",
            form,
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302, status


async def viewer(
    url: str, headers: dict, ready: asyncio.Event, received: list, stop: asyncio.Event
):
    from websockets.asyncio.client import connect

    async with connect(url, additional_headers=headers, open_timeout=60, max_queue=None) as ws:
        ready.set()
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except TimeoutError:
                continue
            now = time.time()
            message = json.loads(raw)
            if message.get("type") == "event":
                received.append((message["event"]["id"], now - message["at"]))


async def measure(
    url: str, headers: dict, poster: Poster, viewers: int, rates: list[float], seconds: float
):
    stop = asyncio.Event()
    logs: list[list] = [[] for _ in range(viewers)]
    readies = [asyncio.Event() for _ in range(viewers)]
    tasks = []
    for index in range(viewers):  # connect in small waves, as pages load
        tasks.append(asyncio.create_task(viewer(url, headers, readies[index], logs[index], stop)))
        if index % 50 == 49:
            await asyncio.sleep(0.2)
    await asyncio.wait_for(asyncio.gather(*(ready.wait() for ready in readies)), timeout=120)
    await asyncio.sleep(2.0)  # presence announcements settle
    results = {}
    number = 0
    for rate in rates:
        for log in logs:
            log.clear()
        count = max(5, int(rate * seconds))
        started = time.monotonic()
        for step in range(count):
            number += 1
            await asyncio.to_thread(poster.post, number)
            pause = started + (step + 1) / rate - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
        await asyncio.sleep(3.0)  # let the last deliveries land
        latencies = [latency for log in logs for _, latency in log]
        ordered = all([i for i, _ in log] == sorted(i for i, _ in log) for log in logs)
        expected = count * viewers
        results[rate] = {
            "p50": statistics.median(latencies) if latencies else float("nan"),
            "p99": statistics.quantiles(latencies, n=100)[98]
            if len(latencies) > 1
            else float("nan"),
            "delivered": len(latencies) / expected,
            "ordered": ordered,
            "events": count,
        }
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=500)
    parser.add_argument("--rates", default="1,10")
    parser.add_argument("--seconds", type=float, default=6.0, help="posting time per rate")
    parser.add_argument("--redis", help="redis://… to use the Redis channel layer")
    args = parser.parse_args()
    rates = [float(rate) for rate in args.rates.split(",")]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    folder = Path(tempfile.mkdtemp(prefix="scrubroom-fanout-"))
    try:
        env = environment(folder, args.redis)
        for command in (["manage.py", "migrate", "--noinput"], ["manage.py", "shell", "-c", SETUP]):
            result = subprocess.run(
                [PYTHON, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
            )
            if result.returncode:
                print(result.stdout, result.stderr)
                return 1
        cast = json.loads(result.stdout.strip().splitlines()[-1])
        layer = "redis" if args.redis else "in-memory"
        print(f"fanout: {args.viewers} viewers, rates {args.rates}/s, layer {layer}")
        with server("scrubroom.asgi:application", env, folder, "scrubroom") as port:
            headers = {
                "Cookie": f"{SESSION_COOKIE}={cast['sessions']['viewer']}",
                "Origin": f"http://127.0.0.1:{port}",
            }
            poster = Poster(port, cast["case"], cast["sessions"]["author"])
            ours = asyncio.run(
                measure(
                    f"ws://127.0.0.1:{port}/ws/cases/{cast['case']}/",
                    headers,
                    poster,
                    args.viewers,
                    rates,
                    args.seconds,
                )
            )
        with server("bench.bare_asgi:application", env, folder, "bare") as port:
            poster = Poster(port, None, None)
            bare = asyncio.run(
                measure(
                    f"ws://127.0.0.1:{port}/ws/",
                    {"Origin": f"http://127.0.0.1:{port}"},
                    poster,
                    args.viewers,
                    rates,
                    args.seconds,
                )
            )
        lines = []
        for rate in rates:
            o, b = ours[rate], bare[rate]
            ms = {key: value * 1000 for key, value in o.items() if key in {"p50", "p99"}}
            bare_ms = {key: value * 1000 for key, value in b.items() if key in {"p50", "p99"}}
            print(
                f"rate {rate:g}/s: scrubroom p50={ms['p50']:.1f}ms p99={ms['p99']:.1f}ms "
                f"delivered={o['delivered']:.1%} ordered={o['ordered']} | "
                f"bare p50={bare_ms['p50']:.1f}ms p99={bare_ms['p99']:.1f}ms "
                f"delivered={b['delivered']:.1%}"
            )
            lines.append(
                f"fanout: viewers={args.viewers} rate={rate:g}/s layer={layer} "
                f"p50={ms['p50']:.0f}ms p99={ms['p99']:.0f}ms delivered={o['delivered']:.0%} "
                f"ordered={'yes' if o['ordered'] else 'no'} ratio={o['p99'] / b['p99']:.1f}"
            )
        for line in lines:
            print(line)
    finally:
        if os.environ.get("FANOUT_KEEP"):
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
