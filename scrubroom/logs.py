"""Logging filters. Logs carry ids and actions; never emails, names, file names or case text.

The code logs ids only. This filter is the second line of defence for messages we do not
write ourselves: Django's "Not Found: /path" lines and database errors that quote a row.
"""

from __future__ import annotations

import logging
import re
import time

# The local part leaves out "/" (legal but rare) so that a path keeps its folders.
EMAIL = re.compile(r"[\w.!#$%&'*+=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# A quoted value in a database error: Key (email)=(alice@example.org) already exists.
ROW_VALUES = re.compile(r"(Key \([^)]*\)=)\([^)]*\)")


def redact(text: str) -> str:
    return ROW_VALUES.sub(r"\1(…)", EMAIL.sub("[email]", text))


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            # Format the traceback now so that the exception's message is redacted too.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class DropOrdinaryForbidden(logging.Filter):
    """Django logs every 403 as a warning with the exception's traceback. A refusal is an
    expected answer, written once as a security event (scrubroom/security_log.py): drop the
    duplicate and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "django.request" and getattr(record, "status_code", 0) == 403)


class UTCFormatter(logging.Formatter):
    """Times in UTC, whatever the host's zone."""

    def converter(self, seconds: float | None) -> time.struct_time:  # type: ignore[override]
        return time.gmtime(seconds)
