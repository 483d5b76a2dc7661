"""allauth's account adapter and sign-up form, hardened for issue 17.

Failed sign-ins: the limit per client address stays strict (ACCOUNT_RATE_LIMITS), but the
limit per account only slows attempts down, so nobody can lock a colleague out by typing
their address with wrong passwords. After FREE_FAILURES failures each further attempt must
wait twice as long as the one before, never more than MAX_WAIT_SECONDS, and the count is
forgotten RECOVERY_SECONDS after the last failure (or at a successful sign-in). The owner is
at most a minute from signing in; a botnet guessing one account gets a guess a minute.

Sign-up answers in the same time whether or not the address has an account: for a taken
address allauth sends the "you already have an account" email and creates nothing, which
skipped the password hash (the slow part, by design) and gave the answer away in its timing.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.forms import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from audit.security_events import event

FREE_FAILURES = 5
FIRST_WAIT_SECONDS = 2
MAX_WAIT_SECONDS = 60
RECOVERY_SECONDS = 60 * 60


def _now() -> float:
    return time.time()


def _account_key(credentials: dict[str, Any]) -> str | None:
    login = credentials.get("email") or credentials.get("username") or ""
    if not login:
        return None
    digest = hashlib.sha256(str(login).strip().lower().encode()).hexdigest()
    return f"signin-failures:{digest}"  # a digest: the cache never holds the address


def wait_after(failures: int) -> float:
    """Seconds an account must rest after `failures` failed sign-ins."""
    if failures < FREE_FAILURES:
        return 0.0
    return float(min(FIRST_WAIT_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS))


def _failures(key: str) -> tuple[int, float]:
    """(failures, time of the last) for an account; forgotten after RECOVERY_SECONDS (by the
    cache's expiry too, but the clock here is the one that counts)."""
    failures, last = cache.get(key, (0, 0.0))
    if _now() - last > RECOVERY_SECONDS:
        return 0, 0.0
    return failures, last


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)  # the strict per-address limit
        key = _account_key(credentials)
        if key is None:
            return
        failures, last = _failures(key)
        remaining = last + wait_after(failures) - _now()
        if remaining > 0:
            event("sign_in_slowed", failures=failures, wait_seconds=math.ceil(remaining))
            raise ValidationError(
                _(
                    "Several sign-ins to this account have failed, so it is slowed down for "
                    "a moment. Please try again in %(seconds)d seconds."
                )
                % {"seconds": math.ceil(remaining)},
                code="too_many_login_attempts",
            )

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        key = _account_key(credentials)
        if key is None:
            return
        failures, _last = _failures(key)
        failures += 1
        cache.set(key, (failures, _now()), RECOVERY_SECONDS)
        if failures == FREE_FAILURES:
            event("sign_in_account_slowed", failures=failures)

    def login(self, request: HttpRequest, user: Any) -> None:
        super().login(request, user)
        key = _account_key({"email": getattr(user, "email", "")})
        if key is not None:
            cache.delete(key)


class SignupForm(AllauthSignupForm):
    def try_save(self, request: HttpRequest):
        if self.account_already_exists:
            # The same work as for a new account: one hash of the password typed.
            make_password(self.cleaned_data.get("password1") or "")
        return super().try_save(request)
