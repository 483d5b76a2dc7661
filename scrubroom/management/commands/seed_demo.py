"""Create (or refresh) the demo cast for a local run. Refuses to run unless DEBUG is on."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from forum import actions as forum_actions
from forum.models import Case, Specialty
from members import actions
from members.models import Application, ModeratorScope, Profile, User
from moderation import actions as moderation_actions
from moderation.actions import Decision
from review import queue


@dataclass
class Demo:
    email: str
    name: str
    role: str
    specialty: str
    institution: str
    kind: str  # admin, moderator, member, applicant


CAST = [
    Demo(
        "admin@demo.example",
        "Ruth Okafor",
        "consultant",
        "general-surgery",
        "St Bartholomew's Hospital",
        "admin",
    ),
    Demo(
        "moderator@demo.example",
        "Tomas Lindqvist",
        "consultant",
        "hernia-and-abdominal-wall",
        "Karolinska University Hospital",
        "moderator",
    ),
    Demo(
        "alice@demo.example",
        "Alice Moreau",
        "consultant",
        "hernia-and-abdominal-wall",
        "Hôpital Européen Georges-Pompidou",
        "member",
    ),
    Demo(
        "bob@demo.example", "Bob Tanaka", "trainee", "vascular", "Leeds General Infirmary", "member"
    ),
    Demo(
        "carol@demo.example",
        "Carol Jensen",
        "allied",
        "orthopaedics",
        "Aarhus University Hospital",
        "applicant",
    ),
]


class Command(BaseCommand):
    help = "Create the demo cast (DEBUG only) and print each login."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("seed_demo only runs with SCRUBROOM_DEBUG=1: never in production.")
        # Demo decisions are recorded like real ones, but their emails are not printed.
        with override_settings(
            MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        ):
            logins = self.seed()
        self.stdout.write(self.style.SUCCESS("\nScrubroom demo cast (http://127.0.0.1:8000):"))
        for demo, password, totp_secret in logins:
            line = f"  {demo.kind:<10} {demo.email:<24} password: {password}"
            if totp_secret:
                line += f"   TOTP secret: {totp_secret}"
            self.stdout.write(line)
        self.stdout.write(
            "  Add a TOTP secret to any authenticator app (or `oathtool --totp -b SECRET`) "
            "to sign in as admin or moderator.\n"
        )

    @transaction.atomic
    def seed(self) -> list[tuple[Demo, str, str]]:
        logins = []
        admin = None
        for demo in CAST:
            password = f"demo-{secrets.token_urlsafe(9)}"
            user = User.objects.filter(email=demo.email).first()
            if user is None:
                user = User.objects.create_user(demo.email, password)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            EmailAddress.objects.update_or_create(
                user=user, email=demo.email, defaults={"verified": True, "primary": True}
            )
            Profile.objects.update_or_create(
                user=user,
                defaults={
                    "full_name": demo.name,
                    "professional_role": demo.role,
                    "specialty": Specialty.objects.get(slug=demo.specialty),
                    "institution": demo.institution,
                    "country": "Demo country",
                    "registration_body": "Demo registration body",
                    "licence_number": f"DEMO-{user.pk:05d}",
                },
            )
            if demo.kind == "admin":
                admin = self.make_first_admin(user)
            elif demo.kind != "applicant" and user.status == User.Status.APPLICANT:
                assert admin is not None, "the admin comes first in CAST"
                application = actions.submit_application(user, profile={})
                item = queue.open_item_for(application)
                assert item is not None, "an application waits in the review queue"
                # Decided as an admin decides, through the one decision verb (audited).
                moderation_actions.decide(
                    item,
                    by=admin,
                    version=item.version,
                    decision=Decision("approve", message="Demo member"),
                )
                user.refresh_from_db()
            elif demo.kind == "applicant" and not Application.objects.filter(user=user).exists():
                actions.submit_application(user, profile={})
            if demo.kind == "moderator":
                assert admin is not None, "the admin comes first in CAST"
                specialty = Specialty.objects.get(slug=demo.specialty)
                if not ModeratorScope.objects.filter(user=user, specialty=specialty).exists():
                    actions.grant_moderator(user, specialty, by=admin, reason="Demo moderator")
            totp_secret = self.ensure_totp(user) if demo.kind in {"admin", "moderator"} else ""
            logins.append((demo, password, totp_secret))
        self.seed_cases()
        return logins

    def seed_cases(self) -> None:
        """Two de-identified demo threads, created once (the PHI screen passes them)."""
        if Case.objects.exists():
            return
        alice = User.objects.get(email="alice@demo.example")
        bob = User.objects.get(email="bob@demo.example")
        moderator = User.objects.get(email="moderator@demo.example")
        hernia = Specialty.objects.get(slug="hernia-and-abdominal-wall")
        vascular = Specialty.objects.get(slug="vascular")
        case = forum_actions.create_case(
            alice,
            specialty=hernia,
            tags=["tar", "botox", "loss-of-domain"],
            data={
                "title": "Third recurrence of a midline incisional hernia with loss of domain",
                "age_band": "65-89",
                "sex": "female",
                "presentation": (
                    "Third recurrence after an open onlay repair and a later IPOM. BMI 34, "
                    "ex-smoker for 2 years, HbA1c 48. Symptomatic, with skin thinning over "
                    "the sac but no ulceration."
                ),
                "investigations": (
                    "CT AP: **9 x 7 cm** defect, loss of domain about 20% (Tanaka method). "
                    "Old mesh partly incorporated; no collection."
                ),
                "plan": "Posterior component separation (TAR) with a retromuscular mesh.",
                "question": (
                    "Would you pre-habilitate with botulinum toxin first, and if so how many "
                    "weeks before surgery?"
                ),
                "consent_basis": "consented",
            },
        )
        reply = forum_actions.create_reply(
            case,
            author=moderator,
            body=(
                "Yes, for 20% loss of domain I would. We inject 4 weeks before and see "
                "about 4 cm of lateral muscle lengthening on each side.\n\n"
                "- 300 units in total\n- ultrasound-guided, three points per side"
            ),
            coi_disclosure="Faculty on a course supported by a mesh manufacturer.",
        )
        forum_actions.create_reply(
            case,
            author=bob,
            body="From the vascular side: watch the inferior epigastrics when you release.",
        )
        forum_actions.mark_helpful(reply, by=alice)
        forum_actions.create_case(
            bob,
            specialty=vascular,
            tags=["evar", "endoleak"],
            data={
                "title": "Type II endoleak with sac growth after EVAR",
                "age_band": "65-89",
                "sex": "male",
                "presentation": "EVAR for a 6.1 cm infrarenal AAA, uneventful.",
                "investigations": "CT angiogram at 2 years: sac growth of 8 mm, lumbar feeder.",
                "plan": "Considering translumbar embolisation.",
                "question": "Translumbar or transarterial first, in your hands?",
                "consent_basis": "not_required",
                "consent_reason": "No images and no unique features: anonymous per policy.",
            },
        )

    def make_first_admin(self, user: User) -> User:
        # Nobody can grant the first admin role through the app, exactly as in production,
        # where `createsuperuser` makes the first admin.
        if not user.is_admin:
            user.is_admin = True
            user.status = User.Status.VERIFIED
            user.verified_at = timezone.now()
            user.save()
        return user

    def ensure_totp(self, user: User) -> str:
        """Keep an existing secret, so an authenticator set up on an earlier run still works."""
        existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if existing is not None:
            return decrypt(existing.data["secret"])
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)
        return secret
