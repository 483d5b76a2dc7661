"""Security events are logged as JSON lines, with ids and route names, never personal data
(issue 17)."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from tests.conftest import PASSWORD


@pytest.fixture
def security_events(caplog):
    caplog.set_level(logging.INFO, logger="scrubroom.security")

    def read() -> list[dict]:
        return [
            json.loads(record.getMessage())
            for record in caplog.records
            if record.name == "scrubroom.security"
        ]

    return read


def test_sign_in_failure_and_success_are_logged_without_the_address(
    client, alice, security_events, caplog
):
    client.post("/accounts/login/", {"login": alice.email, "password": "not it at all"})
    client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    events = security_events()
    assert [e["event"] for e in events if e["event"].startswith("sign_in")] == [
        "sign_in_failed",
        "sign_in",
    ]
    assert events[-1]["user"] == alice.pk and events[-1]["request_id"]
    assert alice.email not in caplog.text


def test_a_wrong_second_factor_code_is_logged(client, erin, security_events):
    client.post("/accounts/login/", {"login": erin.email, "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    failed = [e for e in security_events() if e["event"] == "mfa_failed"]
    assert failed and failed[0]["user"] == erin.pk


def test_a_permission_refusal_is_one_line_with_the_route_and_no_traceback(
    client_for, alices_case, bob, security_events, caplog
):
    caplog.set_level(logging.INFO)
    response = client_for(bob).get(f"/cases/{alices_case.pk}/edit/")
    assert response.status_code == 403
    events = security_events()
    refusals = [e for e in events if e["event"] == "permission_refused"]
    assert len(refusals) == 1, events
    (refused,) = refusals
    assert refused == {
        "event": "permission_refused",
        "request_id": response["X-Request-ID"],
        "user": bob.pk,
        "route": "case_edit",
    }
    # What the deployment's console handler lets through: the event, and no Django
    # duplicate with the exception's traceback.
    (console,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    written = [record for record in caplog.records if console.filter(record)]
    assert any("permission_refused" in record.getMessage() for record in written)
    assert not any(record.name == "django.request" for record in written)
    assert not any(record.exc_info or record.exc_text for record in written)


def test_role_changes_and_slowed_sign_ins_are_logged(
    alice, erin, hernia, security_events, caplog, committing
):
    from members.actions import grant_moderator, revoke_moderator

    with committing():
        grant_moderator(alice, hernia, by=erin, reason="Covers the hernia board")
    with committing():
        revoke_moderator(alice, hernia, by=erin, reason="Stepped down")
    changes = [e for e in security_events() if e["event"] == "account_change"]
    assert [(e["action"], e["actor"], e["target"]) for e in changes] == [
        ("role.grant_moderator", erin.pk, alice.pk),
        ("role.revoke_moderator", erin.pk, alice.pk),
    ]
    assert "Stepped down" not in caplog.text  # staff's free text stays in the audit log
    for n in range(6):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(
            "/accounts/login/", {"login": alice.email, "password": "not it at all"}
        )
    kinds = [e["event"] for e in security_events()]
    assert "sign_in_account_slowed" in kinds and "sign_in_slowed" in kinds
    assert alice.email not in caplog.text


def test_password_and_email_changes_and_quotas_are_logged(
    client_for, alice, security_events, caplog, settings
):
    from tests.conftest import signed_in

    client = signed_in(alice)
    new = "hepatic-flexure-ferry-42"
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    client.post("/accounts/reauthenticate/", {"password": new})
    response = client.post(
        "/accounts/email/", {"action_add": "", "email": "alice.second@hospital.example"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    settings.SCRUBROOM_QUOTAS = {**settings.SCRUBROOM_QUOTAS, "search": 0}
    client.get("/search/", {"q": "mesh"})
    kinds = {(e["event"], e.get("user")) for e in security_events()}
    assert {("password_changed", alice.pk), ("email_added", alice.pk)} <= kinds
    assert ("quota_reached", alice.pk) in kinds
    assert "alice.second" not in caplog.text and new not in caplog.text


def test_log_lines_start_with_the_time_in_utc():
    import logging
    import re

    from scrubroom.logs import UTCFormatter

    formatter = UTCFormatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    record = logging.LogRecord("scrubroom.security", logging.INFO, "", 0, "x", None, None)
    record.created = 0.0
    assert formatter.format(record) == "1970-01-01T00:00:00Z x"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ x", formatter.format(record))
