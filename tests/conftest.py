"""Shared fixtures: a named cast, and factories that return functions.

The cast (hernia and vascular are the two specialties in play):
  alice  verified consultant, hernia        bob    verified trainee, vascular
  carol  applicant with a pending application
  dave   moderator of hernia, TOTP enrolled  grace  moderator of hernia, no second factor
  erin   admin, TOTP enrolled                frank  admin, no second factor
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from forum.models import Specialty
from members.models import Application, Profile, User
from moderation.models import ModeratorScope

PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _fast_hasher(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    # The cache is real (rate limits, TOTP replay): one test's attempts must not leak.
    cache.clear()


def totp_code(secret: str = TOTP_SECRET) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def hernia(db) -> Specialty:
    return Specialty.objects.get(slug="hernia-and-abdominal-wall")


@pytest.fixture
def vascular(db) -> Specialty:
    return Specialty.objects.get(slug="vascular")


@pytest.fixture
def make_member(db, hernia) -> Callable[..., User]:
    def make(
        name: str,
        *,
        status: str = User.Status.VERIFIED,
        specialty: Specialty | None = None,
        admin: bool = False,
        moderates: tuple[Specialty, ...] = (),
        mfa: bool = False,
        application: str | None = None,
    ) -> User:
        email = f"{name.split()[0].lower()}@hospital.example"
        user = User.objects.create_user(
            email,
            PASSWORD,
            status=status,
            is_admin=admin,
            is_active=status in {User.Status.APPLICANT, User.Status.VERIFIED},
            verified_at=timezone.now() if status == User.Status.VERIFIED else None,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        Profile.objects.create(
            user=user,
            full_name=name,
            professional_role=Profile.ProfessionalRole.CONSULTANT,
            specialty=specialty or hernia,
            institution="Royal Infirmary",
            country="United Kingdom",
            registration_body="GMC",
            licence_number=f"LIC-{name.split()[0].upper()}-7731",
        )
        if application:
            Application.objects.create(user=user, status=application)
        for scope in moderates:
            ModeratorScope.objects.create(user=user, specialty=scope)
        if mfa:
            TOTP.activate(user, TOTP_SECRET)
        return user

    return make


@pytest.fixture
def alice(make_member) -> User:
    return make_member("Alice Moreau")


@pytest.fixture
def bob(make_member, vascular) -> User:
    return make_member("Bob Tanaka", specialty=vascular)


@pytest.fixture
def carol(make_member) -> User:
    return make_member("Carol Jensen", status=User.Status.APPLICANT, application="pending")


@pytest.fixture
def dave(make_member, hernia) -> User:
    return make_member("Dave Lindqvist", moderates=(hernia,), mfa=True)


@pytest.fixture
def grace(make_member, hernia) -> User:
    return make_member("Grace Hopper", moderates=(hernia,))


@pytest.fixture
def erin(make_member) -> User:
    return make_member("Erin Okafor", admin=True, mfa=True)


@pytest.fixture
def frank(make_member) -> User:
    return make_member("Frank Admin", admin=True)


@pytest.fixture
def client_for(db) -> Callable[[User | None], Client]:
    """A test client signed in as `user` (or anonymous for None)."""

    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """`with committing(): ...` runs the block's on_commit callbacks (emails, file deletion,
    session ends) when it exits, as the real commit would; tests run inside a transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
