"""Live threads over a real Daphne process on loopback, with real websocket clients.

The server runs production settings on its own SQLite file; the cast is made in that
database by a subprocess, as an operator's shell would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.live_scenario import run_live_thread
from tests.servers import daphne

pytestmark = pytest.mark.daphne

SETUP = """
import json
from django.conf import settings
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone
from forum import actions
from forum.models import Specialty
from members.models import Profile, User

hernia = Specialty.objects.get(slug="hernia-and-abdominal-wall")
sessions = {}
for name in ("alice", "bob", "chen"):
    user = User.objects.create_user(
        f"{name}@hospital.example", "correct horse battery staple",
        status="verified", verified_at=timezone.now(),
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Profile.objects.create(
        user=user, full_name=name.title() + " Surgeon", professional_role="consultant",
        specialty=hernia, institution="Royal Infirmary", country="UK",
        registration_body="GMC", licence_number="LIC-" + name,
    )
    client = Client()
    client.force_login(user)
    sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
case = actions.create_case(
    User.objects.get(email="alice@hospital.example"), specialty=hernia,
    data={
        "title": "Mesh overlap in a lateral defect", "age_band": "40-64",
        "presentation": "Lateral incisional hernia.", "investigations": "CT: 5 cm defect.",
        "plan": "Laparoscopic IPOM.", "question": "How much overlap at the costal margin?",
        "consent_basis": "consented",
    },
)
print(json.dumps({"case": case.pk, "sessions": sessions}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "SCRUBROOM_DATABASE_URL": f"sqlite:///{tmp / 'live.sqlite3'}",
        "SCRUBROOM_ALLOWED_HOSTS": "127.0.0.1,testserver",
    }
    env.pop("SCRUBROOM_REDIS_URL", None)  # one process: the in-memory layer is enough
    for command in (["manage.py", "migrate", "--noinput"], ["manage.py", "shell", "-c", SETUP]):
        result = subprocess.run(
            [sys.executable, *command],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    cast = json.loads(result.stdout.strip().splitlines()[-1])
    with daphne(env, tmp / "daphne.log") as running:
        yield running, cast


def test_a_reply_reaches_a_live_viewer_and_a_late_one_catches_up(server):
    running, cast = server
    run_live_thread(
        post_port=running.port,
        watch_port=running.port,
        case_id=cast["case"],
        sessions=cast["sessions"],
    )


def test_hostile_messages_get_an_answer_or_the_sockets_own_close_code(server):
    """Through real Daphne: a resume from 1e999 is answered with an error and the socket
    stays usable; an oversized message closes with the site's own code (4009), never the
    protocol error Daphne gives for a code a server may not send (1009)."""
    from websockets.exceptions import ConnectionClosed

    from tests.servers import Viewer

    running, cast = server
    viewer = Viewer(running.port, cast["case"], cast["sessions"]["bob"])
    try:
        viewer.socket.send('{"type": "resume", "after": 1e999}')
        assert viewer.receive("error")["error"] == "after must be a whole number"
        viewer.send({"type": "ping"})
        assert viewer.receive("pong") == {"type": "pong"}
        viewer.socket.send("x" * 5000)
        with pytest.raises(ConnectionClosed) as closed:
            viewer.receive("pong", timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4009
    finally:
        viewer.close()


def test_the_logs_of_a_journey_hold_no_word_a_member_typed_or_searched(server):
    """Through real Daphne, as deployed: a reply posted and a search made leave access lines
    with paths, statuses and request ids, and never the words themselves."""
    from tests.servers import Browser

    running, cast = server
    bob = Browser()
    bob.cookies[settings.SESSION_COOKIE_NAME] = cast["sessions"]["bob"]
    words = "Zqxjv Mrs Patient Jones DOB 01/02/1950"
    status, _headers, _body = bob.get(running.port, f"/search/?q={words.replace(' ', '+')}")
    assert status == 200
    status, headers, _body = bob.post(
        running.port,
        f"/cases/{cast['case']}/replies/",
        {"body": "Zqxjv: I would try a wider overlap here."},
    )
    assert status == 302 and len(headers["X-Request-ID"]) == 32
    log = running.log()
    assert "Zqxjv" not in log and "Jones" not in log and "1950" not in log
    lines = [
        json.loads(line.split("] ", 1)[1])
        for line in log.splitlines()
        if "scrubroom.access" in line
    ]
    searched = [line for line in lines if line["path"] == "/search/"]
    assert searched and searched[-1]["status"] == 200 and searched[-1]["user"] is not None
    assert any(line["request_id"] == headers["X-Request-ID"] for line in lines)
