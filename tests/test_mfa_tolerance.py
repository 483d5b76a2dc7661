"""A TOTP code from the step that just ended is taken (a surgeon types it as it turns over),
once; an older one is not."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal import auth
from django.test import Client

from tests.conftest import PASSWORD, TOTP_SECRET

NOW = 1_796_000_015  # a fixed instant, 15 s into its 30-second step


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch):
    # allauth reads the clock as time.time(); fixed, the step cannot turn during a test.
    monkeypatch.setattr(auth.time, "time", lambda: NOW)


def _code(steps_ago: int) -> str:
    return auth.format_hotp_value(auth.hotp_value(TOTP_SECRET, NOW // 30 - steps_ago))


def _second_factor(user, code: str) -> int:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    return client.post("/accounts/2fa/authenticate/", {"code": code}).status_code


def test_the_previous_steps_code_is_taken_once(erin):
    code = _code(1)
    assert _second_factor(erin, code) == 302
    assert _second_factor(erin, code) == 200  # replayed: refused


def test_a_code_two_steps_old_is_refused(erin):
    assert _second_factor(erin, _code(2)) == 200
