from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from members.permissions import has_second_factor

# allauth's own pages (sign out, email, password, two-factor, sessions) manage the signed-in
# account itself; an applicant needs them too. tests/test_url_walk.py lists each one.
ACCOUNT_URL_PREFIXES = ("account_", "mfa_", "usersessions_")


class MembershipGateMiddleware:
    """The second gate after LoginRequiredMiddleware: only verified members reach content.

    Signed-in users who are not (yet) verified members are sent to their membership status
    page; with SCRUBROOM_REQUIRE_MFA_FOR_ALL, members without a second factor are sent to
    enrol. Views opt out with `login_not_required` (public) or `applicant_allowed`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        if not getattr(view_func, "login_required", True):
            return None
        user = request.user
        if not user.is_authenticated:
            return None  # LoginRequiredMiddleware has already redirected to the login page
        match = request.resolver_match
        url_name = (match.url_name or "") if match else ""
        if url_name.startswith(ACCOUNT_URL_PREFIXES):
            return None
        if getattr(view_func, "applicant_allowed", False):
            return None
        if not user.is_verified_member:
            return redirect("membership_status")
        if settings.SCRUBROOM_REQUIRE_MFA_FOR_ALL and not has_second_factor(user):
            return redirect("mfa_index")
        return None
