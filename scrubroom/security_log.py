"""Security events, as JSON lines on the `scrubroom.security` logger, and a request id.

Every request gets an id (`X-Request-ID` on the response, `request_id` on every log record
written while it runs), and one access line on `scrubroom.access`: method, path, status,
duration. Never a query string or a form body: those carry what members type and search for
(a patient's name). Sign-ins, failed sign-ins, second-factor failures and permission
refusals are written with user ids and route names only; an ordinary 403 carries no
traceback.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from audit.security_events import event
from audit.security_events import request_id as _request_id

access = logging.getLogger("scrubroom.access")


class RequestIdFilter(logging.Filter):
    """Every record carries the id of the request it was written in ("" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class RequestLogMiddleware:
    """The request id, the access line, and permission refusals."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        token = _request_id.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if response.status_code == 403:
                match = request.resolver_match
                event(
                    "permission_refused",
                    user=_user_id(request),
                    route=match.view_name if match else "",
                )
            access.info(
                json.dumps(
                    {
                        "request_id": request_id,
                        "method": request.method,
                        "path": request.path,  # never the query string
                        "status": response.status_code,
                        "ms": round((time.monotonic() - started) * 1000, 1),
                        "user": _user_id(request),
                    }
                )
            )
            return response
        finally:
            _request_id.reset(token)


def _user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


# Signals --------------------------------------------------------------------------------


def _signed_in(sender: Any, request: HttpRequest | None = None, user: Any = None, **kw) -> None:
    event("sign_in", user=getattr(user, "pk", None))


def _sign_in_failed(sender: Any, credentials: Any = None, request: Any = None, **kw) -> None:
    # Never the address typed: it may not be a member's, and it is personal data.
    event("sign_in_failed")


def _signed_out(sender: Any, request: Any = None, user: Any = None, **kw) -> None:
    event("sign_out", user=getattr(user, "pk", None))


def _factor_failed(sender: Any, request: Any = None, user: Any = None, **kw) -> None:
    authenticator = kw.get("authenticator")
    event("mfa_failed", user=getattr(user, "pk", None), factor=getattr(authenticator, "type", ""))


def _factor_used(sender: Any, request: Any = None, user: Any = None, **kw) -> None:
    authenticator = kw.get("authenticator")
    event("mfa_passed", user=getattr(user, "pk", None), factor=getattr(authenticator, "type", ""))


def _account_event(name: str):
    def receiver(sender: Any, request: Any = None, user: Any = None, **kw: Any) -> None:
        user = user or getattr(kw.get("email_address"), "user", None)
        event(name, user=getattr(user, "pk", None))  # never the address or the password

    return receiver


_ACCOUNT_SIGNALS = {
    "password_changed": "password_changed",
    "password_set": "password_set",
    "password_reset": "password_reset",
    "email_added": "email_added",
    "email_changed": "email_primary_changed",
    "email_confirmed": "email_confirmed",
    "email_removed": "email_removed",
}
_account_receivers = {signal: _account_event(name) for signal, name in _ACCOUNT_SIGNALS.items()}


def connect() -> None:
    from allauth.account import signals as account_signals  # noqa: PLC0415
    from allauth.mfa import signals as mfa_signals  # noqa: PLC0415  (apps must be ready)
    from django.contrib.auth import signals  # noqa: PLC0415

    for signal, receiver in _account_receivers.items():
        getattr(account_signals, signal).connect(receiver, dispatch_uid=f"scrubroom.{signal}.log")
    signals.user_logged_in.connect(_signed_in, dispatch_uid="scrubroom.security.sign_in")
    signals.user_login_failed.connect(_sign_in_failed, dispatch_uid="scrubroom.security.failed")
    signals.user_logged_out.connect(_signed_out, dispatch_uid="scrubroom.security.sign_out")
    mfa_signals.authentication_failed.connect(_factor_failed, dispatch_uid="scrubroom.mfa.fail")
    mfa_signals.authenticator_used.connect(_factor_used, dispatch_uid="scrubroom.mfa.used")
