"""allauth's account flows as members meet them: no usernames, password reset, sign-out."""

from __future__ import annotations

import re

from django.core import mail

from tests.conftest import PASSWORD


def test_the_sign_in_and_sign_up_forms_ask_for_email_never_a_username(client, db):
    for url in ("/accounts/login/", "/accounts/signup/"):
        page = client.get(url).content.decode().lower()
        assert 'type="email"' in page
        assert "username" not in page


def test_a_member_resets_a_forgotten_password_by_email(client, alice):
    response = client.post("/accounts/password/reset/", {"email": alice.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    (path,) = re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)
    form_url = client.get(path)["Location"]  # allauth moves the key into the session
    new_password = "Laparoscopic-ports-3x"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new_password) and not alice.check_password(PASSWORD)


def test_a_password_reset_for_an_unknown_address_reveals_nothing(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@nowhere.example"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


def test_signing_out_ends_the_session(client_for, alice):
    client = client_for(alice)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/")["Location"].startswith("/accounts/login/")
