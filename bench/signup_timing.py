"""Sign-up's answer time for an address that has an account against one that has none, in the
same run, with the production password hasher (issue 17: before, 29 ms against 673 ms gave
away who is a member).

    .venv/bin/python bench/signup_timing.py [--runs N]

Each run posts the real sign-up form through Django's test client on a throwaway SQLite
database, alternating the two kinds. Goal: the ratio of the medians within 0.8-1.25. The
last line is the headline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_scratch = tempfile.mkdtemp(prefix="scrubroom-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrubroom.settings")
os.environ.setdefault("SCRUBROOM_DEBUG", "1")
os.environ["SCRUBROOM_DATABASE_URL"] = f"sqlite:///{_scratch}/bench.sqlite3"
os.environ["SCRUBROOM_ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from members.models import User  # noqa: E402

PASSWORD = "hepatic-flexure-ferry-42"  # noqa: S105 (a throwaway database)


def post(email: str, n: int) -> float:
    client = Client(REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}")
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    start = time.perf_counter()
    response = client.post("/accounts/signup/", data)
    elapsed = time.perf_counter() - start
    assert response.status_code == 302, (response.status_code, response.content[:300])
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    User.objects.create_user("member@hospital.example", PASSWORD)
    post("warm-up@hospital.example", 0)
    taken, new = [], []
    for n in range(1, runs + 1):
        taken.append(post("member@hospital.example", 2 * n))
        new.append(post(f"newcomer{n}@hospital.example", 2 * n + 1))
    hasher = settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1]
    print(f"hasher: {hasher}; {runs} sign-ups of each kind")
    print(f"address with an account: median {statistics.median(taken):7.1f} ms")
    print(f"address without one:     median {statistics.median(new):7.1f} ms")
    ratio = statistics.median(taken) / statistics.median(new)
    print(f"taken / new: {ratio:.2f} (goal 0.8-1.25)")


if __name__ == "__main__":
    main()
