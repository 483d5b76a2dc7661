"""System checks for the image pipeline's settings and the platform it needs."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, register


@register("uploads")
def check_scrub_slots(app_configs, **kwargs) -> list[Error]:
    """A process with no scrub slot would tell every upload "busy" forever."""
    errors = []
    if settings.SCRUBROOM_SCRUBS_PER_PROCESS < 1:
        errors.append(Error("SCRUBROOM_SCRUBS_PER_PROCESS must be at least 1.", id="uploads.E001"))
    if settings.SCRUBROOM_SCRUB_WAIT_SECONDS < 0:
        errors.append(
            Error("SCRUBROOM_SCRUB_WAIT_SECONDS must not be negative.", id="uploads.E001")
        )
    return errors


@register("uploads")
def check_process_handles(app_configs, **kwargs) -> list[Error]:
    # The fork server learns how each scrub ended through a pidfd (Linux 5.3 and later):
    # without it, a decoder crash could not be told from a bug of ours.
    if not hasattr(os, "pidfd_open"):
        return [
            Error(
                "The image scrubber needs Linux 5.3 or later (os.pidfd_open).",
                id="uploads.E002",
            )
        ]
    return []
