"""Credentials (issue 17): breached and guessable passwords are refused, sign-up gives away
nothing in its timing, and failed sign-ins slow an account down without locking it out."""

from __future__ import annotations

import gzip
import random
import string

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client

from members import accounts, passwords
from members.models import User
from tests.conftest import PASSWORD

GOOD = "hepatic-flexure-ferry-42"


def sign_up(client: Client, email: str, password: str = GOOD):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": password, "password2": password}
    )


def errors_of(response) -> str:
    return response.content.decode()


# Passwords -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Scrubroom2026!", "too like the name of this site"),  # passed before issue 17
        ("P@ssw0rd2026!", "stolen from other sites"),  # its core: "password"
        ("Manchester123!", "stolen from other sites"),
        ("qwertyuiop123", "stolen from other sites"),  # on the list as it is
        ("iloveyou12345", "stolen from other sites"),
        ("newcomer.surgeon.2026", "too like"),  # the address below
    ],
)
def test_sign_up_refuses_breached_and_guessable_passwords(client, db, password, why):
    response = sign_up(client, "newcomer.surgeon@hospital.example", password)
    assert response.status_code == 200
    assert why in errors_of(response)
    assert not User.objects.filter(email="newcomer.surgeon@hospital.example").exists()


@pytest.mark.parametrize("password", [GOOD, PASSWORD, "Laparoscopic-ports-3x"])
def test_a_good_passphrase_is_accepted(client, db, password):
    assert sign_up(client, "newcomer@hospital.example", password).status_code == 302
    assert User.objects.filter(email="newcomer@hospital.example").exists()


@pytest.mark.parametrize(
    "password", ["Alice-Surgeon-1990", "RoyalInfirmary#26", "LIC-alice-2026!", "Alice.Surgeon!!"]
)
def test_a_password_change_refuses_the_members_own_name_institution_and_licence(
    client_for, alice, password
):
    alice.profile.full_name = "Alice Surgeon"
    alice.profile.institution = "Royal Infirmary"
    alice.profile.licence_number = "LIC-alice"
    alice.profile.save()
    client = client_for(alice)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert "too like" in errors_of(response)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_the_list_is_large_sorted_and_searched_exactly():
    with gzip.open(passwords.LIST_PATH, "rb") as listing:
        lines = listing.read().split(b"\n")[:-1]
    assert len(lines) > 400_000  # Django's own list has 20,000
    assert lines == sorted(set(lines))  # bisection needs it
    words = {line.decode() for line in lines}
    rng = random.Random(17)  # noqa: S311 (a repeatable sample, not a secret)
    for word in rng.sample(sorted(words), 2_000):
        assert passwords.is_breached(word)
    for _ in range(2_000):
        probe = "".join(rng.choices(string.ascii_lowercase + string.digits, k=rng.randint(1, 9)))
        assert passwords.is_breached(probe) == (probe in words), probe
    assert passwords.is_breached(min(words)) and passwords.is_breached(max(words))
    assert not passwords.is_breached("") and not passwords.is_breached("\uffff" * 3)


# Sign-up timing -------------------------------------------------------------------------


class CountingHasher(MD5PasswordHasher):
    """Counts the hashes made: the slow step a real hasher takes on purpose."""

    algorithm = "counting_md5"
    made = 0

    def encode(self, password: str, salt: str) -> str:
        type(self).made += 1
        return super().encode(password, salt)


def test_sign_up_does_the_same_work_whether_or_not_the_address_is_taken(settings, alice):
    settings.PASSWORD_HASHERS = ["tests.test_credentials.CountingHasher"]

    def attempt(email: str):
        CountingHasher.made = 0
        mail.outbox.clear()
        response = sign_up(Client(), email)
        return response.status_code, response["Location"], CountingHasher.made, len(mail.outbox)

    taken = attempt(alice.email)
    new = attempt("someone.new@hospital.example")
    assert taken == new  # same answer, one hash and one email each
    assert new[2] == 1 and new[3] == 1
    assert User.objects.filter(email=alice.email).count() == 1


# Failed sign-ins ------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(accounts, "_now", clock)
    return clock


def sign_in(email: str, password: str, address: str) -> int:
    """One attempt from one client address: 302 signed in, 200 refused."""
    response = Client(REMOTE_ADDR=address).post(
        "/accounts/login/", {"login": email, "password": password}
    )
    return response.status_code


def test_failures_slow_an_account_down_progressively_and_it_recovers(alice, clock):
    addresses = (f"198.51.100.{n}" for n in range(1, 250))
    for _ in range(accounts.FREE_FAILURES):
        assert sign_in(alice.email, "wrong guess 1", next(addresses)) == 200
    # The sixth try waits two seconds, even with the right password: no oracle.
    assert sign_in(alice.email, PASSWORD, next(addresses)) == 200
    clock.now += accounts.FIRST_WAIT_SECONDS
    assert sign_in(alice.email, "wrong guess 2", next(addresses)) == 200  # now 6 failures
    waits = []
    for _ in range(8):
        waits.append(accounts.wait_after(accounts.FREE_FAILURES + 1 + len(waits)))
    assert waits[:3] == [4, 8, 16] and max(waits) == accounts.MAX_WAIT_SECONDS
    clock.now += 4
    assert sign_in(alice.email, PASSWORD, next(addresses)) == 302  # the owner gets in
    # A success forgets the failures.
    assert sign_in(alice.email, "wrong guess 3", next(addresses)) == 200
    assert sign_in(alice.email, PASSWORD, next(addresses)) == 302


def test_nobody_can_lock_a_colleague_out(alice, clock):
    """An attacker guessing from many addresses, without end, gets a guess a minute at most;
    the owner, from their own phone, is never more than a minute from signing in."""
    guesses = 0
    for second in range(0, 30 * 60, 5):  # half an hour, a try every five seconds
        clock.now = 1_900_000_000.0 + second
        failures_before = accounts._failures(accounts._account_key({"email": alice.email}))[0]
        sign_in(alice.email, f"guess {second}", f"203.0.113.{second % 250}")
        failures_after = accounts._failures(accounts._account_key({"email": alice.email}))[0]
        guesses += failures_after - failures_before
    # Five free, five while the wait doubles to a minute (2 + 4 + … + 32 s), then one a
    # minute: 40 in half an hour, where a lock-free form would have taken 360.
    assert guesses <= 40
    clock.now += accounts.MAX_WAIT_SECONDS
    assert sign_in(alice.email, PASSWORD, "192.0.2.7") == 302


def test_after_an_hour_without_failures_the_account_starts_afresh(alice, clock):
    for n in range(accounts.FREE_FAILURES + 3):
        clock.now += accounts.MAX_WAIT_SECONDS
        sign_in(alice.email, "wrong guess 1", f"198.51.100.{n}")
    clock.now += accounts.RECOVERY_SECONDS + 1
    key = accounts._account_key({"email": alice.email})
    assert accounts._failures(key) == (0, 0.0)
    assert sign_in(alice.email, "wrong guess 1", "198.51.100.99") == 200
    assert accounts._failures(key)[0] == 1


def test_the_cache_never_holds_the_address(alice):
    key = accounts._account_key({"email": "Alice@Hospital.example "})
    assert key == accounts._account_key({"email": "alice@hospital.example"})
    assert "alice" not in key and "hospital" not in key
