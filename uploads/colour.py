"""Colour management for the scrubber: pixels as the embedded profile meant them, in sRGB.

Pure Pillow (LittleCMS through ImageCms), no Django: it runs inside the scrubber's worker
process. The profile itself never reaches the output; only its effect on the pixels does.
"""

from __future__ import annotations

import io

from PIL import Image, ImageCms

SRGB = ImageCms.createProfile("sRGB")


def to_srgb(image: Image.Image) -> Image.Image:
    """Colours as the embedded profile meant them, in sRGB; the profile itself is dropped."""
    icc = image.info.get("icc_profile")
    # Grey images keep their grey values; only colour profiles move colours.
    if icc and image.mode in {"RGB", "RGBA", "CMYK"}:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode != "CMYK" and "sRGB" in ImageCms.getProfileDescription(source):
                return image  # already sRGB: converting would change nothing but the time
            mode = "RGBA" if image.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(image, source, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            return image  # an unusable profile: the plain conversion in _normalise instead
        if converted is not None:
            return converted
    return image
