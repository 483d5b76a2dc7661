"""The scrubber: from uploaded bytes to a re-encoded, verified copy with nothing else in it.

Pure Pillow, no Django: it runs inside uploads/worker.py, a separate process with memory
and CPU limits, so a hostile file can take down only that process. The recipe is the one in
shared/guides/deidentification.md: identify the type from the bytes, check the limits before
decoding pixels, decode the primary frame, apply the EXIF orientation, convert to sRGB with
the embedded profile, build a fresh image from the raw pixels (nothing of the source's
`info` survives), encode with explicit parameters (JPEG q95 4:4:4, or PNG for graphics,
alpha and 16-bit sources), then walk the output's structure before accepting it.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import asdict, dataclass, field

from PIL import Image, ImageOps, PngImagePlugin, UnidentifiedImageError

from uploads import colour, isobmff
from uploads.findings import findings, hides_markup


def _register_heif() -> None:
    """HEIC/HEIF through pillow-heif, imported only for those files (it costs start-up time
    in every worker process); AVIF is Pillow's own plugin."""
    import pillow_heif  # noqa: PLC0415

    pillow_heif.register_heif_opener()


ACCEPTED = "JPEG, PNG, WebP, HEIC/HEIF, AVIF, TIFF and GIF"


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 25 * 1024 * 1024
    max_pixels: int = 50_000_000
    max_dimension: int = 20_000
    max_frames: int = 100


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, size // 1024)} KB"


class Refused(Exception):
    """The file is not accepted; the message says why, in words for the uploader."""


DAMAGED = "The file is damaged or incomplete: export it again from your camera or phone."

# The decoder each identified type may reach (Image.open's formats=): a file that starts like
# a JPEG is decoded as a JPEG or refused, never handed on to whichever other plugin takes it.
# MPO is Pillow's name for a JPEG with several pictures, opened by the JPEG plugin itself.
DECODERS = {
    "JPEG": ("JPEG",),
    "PNG": ("PNG",),
    "GIF": ("GIF",),
    "WEBP": ("WEBP",),
    "TIFF": ("TIFF",),
    "HEIF": ("HEIF",),
    "AVIF": ("AVIF",),
}
OPENED_AS = {"JPEG": {"JPEG", "MPO"}}

PROFILE_WORDS = {
    colour.CONVERTED: "the colour profile (colours converted to standard sRGB)",
    colour.ALREADY_SRGB: "the colour profile (already standard sRGB: colours unchanged)",
    colour.UNUSABLE: "a colour profile that could not be used (ignored)",
}


@dataclass
class Receipt:
    """What the uploader is told about one file."""

    format: str  # what it was: JPEG, HEIC…
    output_format: str  # what is stored: JPEG or PNG
    width: int
    height: int
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


# --- identification ------------------------------------------------------------------------

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}


def identify(data: bytes) -> str:
    """The format from the first bytes; refuse anything else, naming what is accepted."""
    head = data[:64]
    kind = ""
    if head.startswith(b"\xff\xd8\xff"):
        kind = "JPEG"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "PNG"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = "GIF"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "WEBP"
    elif head[:4] in (b"II*\x00", b"MM\x00*"):
        kind = "TIFF"
    elif head[4:8] == b"ftyp":
        size = struct.unpack(">I", head[:4])[0]
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(size, 64), 4)}
        if brands & AVIF_BRANDS:
            kind = "AVIF"
        elif brands & HEIF_BRANDS:
            kind = "HEIF"
    if not kind:
        raise Refused(f"This is not an image we accept. Accepted: {ACCEPTED}.")
    if hides_markup(data, kind):
        raise Refused(
            "This file hides web-page code inside the image, so it is refused. "
            "Export the picture again from your camera or phone."
        )
    return kind


# --- decoding and encoding -----------------------------------------------------------------


# A PNG's compressed chunks (its colour profile among them) may inflate to this much each,
# and all of them together to the second figure: Pillow's 1 MB default refused a real
# Nikon photo whose profile is 1.6 MB. The worker's memory limit still bounds everything.
PNG_CHUNK_LIMIT = 8 * 1024 * 1024
PNG_CHUNKS_LIMIT = 32 * 1024 * 1024


def _open(data: bytes, kind: str, limits: Limits) -> Image.Image:
    if len(data) > limits.max_bytes:
        raise Refused(f"The file is larger than {human_size(limits.max_bytes)}.")
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    PngImagePlugin.MAX_TEXT_CHUNK = PNG_CHUNK_LIMIT
    PngImagePlugin.MAX_TEXT_MEMORY = PNG_CHUNKS_LIMIT
    if kind == "HEIF":
        _register_heif()
    try:
        image = Image.open(io.BytesIO(data), formats=DECODERS[kind])
    except Image.DecompressionBombError:
        raise _too_many_pixels(limits) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise Refused(DAMAGED) from None
    if image.format not in OPENED_AS.get(kind, {kind}):
        raise Refused(DAMAGED)
    width, height = image.size
    if width * height > limits.max_pixels:
        raise _too_many_pixels(limits)
    if max(width, height) > limits.max_dimension or min(width, height) < 1:
        raise Refused(f"The image is larger than {limits.max_dimension} pixels on a side.")
    return image


def _decode(image: Image.Image, limits: Limits) -> None:
    """Decode the pixels of the image the file opened on, or refuse the file.

    No seek: Pillow opens a HEIF on its primary item (the picture every viewer shows) and
    every other format on its first frame; seek(0) would switch a HEIF to item 0, which may
    be another picture altogether (an unredacted original kept beside the redacted one).
    Any decoding error is a refusal: a damaged file is never published half-painted.
    """
    try:
        image.load()
    except Image.DecompressionBombError:
        raise _too_many_pixels(limits) from None
    except MemoryError:
        raise
    except Exception:  # a decoder's error of any type means the pixels are not all there
        raise Refused(DAMAGED) from None


# The coded items we let each decoder reach as a primary picture.
HEIF_ITEMS = {"hvc1", "grid", "iden", "iovl"}
AVIF_ITEMS = {"av01", "grid"}


def _container(data: bytes, kind: str) -> isobmff.PrimaryImage | None:
    """For HEIF and AVIF, the primary item as the container describes it, read before any
    decoder runs: a file cut short (libheif paints missing grid tiles green and carries on)
    or inconsistent is refused here, and AVIF's crop and turns are known (Pillow's plugin
    ignores the crop)."""
    if kind not in {"HEIF", "AVIF"}:
        return None
    try:
        primary = isobmff.primary_image(data)
    except isobmff.Damaged:
        raise Refused(DAMAGED) from None
    if kind == "AVIF":
        if primary.sequence:
            # Pillow decodes an animated AVIF's track, not its primary picture: what it
            # shows need not be what a viewer shows.
            raise Refused("Animated AVIF files are not accepted. Export a still image.")
        if not primary.miaf_order:
            raise Refused(
                "This AVIF's crop, turn and flip are in an order we can't show as viewers "
                "do. Export it again as JPEG or HEIC."
            )
    if primary.item_type not in (HEIF_ITEMS if kind == "HEIF" else AVIF_ITEMS):
        raise Refused(f"This {kind} holds a kind of picture we can't read. Export it as JPEG.")
    return primary


def _as_viewers_show(
    image: Image.Image, kind: str, primary: isobmff.PrimaryImage, notes: list[str]
) -> Image.Image:
    """The decoded primary, cropped as the container says (AVIF: Pillow ignores clap, so we
    apply it; its irot/imir arrive as an EXIF orientation, which exif_transpose applies
    next). pillow-heif has applied a HEIF's crop and turns itself: its size is checked
    against the container's, and any disagreement is a refusal, not a guess."""
    if kind == "AVIF":
        if image.size != primary.size:
            raise Refused(DAMAGED)
        if primary.crop is not None:
            image = image.crop(primary.crop)
            notes.append("Cut to the crop recorded in the file, as viewers show it.")
        return image
    if primary.displayed_size is not None and image.size != primary.displayed_size:
        raise Refused(DAMAGED)
    return image


def _too_many_pixels(limits: Limits) -> Refused:
    return Refused(
        f"The image has more than {limits.max_pixels // 1_000_000} million pixels. "
        "Resize it and try again."
    )


def _frames(image: Image.Image, limits: Limits) -> int:
    try:
        count = getattr(image, "n_frames", 1)
    except Exception:
        raise Refused(DAMAGED) from None
    if count > limits.max_frames:
        raise Refused(f"The file has {count} frames; at most {limits.max_frames} are read.")
    return count


TRANSPARENCY_NOTE = (
    "Transparent areas: colour hidden under fully transparent pixels was removed, and "
    "partly transparent pixels keep only the colour their opacity shows."
)


def _normalise(image: Image.Image) -> tuple[Image.Image, str, list[str]]:
    """(pixels in a mode we encode, "JPEG" or "PNG" when forced, notes for the receipt)."""
    mode = image.mode
    if mode == "F":
        raise Refused("Floating-point images are not accepted. Export it as an 8- or 16-bit image.")
    if mode == "I;16":
        return image, "PNG", []
    if mode in {"I;16B", "I;16L", "I;16N", "I"}:
        # Through 32-bit "I": Pillow's direct I;16B → I;16 conversion clamps every value
        # above 255 to 255, which made 16-bit big-endian files one flat grey. From "I",
        # values are kept (and anything outside 0 to 65535 is clamped, as it must be).
        wide = image if mode == "I" else image.convert("I")
        return wide.convert("I;16"), "PNG", []
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode == "1":
        image = image.convert("L")
    elif mode == "PA":
        image = image.convert("RGBA")
    elif mode in {"La", "RGBa"}:  # premultiplied (some TIFFs): back to straight alpha
        image = image.convert("LA" if mode == "La" else "RGBA")
    elif mode not in {"L", "LA", "RGB", "RGBA"}:
        image = image.convert("RGB")
    if image.mode in {"LA", "RGBA"}:
        if image.getextrema()[-1] == (255, 255):  # an alpha channel that hides nothing
            return image.convert("L" if image.mode == "LA" else "RGB"), "", []
        # Premultiplied and back: a pixel keeps only as much colour as its opacity shows.
        # Fully transparent pixels become (0, 0, 0, 0), whatever an eraser left under them,
        # and a nearly transparent one can no longer carry a picture (setting the alpha to
        # 255 in any editor would otherwise reveal it).
        premultiplied = "La" if image.mode == "LA" else "RGBa"
        return image.convert(premultiplied).convert(image.mode), "PNG", [TRANSPARENCY_NOTE]
    return image, "", []


def _fresh(image: Image.Image) -> Image.Image:
    """A new image object around the same decoded pixels: no info, no EXIF, no plugin state
    (quantisation tables, app segments), nothing but the pixel core. The modes we encode
    (L, LA, RGB, RGBA, I;16) have no palette, so the core carries no metadata of its own.
    Wrapping instead of pasting into Image.new saves a full copy of the pixels (48 MB for
    12 MP), and the page faults of touching it, in every worker."""
    if image.mode not in {"L", "LA", "RGB", "RGBA", "I;16"}:
        raise RuntimeError(f"unexpected mode {image.mode} for a fresh image")
    image.load()
    return Image.Image()._new(image.im)


def encode(image: Image.Image, output_format: str, subsampling: int = 0) -> bytes:
    """JPEG at quality 95 with the given chroma subsampling (0 = 4:4:4, 2 = 4:2:0), or PNG."""
    out = io.BytesIO()
    if output_format == "JPEG":
        image.save(out, "JPEG", quality=95, subsampling=subsampling)
    else:
        image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def _subsampling(image: Image.Image, kind: str) -> int:
    """A JPEG keeps the chroma resolution it came with (4:2:0 for nearly every camera):
    encoding more colour detail than the source had adds size and time, not quality.
    Everything else gets full chroma (4:4:4)."""
    if kind != "JPEG":
        return 0
    from PIL import JpegImagePlugin  # noqa: PLC0415 (loaded with the JPEG plugin anyway)

    sampling = JpegImagePlugin.get_sampling(image)
    return sampling if sampling in (0, 1, 2) else 0


def choose_format(kind: str, forced: str) -> str:
    if forced:
        return forced
    # Screenshots and graphics come as PNG or GIF and stay lossless.
    return "PNG" if kind in {"PNG", "GIF"} else "JPEG"


# --- the structure walk: only what Pillow writes for pixels, nothing after the end ----------

JPEG_ALLOWED = {"SOI", "APP0", "DQT", "DHT", "DRI", "SOS", "EOI"} | {f"SOF{n}" for n in range(16)}
PNG_ALLOWED = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


# In entropy-coded data 0xFF is followed by 0x00 (stuffing) or 0xD0-0xD7 (restart markers);
# anything else is the next marker. One regex search instead of a Python loop per 0xFF byte.
_MARKER_AFTER_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7]")


def jpeg_structure(data: bytes) -> list[str]:
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("no SOI")
    names, position = ["SOI"], 2
    while position < len(data):
        if data[position] != 0xFF:
            raise ValueError(f"bad marker at {position}")
        marker = data[position + 1]
        if marker == 0xD9:
            names.append("EOI")
            if position + 2 != len(data):
                raise ValueError("bytes after EOI")
            return names
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        if 0xE0 <= marker <= 0xEF:
            name = f"APP{marker - 0xE0}"
        elif 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            name = f"SOF{marker - 0xC0}"
        else:
            name = {0xDB: "DQT", 0xC4: "DHT", 0xDD: "DRI", 0xDA: "SOS", 0xFE: "COM"}.get(
                marker, f"0x{marker:02X}"
            )
        names.append(name)
        position += 2 + length
        if name == "SOS":  # entropy-coded data runs to the next marker that is not RSTn/stuffing
            found = _MARKER_AFTER_SCAN.search(data, position)
            if found is None:
                raise ValueError("no EOI")
            position = found.start()
    raise ValueError("no EOI")


def png_structure(data: bytes) -> list[bytes]:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("no PNG signature")
    chunks, position = [], 8
    while position < len(data):
        length = struct.unpack(">I", data[position : position + 4])[0]
        kind = data[position + 4 : position + 8]
        chunks.append(kind)
        position += 12 + length
        if kind == b"IEND":
            if position != len(data):
                raise ValueError("bytes after IEND")
            return chunks
    raise ValueError("no IEND")


def verify(output: bytes, output_format: str, size: tuple[int, int]) -> None:
    """Refuse to hand back anything but pixels in the expected shape (a bug, not a user error)."""
    if output_format == "JPEG":
        extra = set(jpeg_structure(output)) - JPEG_ALLOWED
    else:
        extra = {kind.decode("latin-1") for kind in png_structure(output)} - {
            kind.decode() for kind in PNG_ALLOWED
        }
    if extra:
        raise RuntimeError(f"scrubbed output still has {sorted(extra)}")
    with Image.open(io.BytesIO(output)) as check:
        if check.format != output_format or check.size != size:
            raise RuntimeError("scrubbed output does not match what was encoded")
        if (
            getattr(check, "n_frames", 1) != 1
            or check.info.get("exif")
            or check.info.get("icc_profile")
        ):
            raise RuntimeError("scrubbed output carries more than pixels")


# --- the pipeline --------------------------------------------------------------------------


def scrub(data: bytes, limits: Limits | None = None) -> tuple[bytes, Receipt]:
    """Scrubbed bytes and the receipt, or Refused with the reason."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise Refused(f"The file is larger than {human_size(limits.max_bytes)}.")
    kind = identify(data)
    primary = _container(data, kind)
    image = _open(data, kind, limits)
    frames = _frames(image, limits)
    _decode(image, limits)
    subsampling = _subsampling(image, kind)
    # After decoding: a PNG's chunks after the pixels are read only then.
    removed = findings(image, data, kind)
    notes: list[str] = []
    if frames > 1 and kind == "HEIF":
        notes.append(f"The file held {frames} pictures; only the one viewers show was kept.")
    elif frames > 1:
        notes.append(f"The file had {frames} frames or pages; only the first was kept.")
    if primary is not None:
        image = _as_viewers_show(image, kind, primary, notes)
    orientation = image.getexif().get(0x0112, 1) if kind != "PNG" or "exif" in image.info else 1
    if kind == "HEIF" and primary is not None and (primary.rotation or primary.mirror is not None):
        orientation = 0  # pillow-heif turned it already; the receipt still says so
    try:
        # In place: an upright photo then costs no copy (the returned one would be a copy).
        ImageOps.exif_transpose(image, in_place=True)
        converted, profile = colour.to_srgb(image)
        pixels, forced, pixel_notes = _normalise(converted)
        clean = _fresh(pixels)
    except Image.DecompressionBombError:
        raise _too_many_pixels(limits) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise Refused(DAMAGED) from None
    if profile in PROFILE_WORDS:
        removed.append(PROFILE_WORDS[profile])
    if orientation not in (None, 1):
        notes.append("Turned upright as the camera recorded it.")
    notes.extend(pixel_notes)
    output_format = choose_format(kind, forced)
    if output_format != kind:  # the note names what is really stored
        notes.append(f"Converted from {kind} to {output_format}.")
    output = encode(clean, output_format, subsampling)
    verify(output, output_format, clean.size)
    return output, Receipt(
        format=kind,
        output_format=output_format,
        width=clean.width,
        height=clean.height,
        removed=removed,
        notes=notes,
    )


def edit(
    data: bytes,
    *,
    rotate: int = 0,
    crop: tuple[int, int, int, int] | None = None,
    rectangles: list[tuple[int, int, int, int]] = (),  # type: ignore[assignment]
) -> tuple[bytes, str, tuple[int, int]]:
    """Apply the uploader's redactions to an already scrubbed image, irreversibly.

    Order, as the editor shows it: rotate (clockwise degrees, a multiple of 90), then black
    rectangles and the crop, both in the rotated image's pixel coordinates (x, y, w, h).
    """
    # Our own output, so JPEG or PNG only; anything else is refused before any decoder.
    with Image.open(io.BytesIO(data), formats=("JPEG", "PNG")) as source:
        output_format = source.format or "JPEG"
        image = source.copy()
    if rotate % 90:
        raise ValueError("rotation must be a multiple of 90 degrees")
    if rotate % 360:
        image = image.rotate(-(rotate % 360), expand=True)
    fill = 0 if image.mode in {"L", "I;16"} else (0, 0, 0, 255)[: len(image.getbands())]
    for x, y, w, h in rectangles:
        box = _clamp((x, y, w, h), image.size)
        if box:
            image.paste(fill, box)  # type: ignore[arg-type]
    if crop:
        box = _clamp(crop, image.size)
        if box:
            image = image.crop(box)
    clean = _fresh(image)
    output = encode(clean, output_format)
    verify(output, output_format, clean.size)
    return output, output_format, clean.size


def _clamp(rect: tuple[int, int, int, int], size: tuple[int, int]):
    x, y, w, h = (int(v) for v in rect)
    left, top = max(0, x), max(0, y)
    right, bottom = min(size[0], x + w), min(size[1], y + h)
    if right - left < 1 or bottom - top < 1:
        return None
    return (left, top, right, bottom)
