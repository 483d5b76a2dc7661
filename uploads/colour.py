"""Colour management for the scrubber: pixels as the embedded profile meant them, in sRGB.

Pure Pillow (LittleCMS through ImageCms), no Django: it runs inside the scrubber's worker
process. The profile itself never reaches the output (the output is read as sRGB by every
viewer); only its effect on the pixels does.

A profile is judged by what it does, never by its name: Samsung's "DCI-P3 D65 Gamut with
sRGB Transfer" and linear profiles renamed "sRGB" both say "sRGB" and are not. Each profile
is run once over a probe of colours (darks included, where curves differ most); only if
every probe colour comes back within one level is the image left alone, which is what makes
the common case (phones embedding true sRGB) cost no conversion of the pixels at all.

By mode: RGB and RGBA are converted in place (alpha untouched); a palette image (P, PA) has
its palette converted, which is the same as converting every pixel; CMYK becomes RGB
through its profile. Grey images (L, LA, I;16) with a grey profile are converted too, to
grey with the sRGB curve: viewers apply grey profiles, and they matter in the shadows,
where a radiograph's detail is ("Gray Gamma 2.2" shows level 16 as sRGB's 7). They stay
grey, and 16-bit stays 16-bit. A profile for another colour space than the image's (an
RGB profile on a grey image) is ignored, as browsers ignore it, and reported as UNUSABLE.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import struct
from collections import OrderedDict
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageCms

SRGB = ImageCms.createProfile("sRGB")
_SRGB = ImageCms.ImageCmsProfile(SRGB)


def _grey_srgb() -> ImageCms.ImageCmsProfile:
    """A grey profile with the sRGB curve (LittleCMS has one built in, Pillow cannot make
    it): the target for grey images, so they stay one channel and 16-bit ones keep their
    16 bits, where converting to an sRGB colour image would cut them to 8."""
    d50 = struct.pack(">3i", 63190, 65536, 54061)  # the connection space's white, s15Fixed16
    curve = (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045)  # IEC 61966-2-1, para type 3
    name = "sRGB grey".encode("utf-16-be")
    mluc = struct.pack(">II2s2sII", 1, 12, b"en", b"US", len(name), 28) + name
    tags = [
        (b"desc", b"mluc" + bytes(4) + mluc),
        (b"wtpt", b"XYZ " + bytes(4) + d50),
        (
            b"kTRC",
            b"para" + bytes(4) + struct.pack(">HH5i", 3, 0, *(round(v * 65536) for v in curve)),
        ),
    ]
    offset, table, body = 128 + 4 + 12 * len(tags), b"", b""
    for signature, data in tags:
        data += bytes(-len(data) % 4)
        table += struct.pack(">4sII", signature, offset + len(body), len(data))
        body += data
    size = offset + len(body)
    header = (
        struct.pack(">I4sI4s4s4s", size, b"lcms", 0x04300000, b"mntr", b"GRAY", b"XYZ ")
        + bytes(12)  # date: none
        + b"acsp"
        + bytes(28)  # platform, flags, manufacturer, model, attributes, intent
        + d50
        + bytes(48)  # creator, profile ID (optional), reserved
    )
    return ImageCms.ImageCmsProfile(
        io.BytesIO(header + struct.pack(">I", len(tags)) + table + body)
    )


_SRGB_GREY = _grey_srgb()


# What to_srgb did with the embedded profile, for the receipt (uploads/scrub.py words it).
NO_PROFILE, ALREADY_SRGB, CONVERTED, UNUSABLE = "none", "srgb", "converted", "unusable"

# The profile's colour space (LittleCMS's name for it) and the image modes it can describe.
# Any other pairing (an RGB profile on a grey image, a CMYK profile on an RGB one) is
# ignored, as browsers ignore it: it cannot say what these pixels mean.
_MODES_FOR = {"RGB": {"RGB", "RGBA"}, "GRAY": {"L", "I;16"}, "CMYK": {"CMYK"}}

# Probe levels: dense in the darks, where an sRGB curve, a 2.2 gamma and a linear curve part.
_LEVELS = (0, 4, 10, 24, 48, 96, 144, 200, 255)
_RGB_PROBE = [*itertools.product(_LEVELS, repeat=3), *((v, v, v) for v in range(256))]
_GREY_PROBE_16 = [*range(0, 65536, 257), *range(1, 2048, 7)]  # every 8-bit level, and darks
_ONE_LEVEL_16 = 257  # one 8-bit level in 16-bit units: "within one level" at either depth

_PLANS_KEPT = 32


@dataclass(frozen=True)
class _Plan:
    """What to do with one profile on images of one mode."""

    status: str
    transform: ImageCms.ImageCmsTransform | None = None  # RGB, RGBA, CMYK, I;16
    lut: tuple[int, ...] = ()  # 8-bit grey: a lookup table is all a grey curve needs


# By (SHA-256 of the profile, mode), least recently used first. Keyed by the digest rather
# than by the bytes so the cache never holds on to profiles (a CMYK one can be megabytes).
# The fork server's children each start from the server's copy, so in production a plan made
# for one file is not seen by the next; the cache pays off in long-lived processes (the
# deidentify command, tests) and costs a few milliseconds a file where it does not.
_plans: OrderedDict[tuple[bytes, str], _Plan] = OrderedDict()


def to_srgb(image: Image.Image) -> tuple[Image.Image, str]:
    """Colours as the embedded profile meant them, in sRGB, and what was done (one of the
    four statuses above); the profile itself is dropped.

    The image may be changed in place (its pixels or its palette) and may be returned as
    itself; on UNUSABLE or ALREADY_SRGB the pixels are as they came. Never raises for a bad
    profile: the file is untrusted, and a profile that cannot be used is only ignored.
    """
    icc = image.info.get("icc_profile")
    if not icc:
        return image, NO_PROFILE
    if not isinstance(icc, bytes | bytearray):
        return image, UNUSABLE
    try:
        return _apply(image, bytes(icc))
    except MemoryError:
        raise  # the worker's memory limit: a refusal, as for the pixels themselves
    except Exception:  # any error from LittleCMS or Pillow on hostile bytes: ignore them
        return image, UNUSABLE


def _apply(image: Image.Image, icc: bytes) -> tuple[Image.Image, str]:
    mode = image.mode
    if mode in {"P", "PA"}:
        return _apply_to_palette(image, icc)
    # An 8-bit grey image's alpha is not colour: LA is its L band through the table.
    plan = _plan(icc, "L" if mode == "LA" else mode)
    if plan.status != CONVERTED:
        return image, plan.status
    if plan.lut:
        alpha = tuple(range(256)) if mode == "LA" else ()
        return image.point(plan.lut + alpha), CONVERTED
    assert plan.transform is not None
    if plan.transform.output_mode == mode and not image.readonly:
        # In place: a 12 MP photo costs no second 36-48 MB buffer (alpha is left as it was).
        # Not over a read-only buffer (pillow-heif's decoded pixels, or any frombuffer):
        # LittleCMS would write into memory Pillow promised not to change.
        ImageCms.applyTransform(image, plan.transform, inPlace=True)
        return image, CONVERTED
    return _convert(image, plan.transform), CONVERTED  # CMYK to RGB, or a read-only image


def _apply_to_palette(image: Image.Image, icc: bytes) -> tuple[Image.Image, str]:
    """A palette image's colours are its palette: converting the (at most 256) entries gives
    exactly the pixels converting the whole image would, for nothing. The transparency (in
    info, or in an RGBA palette, or in PA's alpha band) is left as it was."""
    rawmode = "RGBA" if image.palette is not None and image.palette.mode == "RGBA" else "RGB"
    colours = image.getpalette(rawmode)
    if not colours:
        return image, UNUSABLE
    plan = _plan(icc, rawmode)
    if plan.status != CONVERTED:
        return image, plan.status
    assert plan.transform is not None
    swatch = Image.frombytes(rawmode, (len(colours) // len(rawmode), 1), bytes(colours))
    ImageCms.applyTransform(swatch, plan.transform, inPlace=True)
    image.putpalette(swatch.tobytes(), rawmode)
    return image, CONVERTED


def _plan(icc: bytes, mode: str) -> _Plan:
    key = (hashlib.sha256(icc).digest(), mode)
    plan = _plans.get(key)
    if plan is None:
        try:
            plan = _make_plan(icc, mode)
        except MemoryError:
            raise
        except Exception:  # the same bytes would fail the same way: remember that too
            plan = _Plan(UNUSABLE)
        _plans[key] = plan
        while len(_plans) > _PLANS_KEPT:
            _plans.popitem(last=False)
    else:
        _plans.move_to_end(key)
    return plan


def _make_plan(icc: bytes, mode: str) -> _Plan:
    source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    space = source.profile.xcolor_space.strip()
    if mode not in _MODES_FOR.get(space, set()):
        return _Plan(UNUSABLE)
    if mode == "CMYK":  # never sRGB: always converted, to RGB
        return _Plan(CONVERTED, _transform(source, _SRGB, "CMYK", "RGB"))
    # The verdict comes from LittleCMS's exact (unoptimised) pipeline: it judges the profile,
    # not the optimiser's rounding, and for a thousand probe colours it is cheaper to build
    # (about 1 ms) than the optimised one (4 to 6 ms), which only a conversion needs.
    exact = ImageCms.Flags.NOOPTIMIZE
    if mode == "L":  # 256 values: the exact pipeline's table is the conversion itself
        ramp = Image.frombytes("L", (256, 1), bytes(range(256)))
        lut = tuple(_convert(ramp, _transform(source, _SRGB_GREY, "L", "L", exact)).tobytes())
        if all(abs(out - level) <= 1 for level, out in enumerate(lut)):
            return _Plan(ALREADY_SRGB)
        return _Plan(CONVERTED, lut=lut)
    if mode == "I;16":
        count = len(_GREY_PROBE_16)
        probe = Image.frombytes("I;16", (count, 1), struct.pack(f"<{count}H", *_GREY_PROBE_16))
        out = _convert(probe, _transform(source, _SRGB_GREY, "I;16", "I;16", exact)).tobytes()
        found = struct.unpack(f"<{count}H", out)
        if all(abs(a - b) <= _ONE_LEVEL_16 for a, b in zip(_GREY_PROBE_16, found, strict=True)):
            return _Plan(ALREADY_SRGB)
        # Optimised (a joined 16-bit curve, within 0.6 of an 8-bit level of exact): the exact
        # pipeline takes 1.5 s on a 12 MP 16-bit image, the optimised one 0.2 s.
        return _Plan(CONVERTED, _transform(source, _SRGB_GREY, "I;16", "I;16"))
    probe = Image.new("RGB", (len(_RGB_PROBE), 1))
    probe.putdata(_RGB_PROBE)
    back = _convert(probe, _transform(source, _SRGB, "RGB", "RGB", exact))
    if max(ImageChops.difference(probe, back).tobytes()) <= 1:
        return _Plan(ALREADY_SRGB)  # converting would change nothing but the time
    return _Plan(CONVERTED, _transform(source, _SRGB, mode, mode))  # RGB or RGBA, in place


def _convert(image: Image.Image, transform: ImageCms.ImageCmsTransform) -> Image.Image:
    converted = ImageCms.applyTransform(image, transform)
    assert converted is not None  # not in place, so always an image
    return converted


def _transform(
    source: ImageCms.ImageCmsProfile,
    target: ImageCms.ImageCmsProfile,
    in_mode: str,
    out_mode: str,
    flags: ImageCms.Flags = ImageCms.Flags.NONE,
) -> ImageCms.ImageCmsTransform:
    """Relative colorimetric: each colour as the profile states it (white mapped to white).
    Matrix/TRC profiles, which phones and cameras embed, convert the same under any intent;
    for table (CMYK) profiles, LittleCMS's perceptual intent also remaps the black point
    to the v4 perceptual reference, which crushed dark patches (ΔE up to 3.7 on a chart)."""
    return ImageCms.buildTransform(
        source, target, in_mode, out_mode, ImageCms.Intent.RELATIVE_COLORIMETRIC, flags
    )
