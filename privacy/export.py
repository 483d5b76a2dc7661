"""A member's own data as a zip (GDPR Art. 20): what they told us, what they posted, their files.

Each part is a plain JSON file a person can read, plus the files themselves under their
original types. Other apps add their parts here as they gain member-owned data.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from typing import IO, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.utils import timezone

from forum.actions import CASE_CONTENT
from forum.models import Case, Outcome, PostState, Reply
from forum.permissions import case_title_for
from members.models import Application, User
from uploads.models import Upload

README = """Your data from Scrubroom, exported {now} (UTC).

account.json      your account: email addresses, status, roles, second factors (types only,
                  never secrets) and signed-in sessions
profile.json      what you told us about yourself
application.json  your membership application and its decision
application/      credential documents we still hold (they are deleted once a decision is made)
cases.json        the cases you posted: every section as you wrote it (Markdown), with outcomes
replies.json      your replies, with the case each belongs to
images.json       your images as we keep them (scrubbed copies), listed; the files in images/
"""


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "status": user.status,
        "joined": _when(user.date_joined),
        "verified_at": _when(user.verified_at),
        "last_login": _when(user.last_login),
        "admin": user.is_admin,
        "moderates": [
            {"specialty": scope.specialty.name, "since": _when(scope.granted_at)}
            for scope in user.moderator_scopes.select_related("specialty").order_by("pk")
        ],
        "second_factors": [
            {"type": authenticator.type, "created": _when(authenticator.created_at)}
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "sessions": [
            {
                "ip": session.ip,
                "user_agent": session.user_agent,
                "created": _when(session.created_at),
                "last_seen": _when(session.last_seen_at),
            }
            for session in UserSession.objects.filter(user=user).order_by("pk")
        ],
    }


def _profile(user: User) -> dict[str, Any] | None:
    profile = getattr(user, "profile", None)
    if profile is None:
        return None
    return {
        "full_name": profile.full_name,
        "professional_role": profile.get_professional_role_display(),
        "specialty": profile.specialty.name,
        "institution": profile.institution,
        "country": profile.country,
        "registration_body": profile.registration_body,
        "licence_number": profile.licence_number,
    }


def _application(user: User, archive: zipfile.ZipFile) -> dict[str, Any] | None:
    application = Application.objects.filter(user=user).first()
    if application is None:
        return None
    documents = []
    for document in application.documents.order_by("pk"):
        name = f"application/{document.download_name}"
        with document.file.open("rb") as source, archive.open(name, "w") as target:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                target.write(chunk)
        documents.append(
            {"file": name, "type": document.content_type, "uploaded": _when(document.uploaded_at)}
        )
    return {
        "status": application.get_status_display(),
        "submitted": _when(application.submitted_at),
        "decided": _when(application.decided_at),
        "decision_note": application.decision_note,
        "documents": documents,
    }


def _cases(user: User) -> list[dict[str, Any]]:
    cases = Case.objects.filter(author=user).exclude(state=PostState.DELETED)
    return [
        {
            "id": case.pk,
            "specialty": case.specialty.name,
            "state": case.get_state_display(),
            "status": case.get_status_display(),
            "posted": _when(case.created_at),
            "edited": _when(case.edited_at),
            "tags": [tag.name for tag in case.tags.all()],
            **{name: getattr(case, name) for name in CASE_CONTENT},
            **_outcome(case.follow_up),
        }
        for case in cases.select_related("specialty", "outcome")
        .prefetch_related("tags")
        .order_by("pk")
    ]


def _outcome(outcome: Outcome | None) -> dict[str, Any]:
    if outcome is None or outcome.is_deleted:
        return {"outcome": "", "outcome_posted": None}
    return {
        "outcome": outcome.body,
        "outcome_state": outcome.get_state_display(),
        "outcome_posted": _when(outcome.posted_at),
    }


def _replies(user: User) -> list[dict[str, Any]]:
    replies = Reply.objects.filter(author=user).exclude(state=PostState.DELETED)
    return [
        {
            "id": reply.pk,
            "case": reply.case_id,
            "case_title": case_title_for(user, reply.case),
            "state": reply.get_state_display(),
            "posted": _when(reply.created_at),
            "edited": _when(reply.edited_at),
            "body": reply.body,
            "coi_disclosure": reply.coi_disclosure,
            "marked_helpful": _when(reply.helpful_at),
        }
        for reply in replies.select_related("case").order_by("pk")
    ]


def _images(user: User, archive: zipfile.ZipFile) -> list[dict[str, Any]]:
    """The scrubbed copies we hold (originals were never stored), with where each belongs."""
    listed = []
    for upload in Upload.objects.filter(uploader=user).exclude(file="").order_by("pk"):
        name = f"images/{upload.download_name}"
        with upload.file.open("rb") as source, archive.open(name, "w") as target:
            for chunk in iter(lambda: source.read(1024 * 1024), b""):
                target.write(chunk)
        listed.append(
            {
                "file": name,
                "state": upload.get_state_display(),
                "case": upload.case_id,
                "reply": upload.reply_id,
                "uploaded": _when(upload.created_at),
                "removed_on_upload": upload.receipt.get("removed", []),
            }
        )
    return listed


def _write_json(archive: zipfile.ZipFile, name: str, data: Any) -> None:
    archive.writestr(name, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def build_export(user: User) -> IO[bytes]:
    """A zip of everything the member owns, in a temporary file (removed when closed)."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 (the caller streams and closes it)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(now=f"{timezone.now():%Y-%m-%d %H:%M}"))
        _write_json(archive, "account.json", _account(user))
        _write_json(archive, "profile.json", _profile(user))
        _write_json(archive, "application.json", _application(user, archive))
        _write_json(archive, "cases.json", _cases(user))
        _write_json(archive, "replies.json", _replies(user))
        _write_json(archive, "images.json", _images(user, archive))
    output.seek(0)
    return output
