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


def test_an_email_to_an_unconfirmed_address_carries_nothing_the_member_typed(alice, committing):
    from django.core import mail

    from members.models import Profile
    from tests.conftest import PASSWORD, signed_in

    Profile.objects.filter(user=alice).update(full_name="Win a prize at evil.example now")
    client = signed_in(alice)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    with committing():
        response = client.post(
            "/accounts/email/", {"action_add": "", "email": "someone.else@elsewhere.example"}
        )
    assert response.status_code in {200, 302}
    (message,) = [m for m in mail.outbox if m.to == ["someone.else@elsewhere.example"]]
    assert "evil.example" not in message.body and "prize" not in message.body
    assert "Someone gave this email address" in message.body


def test_plain_text_emails_are_not_html_escaped(carol, erin, committing):
    from django.core import mail

    from moderation import actions
    from moderation.actions import Decision
    from review import queue

    item = queue.open_item_for(carol.application)
    assert item is not None
    with committing():
        actions.decide(
            item,
            by=erin,
            version=item.version,
            decision=Decision("reject", message="We couldn't find you & the register is down."),
        )
    (message,) = mail.outbox
    assert "We couldn't find you & the register is down." in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body
