"""Who may see and do what with accounts, and the one rule for staff powers. Shared by views,
fragments, consumers, verbs and the Django admin.

Convention: raise Http404 when the object must stay unknown to this user, PermissionDenied
(403) when its existence is no secret but the action is not theirs to take.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from members.models import Application, User

# Recovery codes alone are a fallback, not an enrolled second factor.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


class MemberRequest(HttpRequest):
    """A request that passed the membership gate: its user is a signed-in User."""

    user: User  # type: ignore[assignment]


def has_second_factor(user: User) -> bool:
    if not user.is_authenticated:
        return False
    # Asked for every post and image a staff member's page shows: remembered for this user
    # instance (one request); enrolling or removing a factor is seen from the next request.
    known = user.__dict__.get("_has_second_factor")
    if known is None:
        known = user.__dict__["_has_second_factor"] = is_mfa_enabled(user, SECOND_FACTORS)
    return bool(known)


def has_staff_powers(user: User) -> bool:
    """A moderator or admin with an enrolled second factor: the one test before any staff
    power is used, by every view, fragment, consumer and verb that gives one."""
    if not (user.is_authenticated and user.is_verified_member):
        return False
    known = user.__dict__.get("_has_staff_powers")  # per instance, as has_second_factor
    if known is None:
        known = user.__dict__["_has_staff_powers"] = bool(
            (user.is_admin or user.is_moderator) and has_second_factor(user)
        )
    return known


def enrol_for_staff_powers(request: HttpRequest) -> HttpResponse:
    """What a page answers staff who have not enrolled a second factor: enrol, and why."""
    messages.warning(
        request,
        _(
            "Staff pages need two-factor authentication. Set up an "
            "authenticator app, then come back."
        ),
    )
    return redirect("mfa_index")


def applicant_allowed(view: Callable) -> Callable:
    """Mark a view that signed-in applicants (and suspended accounts) may reach."""
    view.applicant_allowed = True  # type: ignore[attr-defined]
    return view


def check_is_admin(user: User) -> None:
    if not (user.is_verified_member and user.is_admin):
        raise PermissionDenied(_("Only admins can do this."))


def check_is_staff(user: User) -> None:
    if not (user.is_verified_member and (user.is_admin or user.is_moderator)):
        raise PermissionDenied(_("Only moderators and admins can do this."))


def staff_page(*, admin: bool = False) -> Callable[[Callable], Callable]:
    """Decorate a staff view: admins (or moderators, unless admin=True) who have enrolled MFA.

    Staff who have not enrolled are sent to enrol, with the reason, rather than refused.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: MemberRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            (check_is_admin if admin else check_is_staff)(request.user)
            if not has_staff_powers(request.user):
                return enrol_for_staff_powers(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def get_visible_member_or_404(viewer: User, pk: int) -> User:
    """A member's profile is visible to verified members once that member is verified.

    Admins also see applicants and former members, to manage them.
    """
    try:
        member = User.objects.select_related("profile__specialty").get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None
    if member.is_verified_member or viewer.is_admin:
        return member
    raise Http404


def get_application_for_admin_or_404(viewer: User, pk: int) -> Application:
    # Non-admins must not learn which application ids exist.
    if not (viewer.is_verified_member and viewer.is_admin):
        raise Http404
    try:
        return Application.objects.select_related("user__profile__specialty").get(pk=pk)
    except Application.DoesNotExist:
        raise Http404 from None


def check_can_grant(granter: User) -> None:
    """Only admins grant or revoke roles.

    "Nobody grants a role they do not hold" follows: admin is the highest role, and the
    grant verbs call this for every role, so a moderator cannot even grant moderator.
    """
    check_is_admin(granter)
