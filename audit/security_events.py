"""Security events as JSON lines on the `scrubroom.security` logger, each with the id of the
request it happened in (set by scrubroom/security_log.RequestLogMiddleware).

A leaf, beside the audit log, so that every app can write one: the audit log records what
staff did (kept, chained); these record what happened to accounts and requests (logged).
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from typing import Any

security = logging.getLogger("scrubroom.security")
request_id: ContextVar[str] = ContextVar("request_id", default="")


def event(name: str, **fields: Any) -> None:
    """One security event, as a JSON line: user ids and route names, never what was typed."""
    security.info(
        json.dumps({"event": name, "request_id": request_id.get(), **fields}, default=str)
    )
