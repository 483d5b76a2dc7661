from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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


# Session keys this middleware keeps: when the session was last used, and the time of the
# last reauthentication it has rotated the session key for.
LAST_SEEN = "scrubroom_last_seen"
SIGNED_IN_AT = "scrubroom_signed_in_at"
# Sent by the page's own fetches (static/js/thread.js): polling is not activity.
BACKGROUND_HEADER = "X-Scrubroom-Background"
ROTATED_FOR = "scrubroom_rotated_for"
# Fields never shown back after an idle sign-out.
NOT_SHOWN_BACK = {
    "csrfmiddlewaretoken",
    "password",
    "password1",
    "password2",
    "oldpassword",
    "code",
}
# Recording every request would write the session on each one; a minute's precision will do.
SEEN_PRECISION = 60


class SessionLifeMiddleware:
    """An idle limit inside an absolute one: a session untouched for SCRUBROOM_IDLE_SECONDS
    (members) or SCRUBROOM_STAFF_IDLE_SECONDS (moderators, admins), or older than
    SESSION_COOKIE_AGE since its sign-in, ends at its next request. (Django's own expiry
    moves forward each time the session is saved, so it is not absolute by itself.) The
    page's background fetches do not count as activity. And a new session key after each
    reauthentication, so a key seen before it (in a log, a stolen cookie) does not carry the
    fresh check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if not isinstance(signed_in_at, int | float):
                request.session[SIGNED_IN_AT] = signed_in_at = now  # a session from before
            if now - signed_in_at > settings.SESSION_COOKIE_AGE:
                return self._signed_out_idle(request, expired=True)
            last_seen = request.session.get(LAST_SEEN)
            idle = now - last_seen if isinstance(last_seen, int | float) else 0.0
            # Who the user is is asked only of a session idle past the shorter limit.
            shorter = min(settings.SCRUBROOM_STAFF_IDLE_SECONDS, settings.SCRUBROOM_IDLE_SECONDS)
            if idle > shorter and (
                idle > settings.SCRUBROOM_IDLE_SECONDS or user.is_admin or user.is_moderator
            ):
                return self._signed_out_idle(request)
            background = request.headers.get(BACKGROUND_HEADER) == "1"
            if not isinstance(last_seen, int | float) or (
                now - last_seen > SEEN_PRECISION and not background
            ):
                request.session[LAST_SEEN] = now
        response = self.get_response(request)
        if request.user.is_authenticated:
            self._rotate_after_reauthentication(request)
        return response

    def _signed_out_idle(self, request: HttpRequest, *, expired: bool = False) -> HttpResponse:
        """Sign out; a form sent after the limit comes back with its words, never lost: the
        person at this browser typed them (passwords and tokens are not shown back)."""
        typed = [
            (name, value)
            for name, value in request.POST.items()
            if isinstance(value, str) and value.strip() and name not in NOT_SHOWN_BACK
        ]
        logout(request)
        if typed:
            return render(request, "members/signed_out_idle.html", {"typed": typed}, status=401)
        if expired:
            hours = max(1, settings.SESSION_COOKIE_AGE // 3600)
            messages.info(
                request,
                _("You were signed out: a session ends %(hours)d hours after signing in.")
                % {"hours": hours},
            )
        else:
            messages.info(request, _("You were signed out after a while without activity."))
        return redirect(settings.LOGIN_URL)

    def _rotate_after_reauthentication(self, request: HttpRequest) -> None:
        records = get_authentication_records(request, request.user)
        reauthenticated = [r.get("at", 0) for r in records if r.get("reauthenticated")]
        if reauthenticated and max(reauthenticated) > request.session.get(ROTATED_FOR, 0):
            request.session.cycle_key()
            request.session[ROTATED_FOR] = max(reauthenticated)


def note_sign_in(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """A session starts as just used (so its first request need not write it)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = request.session[SIGNED_IN_AT] = time.time()
