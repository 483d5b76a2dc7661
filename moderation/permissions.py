"""Who may see and act on review items. A moderator's scope is their specialties; admins
see everything; applications are admins' alone. Outside one's scope an item is unknown
(404); a decided item can no longer be acted on (403)."""

from __future__ import annotations

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


def check_can_act(user: User, item: ReviewItem, *, open_only: bool = True) -> None:
    if not can_see_item(user, item):
        raise Http404
    if not has_staff_powers(user):
        raise PermissionDenied(_("Moderation needs two-factor authentication."))
    if open_only and not item.is_open:
        raise PermissionDenied(_("This item has already been decided."))
