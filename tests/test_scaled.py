"""The scaled deployment: two Daphne processes on one PostgreSQL, Redis and S3 store.

Runs in `make test-scaled` (deploy/test-scaled.sh), which starts the stores on loopback;
elsewhere it is skipped, and with SCRUBROOM_TEST_SCALED=1 a missing store is a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from members.models import CredentialDocument, User
from tests.conftest import PASSWORD
from tests.live_scenario import run_live_thread
from tests.servers import Browser, daphne, shared_database_url

# Committed data, so the processes see it; the seeded specialties are restored after each test.
pytestmark = [pytest.mark.daphne, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.7\nscan stored through process A\n%%EOF\n"


def require_scaled_stack() -> None:
    stack = {
        "PostgreSQL": connection.vendor == "postgresql",
        "Redis": bool(settings.REDIS_URL),
        "S3 storage": bool(settings.S3_BUCKET),
    }
    missing = [name for name, present in stack.items() if not present]
    if missing:
        message = f"needs {', '.join(missing)}: run `make test-scaled`"
        if os.environ.get("SCRUBROOM_TEST_SCALED") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(autouse=True)
def _real_password_hashes(settings) -> None:
    # The processes run production settings, which do not accept the suite's fast MD5 hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture(scope="module")
def environment(django_db_setup) -> dict[str, str]:
    """The suite's environment, pointed at the test database."""
    require_scaled_stack()
    return {**os.environ, "SCRUBROOM_DATABASE_URL": shared_database_url()}


@pytest.fixture(scope="module")
def processes(tmp_path_factory, environment):
    """Two Daphne processes on the test database, Redis and the S3 bucket."""
    env = environment
    tmp = tmp_path_factory.mktemp("scaled")
    # Each process runs the start-up checks, the stores' reported regions included.
    with daphne(env, tmp / "a.log") as a, daphne(env, tmp / "b.log") as b:
        yield a, b


def test_a_session_started_on_one_process_is_valid_on_the_other(processes, alice):
    a, b = processes
    browser = Browser()
    browser.sign_in(a.port, alice)
    status, _, body = browser.get(b.port, "/")
    assert status == 200, b.log()
    assert b"Sign out" in body


def test_failed_sign_ins_are_counted_across_processes(processes, alice):
    # Five failures lock the account (allauth's limit); with a per-process cache, alternating
    # between two processes would count only three on either.
    a, b = processes
    for attempt in range(5):
        port = (a, b)[attempt % 2].port
        status, _, _ = Browser().post(
            port, "/accounts/login/", {"login": alice.email, "password": "wrong password"}
        )
        assert status in {200, 429}
    status, _, _ = Browser().post(
        b.port, "/accounts/login/", {"login": alice.email, "password": PASSWORD}
    )
    assert status != 302, "the right password got in although the account was locked"


def test_a_file_stored_through_one_process_is_served_by_the_other(processes, make_member, erin):
    a, b = processes
    carol = make_member("Carol Jensen", status=User.Status.APPLICANT)
    applicant = Browser()
    applicant.sign_in(a.port, carol)
    status, _, _ = applicant.post_multipart(
        a.port,
        "/membership/apply/",
        {
            "full_name": "Carol Jensen",
            "professional_role": "consultant",
            "specialty": str(carol.profile.specialty_id),
            "institution": "Royal Infirmary",
            "country": "United Kingdom",
            "registration_body": "GMC",
            "licence_number": "GMC-7654321",
        },
        {"documents": ("licence.pdf", PDF, "application/pdf")},
    )
    assert status == 302, a.log()
    document = CredentialDocument.objects.get(application__user=carol)
    admin = Browser()
    admin.sign_in(b.port, erin)
    status, _, body = admin.get(
        b.port, f"/staff/applications/{document.application_id}/documents/{document.pk}/"
    )
    assert status == 200, b.log()
    assert body == PDF


def test_residency_report_confirms_postgresql_and_the_buckets(environment):
    result = subprocess.run(
        [sys.executable, "manage.py", "residency_report", "--json"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    stores = {store["key"]: store for store in json.loads(result.stdout)["stores"]}
    region = settings.SCRUBROOM_REGION
    # Observed, not just declared: the server's setting and the buckets' locations.
    assert stores["database"]["observed"] == region
    assert stores["media"]["observed"] == region
    assert stores["backups"]["observed"] == region
    assert stores["redis"]["backend"] == "Redis"


def test_a_reply_posted_through_one_process_reaches_a_viewer_on_the_other(
    processes, make_member, make_case
):
    # Live updates cross processes through Redis; catch-up comes from PostgreSQL.
    from django.test import Client

    a, b = processes
    cast = {name: make_member(f"{name.title()} Surgeon") for name in ("alice", "bob", "chen")}
    case = make_case(cast["alice"], title="Mesh overlap in a lateral defect")
    sessions = {}
    for name, member in cast.items():
        client = Client()
        client.force_login(member)
        sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
    run_live_thread(post_port=a.port, watch_port=b.port, case_id=case.pk, sessions=sessions)
