"""Shared fixtures: a named cast, and factories that return functions.

The cast (hernia and vascular are the two specialties in play):
  alice  verified consultant, hernia        bob    verified trainee, vascular
  carol  applicant with a pending application
  dave   moderator of hernia, TOTP enrolled  grace  moderator of hernia, no second factor
  erin   admin, TOTP enrolled                frank  admin, no second factor
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import timezone

from forum.models import Specialty
from members.models import Application, ModeratorScope, Profile, User
from review import queue
from review.models import ReviewItem

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
            made = Application.objects.create(user=user, status=application)
            if application == Application.Status.PENDING:
                # As submit_application does: a pending application waits in the queue.
                queue.open_item(
                    ReviewItem.Kind.APPLICATION,
                    made,
                    evidence={"submitted_at": made.submitted_at.isoformat()},
                )
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


def signed_in(user: User) -> Client:
    """A client that signed in through the real login form (so allauth tracks the session
    and counts the sign-in as a recent authentication)."""
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    if response["Location"] == "/accounts/2fa/authenticate/":
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)
    return client


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """`with committing(): ...` runs the block's on_commit callbacks (emails, file deletion,
    session ends) when it exits, as the real commit would; tests run inside a transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# S3-compatible storage: moto's server on loopback, the only S3 that can run here.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def in_region(settings) -> Callable[[str], None]:
    """Move the whole deployment, every store's declaration with it, to `region`."""

    def move(region: str) -> None:
        settings.SCRUBROOM_REGION = region
        settings.SCRUBROOM_STORE_REGIONS = dict.fromkeys(settings.SCRUBROOM_STORE_REGIONS, region)
        settings.SCRUBROOM_BACKUP_TARGET = "/srv/backups"
        if connection.vendor == "postgresql":
            # The server's own statement of its region moves too; the test's rollback undoes it.
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('scrubroom.region', %s, false)", [region])

    return move


@pytest.fixture
def use_s3(settings, s3_endpoint) -> Callable[..., str]:
    """Point private storage at a fresh bucket created in `bucket_region`."""
    import boto3

    def use(*, bucket_region: str, declared: str | None = None, create: bool = True) -> str:
        bucket = f"scrubroom-{uuid.uuid4().hex[:12]}"
        if create:
            client = boto3.client(
                "s3",
                endpoint_url=s3_endpoint,
                region_name=bucket_region,
                aws_access_key_id="test",
                aws_secret_access_key="test",
            )
            configuration = (
                {}
                if bucket_region == "us-east-1"  # S3's first region takes no constraint
                else {"CreateBucketConfiguration": {"LocationConstraint": bucket_region}}
            )
            client.create_bucket(Bucket=bucket, **configuration)
        storage = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": declared or bucket_region,
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
            },
        }
        settings.S3_BUCKET = bucket
        settings.STORAGES = {**settings.STORAGES, "default": storage, "private": storage}
        return bucket

    return use


# Cases ------------------------------------------------------------------------------------

CASE_DATA = {
    "title": "Recurrent incisional hernia after two mesh repairs",
    "age_band": "65-89",
    "sex": "female",
    "presentation": "Third recurrence of a **midline** incisional hernia, BMI 34, ex-smoker.",
    "investigations": "CT AP: 9 x 7 cm defect, loss of domain about 20%.",
    "plan": "Considering posterior component separation (TAR) with retromuscular mesh.",
    "intraop_findings": "",
    "complication": "",
    "question": "Would you pre-habilitate with botulinum toxin first?",
    "coi_disclosure": "",
    "consent_basis": "consented",
    "consent_reason": "",
}


def case_form_data(**overrides) -> dict:
    """What the new-case form posts, with both attestations given."""
    return {
        **CASE_DATA,
        "specialty": overrides.pop("specialty", None) or "",
        "tags": "tar, botox",
        "attest_deidentified": "on",
        "justification": "",
        **overrides,
    }


@pytest.fixture
def make_case(db, hernia):
    from forum import actions

    def make(author: User, *, specialty: Specialty | None = None, tags=("tar",), **fields):
        return actions.create_case(
            author, specialty=specialty or hernia, data={**CASE_DATA, **fields}, tags=tags
        )

    return make


@pytest.fixture
def make_reply(db):
    from forum import actions

    def make(case, author: User, body: str = "I would, for a defect this wide.", **fields):
        return actions.create_reply(case, author=author, body=body, **fields)

    return make


@pytest.fixture
def alices_case(make_case, alice):
    return make_case(alice)


# The browser suite's fixtures live in tests/browser.py.
from tests.browser import chromium, live_daphne, session_cookie  # noqa: E402, F401
