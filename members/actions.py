"""Verbs that change a membership: apply, decide, suspend, reinstate, deactivate, grant roles.
(A member's erasure of their own account touches every app: privacy/erasure.py.)

Each verb checks the actor's permission, changes the rows in one transaction, appends an
audit entry for every admin action, and sends its email only after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from audit.log import record
from forum.models import Specialty
from live import broadcast
from members.models import Application, CredentialDocument, ModeratorScope, Profile, User
from members.permissions import check_can_grant, check_is_admin
from members.sessions import end_other_sessions
from privatefiles import delete_after_commit
from review import queue
from review.models import ReviewItem


class InvalidTransition(Exception):
    """The member or application is not in a state this action applies to."""


# Applications -----------------------------------------------------------------------------


@transaction.atomic
def submit_application(
    user: User, *, profile: dict, documents: Iterable[tuple[UploadedFile, str]] = ()
) -> Application:
    """Create or resubmit `user`'s application. `documents` are (file, checked content type)."""
    if user.status != User.Status.APPLICANT:
        raise InvalidTransition("Only applicants can submit an application")
    application = Application.objects.filter(user=user).first()
    if application is not None and not application.can_be_edited_by_applicant:
        raise InvalidTransition("This application is waiting for a decision")
    Profile.objects.update_or_create(user=user, defaults=profile)
    if application is None:
        application = Application.objects.create(user=user)
    else:
        application.status = Application.Status.PENDING
        application.submitted_at = timezone.now()
        application.decided_at = None
        application.decided_by = None
        application.save()
    for upload, content_type in documents:
        CredentialDocument.objects.create(
            application=application, file=upload, content_type=content_type, size=upload.size or 0
        )
    queue.open_item(
        ReviewItem.Kind.APPLICATION,
        application,
        evidence={"submitted_at": application.submitted_at.isoformat()},
    )
    return application


def _decide(application: Application, status: str, *, by: User, note: str) -> None:
    check_is_admin(by)
    if application.status != Application.Status.PENDING:
        raise InvalidTransition("Only pending applications can be decided")
    application.status = status
    application.decided_by = by
    application.decided_at = timezone.now()
    application.decision_note = note
    application.save()


def _delete_documents(application: Application) -> None:
    """Credential documents are kept only until the decision (GDPR data minimisation)."""
    documents = list(application.documents.all())
    for document in documents:
        document.delete()
    delete_credential_files_after_commit(documents)


def delete_credential_files_after_commit(documents: Iterable[CredentialDocument]) -> None:
    """Delete the documents' files only once the rows are gone for good."""
    delete_after_commit(document.file.name or "" for document in documents)


def email_applicant(application: Application, template: str) -> None:
    """Tell the applicant, by email once the decision is committed."""
    user = application.user
    context = {"application": application, "user": user}
    subject = render_to_string(f"members/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"members/email/{template}_message.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    )


# An application's decisions: moderation/actions.py decide is the whole (it records, closes
# the review item and emails the applicant); these change the application and the member.


def approve_application(application: Application, *, by: User, note: str = "") -> int:
    """The applicant becomes a verified member; their documents go. Returns how many."""
    _decide(application, Application.Status.APPROVED, by=by, note=note)
    member = application.user
    member.status = User.Status.VERIFIED
    member.verified_at = application.decided_at
    member.save(update_fields=["status", "verified_at"])
    document_count = application.documents.count()
    _delete_documents(application)
    return document_count


def reject_application(application: Application, *, by: User, reason: str) -> int:
    """Rejected with a reason the applicant reads; their documents go. Returns how many."""
    if not reason.strip():
        raise ValueError("A rejection needs a reason the applicant can read")
    _decide(application, Application.Status.REJECTED, by=by, note=reason)
    document_count = application.documents.count()
    _delete_documents(application)
    return document_count


def request_more_information(application: Application, *, by: User, note: str) -> None:
    """Not a decision: the documents stay so the applicant can add to them."""
    if not note.strip():
        raise ValueError("Say what information is needed")
    _decide(application, Application.Status.MORE_INFO, by=by, note=note)


# Membership status ------------------------------------------------------------------------


def end_all_sessions(user: User) -> int:
    """Delete every session `user` has, so each device is signed out at its next request.

    allauth's usersessions records each login. A session it missed would still be refused,
    because the verbs that call this have made the account inactive first.
    """
    ended = end_other_sessions(user, keep=None)
    broadcast.end_sessions(user.pk)  # and every open live connection, at once
    return ended


def _set_status(member: User, status: str, *, by: User, reason: str, allowed_from: set) -> None:
    check_is_admin(by)
    if member.pk == by.pk:
        raise InvalidTransition("Admins cannot change their own membership status")
    if member.status not in allowed_from:
        raise InvalidTransition(f"Cannot go from {member.status} to {status}")
    if not reason.strip():
        raise ValueError("A reason is required")
    previous = member.status
    member.status = status
    member.is_active = status == User.Status.VERIFIED
    member.save(update_fields=["status", "is_active"])
    record(
        actor=by,
        action=f"member.{status}",
        target=member,
        reason=reason,
        previous_status=previous,
    )


@transaction.atomic
def suspend_member(member: User, *, by: User, reason: str) -> None:
    _set_status(
        member,
        User.Status.SUSPENDED,
        by=by,
        reason=reason,
        allowed_from={User.Status.VERIFIED},
    )
    transaction.on_commit(lambda: end_all_sessions(member))


@transaction.atomic
def reinstate_member(member: User, *, by: User, reason: str) -> None:
    _set_status(
        member,
        User.Status.VERIFIED,
        by=by,
        reason=reason,
        allowed_from={User.Status.SUSPENDED},
    )


@transaction.atomic
def deactivate_member(member: User, *, by: User, reason: str) -> None:
    """For a member who has left: access ends at once; their roles go with it."""
    _set_status(
        member,
        User.Status.DEACTIVATED,
        by=by,
        reason=reason,
        allowed_from={User.Status.APPLICANT, User.Status.VERIFIED, User.Status.SUSPENDED},
    )
    ModeratorScope.objects.filter(user=member).delete()
    if member.is_admin:
        member.is_admin = False
        member.save(update_fields=["is_admin"])
    transaction.on_commit(lambda: end_all_sessions(member))


# Roles ------------------------------------------------------------------------------------


def _check_role_change(member: User, *, by: User, reason: str) -> None:
    check_can_grant(by)
    if not member.is_verified_member:
        raise InvalidTransition("Roles are for verified members only")
    if not reason.strip():
        raise ValueError("A reason is required")


@transaction.atomic
def grant_moderator(member: User, specialty: Specialty, *, by: User, reason: str) -> None:
    _check_role_change(member, by=by, reason=reason)
    _scope, created = ModeratorScope.objects.get_or_create(
        user=member, specialty=specialty, defaults={"granted_by": by}
    )
    if not created:
        raise InvalidTransition("Already a moderator of this specialty")
    record(
        actor=by,
        action="role.grant_moderator",
        target=member,
        reason=reason,
        specialty=specialty.slug,
    )
    broadcast.roles_changed(member.pk)


@transaction.atomic
def revoke_moderator(member: User, specialty: Specialty, *, by: User, reason: str) -> None:
    _check_role_change(member, by=by, reason=reason)
    deleted, _ = ModeratorScope.objects.filter(user=member, specialty=specialty).delete()
    if not deleted:
        raise InvalidTransition("Not a moderator of this specialty")
    record(
        actor=by,
        action="role.revoke_moderator",
        target=member,
        reason=reason,
        specialty=specialty.slug,
    )
    broadcast.roles_changed(member.pk)  # no more moderator events, from this moment


@transaction.atomic
def grant_admin(member: User, *, by: User, reason: str) -> None:
    _check_role_change(member, by=by, reason=reason)
    if member.is_admin:
        raise InvalidTransition("Already an admin")
    member.is_admin = True
    member.save(update_fields=["is_admin"])
    record(actor=by, action="role.grant_admin", target=member, reason=reason)
    broadcast.roles_changed(member.pk)


@transaction.atomic
def revoke_admin(member: User, *, by: User, reason: str) -> None:
    _check_role_change(member, by=by, reason=reason)
    if member.pk == by.pk:
        # Another admin must do it, so the forum is never left without one by accident.
        raise InvalidTransition("Admins cannot remove their own admin role")
    if not member.is_admin:
        raise InvalidTransition("Not an admin")
    member.is_admin = False
    member.save(update_fields=["is_admin"])
    record(actor=by, action="role.revoke_admin", target=member, reason=reason)
    broadcast.roles_changed(member.pk)
