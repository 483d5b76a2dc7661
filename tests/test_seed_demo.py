"""The demo cast exists only when asked for, and only while developing."""

from __future__ import annotations

import io
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from members.models import Application, User
from tests.conftest import totp_code


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="never in production"):
        call_command("seed_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_prints_a_working_login_for_each_of_the_cast(settings, client):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    rows = re.findall(
        r"(admin|moderator|member|applicant)\s+(\S+)\s+password: (\S+)(?:\s+TOTP secret: (\w+))?",
        out.getvalue(),
    )
    assert [row[0] for row in rows] == ["admin", "moderator", "member", "member", "applicant"]

    users = {row[1]: User.objects.get(email=row[1]) for row in rows}
    kinds = {row[0]: users[row[1]] for row in rows}
    assert kinds["admin"].is_admin and kinds["moderator"].is_moderator
    assert kinds["applicant"].status == User.Status.APPLICANT
    assert Application.objects.get(user=kinds["applicant"]).status == Application.Status.PENDING
    specialties = {users[row[1]].profile.specialty_id for row in rows if row[0] == "member"}
    assert len(specialties) == 2

    # Staff have TOTP enrolled with the printed secret, and sign in with password + code.
    admin_row = rows[0]
    assert Authenticator.objects.filter(user=kinds["admin"], type="totp").exists()
    response = client.post("/accounts/login/", {"login": admin_row[1], "password": admin_row[2]})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(admin_row[3])})
    assert response.status_code == 302
    assert client.get("/staff/applications/").status_code == 200


@pytest.mark.django_db
def test_seeding_twice_keeps_the_totp_secret(settings):
    settings.DEBUG = True
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    secrets = [re.findall(r"TOTP secret: (\w+)", out.getvalue()) for out in (first, second)]
    assert secrets[0] == secrets[1] and len(secrets[0]) == 2
    assert User.objects.count() == 5


@pytest.mark.django_db
def test_the_demo_has_threads_to_read_once(settings, client):
    from forum.models import Case, PostState

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # not duplicated on a second run
    cases = Case.objects.order_by("pk")
    assert cases.count() == 2
    assert {case.state for case in cases} == {PostState.PUBLISHED}  # the screen let them pass
    first = cases[0]
    assert first.reply_count == 2 and first.status == Case.Status.ANSWERED
    client.force_login(User.objects.get(email="bob@demo.example"))
    page = client.get(f"/cases/{first.pk}/").content.decode()
    assert "Marked helpful by the author" in page
