"""Two-factor authentication: staff must enrol, staff logins ask for the code, and one
setting makes it mandatory for everyone."""

from __future__ import annotations

from tests.conftest import PASSWORD, TOTP_SECRET, totp_code


def test_an_enrolled_admin_must_give_a_totp_code_to_sign_in(client, erin):
    response = client.post("/accounts/login/", {"login": erin.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    # Password alone is not a session.
    assert client.get("/staff/audit/")["Location"].startswith("/accounts/login/")
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200 and client.get("/")["Location"].startswith(
        "/accounts/login/"
    )
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get("/staff/audit/").status_code == 200


def test_the_django_admin_login_goes_through_allauth(client, erin):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_without_mfa_is_only_encouraged_by_default(client_for, alice):
    assert client_for(alice).get("/").status_code == 200


def test_one_setting_requires_mfa_from_every_member(client_for, alice, settings):
    settings.SCRUBROOM_REQUIRE_MFA_FOR_ALL = True
    client = client_for(alice)
    assert client.get("/")["Location"] == "/accounts/2fa/"
    # The enrolment pages stay reachable, or nobody could comply.
    assert client.get("/accounts/2fa/totp/activate/").status_code in {200, 302}
    assert client.get("/accounts/2fa/").status_code == 200


def test_enrolling_totp_opens_the_staff_pages(client_for, frank):
    client = client_for(frank)
    assert client.get("/staff/audit/")["Location"] == "/accounts/2fa/"
    page = client.get("/accounts/2fa/totp/activate/")
    if page.status_code == 302:  # allauth asks to reauthenticate first
        assert "reauthenticate" in page["Location"]
        client.post("/accounts/reauthenticate/", {"password": PASSWORD})
        page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    html = page.content.decode()
    # The QR code is inline SVG: a data: URI would be blocked by our CSP.
    assert "<svg" in html and "data:image" not in html
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/staff/audit/").status_code == 200


def test_recovery_codes_alone_do_not_count_as_enrolled(client_for, frank):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(frank)
    assert client_for(frank).get("/staff/audit/")["Location"] == "/accounts/2fa/"
