"""What an uploaded file carried besides its pixels, in words for the uploader's receipt,
and whether it hides markup where markup could matter.

Pure Python and Pillow, no Django: it runs inside the scrubber's worker process
(uploads/worker.py). Nothing found here is kept: the scrubber re-encodes the pixels alone;
this module only tells the uploader what was thrown away, and refuses polyglots.

Both questions are answered from one walk of the file's own structure (``_survey``): JPEG
segments and entropy-coded scans, PNG chunks, GIF blocks, RIFF chunks, ISO BMFF top-level
boxes, TIFF directories. Every walker checks every length and offset against the data, and
gives up on the part it cannot follow rather than raising; neither public function raises.

Where markup is looked for (``hides_markup``). The re-encode throws away everything but the
pixels, so markup never survives; refusing it is defence in depth against files built to be
read as a web page by some other program. It is looked for only where such a reader finds
text and no image format puts data of its own:

* after the image's end (first JPEG EOI, first PNG IEND, GIF trailer, RIFF size, last ISO
  BMFF box, last byte a TIFF directory points at), where the JPEG/HTML and PNG/HTML
  polyglots put it; extra pictures and videos found there are walked by their own rules;
* free-text comments: JPEG COM, PNG tEXt/zTXt/iTXt (decompressed, within a budget), GIF
  comment and plain-text extensions: where ``exiftool -Comment='<?php …'`` puts a web
  shell in every format, and no camera writes markup;
* parts no format we know defines: unknown JPEG APPn segments, bytes between JPEG segments,
  the small JPEG tables, unknown PNG chunks, unknown RIFF chunks, unknown GIF extensions,
  unknown ISO BMFF top-level boxes and free boxes, TIFF bytes no directory points at.

Never in entropy-coded or compressed pixel data (JPEG scans, IDAT/fdAT, LZW, VP8, mdat,
TIFF strips and tiles): chance matches there refused 3.6 % of 25 MB photos. Nor in
structured metadata with a known format (EXIF, XMP, ICC, IPTC/Photoshop, MPF, FlashPix,
FLIR, JUMBF/C2PA): their own readers parse them, the re-encode drops them, and they hold
compressed thumbnails, and XML such as the Apple plist doctype every Photoshop-on-Mac
export carries. SVG inside XMP is therefore accepted: it is dropped with the XMP.

A match also needs eight printable characters after the tag name (``<svg onload=…``): real
markup always has them, while in random binary data they cut the chance of a match by
about 2,000 times, so a region misjudged as text still does not refuse real photos.
"""

from __future__ import annotations

import contextlib
import re
import struct
import zlib
from dataclasses import dataclass, field

from PIL import Image

# --- markup ----------------------------------------------------------------------------------

MARKUP = re.compile(
    rb"<(?:script|html|svg|iframe|body|object|embed|\?php|!doctype\s+html)\b"
    rb"(?=[\t\n\r\x20-\x7e]{8})",
    re.I,
)


def hides_markup(data: bytes, kind: str) -> bool:
    """True when the file carries web-page code where it could matter (see the module
    docstring). A file whose structure cannot be walked at all is searched whole."""
    try:
        survey = _survey(data, kind)
    except Exception:  # a walker's bug must not let a polyglot through: search everything
        return bool(MARKUP.search(data))
    return any(MARKUP.search(data, start, end) for start, end in _merged(survey.regions)) or any(
        MARKUP.search(text) for text in survey.texts
    )


def _merged(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Regions that touch as one: a page split over a JPEG table and the junk after it
    reads as one text to an HTML parser."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# --- the receipt's words ---------------------------------------------------------------------

GPS_LOCATION = "GPS location"
GPS_TIME = "GPS time"
GPS_OTHER = "other GPS data"
MAKE = "camera make and model"
SERIAL = "camera or lens serial number"
DATES = "capture date and time"
OWNER = "owner or artist name"
SOFTWARE = "editing software"
MAKER_NOTES = "maker notes"
DESCRIPTION = "a description or comment in EXIF"
UNIQUE_ID = "a unique image ID"
THUMBNAIL = "an embedded thumbnail"
OTHER_EXIF = "other EXIF data"
DAMAGED_EXIF = "damaged EXIF data"
XMP = "XMP metadata (editing history)"
IPTC = "IPTC/Photoshop data"
MODIFIED = "a last-modified time"
CREDENTIALS = "content credentials (C2PA/JUMBF)"
GIF_PROFILE = "a colour profile (ignored by GIF viewers)"
DEPTH = "a depth map"
AUXILIARY = "auxiliary pictures (such as an HDR gain map)"
DAMAGED = "damaged metadata"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _amount(size: int) -> str:
    if size < 1024:
        return _plural(size, "byte", "bytes")
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def comments_phrase(count: int) -> str:
    return _plural(count, "comment", "comments")


def text_fields_phrase(count: int) -> str:
    return _plural(count, "text field", "text fields")


def other_parts_phrase(names: list[str]) -> str:
    return f"other embedded data ({', '.join(names)})"


def hidden_phrase(size: int) -> str:
    return f"{_amount(size)} hidden after the end of the image"


def leftover_phrase(size: int) -> str:
    """What follows the end looks like more of the picture: an editor that saved the cropped
    image over the original without shortening the file (CVE-2023-21036, CVE-2023-28303)."""
    return (
        f"{_amount(size)} left after the end of the image: usually the uncropped original, "
        "left behind by the editing app (the 'aCropalypse' flaw)"
    )


def mpo_phrase(count: int) -> str:
    return _plural(count, "extra picture", "extra pictures") + " (MPO)"


def pictures_phrase(count: int) -> str:
    return _plural(count, "extra picture", "extra pictures") + " after the end of the image"


def video_phrase(size: int) -> str:
    return f"a {_amount(size)} video clip after the image (motion photo)"


# --- what a walk finds -----------------------------------------------------------------------


@dataclass
class _Survey:
    regions: list[tuple[int, int]] = field(default_factory=list)  # where markup would matter
    texts: list[bytes] = field(default_factory=list)  # decompressed text where it would too
    exif: list[bytes] = field(default_factory=list)  # EXIF blocks (TIFF structures)
    xmp: list[bytes] = field(default_factory=list)
    photoshop: list[bytes] = field(default_factory=list)  # image resource blocks
    iptc: bool = False
    comments: int = 0
    text_fields: int = 0
    thumbnail: bool = False
    modified: bool = False
    credentials: bool = False
    gif_profile: bool = False
    unknown: list[str] = field(default_factory=list)  # names of parts no format defines
    mpf: set[int] = field(default_factory=set)  # where the MPF index says pictures start
    end: int | None = None  # just after the image's own end; None when not found
    mpo_pictures: int = 0
    other_pictures: int = 0
    video: int = 0
    leftover: int = 0  # bytes after the end that are not pictures, videos or padding
    leftover_is_picture: bool = False  # ... and that look like the rest of an image
    phrases: list[str] = field(default_factory=list)  # from a walk that needs no more words
    damaged: bool = False

    def scan(self, start: int, end: int) -> None:
        if end > start:
            self.regions.append((start, end))

    def name(self, name: str) -> None:
        if name not in self.unknown:
            self.unknown.append(name)


def _survey(data: bytes, kind: str) -> _Survey:
    survey = _Survey()
    walker = {
        "JPEG": _survey_jpeg,
        "PNG": _survey_png,
        "GIF": _survey_gif,
        "WEBP": _survey_webp,
        "TIFF": _survey_tiff,
        "HEIF": _survey_isobmff,
        "AVIF": _survey_isobmff,
    }.get(kind)
    if walker is None:
        survey.scan(0, len(data))
        return survey
    walker(data, survey)
    if survey.end is not None and survey.end < len(data):
        _after_the_end(data, survey.end, kind, survey)
    return survey


# --- TIFF structures (TIFF files, and the EXIF block of every other format) ------------------

_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_TYPE_SIZE |= {16: 8, 17: 8, 18: 8}
_Entry = tuple[int, int, int, int]  # type, count, value start, value end (absolute)


class _Tiff:
    """A TIFF structure read defensively: values pointing outside the data are ignored, a
    directory that does not fit raises ValueError, and every directory read is recorded
    with its values (``ranges``) so that the bytes nothing points at can be found. A
    directory read twice is read once (``read``); callers following chains check loops."""

    MAX_ENTRIES = 4096

    def __init__(self, data: bytes, base: int = 0, end: int | None = None) -> None:
        self.data, self.base = data, base
        self.end = len(data) if end is None else min(end, len(data))
        head = data[base : base + 8]
        if len(head) < 8 or head[:2] not in (b"II", b"MM"):
            raise ValueError("no TIFF header")
        self.order = "<" if head[:2] == b"II" else ">"
        magic, self.first = struct.unpack(self.order + "HI", head[2:8])
        if magic != 42:
            raise ValueError("not TIFF (BigTIFF is not read)")
        self.ranges: list[tuple[int, int]] = [(base, base + 8)]
        self.read: dict[int, tuple[dict[int, _Entry], int]] = {}

    def ifd(self, offset: int) -> tuple[dict[int, _Entry], int]:
        """A directory's entries, and the offset of the next directory (0: none)."""
        if offset in self.read:
            return self.read[offset]
        at = self.base + offset
        if offset < 8 or at + 2 > self.end:
            raise ValueError(f"bad directory offset {offset}")
        (count,) = struct.unpack(self.order + "H", self.data[at : at + 2])
        table_end = at + 2 + 12 * count
        if count > self.MAX_ENTRIES or table_end > self.end:
            raise ValueError("directory runs past the end")
        entries: dict[int, _Entry] = {}
        for index in range(count):
            entry = at + 2 + 12 * index
            tag, typ, number = struct.unpack(self.order + "HHI", self.data[entry : entry + 8])
            unit = _TYPE_SIZE.get(typ)
            if unit is None:
                continue
            length = unit * number
            if length <= 4:
                start = entry + 8
            else:
                (pointer,) = struct.unpack(self.order + "I", self.data[entry + 8 : entry + 12])
                start = self.base + pointer
                if start + length > self.end or pointer < 8:
                    continue  # a value outside the data: nothing to read, nothing to claim
                self.ranges.append((start, start + length))
            entries[tag] = (typ, number, start, start + length)
        following = 0
        if table_end + 4 <= self.end:
            (following,) = struct.unpack(self.order + "I", self.data[table_end : table_end + 4])
            table_end += 4
        self.ranges.append((at, table_end))
        self.read[offset] = (entries, following)
        return entries, following

    def sub(self, entries: dict[int, _Entry], tag: int) -> dict[int, _Entry]:
        """The directory a pointer tag points at, or {} when it is absent or unreadable."""
        offsets = self.ints(entries.get(tag))
        if not offsets:
            return {}
        try:
            return self.ifd(offsets[0])[0]
        except (ValueError, struct.error):
            return {}

    def raw(self, entry: _Entry | None) -> bytes:
        return b"" if entry is None else self.data[entry[2] : entry[3]]

    def ints(self, entry: _Entry | None) -> list[int]:
        if entry is None:
            return []
        typ, count, start, end = entry
        code = {1: "B", 3: "H", 4: "I", 13: "I", 16: "Q"}.get(typ)
        if code is None:
            return []
        return list(struct.unpack(f"{self.order}{count}{code}", self.data[start:end]))

    def degrees(self, entry: _Entry) -> float:
        """A GPS coordinate as a number (degrees, minutes, seconds); 0.0 when undefined."""
        typ, count, start, _end = entry
        if typ not in (5, 10) or count < 1:
            return 0.0
        parts = min(count, 3)
        code = "I" if typ == 5 else "i"
        values = struct.unpack(
            f"{self.order}{2 * parts}{code}", self.data[start : start + 8 * parts]
        )
        total = 0.0
        for index in range(parts):
            numerator, denominator = values[2 * index], values[2 * index + 1]
            if denominator:
                total += numerator / denominator / 60**index
        return total


# Character-code prefixes of UserComment, GPSProcessingMethod and GPSAreaInformation.
_CHARSETS = {b"ASCII\0\0\0", b"UNICODE\0", b"JIS\0\0\0\0\0", bytes(8)}
_PREFIXED = {0x9286, 0x001B, 0x001C}


def _has_value(tiff: _Tiff, tag: int, entry: _Entry | None) -> bool:
    """Whether a tag says anything: text that is not just spaces and NULs (cameras write
    blank descriptions and comments), or any number."""
    if entry is None or entry[1] == 0:
        return False
    if entry[0] in (1, 2, 6, 7):
        raw = tiff.raw(entry)
        if tag in _PREFIXED and raw[:8] in _CHARSETS:
            raw = raw[8:]
        return bool(raw.strip(b"\0 \t\r\n"))
    return True


# What each identifying tag is called on the receipt; IFD0 and the Exif IFD share numbers.
_TAG_PHRASES = {
    **dict.fromkeys((0x010F, 0x0110, 0x013C, 0xA433, 0xA434, 0xC614, 0xC615), MAKE),
    **dict.fromkeys((0xA431, 0xA435, 0xC62F), SERIAL),
    **dict.fromkeys(
        (0x0132, 0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9290, 0x9291, 0x9292), DATES
    ),
    **dict.fromkeys((0x013B, 0x8298, 0xA430, 0xA437, 0xA438, 0x9C9D), OWNER),
    **dict.fromkeys((0x0131, 0x000B, 0xA43A, 0xA43B, 0xA43C), SOFTWARE),
    **dict.fromkeys((0x927C, 0xC634), MAKER_NOTES),
    **dict.fromkeys(
        (0x010D, 0x010E, 0x011D, 0x9286, 0x9C9B, 0x9C9C, 0x9C9E, 0x9C9F, 0xA436), DESCRIPTION
    ),
    **dict.fromkeys((0xA420, 0xC65D), UNIQUE_ID),
}
_PHRASE_ORDER = [MAKE, SERIAL, DATES, OWNER, SOFTWARE, MAKER_NOTES, DESCRIPTION, UNIQUE_ID]

# Tags that describe the pixels' layout, point at other directories, or have a receipt
# phrase of their own (XMP, IPTC, Photoshop, ICC): never "other EXIF data". Orientation is
# here too: it is applied to the pixels, and the receipt's note says so.
_STRUCTURAL = {
    *range(0x00FE, 0x010C),
    0x0111, 0x0112, *range(0x0115, 0x0126), 0x0128, 0x0129, 0x012D, *range(0x013D, 0x0146),
    0x014A, 0x014C, *range(0x0150, 0x0157), 0x015B, *range(0x0200, 0x020A),
    *range(0x0211, 0x0215), 0x8769, 0x8825, 0xA005, 0x02BC, 0x83BB, 0x8649, 0x8773, 0x935C,
    0x9000, 0x9101, 0xA000, 0xA001, 0xA002, 0xA003, 0xC612, 0xC613,
}  # fmt: skip
_STRUCTURAL.discard(0x011D)  # PageName, in that range, is words: a description

# GPS tags: a position; a time; and tags that mean nothing alone (version, hemisphere and
# unit references, datum). Everything else (altitude, speed, direction…) is "other".
_GPS_POSITION = (0x0002, 0x0004, 0x0014, 0x0016)
_GPS_PLACE = 0x001C  # GPSAreaInformation: the place, in words
_GPS_TIME = (0x0007, 0x001D)
_GPS_SILENT = {0x0000, 0x0001, 0x0003, 0x0005, 0x000C, 0x000E, 0x0010, 0x0012, 0x0013, 0x0015}
_GPS_SILENT |= {0x0017, 0x0019}


def _gps_phrase(tiff: _Tiff, gps: dict[int, _Entry]) -> str | None:
    """ "GPS location" only for a position (a non-zero coordinate, or a place name); a time
    alone is "GPS time"; an empty block, or one with only its version, says nothing."""
    if any(tag in gps and tiff.degrees(gps[tag]) != 0.0 for tag in _GPS_POSITION) or (
        _has_value(tiff, _GPS_PLACE, gps.get(_GPS_PLACE))
    ):
        return GPS_LOCATION
    if any(_has_value(tiff, tag, gps.get(tag)) for tag in _GPS_TIME):
        return GPS_TIME
    ignored = _GPS_SILENT | set(_GPS_POSITION)
    if any(_has_value(tiff, tag, entry) for tag, entry in gps.items() if tag not in ignored):
        return GPS_OTHER
    return None


def _exif_phrases(
    tiff: _Tiff, pages: list[dict[int, _Entry]], thumbnail_ifd: dict[int, _Entry]
) -> list[str]:
    """Receipt phrases for a TIFF structure: ``pages`` are IFD0 (and, in a TIFF file, the
    further pages); the Exif and GPS directories hang off the first."""
    exif_ifd = tiff.sub(pages[0], 0x8769)
    gps = tiff.sub(pages[0], 0x8825)
    found: list[str] = []
    gps_phrase = _gps_phrase(tiff, gps)
    if gps_phrase:
        found.append(gps_phrase)
    named: set[str] = set()
    other = False
    for directory in [*pages, exif_ifd]:
        for tag, entry in directory.items():
            if tag in _STRUCTURAL or not _has_value(tiff, tag, entry):
                continue
            if tag in _TAG_PHRASES:
                named.add(_TAG_PHRASES[tag])
            else:
                other = True
    found += [phrase for phrase in _PHRASE_ORDER if phrase in named]
    lengths = tiff.ints(thumbnail_ifd.get(0x0202)) or tiff.ints(thumbnail_ifd.get(0x0117))
    if any(lengths) or b"\xff\xd8\xff" in tiff.raw(exif_ifd.get(0x927C)):
        found.append(THUMBNAIL)  # in IFD1, or a preview inside the maker notes
    if other and not found:
        found.append(OTHER_EXIF)
    return found


def _exif_block(blob: bytes) -> list[str]:
    """Phrases for an EXIF block as JPEG APP1, PNG eXIf, WebP and HEIF carry it."""
    start = 6 if blob.startswith(b"Exif\0") else 0
    if blob[start : start + 2] not in (b"II", b"MM"):  # HEIF's item may start with an offset
        found = [blob.find(header, 0, 16) for header in (b"II*\0", b"MM\0*")]
        start = max(found)
        if start < 0:
            return [DAMAGED_EXIF] if blob.strip(b"\0") else []
    try:
        tiff = _Tiff(blob, start)
        ifd0, following = tiff.ifd(tiff.first)
        thumbnail_ifd: dict[int, _Entry] = {}
        if following:
            with contextlib.suppress(ValueError, struct.error):
                thumbnail_ifd = tiff.ifd(following)[0]
        return _exif_phrases(tiff, [ifd0], thumbnail_ifd)
    except (ValueError, struct.error):
        return [DAMAGED_EXIF]


# --- Photoshop image resources and ImageMagick's raw profiles --------------------------------

_THUMBNAIL_RESOURCES = {0x0409, 0x040C}


def _resources(blob: bytes) -> set[int]:
    """The resource ids in a run of Photoshop image resource blocks (8BIM…)."""
    ids: set[int] = set()
    pos = 0
    while pos + 12 <= len(blob) and blob[pos : pos + 4] in (b"8BIM", b"PHUT", b"AgHg", b"MeSa"):
        (resource,) = struct.unpack(">H", blob[pos + 4 : pos + 6])
        name = blob[pos + 6]
        pos += 6 + (name + 2) // 2 * 2  # a Pascal string padded to an even length
        if pos + 4 > len(blob):
            break
        (size,) = struct.unpack(">I", blob[pos : pos + 4])
        ids.add(resource)
        pos += 4 + size + (size & 1)
    return ids


def _raw_profile(text: bytes) -> bytes:
    """The bytes of an ImageMagick "Raw profile type …" text: a blank line, the type, the
    length, then hex digits over many lines."""
    lines = text.split(b"\n")
    return bytes.fromhex(b"".join(lines[3:]).decode("ascii"))


# --- JPEG ------------------------------------------------------------------------------------

_JUNK, _SCAN_DATA = -1, -2
_MAX_PARTS = 20_000  # real files have under 500 segments (FLIR splits its data over many)
_FILL = re.compile(rb"\xff*")
# In entropy-coded data 0xFF is followed by 0x00 (stuffing) or 0xD0-0xD7 (restart markers);
# anything else is the next marker. One regex search instead of a Python loop per byte.
_MARKER_AFTER_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7]")
_XMP_IDS = (b"http://ns.adobe.com/xap/1.0/\0", b"http://ns.adobe.com/xmp/extension/\0")
_Parts = list[tuple[int, int, int]]


def _jpeg_walk(data: bytes, pos: int, in_scan: bool = False) -> tuple[_Parts, int | None]:
    """(marker, payload start, payload end) for each segment from ``pos`` (just after an
    SOI) to the first EOI, with entropy-coded data as _SCAN_DATA and bytes where a marker
    should be as _JUNK; and the offset just after that EOI, or None when there is none.

    A segment's length carries the walk over it whole, so the EXIF thumbnail inside APP1
    (with its own SOI and EOI) never ends the image. ``in_scan``: start inside a scan.
    """
    parts: _Parts = []
    size = len(data)
    if in_scan:
        found = _MARKER_AFTER_SCAN.search(data, pos)
        stop = found.start() if found else size
        parts.append((_SCAN_DATA, pos, stop))
        pos = stop
    while pos < size:
        if len(parts) > _MAX_PARTS:
            parts.append((_JUNK, pos, size))
            return parts, None
        if data[pos] != 0xFF:
            following = data.find(b"\xff", pos)
            following = size if following < 0 else following
            parts.append((_JUNK, pos, following))
            pos = following
            continue
        pos = _FILL.match(data, pos).end()  # type: ignore[union-attr]
        if pos >= size:
            break
        code = data[pos]
        pos += 1
        if code == 0xD9:
            return parts, pos
        if code == 0x01 or 0xD0 <= code <= 0xD8:
            continue  # markers without a length
        if code == 0x00:
            parts.append((_JUNK, pos - 2, pos))
            continue
        if pos + 2 > size:
            parts.append((_JUNK, pos - 2, size))
            break
        length = data[pos] << 8 | data[pos + 1]
        if length < 2 or pos + length > size:
            parts.append((_JUNK, pos - 2, size))  # runs past the end: all of it is unknown
            break
        parts.append((code, pos + 2, pos + length))
        pos += length
        if code == 0xDA:
            found = _MARKER_AFTER_SCAN.search(data, pos)
            stop = found.start() if found else size
            parts.append((_SCAN_DATA, pos, stop))
            pos = stop
    return parts, None


def _jpeg_parts(data: bytes, parts: _Parts, survey: _Survey, first: bool) -> None:
    """Where markup matters in one JPEG's segments and, for the first picture, what its
    segments carry. Later pictures (MPO, appended) count as pictures, not their contents."""
    photoshop: list[bytes] = []
    for code, start, end in parts:
        if code == _SCAN_DATA:
            continue
        payload = data[start : min(end, start + 64)]
        if code == _JUNK or not (0xE0 <= code <= 0xEF or code == 0xFE):
            survey.scan(start, end)  # junk, and tables (DQT, DHT, SOF, SOS header: tiny)
            continue
        if code == 0xFE:
            survey.scan(start, end)
            if first and data[start:end].strip(b"\0 \t\r\n"):
                survey.comments += 1
            continue
        app = f"APP{code - 0xE0}"
        known = True
        if code == 0xE0 and payload.startswith(b"JFIF\0"):
            pixels = payload[12] * payload[13] * 3 if len(payload) >= 14 else 0
            survey.thumbnail |= first and pixels > 0
            survey.scan(start + 14 + pixels, end)  # anything past what JFIF declares
            continue
        if code == 0xE0 and payload.startswith(b"JFXX\0"):
            survey.thumbnail |= first
        elif code == 0xE1 and payload.startswith(b"Exif\0"):
            if first:
                survey.exif.append(data[start:end])
        elif code == 0xE1 and payload.startswith(_XMP_IDS):
            if first:
                survey.xmp.append(data[start:end])
        elif code == 0xE2 and payload.startswith(b"MPF\0"):
            if first:
                survey.mpf |= _mpf_pictures(data, start + 4, end)
        elif code == 0xE2 and payload.startswith(b"ICC_PROFILE\0"):
            pass  # the colour profile: scrub.py says what became of it
        elif code == 0xEB and payload.startswith(b"JP"):
            survey.credentials |= first
        elif code == 0xED and payload.startswith(b"Photoshop 3.0\0"):
            photoshop.append(data[start + 14 : end])
        elif (
            (code == 0xE1 and payload.startswith(b"FLIR\0"))
            or (code == 0xE2 and payload.startswith(b"FPXR\0"))
            or (code == 0xE3 and payload.startswith((b"META", b"Meta")))
        ):
            # Known formats holding thermal images and previews: named, never searched.
            if first:
                survey.name(app)
        else:
            known = False
        if not known:
            survey.scan(start, end)
            if first:
                survey.name(app)
    if first and photoshop:
        survey.photoshop.append(b"".join(photoshop))


def _mpf_pictures(data: bytes, header: int, end: int) -> set[int]:
    """Where the pictures an MPF index lists (other than the first) start in the file:
    offsets count from the MP header, just after "MPF\\0"."""
    try:
        tiff = _Tiff(data, header, end)
        entries, _ = tiff.ifd(tiff.first)
        table = tiff.raw(entries.get(0xB002))
        starts = set()
        for index in range(min(len(table) // 16, 64)):
            _attribute, _size, offset = struct.unpack(
                tiff.order + "III", table[16 * index : 16 * index + 12]
            )
            if offset:
                starts.add(header + offset)
        return starts
    except (ValueError, struct.error):
        return set()


def _survey_jpeg(data: bytes, survey: _Survey) -> None:
    parts, survey.end = _jpeg_walk(data, 2)
    _jpeg_parts(data, parts, survey, first=True)


# --- PNG -------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_CHUNKS = 200_000
_TEXT_BUDGET = 4 * 1024 * 1024  # decompressed text per file: ample for real metadata
# Chunks of the PNG, APNG and common extensions' specifications: pixels, colour, layout,
# timing, EXIF. Not searched (binary, fixed formats, or compressed) and not "unknown".
_PNG_KNOWN = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"cICP", b"mDCV", b"cLLI", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"eXIf", b"tIME", b"acTL",
    b"fcTL", b"fdAT", b"oFFs", b"pCAL", b"sCAL", b"sTER", b"gIFg", b"iDOT", b"vpAg", b"CgBI",
    b"orNT", b"dSIG", b"caBX",
}  # fmt: skip


def _png_walk(data: bytes, pos: int) -> tuple[list[tuple[bytes, int, int]], int | None]:
    """(chunk type, data start, data end) from ``pos`` to the first IEND, and the offset
    just after it (None when the chunks stop making sense first)."""
    chunks: list[tuple[bytes, int, int]] = []
    size = len(data)
    while pos + 12 <= size and len(chunks) < _MAX_CHUNKS:
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if not kind.isalpha() or pos + 12 + length > size:
            break
        chunks.append((kind, pos + 8, pos + 8 + length))
        pos += 12 + length
        if kind == b"IEND":
            return chunks, pos
    return chunks, None


class _Inflater:
    """zlib with one byte budget for the whole file, so a text chunk cannot be a bomb."""

    def __init__(self) -> None:
        self.left = _TEXT_BUDGET

    def __call__(self, compressed: bytes) -> bytes | None:
        if self.left <= 0:
            return None
        try:
            text = zlib.decompressobj().decompress(compressed, self.left)
        except zlib.error:
            return None
        self.left -= len(text)
        return text


def _png_text(kind: bytes, body: bytes, inflate: _Inflater) -> tuple[bytes, bytes | None]:
    """(keyword, text) of a tEXt, zTXt or iTXt chunk; text None when it cannot be read."""
    keyword, _, rest = body.partition(b"\0")
    if kind == b"tEXt":
        return keyword, rest
    if kind == b"zTXt":
        return keyword, inflate(rest[1:])
    compressed = rest[:1] == b"\x01"
    _language, _, rest = rest[2:].partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    return keyword, inflate(text) if compressed else text


def _png_chunks(
    data: bytes, chunks: list[tuple[bytes, int, int]], survey: _Survey, first: bool
) -> None:
    inflate = _Inflater()
    for kind, start, end in chunks:
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            if first:
                _png_text_chunk(kind, data[start:end], survey, inflate)
            else:
                survey.scan(start, end)
        elif kind in _PNG_KNOWN:
            if first and kind == b"tIME":
                survey.modified = True
            elif first and kind == b"eXIf":
                survey.exif.append(data[start:end])
            elif first and kind == b"caBX":
                survey.credentials = True
        else:
            survey.scan(start, end)
            if first:
                survey.name(kind.decode("ascii"))


def _png_text_chunk(kind: bytes, body: bytes, survey: _Survey, inflate: _Inflater) -> None:
    """Structured metadata in text chunks (XMP, ImageMagick's and exiftool's "Raw profile
    type …" hex) is named for what it is and not searched; other text is a text field,
    searched like a JPEG comment."""
    keyword, text = _png_text(kind, body, inflate)
    if keyword == b"XML:com.adobe.xmp":
        survey.xmp.append(text or b"")
        return
    if keyword.lower().startswith(b"raw profile type "):
        profile = keyword[17:].lower()
        try:
            raw = _raw_profile(text) if text is not None else None
        except (ValueError, UnicodeDecodeError):
            raw = None
        if raw is None:
            survey.damaged = True
        elif not raw:
            pass  # an empty profile carries nothing
        elif profile in (b"exif", b"app1") and not raw.startswith(_XMP_IDS):
            survey.exif.append(raw)
        elif profile in (b"xmp", b"app1"):
            survey.xmp.append(raw)
        elif profile == b"iptc":
            survey.iptc = True
        elif profile == b"8bim":
            survey.photoshop.append(raw)
        else:
            survey.text_fields += 1
        return
    survey.text_fields += 1
    if text is None:
        survey.damaged = True
    else:
        survey.texts.append(text)


def _survey_png(data: bytes, survey: _Survey) -> None:
    chunks, survey.end = _png_walk(data, 8)
    _png_chunks(data, chunks, survey, first=True)
    if survey.end is None:  # what the walk could not follow is unknown
        survey.scan(chunks[-1][2] + 4 if chunks else 8, len(data))


# --- GIF -------------------------------------------------------------------------------------

_GIF_LOOPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


def _gif_sub_blocks(data: bytes, pos: int) -> tuple[list[tuple[int, int]], int]:
    """The data sub-blocks from ``pos`` and the offset after their terminator."""
    blocks = []
    size = len(data)
    while pos < size and data[pos]:
        length = data[pos]
        blocks.append((pos + 1, min(pos + 1 + length, size)))
        pos += 1 + length
    if pos >= size:
        raise ValueError("GIF ends inside a block")
    return blocks, pos + 1


def _survey_gif(data: bytes, survey: _Survey) -> None:
    flags = data[10]
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    # Cut short, what was read stands: the first frame may be whole, and Pillow decides.
    with contextlib.suppress(ValueError):
        _gif_blocks(data, pos, survey)


def _gif_blocks(data: bytes, pos: int, survey: _Survey) -> None:
    size = len(data)
    while pos < size:
        introducer = data[pos]
        if introducer == 0x3B:
            survey.end = pos + 1
            return
        if introducer == 0x2C:  # an image: descriptor, colour table, LZW data (never read)
            local = data[pos + 9] if pos + 9 < size else 0
            table = 3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0
            _, pos = _gif_sub_blocks(data, pos + 10 + table + 1)
            continue
        if introducer != 0x21 or pos + 2 > size:
            survey.scan(pos, size)  # not a GIF block: everything from here is unknown
            return
        label = data[pos + 1]
        blocks, after = _gif_sub_blocks(data, pos + 2)
        content = b"".join(data[start:end] for start, end in blocks)
        if label == 0xFE:
            survey.texts.append(content)
            if content.strip(b"\0 \t\r\n"):
                survey.comments += 1
        elif label == 0x01:
            survey.texts.append(content[12:])  # after the text grid's position and colours
            survey.text_fields += 1
        elif label == 0xFF and blocks:
            identifier = data[blocks[0][0] : blocks[0][1]]
            if identifier == b"XMP DataXMP":
                survey.xmp.append(data[blocks[0][1] : after])  # raw: XMP is not sub-blocked
            elif identifier.startswith(b"ICCRGBG1"):
                survey.gif_profile = True
            elif identifier not in _GIF_LOOPS:
                survey.texts.append(content)
                survey.name(identifier.decode("latin-1"))
        elif label != 0xF9:  # the graphic control extension is timing and transparency
            survey.texts.append(content)
            survey.name(f"GIF extension 0x{label:02X}")
        pos = after


# --- WebP ------------------------------------------------------------------------------------

# Pixels (VP8, VP8L, ALPH, frames), layout (VP8X, ANIM) and the colour profile: not searched.
_WEBP_KNOWN = {b"VP8 ", b"VP8L", b"ALPH", b"ANMF", b"VP8X", b"ANIM", b"ICCP"}


def _survey_webp(data: bytes, survey: _Survey) -> None:
    (riff,) = struct.unpack("<I", data[4:8])
    end = min(len(data), 8 + riff + (riff & 1))
    pos = 12
    while pos + 8 <= end:
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        start, stop = pos + 8, min(pos + 8 + length, end)
        if kind == b"EXIF":
            survey.exif.append(data[start:stop])
        elif kind == b"XMP ":
            survey.xmp.append(data[start:stop])
        elif kind not in _WEBP_KNOWN:
            survey.scan(start, stop)
            survey.name(kind.decode("latin-1").strip())
        pos = start + length + (length & 1)
    survey.end = end


# --- ISO BMFF (HEIF, AVIF) -------------------------------------------------------------------

_BOX_TYPE = re.compile(rb"[\x20-\x7e\xa9]{4}")
# Top-level boxes with a structure of their own (metadata, indexes, media data): not searched.
_BOXES_KNOWN = {
    b"ftyp", b"meta", b"mdat", b"moov", b"moof", b"mfra", b"uuid", b"styp", b"sidx", b"ssix",
    b"idat", b"pdin", b"prft", b"emsg",
}  # fmt: skip
_BOXES_PADDING = {b"free", b"skip", b"wide"}


def _boxes(data: bytes, pos: int) -> tuple[list[tuple[bytes, int, int]], int]:
    """Top-level boxes from ``pos`` while they make sense, and where they stop."""
    boxes: list[tuple[bytes, int, int]] = []
    size = len(data)
    while pos + 8 <= size and len(boxes) < _MAX_PARTS:
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if length == 1 and pos + 16 <= size:
            (length,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            header = 16
        elif length == 0:
            length = size - pos
        if length < header or pos + length > size or not _BOX_TYPE.fullmatch(kind):
            break
        boxes.append((kind, pos + header, pos + length))
        pos += length
    return boxes, pos


def _box_parts(data: bytes, boxes: list[tuple[bytes, int, int]], survey: _Survey) -> None:
    for kind, start, end in boxes:
        if kind in _BOXES_KNOWN:
            continue
        survey.scan(start, end)
        if kind not in _BOXES_PADDING or data[start:end].strip(b"\0"):
            survey.name(kind.decode("latin-1"))  # padding is zeros; anything else is data


def _survey_isobmff(data: bytes, survey: _Survey) -> None:
    boxes, survey.end = _boxes(data, 0)
    _box_parts(data, boxes, survey)


# --- TIFF files ------------------------------------------------------------------------------

_MAX_PAGES = 1000
_POINTERS = (0x8769, 0x8825, 0xA005)


def _survey_tiff(data: bytes, survey: _Survey) -> None:
    """Every page's directory, values, strips and tiles; the bytes nothing points at are the
    file's unknown parts, and those after the last referenced byte are its trailer."""
    tiff = _Tiff(data)
    pages: list[dict[int, _Entry]] = []
    pixels: list[tuple[int, int]] = []
    offset = tiff.first
    while offset and len(pages) < _MAX_PAGES and offset not in tiff.read:
        try:
            page, offset = tiff.ifd(offset)
        except (ValueError, struct.error):
            if not pages:
                raise
            break  # a broken link to a later page: Pillow stops there too
        pages.append(page)
        directories = [page]
        for sub in tiff.ints(page.get(0x014A))[:64]:
            with contextlib.suppress(ValueError, struct.error):
                directories.append(tiff.ifd(sub)[0])
        for directory in list(directories):
            for pointer in _POINTERS:
                nested = tiff.sub(directory, pointer)
                directories.append(nested)
                directories.append(tiff.sub(nested, 0xA005))
        for directory in directories:
            for offsets, lengths in ((0x0111, 0x0117), (0x0144, 0x0145), (0x0201, 0x0202)):
                starts = tiff.ints(directory.get(offsets))
                sizes = tiff.ints(directory.get(lengths))
                pixels += [(at, at + length) for at, length in zip(starts, sizes, strict=False)]
    for page in pages:
        if _has_value(tiff, 0x02BC, page.get(0x02BC)):
            survey.xmp.append(tiff.raw(page[0x02BC]))
        survey.iptc |= _has_value(tiff, 0x83BB, page.get(0x83BB))
        if 0x8649 in page:
            survey.photoshop.append(tiff.raw(page[0x8649]))
        if _has_value(tiff, 0x935C, page.get(0x935C)):
            survey.phrases.append(IPTC)  # Photoshop's layers
    survey.phrases += _exif_phrases(tiff, pages, {})
    referenced = sorted(
        (max(0, start), min(end, len(data))) for start, end in tiff.ranges + pixels if end > start
    )
    position = 0
    for start, end in referenced:
        survey.scan(position, start)  # a gap no directory points at
        position = max(position, end)
    survey.end = position


# --- after the end ---------------------------------------------------------------------------

_MAX_EMBEDDED = 10_000
_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _looks_binary(data: bytes, start: int, end: int) -> bool:
    """Mostly non-text: compressed or entropy-coded data is about 38 % printable, markup
    nearly 100 %."""
    chunk = data[start:end]
    return len(chunk.translate(None, _PRINTABLE)) > 0.4 * len(chunk)


def _next_ftyp(data: bytes, pos: int) -> int:
    """Where the next plausible ISO BMFF file (a video) starts at or after ``pos``, or -1."""
    at = data.find(b"ftyp", pos + 4)
    while at >= 0:
        (length,) = struct.unpack(">I", data[at - 4 : at])
        if 16 <= length <= 4096 and _BOX_TYPE.fullmatch(data[at + 4 : at + 8]):
            return at - 4
        at = data.find(b"ftyp", at + 1)
    return -1


def _after_the_end(data: bytes, start: int, kind: str, survey: _Survey) -> None:
    """What follows the end of the image: pictures (MPO entries, appended JPEGs and PNGs)
    and videos (motion photos) are walked by their own rules; the rest is searched, unless
    it is the compressed tail of a longer original (aCropalypse), which is walked too."""
    size = len(data)
    pos = start
    leftover: list[tuple[int, int]] = []
    finders = {
        "jpeg": lambda at: data.find(b"\xff\xd8\xff", at),
        "png": lambda at: data.find(_PNG_SIGNATURE, at),
        "video": lambda at: _next_ftyp(data, at),
    }
    # The next start of each kind, found again only once the walk has passed it: every
    # search moves forward, so a trailer of many tiny fake pictures costs linear time.
    following = {what: find(pos) for what, find in finders.items()}
    for _ in range(_MAX_EMBEDDED):
        for what, at in following.items():
            if 0 <= at < pos:
                following[what] = finders[what](pos)
        candidates = [(at, what) for what, at in following.items() if at >= 0]
        if pos >= size or not candidates:
            break
        at, what = min(candidates)
        if at > pos:
            leftover.append((pos, at))
        if what == "jpeg":
            parts, end = _jpeg_walk(data, at + 2)
            _jpeg_parts(data, parts, survey, first=False)
            if end is not None:
                if at in survey.mpf:
                    survey.mpo_pictures += 1
                else:
                    survey.other_pictures += 1
            pos = end if end is not None else size
        elif what == "png":
            chunks, end = _png_walk(data, at + 8)
            _png_chunks(data, chunks, survey, first=False)
            survey.other_pictures += end is not None
            pos = end if end is not None else size
        else:
            boxes, end = _boxes(data, at)
            _box_parts(data, boxes, survey)
            survey.video += end - at
            pos = max(end, at + 1)
    if pos < size:
        leftover.append((pos, size))
    for region_start, region_end in leftover:
        if not data[region_start:region_end].strip(b"\0\xff"):
            continue  # padding to a block size: nothing in it
        survey.leftover += region_end - region_start
        if _leftover_picture(data, region_start, region_end, kind, survey):
            survey.leftover_is_picture = True
        else:
            survey.scan(region_start, region_end)


def _leftover_picture(data: bytes, start: int, end: int, kind: str, survey: _Survey) -> bool:
    """Whether bytes after the end are the rest of a longer original, as an editor leaves
    them when it writes a cropped image over it: for a JPEG, entropy-coded data running to
    markers and an EOI; for a PNG, the end of a chunk, then chunks to an IEND. Walked by
    their own rules when they are (pixel data unsearched, anything else searched)."""
    if kind == "JPEG":
        found = _MARKER_AFTER_SCAN.search(data, start, end)
        if found is None or not _looks_binary(data, start, found.start()):
            return False
        parts, tail_end = _jpeg_walk(data, start, in_scan=True)
        if tail_end is None:
            return False
        _jpeg_parts(data, parts, survey, first=False)
        survey.scan(tail_end, end)
        return True
    if kind == "PNG":
        at = start
        for _ in range(64):  # chunk types by chance in compressed data: try a few
            hits = (data.find(b"IDAT", at, end), data.find(b"IEND", at, end))
            at = min((hit for hit in hits if hit >= 0), default=-1)
            if at < 0:
                return False
            if at - 4 >= start:
                chunks, tail_end = _png_walk(data, at - 4)
                if tail_end is not None:
                    if not _looks_binary(data, start, at - 4):
                        survey.scan(start, at - 4)
                    _png_chunks(data, chunks, survey, first=False)
                    survey.scan(tail_end, end)
                    return True
            at += 1
    return False


# --- the receipt -----------------------------------------------------------------------------

_XMP_GPS = re.compile(rb"GPS(?:Dest)?L(?:at|ong)itude(?:\s*>\s*[^<\s]|\s*=\s*[\"'][^\"']+)")


def findings(image: Image.Image, data: bytes, kind: str) -> list[str]:
    """What the source carried besides pixels, in words for the receipt.

    Precondition: ``image`` is ``data`` opened and decoded (its ``info`` complete). Never
    raises: metadata too damaged to read is named as such.
    """
    try:
        survey = _survey(data, kind)
    except Exception:
        return [DAMAGED]
    found: list[str] = []
    try:
        found += _metadata(image, kind, survey)
    except Exception:
        found.append(DAMAGED)
    return list(dict.fromkeys(found))


def _metadata(image: Image.Image, kind: str, survey: _Survey) -> list[str]:
    info = image.info
    found: list[str] = list(survey.phrases)
    exif = survey.exif
    xmp = survey.xmp
    if kind in ("HEIF", "AVIF"):  # their metadata is in items only the decoder walks
        exif = [info["exif"]] if info.get("exif") else []
        xmp = [info["xmp"]] if info.get("xmp") else []
    for blob in exif[:4]:
        found += _exif_block(blob)
    if any(_XMP_GPS.search(packet) for packet in xmp):
        found.append(GPS_LOCATION)
    if xmp:
        found.append(XMP)
    resources: set[int] = set()
    for blob in survey.photoshop:
        resources |= _resources(blob)
    if survey.iptc or resources:
        found.append(IPTC)
    if resources & _THUMBNAIL_RESOURCES or survey.thumbnail:
        found.append(THUMBNAIL)
    if kind == "HEIF" and info.get("thumbnails"):
        found.append(THUMBNAIL)
    if kind == "HEIF" and info.get("depth_images"):
        found.append(DEPTH)
    if kind == "HEIF" and info.get("aux"):
        found.append(AUXILIARY)
    if survey.comments:
        found.append(comments_phrase(survey.comments))
    if survey.text_fields:
        found.append(text_fields_phrase(survey.text_fields))
    if survey.modified:
        found.append(MODIFIED)
    if survey.credentials:
        found.append(CREDENTIALS)
    if survey.gif_profile:
        found.append(GIF_PROFILE)
    if survey.unknown:
        found.append(other_parts_phrase(survey.unknown))
    if survey.damaged:
        found.append(DAMAGED)
    if survey.mpo_pictures:
        found.append(mpo_phrase(survey.mpo_pictures))
    if survey.other_pictures:
        found.append(pictures_phrase(survey.other_pictures))
    if survey.video:
        found.append(video_phrase(survey.video))
    if survey.leftover:
        phrase = leftover_phrase if survey.leftover_is_picture else hidden_phrase
        found.append(phrase(survey.leftover))
    # GPS first, as the old receipt had it: the one item every uploader looks for.
    return sorted(found, key=lambda phrase: not phrase.startswith("GPS"))
