"""Who may see and act on review items, and who may read a moderator's service record.

A moderator's scope is their specialties; admins see everything; applications are admins'
alone. Outside one's scope an item is unknown (404); a decided item can no longer be acted
on (403). A service record is its moderator's and the admins'."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from members.models import ModeratorScope, User
from members.permissions import has_staff_powers
from review.models import ReviewItem


def can_see_item(user: User, item: ReviewItem) -> bool:
    if not (user.is_authenticated and user.is_verified_member):
        return False
    if user.is_admin:
        return True
    if item.kind == ReviewItem.Kind.APPLICATION or item.specialty_id is None:
        return False
    return ModeratorScope.objects.filter(user=user, specialty_id=item.specialty_id).exists()


def get_item_or_404(user: User, pk: int) -> ReviewItem:
    try:
        item = ReviewItem.objects.select_related("specialty", "claimed_by__profile").get(pk=pk)
    except ReviewItem.DoesNotExist:
        raise Http404 from None
    if not can_see_item(user, item):
        raise Http404
    return item


def is_own_content(user: User, item: ReviewItem, target: Any = None) -> bool:
    """The moderator's own post or image, or a flag on one: another moderator decides."""
    owner = item.owner_id
    if owner is None and target is not None:
        owner = getattr(target, "author_id", None) or getattr(target, "uploader_id", None)
    return owner is not None and owner == user.pk


def check_can_act(user: User, item: ReviewItem, *, open_only: bool = True) -> None:
    """May `user` act on the item now (claims, notes, decisions)."""
    if not can_see_item(user, item):
        raise Http404
    if not has_staff_powers(user):
        raise PermissionDenied(_("Moderation needs two-factor authentication."))
    if open_only and not item.is_open:
        raise PermissionDenied(_("This item has already been decided."))


def check_not_own_content(user: User, item: ReviewItem, target: Any) -> None:
    """Claims and decisions: nobody holds or decides their own content."""
    if is_own_content(user, item, target):
        raise PermissionDenied(
            _("This is your own content: it needs another moderator of the specialty, or an admin.")
        )


# Moderators' service records -----------------------------------------------------------


def get_moderator_or_404(pk: int) -> User:
    """A moderator as the moderators page lists them: verified, with at least one scope.

    Anyone else's id is 404, whether or not the account exists: moderators are public to
    members, other ids are not.
    """
    moderator = (
        User.objects.verified()
        .filter(pk=pk, moderator_scopes__isnull=False)
        .select_related("profile")
        .first()
    )
    if moderator is None:
        raise Http404
    return moderator


def check_can_see_service(viewer: User, moderator: User) -> None:
    """A moderator's service record is theirs and the admins' (403 for other members)."""
    if not viewer.is_verified_member:
        raise PermissionDenied
    if not (viewer.pk == moderator.pk or viewer.is_admin):
        raise PermissionDenied(_("Only this moderator and the admins can see their service."))
