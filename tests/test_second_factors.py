"""Accounts at the level a hospital security review expects (issue 17): a stolen session
cannot change the account's email or password, nor remove a second factor; staff keep one
while they hold a role; every factor change is audited; staff without a factor are told."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.test import Client

from audit.models import AuditEntry
from tests.conftest import PASSWORD, signed_in, totp_code


def test_a_session_must_reauthenticate_before_changing_email_or_password(alice):
    client = signed_in(alice)  # a session, as a thief holding its cookie would have it
    response = client.post("/accounts/email/", {"action_add": "", "email": "thief@evil.example"})
    assert "/accounts/reauthenticate/" in response["Location"]
    assert not alice.emailaddress_set.filter(email="thief@evil.example").exists()
    # The password changes only with the current one given (the form is its own check).
    new = "a new long passphrase 42"
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "a guess at it 1234", "password1": new, "password2": new},
    )
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_removing_totp_needs_a_fresh_second_factor_not_only_the_password(make_member, committing):
    member = make_member("Mia Member", mfa=True)
    client = Client()
    client.force_login(member)  # a session whose second-factor check is long past
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})  # the password alone
    client.post("/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=member, type="totp").exists()
    # With the code again, it goes, and the log says so.
    client.post("/accounts/2fa/reauthenticate/", {"code": totp_code()})
    with committing():
        response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=member, type="totp").exists()
    entry = AuditEntry.objects.get(action="mfa.remove")
    assert entry.actor_id == member.pk and entry.details["factor"] == "totp"


def test_staff_keep_their_last_second_factor_while_they_hold_a_role(dave):
    client = Client()
    client.force_login(dave)
    client.post("/accounts/2fa/reauthenticate/", {"code": totp_code()})  # fresh, with the code
    client.post("/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=dave, type="totp").exists()
    page = client.get("/accounts/2fa/totp/deactivate/").content.decode()
    assert "keep at least one authenticator app or security key" in page


def test_enrolling_and_regenerating_recovery_codes_are_audited(frank, committing):
    client = Client()
    client.force_login(frank)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    with committing():  # allauth announces factor changes once they are committed
        activated = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert activated.status_code == 302
    with committing():
        client.post("/accounts/2fa/recovery-codes/generate/")
    actions = list(AuditEntry.objects.filter(actor_id=frank.pk).values_list("action", flat=True))
    assert "mfa.add" in actions, actions
    assert "mfa.reset" in actions, actions


def test_staff_without_a_second_factor_are_told_their_powers_are_off(client_for, grace, dave):
    page = client_for(grace).get("/").content.decode()
    assert "Your moderator powers are off" in page and 'href="/accounts/2fa/"' in page
    assert "Your moderator powers are off" not in client_for(dave).get("/").content.decode()
