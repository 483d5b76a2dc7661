"""Login rate limiting per client address, on a real cache. (Per account, failures slow
sign-in down instead of locking the owner out: tests/test_credentials.py.)"""

from __future__ import annotations


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
