"""Erasure (GDPR Art. 17): a member deletes their own account. Touches every app that holds
something of theirs, so it lives above them all."""

from __future__ import annotations

from django.db import transaction

from audit.log import record
from forum import actions as forum_actions
from members.actions import (
    InvalidTransition,
    delete_credential_files_after_commit,
    end_all_sessions,
)
from members.models import CredentialDocument, User
from uploads import actions as upload_actions
from uploads.models import Upload

# Erasure ----------------------------------------------------------------------------------

# What happens to a departing member's posts, their choice (GDPR Art. 17).
POSTS_ANONYMISE = "anonymise"  # posts stay, shown as by "former member"
POSTS_DELETE = "delete"  # posts become tombstones, their text and images gone
POSTS_CHOICES = (POSTS_ANONYMISE, POSTS_DELETE)


@transaction.atomic
def delete_own_account(user: User, *, posts: str) -> None:
    """Remove the member's account and everything personal; their posts as they chose.

    The audit log keeps one entry with a neutral label: that member #N deleted their account,
    and when. Files are deleted from storage after the commit.
    """
    if posts not in POSTS_CHOICES:
        raise ValueError(f"posts must be one of {POSTS_CHOICES}")
    if user.is_admin:
        # The last admin deleting themselves would lock everyone out of verification.
        raise InvalidTransition("Ask another admin to remove your admin role first")
    user = User.objects.select_for_update().get(pk=user.pk)
    documents = list(CredentialDocument.objects.filter(application__user=user))
    label = f"Former member #{user.pk}"
    record(
        actor=user,
        action="member.account_deleted",
        target=user,
        actor_label=label,
        target_label=label,
        posts=posts,
    )
    end_all_sessions(user)
    # Their images go whatever they chose for their text (rows now, files after commit).
    upload_actions.delete_uploads(Upload.objects.filter(uploader=user))
    if posts == POSTS_DELETE:
        forum_actions.delete_posts_of(user)
    else:
        forum_actions.anonymise_posts_of(user)
    user.delete()  # profile, application, documents, roles, emails, second factors cascade
    delete_credential_files_after_commit(documents)
