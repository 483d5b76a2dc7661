"""Password checks for a hospital security review (issue 17; NIST SP 800-63B 3.1.1.2).

A password is refused if it, or its core (lower-cased, with the digits and symbols around it
stripped and the usual letter swaps undone: "P@ssw0rd2026!" is "password"), is on a large
offline list of breached and common passwords, or is too like the service's name or the
member's own email, name or institution.

The list (members/data/breached-passwords.txt.gz, 415,648 entries; its README says where it
comes from) is held as one sorted block of bytes and searched by bisection: about 3.5 MB per
process and a few microseconds a look-up, where a Python set of the same words costs 40 MB.
"""

from __future__ import annotations

import gzip
import re
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import exceeds_maximum_length_ratio
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _

LIST_PATH = Path(__file__).resolve().parent / "data" / "breached-passwords.txt.gz"
# Words about this service that an attacker tries first (NIST's "context-specific words").
SERVICE_WORDS = ("scrubroom", "scrub room", "scrubrooms")
LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_EDGES = re.compile(r"^[^a-z]+|[^a-z]+$")
PROFILE_FIELDS = ("full_name", "institution", "licence_number")
MIN_CORE = 3  # a shorter core says nothing: "x" is on every list


@cache
def _breached() -> bytes:
    with gzip.open(LIST_PATH, "rb") as listing:
        return listing.read()


def is_breached(candidate: str) -> bool:
    """Whether `candidate` (lower case) is a line of the sorted list."""
    blob, word = _breached(), candidate.encode()
    low, high = 0, len(blob)
    while low < high:
        middle = (low + high) // 2
        start = blob.rfind(b"\n", 0, middle) + 1  # `low` always starts a line
        end = blob.find(b"\n", start)
        line = blob[start:end]
        if line == word:
            return True
        if line < word:
            low = end + 1
        else:
            high = start
    return False


def cores(password: str) -> set[str]:
    """The password and what an attacker's rules would derive it from."""
    lowered = password.lower()
    stripped = _EDGES.sub("", lowered)
    candidates = {
        lowered,
        stripped,
        stripped.translate(LEET),
        _EDGES.sub("", lowered.translate(LEET)),
    }
    return {candidate for candidate in candidates if len(candidate) >= MIN_CORE}


class BreachedPasswordValidator:
    """Refuses a password found, or whose core is found, in the breached-password list."""

    def validate(self, password: str, user: Any = None) -> None:
        if any(is_breached(core) for core in cores(password)):
            raise ValidationError(
                _(
                    "This password, or the word it is built on, appears in lists of "
                    "passwords stolen from other sites. Choose another: a few unrelated "
                    "words make a good one."
                ),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Your password can't be one found in lists of stolen passwords.")


class MemberSimilarityValidator:
    """Django's similarity rule (UserAttributeSimilarityValidator's), applied to the password
    and its cores, against the service's name and the member's email, name, institution and
    licence number (the profile's, once there is one: not yet at sign-up)."""

    def __init__(self, max_similarity: float = 0.7) -> None:
        self.max_similarity = max_similarity

    def validate(self, password: str, user: Any = None) -> None:
        profile = _profile_of(user)
        values = [
            getattr(user, "email", "") or "",
            *(getattr(profile, field, "") or "" for field in PROFILE_FIELDS),
            *SERVICE_WORDS,
        ]
        for value in filter(None, (value.lower() for value in values)):
            # The whole, each word, and each side of an "@" with its separators dropped:
            # "alice.jones@…" gives "alicejones", which "AliceJones1990!" is built on.
            pieces = value.split("@")
            squashed = {re.sub(r"\W+", "", piece) for piece in pieces}
            parts = {value, *pieces, *squashed, *re.split(r"\W+", value)} - {""}
            for candidate in {password.lower(), *cores(password)}:
                if any(self._alike(candidate, part) for part in parts):
                    raise ValidationError(
                        _(
                            "This password is too like the name of this site or your own "
                            "email, name or institution. Choose one nobody could guess from "
                            "those."
                        ),
                        code="password_too_similar",
                    )

    def _alike(self, candidate: str, part: str) -> bool:
        if exceeds_maximum_length_ratio(candidate, self.max_similarity, part):
            return False
        return SequenceMatcher(a=candidate, b=part).quick_ratio() >= self.max_similarity

    def get_help_text(self) -> str:
        return _("Your password can't be like this site's name or your email, name or institution.")


def _profile_of(user: Any) -> Any:
    if user is None or getattr(user, "pk", None) is None:
        return None
    try:
        return user.profile
    except ObjectDoesNotExist:  # no profile yet: an applicant before their application
        return None
