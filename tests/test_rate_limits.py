"""Login rate limiting works, on a real cache."""

from __future__ import annotations

from django.core.cache import cache

from tests.conftest import PASSWORD


def test_repeated_failed_logins_lock_the_account_out_even_with_the_right_password(client, alice):
    for _ in range(5):
        response = client.post(
            "/accounts/login/", {"login": alice.email, "password": "wrong guess 1"}
        )
        assert response.status_code == 200
    response = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_the_lock_lifts_when_the_window_expires(client, alice):
    for _ in range(5):
        client.post("/accounts/login/", {"login": alice.email, "password": "wrong guess 1"})
    cache.clear()  # stands in for the five-minute window passing
    response = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302


def test_one_address_hammering_the_login_form_is_refused(client, make_member):
    statuses = [
        client.post(
            "/accounts/login/", {"login": f"nobody{i}@x.example", "password": "wrong guess 1"}
        ).status_code
        for i in range(12)
    ]
    # 10 failures a minute per client IP, whichever accounts they aim at.
    assert statuses[:10] == [200] * 10
    assert (
        "Too many failed login attempts"
        in client.post(
            "/accounts/login/", {"login": "another@x.example", "password": "wrong guess 1"}
        ).content.decode()
    )
