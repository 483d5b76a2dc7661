"""What an uploaded file carried besides its pixels, in words for the uploader's receipt,
and whether it hides markup where markup could matter.

Pure Pillow, no Django: it runs inside the scrubber's worker process (uploads/worker.py).
Nothing found here is kept: the scrubber re-encodes the pixels alone; this module only
tells the uploader what was thrown away.
"""

from __future__ import annotations

import re

from PIL import ExifTags, Image

# Markup in an image file means a polyglot meant to be read as a page somewhere.
POLYGLOT = re.compile(rb"<(?:script|html|!doctype|svg|iframe|body|\?php)\b", re.I)


def hides_markup(data: bytes, kind: str) -> bool:
    """True when the file carries web-page code (a polyglot)."""
    return bool(POLYGLOT.search(data))


EXIF_GPS_IFD = 0x8825
EXIF_IFD = 0x8769


def _exif_findings(image: Image.Image) -> list[str]:
    found: list[str] = []
    try:
        exif = image.getexif()
    except Exception:
        return ["damaged EXIF data"]
    if not exif and not image.info.get("exif"):
        return found
    sub = exif.get_ifd(EXIF_IFD)
    if exif.get_ifd(EXIF_GPS_IFD) or EXIF_GPS_IFD in exif:
        found.append("GPS location")
    make_model = exif.get(0x010F) or exif.get(0x0110) or sub.get(0xA433) or sub.get(0xA434)
    if make_model:
        found.append("camera make and model")
    if sub.get(0xA431) or sub.get(0xA435) or exif.get(0xC62F):
        found.append("camera or lens serial number")
    if exif.get(0x0132) or sub.get(0x9003) or sub.get(0x9004):
        found.append("capture date and time")
    if exif.get(0x013B) or exif.get(0x8298):
        found.append("owner or artist name")
    if exif.get(0x0131):
        found.append("editing software")
    if sub.get(0x927C):
        found.append("maker notes")
    if exif.get(0x010E) or sub.get(0x9286) or exif.get(0x9C9C):
        found.append("a description or comment in EXIF")
    if sub.get(0xA420):
        found.append("a unique image ID")
    try:
        thumbnail = exif.get_ifd(ExifTags.IFD.IFD1)
    except Exception:
        thumbnail = {}
    if thumbnail or b"\xff\xd8" in (image.info.get("exif") or b"")[8:]:
        found.append("an embedded thumbnail")
    if not found:
        found.append("other EXIF data")
    return found


def _trailing_bytes(data: bytes, kind: str) -> int:
    if kind == "JPEG":
        end = data.rfind(b"\xff\xd9")
        return len(data) - end - 2 if end >= 0 else 0
    if kind == "PNG":
        end = data.rfind(b"IEND")
        return max(0, len(data) - end - 8) if end >= 0 else 0
    return 0


def findings(image: Image.Image, data: bytes, kind: str) -> list[str]:
    """What the source carried besides pixels, in words for the receipt."""
    found = _exif_findings(image)
    info = image.info
    if any(key in info for key in ("xmp", "XML:com.adobe.xmp")) or b"<x:xmpmeta" in data:
        found.append("XMP metadata (editing history)")
    if "photoshop" in info or "iptc" in info or b"Photoshop 3.0" in data[:65536]:
        found.append("IPTC/Photoshop data")
    applist = getattr(image, "applist", [])
    comments = [body for marker, body in applist if marker == "COM"]
    if not comments and info.get("comment"):
        comments = [info["comment"]]
    if comments:
        count = len(comments)
        found.append(f"{count} comment" + ("s" if count > 1 else ""))
    extra_segments = {marker for marker, _body in applist if marker not in {"APP0", "APP1", "COM"}}
    if extra_segments:
        found.append(f"other embedded segments ({', '.join(sorted(extra_segments))})")
    text_chunks = [key for key in ("text", "zTXt", "iTXt") if key in info]
    png_text = {
        key
        for key in info
        if key not in {"dpi", "gamma", "transparency", "icc_profile", "exif", "aspect"}
        and isinstance(info[key], str)
    }
    if kind == "PNG" and (png_text or text_chunks):
        found.append(f"{len(png_text) or len(text_chunks)} text field(s)")
    if kind == "PNG" and b"tIME" in data[:200_000]:
        found.append("a last-modified time")
    trailing = _trailing_bytes(data, kind)
    if trailing:
        found.append(f"{trailing} bytes hidden after the end of the image")
    return list(dict.fromkeys(found))
