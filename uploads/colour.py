"""Colour management for the scrubber: pixels as the embedded profile meant them, in sRGB.

Pure Pillow (LittleCMS through ImageCms), no Django: it runs inside the scrubber's worker
process. The profile itself never reaches the output; only its effect on the pixels does.
"""

from __future__ import annotations

import io

from PIL import Image, ImageCms

SRGB = ImageCms.createProfile("sRGB")


# What to_srgb did with the embedded profile, for the receipt (uploads/scrub.py words it).
NO_PROFILE, ALREADY_SRGB, CONVERTED, UNUSABLE = "none", "srgb", "converted", "unusable"


def to_srgb(image: Image.Image) -> tuple[Image.Image, str]:
    """Colours as the embedded profile meant them, in sRGB, and what was done (one of the
    four statuses above); the profile itself is dropped."""
    icc = image.info.get("icc_profile")
    # Grey images keep their grey values; only colour profiles move colours.
    if icc and image.mode in {"RGB", "RGBA", "CMYK"}:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode != "CMYK" and "sRGB" in ImageCms.getProfileDescription(source):
                return image, ALREADY_SRGB  # converting would change nothing but the time
            mode = "RGBA" if image.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(image, source, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            return image, UNUSABLE  # the plain conversion in _normalise instead
        if converted is not None:
            return converted, CONVERTED
        return image, UNUSABLE
    return image, NO_PROFILE if not icc else UNUSABLE
