"""Canary fixtures and judges for proving that the upload pipeline strips identifying data.

See shared/guides/deidentification.md. Every fixture is built here with Python only (Pillow,
pillow-heif, struct, zlib) and is deterministic: the same bytes in every process.

Fixtures
  ``canary_files()``   {key: (bytes, markers planted)}; a marker in every hiding place the
                       format can carry. ``marker(place)`` makes the markers.
  ``oriented_jpegs()`` {1..8: (JPEG bytes, expected upright RGB image)}.
  ``photo(variant)``   the 640x480 photo-like scene the canaries show (``"main"``).
Judges
  ``markers_found`` / ``marker_locations``  ASCII, UTF-16-LE/BE, inside any zlib/gzip stream.
  ``jpeg_segments``, ``png_chunks``         structure walks, with bytes after EOI / IEND.
  ``exiftool_tags``, ``STRUCTURAL_TAGS``, ``is_structural``  the exiftool allowlist.
  ``psnr``                                  Pillow only (numpy is not installed).

Each canary is 640x480 and opens in Pillow (HEIC once ``pillow_heif.register_heif_opener()``
has run). Markers are named ``CANARY-<key>-<place>-<hash>``; building them checks that
``markers_found`` finds every planted marker in its own canary. The places, by key:

========== ==================================================================================
key        hiding places planted (one marker each unless noted)
========== ==================================================================================
jpeg       APP1 EXIF, big-endian: IFD0 DocumentName, ImageDescription, Make, Model, Software,
           Artist, HostComputer, Copyright, XPComment and XPAuthor (UTF-16-LE); Exif IFD
           MakerNote, UserComment (UNICODE, so UTF-16-BE), ImageUniqueID, CameraOwnerName,
           BodySerialNumber, LensMake, LensModel, LensSerialNumber (plus real dates, no
           marker); GPS IFD position plus GPSProcessingMethod and GPSAreaInformation; IFD1
           JPEG thumbnail of the *uncropped* scene (wristband label, dark oval) with a marker in
           its COM; Orientation = 1. APP1 XMP (CreatorTool, DocumentID, dc:creator,
           dc:description, xmpMM:History parameters, GPS) and APP1 extended XMP. APP2 ICC
           (desc, cprt, dmnd, dmdd replaced, UTF-16-BE). APP0 JFXX thumbnail (marker in its
           COM). APP11 JUMBF/C2PA-style JSON box. APP13 Photoshop: IPTC by-line, copyright,
           caption, city, and a Photoshop thumbnail (marker in its COM). APP14 Adobe (marker
           after the 12 standard bytes). APP15 unknown segment. COM. Bytes after EOI. 42.
png        iCCP (ICC as above, zlib-compressed, profile name = marker), eXIf (the full EXIF
           above, little-endian, with thumbnail), tIME (binary, no marker), tEXt Author and
           Comment, zTXt Description, iTXt uncompressed Title (lang en), iTXt compressed
           Copyright, iTXt XMP packet, private ancillary chunk prVt, tEXt after IDAT, bytes
           after IEND. 8-bit RGB. 39.
png16      as png, on a 16-bit grayscale image ("I;16", low bytes independent of high). 39.
webp       VP8X lossy with EXIF (full, little-endian, thumbnail), XMP and ICCP chunks, an
           unknown RIFF chunk prVt, bytes after the RIFF end (exiftool warns). 32.
heic       pillow-heif: primary image with EXIF (full, GPS, IFD1 thumbnail), XMP, ICC
           ("prof"); a 160x120 HEIF thumbnail item; a second, non-primary top-level image with
           different pixels and its own EXIF Artist and XMP markers; a top-level free box;
           bytes after the last box (exiftool warns). 38.
avif       Pillow AVIF (still, brand avif): EXIF (full but no Orientation), XMP, ICC, free
           box, trailing bytes. 32. Only when ``PIL.features.check("avif")``.
tiff       Page 1: IFD0 tags as in the EXIF above plus PageName, XMP (700), IPTC (33723),
           Photoshop IRB thumbnail (34377), ICC (34675), Exif and GPS IFDs. Page 2: different
           pixels whose first bytes spell a marker (uncompressed), ImageDescription, PageName,
           Artist. Unreferenced bytes after the last IFD. 40.
gif        Comment extension, unknown application extension (SCRUBRMC1.0), XMP application
           extension, ICC application extension (ICCRGBG1012), plain text extension, a second
           frame (different pixels) preceded by its own comment, bytes after the trailer. 14.
jpeg_mpo   everything in jpeg, plus APP2 MPF and a second JPEG (different pixels, its own EXIF
           Artist and COM markers) after the first EOI, then trailing bytes. Pillow opens MPO
           with 2 frames. 44.
apng       everything in png, plus acTL/fcTL and a second frame (fdAT, filter-0 rows) whose
           first pixel bytes spell a marker. 40.
webp_anim  webp's places in an animated (ANIM/ANMF) WebP with a different second frame. 32.
avif_anim  avif's places in an AVIF image sequence (brand avis; exiftool calls it video/mp4)
           with a different second frame. 32.
========== ==================================================================================

Not produced, and why:
  * HEIC thumbnail with different content or its own marker: pillow-heif encodes thumbnails
    from the primary image's pixels (a scaled copy); a HEIF thumbnail carries no metadata.
  * HEIC/AVIF depth, auxiliary and gain-map images: pillow-heif and Pillow cannot write them.
  * AVIF thumbnail or second *item*: Pillow's AVIF writer has neither; ``save_all`` writes a
    sequence (``avif_anim``). AVIF EXIF has no Orientation: Pillow rewrites EXIF that has one
    (and drops IFD1, the thumbnail).
  * A marker in second-frame pixels that survives re-encoding: impossible as a string (GIF
    frames are LZW, JPEG/HEIC/AVIF/WebP lossy). Only the uncompressed TIFF page and the APNG
    filter-0 frame spell a marker; for the rest, judge "one frame out" and PSNR instead.
  * A marker in a thumbnail's *pixels*: same reason; thumbnails carry one in their own COM.
  * IPTC in PNG, WebP, GIF, HEIC, AVIF: no standard place (ImageMagick's hex "Raw profile"
    text chunks are just tEXt/zTXt, which are covered). EXIF in GIF: no place.
  * A text marker in tIME or dates: binary/date-only fields; judge them by exiftool/structure.

exiftool (12.57) does not report: the APP14 tail, APP15, the GIF SCRUBRMC1.0 extension, PNG
prVt, TIFF page-2 and APNG frame-2 pixels, and bytes after the end (only a warning); it sees the
second HEIC image's metadata only as binary ``MediaData``; with ``-j`` a tag repeated in one
group (two GIF comments) appears once. ``markers_found`` finds all of them.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import math
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator, Sequence

import pillow_heif
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFilter, ImageStat, features

MARKER_PREFIX = "CANARY"

_PLACE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def marker(place: str) -> str:
    """Return the canary marker for one hiding place, e.g. ``CANARY-jpeg-exif-artist-7f3a``.

    The marker is ASCII, deterministic (the same place gives the same marker in every
    process) and ends in a short digest of the place, so that one place's marker is not the
    start of another's (``canary_files`` checks that no marker contains another).
    """
    if not _PLACE.match(place):
        raise ValueError(f"place must be ASCII letters, digits, '.', '_' or '-': {place!r}")
    digest = hashlib.blake2s(place.encode("ascii"), digest_size=2).hexdigest()
    return f"{MARKER_PREFIX}-{place}-{digest}"


class _Planter:
    """Hands out markers for one canary file and remembers which it planted."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.planted: list[str] = []

    def __call__(self, place: str) -> str:
        value = marker(f"{self.prefix}-{place}")
        if value in self.planted:
            raise ValueError(f"marker planted twice: {value}")
        self.planted.append(value)
        return value


# --------------------------------------------------------------------------------------------
# Photo-like pixels
# --------------------------------------------------------------------------------------------


class _Stream:
    """A deterministic stream of small integers (no `random`: nothing to seed or forget)."""

    def __init__(self, seed: str) -> None:
        self._data = hashlib.shake_256(seed.encode("ascii")).digest(8192)
        self._pos = 0

    def below(self, n: int) -> int:
        value = int.from_bytes(self._data[self._pos : self._pos + 4], "big")
        self._pos = (self._pos + 4) % (len(self._data) - 4)
        return value % n


def _noise(size: tuple[int, int], seed: str, amplitude: int) -> Image.Image:
    """Per-channel noise in 0..2*amplitude, deterministic."""
    width, height = size
    raw = hashlib.shake_256(seed.encode("ascii")).digest(width * height * 3)
    span = 2 * amplitude + 1
    return Image.frombytes("RGB", size, raw).point(lambda v: v * span // 256)


_VARIANTS = {
    # name: (wound centre as fractions, drape colour, background tint)
    "main": ((0.45, 0.50), (40, 110, 100), (0, 0, 0)),
    "uncropped": ((0.45, 0.50), (40, 110, 100), (0, 0, 0)),
    "second": ((0.66, 0.36), (30, 60, 150), (-40, 30, 40)),
}


def photo(variant: str = "main", size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A deterministic photo-like RGB image: gradients, a "wound", sutures, an instrument, noise.

    ``variant`` is ``"main"`` (what the canaries show), ``"uncropped"`` (the same scene plus
    a wristband-like label and a dark oval, used for thumbnails that must not survive) or
    ``"second"`` (a visibly different scene, used for second frames and pages).
    """
    centre, drape, tint = _VARIANTS[variant]
    width, height = size
    scene = "main" if variant == "uncropped" else variant  # the uncropped scene adds, not moves
    rng = _Stream(f"scrubroom-canary-{scene}-{width}x{height}")
    horizontal = Image.linear_gradient("L").rotate(90).resize(size, Image.Resampling.BILINEAR)
    vertical = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    radial = Image.radial_gradient("L").resize(size, Image.Resampling.BILINEAR)
    img = Image.merge(
        "RGB",
        (
            horizontal.point(lambda v: 150 + tint[0] + v * 70 // 255),
            vertical.point(lambda v: 95 + tint[1] + v * 60 // 255),
            radial.point(lambda v: 120 + tint[2] - v * 50 // 255),
        ),
    )
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, int(height * 0.82), width, height), fill=drape)
    for _ in range(14):
        x, y, r = rng.below(width), rng.below(height), 4 + rng.below(18)
        colour = (120 + rng.below(120), 60 + rng.below(100), 50 + rng.below(100))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    cx, cy = int(width * centre[0]), int(height * centre[1])
    rx, ry = int(width * 0.22), int(height * 0.18)
    draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=(150, 30, 40))
    draw.ellipse((cx - rx // 2, cy - ry // 3, cx + rx // 2, cy + ry // 3), fill=(205, 85, 95))
    for i in range(7):
        x = cx - rx + (i + 1) * 2 * rx // 8
        draw.line((x - 6, cy - ry - 10, x + 6, cy + ry + 10), fill=(20, 30, 90), width=3)
        draw.line((x - 10, cy - ry - 4, x + 10, cy - ry - 8), fill=(20, 30, 90), width=2)
    tip = (cx + rx + 10, cy - 8)
    draw.polygon(
        [(width, int(height * 0.15)), (width, int(height * 0.22)), tip, (tip[0], tip[1] - 14)],
        fill=(185, 190, 200),
    )
    draw.line((width, int(height * 0.16), tip[0], tip[1] - 12), fill=(245, 245, 250), width=2)
    if variant == "uncropped":
        # What a crop removed: a patient wristband and a face-like dark oval.
        band = (int(width * 0.55), int(height * 0.04), int(width * 0.97), int(height * 0.2))
        draw.rounded_rectangle(band, radius=8, fill=(250, 250, 235), outline=(0, 0, 0), width=2)
        for i in range(18):
            x = band[0] + 10 + i * (band[2] - band[0] - 20) // 18
            draw.rectangle((x, band[1] + 8, x + 1 + (i * 7) % 4, band[3] - 8), fill=(0, 0, 0))
        draw.ellipse((8, 8, int(width * 0.3), int(height * 0.45)), fill=(60, 40, 30))
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    return ImageChops.add(img, _noise(size, f"noise-{scene}-{width}x{height}", 3), 1.0, -3)


def _photo16(variant: str = "main") -> Image.Image:
    """A 16-bit grayscale ("I;16") photo whose low bytes are not a copy of the high bytes."""
    high = photo(variant).convert("L")
    low = Image.frombytes(
        "L", high.size, hashlib.shake_256(b"png16-low").digest(high.width * high.height)
    )
    # "LA" bytes are (L, A) pairs: little-endian 16-bit samples when L is the low byte.
    return Image.frombytes("I;16", high.size, Image.merge("LA", (low, high)).tobytes())


def _jpeg(img: Image.Image, quality: int = 95, **params: object) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, subsampling=0, **params)
    return out.getvalue()


def _thumbnail_jpeg(comment_marker: str, size: tuple[int, int] = (160, 120)) -> bytes:
    """A small JPEG of the *uncropped* scene, with a marker in its own COM segment."""
    thumb = photo("uncropped").resize(size, Image.Resampling.LANCZOS)
    return _jpeg(thumb, quality=80, comment=comment_marker.encode("ascii"))


# --------------------------------------------------------------------------------------------
# TIFF / EXIF structures
# --------------------------------------------------------------------------------------------

_BYTE, _ASCII, _SHORT, _LONG, _RATIONAL, _UNDEFINED = 1, 2, 3, 4, 5, 7
_IfdValue = bytes | str | int | tuple[int, ...] | tuple[tuple[int, int], ...]
_IfdEntry = tuple[int, int, _IfdValue]


class _TiffWriter:
    """Lays out a TIFF structure bottom-up: blobs and child IFDs first, then their parents."""

    def __init__(self, big_endian: bool) -> None:
        self.order = ">" if big_endian else "<"
        self.buf = bytearray(b"MM\x00\x2a" if big_endian else b"II\x2a\x00") + bytes(4)

    def _align(self) -> None:
        if len(self.buf) % 2:
            self.buf.append(0)

    def blob(self, data: bytes) -> int:
        self._align()
        offset = len(self.buf)
        self.buf += data
        return offset

    def _encode(self, typ: int, value: _IfdValue) -> tuple[int, bytes]:
        if typ == _ASCII:
            raw = value.encode("latin-1") + b"\0" if isinstance(value, str) else bytes(value)  # type: ignore[arg-type]
            return len(raw), raw
        if typ in (_BYTE, _UNDEFINED):
            raw = bytes(value)  # type: ignore[arg-type]
            return len(raw), raw
        values = (value,) if isinstance(value, int) else tuple(value)  # type: ignore[arg-type]
        if typ == _SHORT:
            return len(values), struct.pack(f"{self.order}{len(values)}H", *values)
        if typ == _LONG:
            return len(values), struct.pack(f"{self.order}{len(values)}I", *values)
        if typ == _RATIONAL:
            flat = [part for pair in values for part in pair]  # type: ignore[union-attr]
            return len(values), struct.pack(f"{self.order}{len(flat)}I", *flat)
        raise ValueError(f"unsupported TIFF type {typ}")

    def ifd(self, entries: Sequence[_IfdEntry], next_ifd: int = 0) -> int:
        encoded = []
        for tag, typ, value in sorted(entries, key=lambda entry: entry[0]):
            count, raw = self._encode(typ, value)
            field = (
                raw.ljust(4, b"\0")
                if len(raw) <= 4
                else struct.pack(f"{self.order}I", self.blob(raw))
            )
            encoded.append(struct.pack(f"{self.order}HHI", tag, typ, count) + field)
        self._align()
        offset = len(self.buf)
        self.buf += struct.pack(f"{self.order}H", len(encoded)) + b"".join(encoded)
        self.buf += struct.pack(f"{self.order}I", next_ifd)
        return offset

    def finish(self, first_ifd: int) -> bytes:
        self.buf[4:8] = struct.pack(f"{self.order}I", first_ifd)
        return bytes(self.buf)


def _utf16(text: str, big_endian: bool) -> bytes:
    return text.encode("utf-16-be" if big_endian else "utf-16-le")


def _exif_subifds(w: _TiffWriter, plant: _Planter) -> list[_IfdEntry]:
    """Writes the Exif and GPS sub-IFDs; returns the IFD0 entries that point at them."""
    big = w.order == ">"
    exif_ifd = w.ifd(
        [
            (0x9000, _UNDEFINED, b"0232"),  # ExifVersion
            (0x9003, _ASCII, "2024:05:17 14:03:22"),  # DateTimeOriginal (a date, no marker)
            (0x9004, _ASCII, "2024:05:17 14:03:22"),  # CreateDate
            (0x9011, _ASCII, "+01:00"),  # OffsetTimeOriginal
            (0x9291, _ASCII, "042"),  # SubSecTimeOriginal
            (0x927C, _UNDEFINED, f"MakerNote {plant('exif-makernote')} serial 0042".encode()),
            (0x9286, _UNDEFINED, b"UNICODE\0" + _utf16(plant("exif-usercomment"), big)),
            (0xA420, _ASCII, plant("exif-imageuniqueid")),
            (0xA430, _ASCII, plant("exif-cameraownername")),
            (0xA431, _ASCII, plant("exif-bodyserialnumber")),
            (0xA433, _ASCII, plant("exif-lensmake")),
            (0xA434, _ASCII, plant("exif-lensmodel")),
            (0xA435, _ASCII, plant("exif-lensserialnumber")),
        ]
    )
    gps_ifd = w.ifd(
        [
            (0x0000, _BYTE, bytes((2, 3, 0, 0))),  # GPSVersionID
            (0x0001, _ASCII, "N"),
            (0x0002, _RATIONAL, ((51, 1), (30, 1), (2628, 100))),  # GPSLatitude
            (0x0003, _ASCII, "W"),
            (0x0004, _RATIONAL, ((0, 1), (7, 1), (3960, 100))),  # GPSLongitude
            (0x0005, _BYTE, b"\0"),
            (0x0006, _RATIONAL, ((2150, 100),)),  # GPSAltitude
            (0x0007, _RATIONAL, ((13, 1), (3, 1), (22, 1))),  # GPSTimeStamp
            (0x001B, _UNDEFINED, b"ASCII\0\0\0" + plant("gps-processingmethod").encode()),
            (0x001C, _UNDEFINED, b"ASCII\0\0\0" + plant("gps-areainformation").encode()),
            (0x001D, _ASCII, "2024:05:17"),  # GPSDateStamp
        ]
    )
    return [(0x8769, _LONG, exif_ifd), (0x8825, _LONG, gps_ifd)]


def _ifd0_text_entries(plant: _Planter) -> list[_IfdEntry]:
    """The identifying IFD0 tags shared by EXIF blocks and the TIFF canary's first page."""
    return [
        (0x010D, _ASCII, plant("ifd0-documentname")),
        (0x010E, _ASCII, plant("ifd0-imagedescription")),
        (0x010F, _ASCII, plant("ifd0-make")),
        (0x0110, _ASCII, plant("ifd0-model")),
        (0x0131, _ASCII, plant("ifd0-software")),
        (0x0132, _ASCII, "2024:05:17 14:05:00"),  # ModifyDate
        (0x013B, _ASCII, plant("ifd0-artist")),
        (0x013C, _ASCII, plant("ifd0-hostcomputer")),
        (0x8298, _ASCII, plant("ifd0-copyright")),
        (0x9C9C, _BYTE, plant("ifd0-xpcomment").encode("utf-16-le") + b"\0\0"),
        (0x9C9D, _BYTE, plant("ifd0-xpauthor").encode("utf-16-le") + b"\0\0"),
    ]


def _exif(
    plant: _Planter, *, big_endian: bool, thumbnail: bool = True, orientation: int | None = 1
) -> bytes:
    """A full EXIF block (TIFF structure, without the ``Exif\\0\\0`` prefix).

    IFD0 text tags, Exif IFD (serials, owner, lens, UserComment in UTF-16, MakerNote), GPS
    IFD (position plus ProcessingMethod/AreaInformation markers) and, when ``thumbnail``,
    IFD1 with a JPEG thumbnail of the uncropped scene whose COM segment holds a marker.
    """
    w = _TiffWriter(big_endian)
    next_ifd = 0
    if thumbnail:
        thumb = _thumbnail_jpeg(plant("exif-thumbnail-com"))
        thumb_offset = w.blob(thumb)
        next_ifd = w.ifd(
            [
                (0x0103, _SHORT, 6),  # Compression: JPEG
                (0x011A, _RATIONAL, ((72, 1),)),
                (0x011B, _RATIONAL, ((72, 1),)),
                (0x0128, _SHORT, 2),
                (0x0201, _LONG, thumb_offset),  # ThumbnailOffset
                (0x0202, _LONG, len(thumb)),  # ThumbnailLength
            ]
        )
    entries = _ifd0_text_entries(plant) + _exif_subifds(w, plant)
    entries += [
        (0x011A, _RATIONAL, ((72, 1),)),
        (0x011B, _RATIONAL, ((72, 1),)),
        (0x0128, _SHORT, 2),
    ]
    if orientation is not None:
        entries.append((0x0112, _SHORT, orientation))
    return w.finish(w.ifd(entries, next_ifd))


# --------------------------------------------------------------------------------------------
# XMP, IPTC, Photoshop, ICC
# --------------------------------------------------------------------------------------------

_XMP_NS = b"http://ns.adobe.com/xap/1.0/\0"
_XMP_EXT_NS = b"http://ns.adobe.com/xmp/extension/\0"


def _xmp(plant: _Planter, extended_guid: str | None = None) -> bytes:
    """An XMP packet: dc:creator, dc:description, CreatorTool, DocumentID, GPS and History."""
    note = (
        f"\n   <xmpNote:HasExtendedXMP>{extended_guid}</xmpNote:HasExtendedXMP>"
        if (extended_guid)
        else ""
    )
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:xmpNote="http://ns.adobe.com/xmp/note/">
   <xmp:CreatorTool>{plant("xmp-creatortool")}</xmp:CreatorTool>
   <xmp:CreateDate>2024-05-17T14:03:22+01:00</xmp:CreateDate>
   <xmpMM:DocumentID>{plant("xmp-documentid")}</xmpMM:DocumentID>
   <exif:GPSLatitude>51,30.438N</exif:GPSLatitude>
   <exif:GPSLongitude>0,7.660W</exif:GPSLongitude>{note}
   <dc:creator><rdf:Seq><rdf:li>{plant("xmp-dc-creator")}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{plant("xmp-dc-description")}</rdf:li>
   </rdf:Alt></dc:description>
   <xmpMM:History><rdf:Seq>
    <rdf:li rdf:parseType="Resource">
     <stEvt:action>saved</stEvt:action>
     <stEvt:when>2024-05-17T14:05:00+01:00</stEvt:when>
     <stEvt:softwareAgent>PhotoEditor 1.0</stEvt:softwareAgent>
     <stEvt:parameters>{plant("xmp-history")}</stEvt:parameters>
    </rdf:li>
   </rdf:Seq></xmpMM:History>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def _xmp_extended(plant: _Planter) -> tuple[str, bytes]:
    """Extended XMP (the part JPEG carries in separate APP1 segments): (GUID, packet)."""
    packet = f"""<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
   <photoshop:Instructions>{plant("xmp-extended")}</photoshop:Instructions>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>""".encode()
    return hashlib.md5(packet, usedforsecurity=False).hexdigest().upper(), packet


def _iptc(plant: _Planter) -> bytes:
    """IPTC IIM records: UTF-8 declaration, by-line, copyright, caption, city."""

    def dataset(record: int, number: int, value: bytes) -> bytes:
        return b"\x1c" + bytes((record, number)) + struct.pack(">H", len(value)) + value

    return b"".join(
        [
            dataset(1, 90, b"\x1b%G"),
            dataset(2, 0, b"\x00\x04"),
            dataset(2, 80, plant("iptc-byline").encode()),
            dataset(2, 116, plant("iptc-copyright").encode()),
            dataset(2, 120, plant("iptc-caption").encode()),
            dataset(2, 90, plant("iptc-city").encode()),
            dataset(2, 55, b"20240517"),
        ]
    )


def _irb(resource: int, data: bytes) -> bytes:
    """One Photoshop image resource block (empty name)."""
    pad = b"\0" if len(data) % 2 else b""
    return (
        b"8BIM" + struct.pack(">H", resource) + b"\0\0" + struct.pack(">I", len(data)) + data + pad
    )


def _photoshop_thumbnail(plant: _Planter) -> bytes:
    """Photoshop resource 0x040C: a JPEG thumbnail (uncropped scene, marker in its COM)."""
    jpeg = _thumbnail_jpeg(plant("photoshop-thumbnail-com"))
    width, height = 160, 120
    row = (width * 24 + 31) // 32 * 4
    header = struct.pack(">6I2H", 1, width, height, row, row * height, len(jpeg), 24, 1)
    return header + jpeg


def _photoshop_irbs(plant: _Planter) -> bytes:
    return _irb(0x0404, _iptc(plant)) + _irb(0x040C, _photoshop_thumbnail(plant))


def _mluc(text: str) -> bytes:
    encoded = text.encode("utf-16-be")
    return (
        b"mluc\0\0\0\0"
        + struct.pack(">II", 1, 12)
        + b"enUS"
        + struct.pack(">II", len(encoded), 28)
        + encoded
    )


@functools.cache
def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _icc(plant: _Planter) -> bytes:
    """LittleCMS's sRGB profile (v4) with desc, cprt, dmnd and dmdd replaced by markers.

    The tag table is rebuilt (shared tag data stays shared), sizes fixed and the v4 profile
    ID recomputed, so ImageCms loads it and reports the marker as its description.
    """
    base = _srgb_profile()
    (count,) = struct.unpack(">I", base[128:132])
    table: list[tuple[bytes, bytes]] = []
    for i in range(count):
        sig, offset, size = struct.unpack(">4sII", base[132 + 12 * i : 144 + 12 * i])
        table.append((sig, base[offset : offset + size]))
    replace = {
        b"desc": _mluc(plant("icc-description")),
        b"cprt": _mluc(plant("icc-copyright")),
        b"dmnd": _mluc(plant("icc-devicemanufacturer")),
        b"dmdd": _mluc(plant("icc-devicemodel")),
    }
    table = [(sig, replace.pop(sig, data)) for sig, data in table] + list(replace.items())
    data_start = 128 + 4 + 12 * len(table)
    body = bytearray()
    placed: dict[bytes, int] = {}
    entries = b""
    for sig, data in table:
        if data not in placed:
            placed[data] = data_start + len(body)
            body += data + b"\0" * (-len(data) % 4)
        entries += struct.pack(">4sII", sig, placed[data], len(data))
    header = bytearray(base[:128])
    header[24:36] = struct.pack(">6H", 2024, 5, 17, 13, 5, 0)  # LittleCMS stamps "now"
    profile = bytearray(header + struct.pack(">I", len(table)) + entries + body)
    profile[0:4] = struct.pack(">I", len(profile))
    profile[84:100] = bytes(16)
    for_id = bytearray(profile)
    for_id[44:48] = bytes(4)
    for_id[64:68] = bytes(4)
    profile[84:100] = hashlib.md5(for_id, usedforsecurity=False).digest()
    return bytes(profile)


# --------------------------------------------------------------------------------------------
# Container writers: JPEG segments, PNG chunks, RIFF, ISO BMFF, GIF blocks
# --------------------------------------------------------------------------------------------


def _segment(code: int, payload: bytes) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise ValueError(f"JPEG segment too long: {len(payload)}")
    return bytes((0xFF, code)) + struct.pack(">H", len(payload) + 2) + payload


def _jumbf(text_marker: str) -> bytes:
    """APP11 payload: a JUMBF superbox (the C2PA container) with a JSON content box."""
    json_uuid = bytes.fromhex("6A736F6E00110010800000AA00389B71")
    description = json_uuid + b"\x03" + b"scrubroom.canary\0"
    jumd = struct.pack(">I", 8 + len(description)) + b"jumd" + description
    content = json.dumps({"author": text_marker}).encode()
    json_box = struct.pack(">I", 8 + len(content)) + b"json" + content
    jumb = struct.pack(">I", 8 + len(jumd) + len(json_box)) + b"jumb" + jumd + json_box
    return b"JP" + struct.pack(">HI", 1, 1) + jumb


def _mpf(sizes: tuple[int, int], second_offset: int) -> bytes:
    """APP2 payload: an MPF index (MPO) of two images, big-endian."""
    entries = struct.pack(">IIIHH", 0x20030000, sizes[0], 0, 0, 0)
    entries += struct.pack(">IIIHH", 0x00020002, sizes[1], second_offset, 0, 0)
    w = _TiffWriter(big_endian=True)
    first = w.ifd(
        [(0xB000, _UNDEFINED, b"0100"), (0xB001, _LONG, 2), (0xB002, _UNDEFINED, entries)]
    )
    return b"MPF\0" + w.finish(first)


def _jpeg_canary(prefix: str, mpo: bool) -> tuple[bytes, list[str]]:
    plant = _Planter(prefix)
    base = _jpeg(photo("main"))
    app0_end = _jpeg_walk_first_app0_end(base)
    guid, extended = _xmp_extended(plant)
    icc = _icc(plant)
    segments = [
        _segment(0xE0, b"JFXX\0\x10" + _thumbnail_jpeg(plant("jfxx-thumbnail-com"))),
        _segment(0xE1, b"Exif\0\0" + _exif(plant, big_endian=True)),
        _segment(0xE1, _XMP_NS + _xmp(plant, guid)),
        _segment(
            0xE1, _XMP_EXT_NS + guid.encode() + struct.pack(">II", len(extended), 0) + extended
        ),
        _segment(0xE2, b"ICC_PROFILE\0\x01\x01" + icc),
        _segment(0xEB, _jumbf(plant("app11-jumbf"))),
        _segment(0xED, b"Photoshop 3.0\0" + _photoshop_irbs(plant)),
        # Adobe APP14: version 100, no flags, transform 1 (YCbCr, true for Pillow's output),
        # then a marker that decoders skip.
        _segment(
            0xEE, b"Adobe" + struct.pack(">HHHB", 100, 0, 0, 1) + plant("app14-adobe").encode()
        ),
        _segment(0xEF, b"prVt\0" + plant("app15").encode()),
        _segment(0xFE, plant("com").encode()),
    ]
    head, tail = base[:app0_end], base[app0_end:]
    if not mpo:
        return head + b"".join(segments) + tail + _trailer(plant("trailer")), plant.planted
    second_exif = b"Exif\0\0" + _exif_artist_only(plant("image2-exif-artist"))
    second = _jpeg(photo("second"), exif=second_exif, comment=plant("image2-com").encode())
    mpf_at = len(head) + len(b"".join(segments))
    placeholder = _segment(0xE2, _mpf((0, 0), 0))
    first_len = len(head) + len(b"".join(segments)) + len(placeholder) + len(tail)
    mp_header = mpf_at + 4 + 4  # segment marker+length, then "MPF\0"
    mpf = _segment(0xE2, _mpf((first_len, len(second)), first_len - mp_header))
    first = head + b"".join(segments) + mpf + tail
    return first + second + _trailer(plant("trailer")), plant.planted


def _exif_artist_only(artist: str) -> bytes:
    w = _TiffWriter(big_endian=False)
    return w.finish(w.ifd([(0x013B, _ASCII, artist)]))


def _trailer(text_marker: str) -> bytes:
    """Bytes after the end of the image, the way phones append motion photos or vendor blocks."""
    return b"\0\0TRAILER\0" + text_marker.encode() + b"\0" + bytes(range(32))


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def _png_parse(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
        if kind == b"IEND":
            break
    return chunks


def _png_marker_rows(img: Image.Image, text_marker: str) -> bytes:
    """Raw (filter 0) scanlines of an RGB image with the marker's bytes as the first pixels."""
    raw = bytearray(img.tobytes())
    raw[0 : len(text_marker)] = text_marker.encode()
    stride = img.width * 3
    return b"".join(b"\0" + raw[y * stride : (y + 1) * stride] for y in range(img.height))


def _png_canary(prefix: str, sixteen_bit: bool, apng: bool) -> tuple[bytes, list[str]]:
    plant = _Planter(prefix)
    img = _photo16() if sixteen_bit else photo("main")
    out = io.BytesIO()
    img.save(out, "PNG")
    plain = _png_parse(out.getvalue())
    ihdr = next(p for kind, p in plain if kind == b"IHDR")
    idats = [p for kind, p in plain if kind == b"IDAT"]
    width, height = img.size
    chunks = [_png_chunk(b"IHDR", ihdr)]
    if apng:
        chunks.append(_png_chunk(b"acTL", struct.pack(">II", 2, 0)))
        chunks.append(
            _png_chunk(b"fcTL", struct.pack(">IIIIIHHBB", 0, width, height, 0, 0, 1, 2, 0, 0))
        )
    icc = zlib.compress(_icc(plant), 9)
    chunks += [
        _png_chunk(b"iCCP", plant("iccp-name").encode() + b"\0\0" + icc),
        _png_chunk(b"eXIf", _exif(plant, big_endian=False)),
        _png_chunk(b"tIME", struct.pack(">HBBBBB", 2024, 5, 17, 13, 5, 0)),
        _png_chunk(b"tEXt", b"Author\0" + plant("text-author").encode()),
        _png_chunk(b"tEXt", b"Comment\0" + plant("text-comment").encode()),
        _png_chunk(
            b"zTXt", b"Description\0\0" + zlib.compress(plant("ztxt-description").encode(), 9)
        ),
        _png_chunk(b"iTXt", b"Title\0\0\0en\0Titel\0" + plant("itxt-title").encode()),
        _png_chunk(
            b"iTXt", b"Copyright\0\x01\0en\0\0" + zlib.compress(plant("itxt-copyright").encode(), 9)
        ),
        _png_chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + _xmp(plant)),
        _png_chunk(b"prVt", b"private\0" + plant("private-chunk").encode()),
    ]
    chunks += [_png_chunk(b"IDAT", payload) for payload in idats]
    if apng:
        second = _png_marker_rows(photo("second"), plant("frame2-pixels"))
        chunks.append(
            _png_chunk(b"fcTL", struct.pack(">IIIIIHHBB", 1, width, height, 0, 0, 1, 2, 0, 0))
        )
        chunks.append(_png_chunk(b"fdAT", struct.pack(">I", 2) + zlib.compress(second, 6)))
    chunks.append(_png_chunk(b"tEXt", b"Source\0" + plant("text-after-idat").encode()))
    chunks.append(_png_chunk(b"IEND", b""))
    return _PNG_SIGNATURE + b"".join(chunks) + _trailer(plant("trailer")), plant.planted


def _riff_append(data: bytes, kind: bytes, payload: bytes) -> bytes:
    chunk = kind + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")
    body = data[8:] + chunk
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _webp_canary(prefix: str, animated: bool) -> tuple[bytes, list[str]]:
    plant = _Planter(prefix)
    params: dict[str, object] = {
        "quality": 90,
        "exif": _exif(plant, big_endian=False),
        "xmp": _xmp(plant),
        "icc_profile": _icc(plant),
    }
    if animated:
        params.update(save_all=True, append_images=[photo("second")], duration=500, loop=0)
    out = io.BytesIO()
    photo("main").save(out, "WEBP", **params)
    data = _riff_append(out.getvalue(), b"prVt", plant("private-chunk").encode())
    return data + _trailer(plant("trailer")), plant.planted


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _heic_canary() -> tuple[bytes, list[str]]:
    plant = _Planter("heic")
    heif = pillow_heif.from_pillow(photo("main"))
    heif.add_from_pillow(photo("second"))
    heif[0].info.update(
        exif=b"Exif\0\0" + _exif(plant, big_endian=False),
        xmp=_xmp(plant),
        icc_profile=_icc(plant),
        icc_profile_type="prof",
        thumbnails=[160],
    )
    second = _Planter("heic-image2")
    heif[1].info.update(
        exif=b"Exif\0\0" + _exif_artist_only(second("exif-artist")),
        xmp=_xmp(second),
        primary=False,
    )
    out = io.BytesIO()
    heif.save(out, quality=90, primary_index=0, save_all=True)
    plant.planted += second.planted
    data = out.getvalue() + _box(b"free", plant("free-box").encode())
    return data + _trailer(plant("trailer")), plant.planted


def _iso_fixed_times(data: bytes) -> bytes:
    """Pin the creation/modification times libavif stamps into mvhd, tkhd and mdhd."""
    out = bytearray(data)
    stamp = 3798795900  # 2024-05-17 13:05:00 UTC in seconds since 1904

    def walk(start: int, end: int) -> None:
        pos = start
        while pos + 8 <= end:
            size, kind = struct.unpack(">I4s", out[pos : pos + 8])
            header = 8
            if size == 1:
                (size,) = struct.unpack(">Q", out[pos + 8 : pos + 16])
                header = 16
            elif size == 0:
                size = end - pos
            if size < header or pos + size > end:
                return
            if kind in (b"moov", b"trak", b"mdia"):
                walk(pos + header, pos + size)
            elif kind in (b"mvhd", b"tkhd", b"mdhd"):
                fmt = ">QQ" if out[pos + header] == 1 else ">II"
                at = pos + header + 4
                out[at : at + struct.calcsize(fmt)] = struct.pack(fmt, stamp, stamp)
            pos += size

    walk(0, len(out))
    return bytes(out)


def _avif_canary(prefix: str, animated: bool) -> tuple[bytes, list[str]]:
    plant = _Planter(prefix)
    params: dict[str, object] = {
        "quality": 90,
        "speed": 8,
        # No Orientation tag: Pillow re-serialises EXIF that has one (dropping IFD1).
        "exif": _exif(plant, big_endian=False, orientation=None),
        "xmp": _xmp(plant),
        "icc_profile": _icc(plant),
    }
    if animated:
        params.update(save_all=True, append_images=[photo("second")], duration=500)
    out = io.BytesIO()
    photo("main").save(out, "AVIF", **params)
    data = _iso_fixed_times(out.getvalue()) + _box(b"free", plant("free-box").encode())
    return data + _trailer(plant("trailer")), plant.planted


def _tiff_canary() -> tuple[bytes, list[str]]:
    plant = _Planter("tiff")
    first, second = photo("main"), photo("second")
    width, height = first.size
    w = _TiffWriter(big_endian=False)

    def image_entries(pixels: bytes, page: int) -> list[_IfdEntry]:
        offset = w.blob(pixels)
        return [
            (0x00FE, _LONG, 2),  # NewSubfileType: page of a multi-page image
            (0x0100, _LONG, width),
            (0x0101, _LONG, height),
            (0x0102, _SHORT, (8, 8, 8)),
            (0x0103, _SHORT, 1),
            (0x0106, _SHORT, 2),
            (0x0111, _LONG, offset),
            (0x0115, _SHORT, 3),
            (0x0116, _LONG, height),
            (0x0117, _LONG, len(pixels)),
            (0x011A, _RATIONAL, ((72, 1),)),
            (0x011B, _RATIONAL, ((72, 1),)),
            (0x011C, _SHORT, 1),
            (0x0128, _SHORT, 2),
            (0x0129, _SHORT, (page, 2)),
        ]

    page2_pixels = bytearray(second.tobytes())
    pixel_marker = plant("page2-pixels").encode()
    page2_pixels[: len(pixel_marker)] = pixel_marker
    page2 = w.ifd(
        [
            *image_entries(bytes(page2_pixels), 1),
            (0x010E, _ASCII, plant("page2-imagedescription")),
            (0x011D, _ASCII, plant("page2-pagename")),
            (0x013B, _ASCII, plant("page2-artist")),
        ]
    )
    page1 = w.ifd(
        image_entries(first.tobytes(), 0)
        + _ifd0_text_entries(plant)
        + _exif_subifds(w, plant)
        + [
            (0x0112, _SHORT, 1),
            (0x011D, _ASCII, plant("pagename")),
            (0x02BC, _BYTE, _xmp(plant)),
            (0x83BB, _UNDEFINED, _iptc(plant)),
            (0x8649, _UNDEFINED, _irb(0x040C, _photoshop_thumbnail(plant))),
            (0x8773, _UNDEFINED, _icc(plant)),
        ],
        next_ifd=page2,
    )
    return w.finish(page1) + _trailer(plant("trailer")), plant.planted


def _gif_sub_blocks(data: bytes) -> bytes:
    return (
        b"".join(
            bytes((len(data[i : i + 255]),)) + data[i : i + 255] for i in range(0, len(data), 255)
        )
        + b"\0"
    )


def _gif_blocks(data: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Split a GIF into header (with global colour table) and blocks up to the trailer."""
    flags = data[10]
    pos = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    header, blocks = data[:pos], []

    def skip(p: int) -> int:
        while data[p]:
            p += data[p] + 1
        return p + 1

    while data[pos] != 0x3B:
        if data[pos] == 0x21:
            end = skip(pos + 2)
            blocks.append((f"ext-{data[pos + 1]:02x}", data[pos:end]))
        elif data[pos] == 0x2C:
            local = data[pos + 9]
            table = 3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0
            end = skip(pos + 10 + table + 1)
            blocks.append(("image", data[pos:end]))
        else:
            raise ValueError(f"unexpected GIF block 0x{data[pos]:02x} at {pos}")
        pos = end
    return header, blocks


def _gif_canary() -> tuple[bytes, list[str]]:
    plant = _Planter("gif")
    frames = [photo(name).quantize(256) for name in ("main", "second")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=500, loop=0)
    header, blocks = _gif_blocks(out.getvalue())
    first_image = next(i for i, (kind, _) in enumerate(blocks) if kind == "image")
    # The graphic control extension (0xF9) just before the second image belongs to it.
    second_start = first_image + 1
    xmp = _xmp(plant)
    magic = bytes([1, *range(255, -1, -1)])  # XMP's "magic trailer" closes the sub-blocks
    extensions = [
        b"\x21\xfe" + _gif_sub_blocks(plant("comment").encode()),
        b"\x21\xff\x0bSCRUBRMC1.0" + _gif_sub_blocks(plant("application-extension").encode()),
        b"\x21\xff\x0bXMP DataXMP" + xmp + magic + b"\0",
        b"\x21\xff\x0bICCRGBG1012" + _gif_sub_blocks(_icc(plant)),
    ]
    plain_text = b"\x21\x01\x0c" + struct.pack("<4H4B", 0, 0, 320, 16, 8, 16, 1, 0)
    plain_text += _gif_sub_blocks(plant("plain-text-extension").encode())
    between = [plain_text, b"\x21\xfe" + _gif_sub_blocks(plant("frame2-comment").encode())]
    body = (
        header
        + b"".join(extensions)
        + b"".join(raw for _, raw in blocks[:second_start])
        + b"".join(between)
        + b"".join(raw for _, raw in blocks[second_start:])
        + b"\x3b"
    )
    return body + _trailer(plant("trailer")), plant.planted


@functools.cache
def _canaries() -> tuple[tuple[str, bytes, tuple[str, ...]], ...]:
    builders = {
        "jpeg": lambda: _jpeg_canary("jpeg", mpo=False),
        "png": lambda: _png_canary("png", sixteen_bit=False, apng=False),
        "png16": lambda: _png_canary("png16", sixteen_bit=True, apng=False),
        "webp": lambda: _webp_canary("webp", animated=False),
        "heic": _heic_canary,
        "avif": lambda: _avif_canary("avif", animated=False),
        "tiff": _tiff_canary,
        "gif": _gif_canary,
        "jpeg_mpo": lambda: _jpeg_canary("mpo", mpo=True),
        "apng": lambda: _png_canary("apng", sixteen_bit=False, apng=True),
        "webp_anim": lambda: _webp_canary("webpanim", animated=True),
        "avif_anim": lambda: _avif_canary("avifanim", animated=True),
    }
    if not features.check("avif"):
        del builders["avif"], builders["avif_anim"]
    built = []
    everything: list[str] = []
    for name, build in builders.items():
        data, planted = build()
        built.append((name, data, tuple(planted)))
        everything += planted
    for one in everything:
        clashes = [other for other in everything if other != one and one in other]
        if clashes:
            raise AssertionError(f"marker {one} is contained in {clashes}")
    for name, data, planted in built:  # every claimed marker must be findable in its canary
        missing = sorted(set(planted) - set(markers_found(data, planted)))
        if missing:
            raise AssertionError(f"canary {name}: markers_found misses {missing}")
    return tuple(built)


def canary_files() -> dict[str, tuple[bytes, list[str]]]:
    """Every canary: ``{key: (file bytes, markers planted in it)}``.

    Keys: one per accepted format (``jpeg``, ``png``, ``png16``, ``webp``, ``heic``, ``avif``
    when Pillow can write AVIF, ``tiff``, ``gif``) plus multi-frame variants of formats that
    are usually single-frame (``jpeg_mpo``, ``apng``, ``webp_anim``). Built once per process;
    each call returns fresh lists.
    """
    return {name: (data, list(planted)) for name, data, planted in _canaries()}


# --------------------------------------------------------------------------------------------
# EXIF orientation fixtures
# --------------------------------------------------------------------------------------------

# EXIF orientation -> the transpose that turns the stored pixels upright (EXIF 2.3, 0x0112).
_UPRIGHT = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_INVERSE = {
    Image.Transpose.ROTATE_90: Image.Transpose.ROTATE_270,
    Image.Transpose.ROTATE_270: Image.Transpose.ROTATE_90,
}


def orientation_reference() -> Image.Image:
    """The upright reference: 120x80, red block top-left, blue block bottom-right.

    Block edges sit on the 8-pixel JPEG grid, so the quality-100 fixtures decode (almost)
    exactly.
    """
    img = Image.new("RGB", (120, 80), (235, 235, 235))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, 47, 31), fill=(220, 20, 20))
    draw.rectangle((72, 48, 119, 79), fill=(20, 20, 220))
    return img


@functools.cache
def _oriented_bytes() -> tuple[bytes, ...]:
    reference = orientation_reference()
    out = []
    for orientation, upright in _UPRIGHT.items():
        stored = reference
        if upright is not None:
            stored = reference.transpose(_INVERSE.get(upright, upright))
        w = _TiffWriter(big_endian=orientation % 2 == 1)  # both byte orders get exercised
        exif = w.finish(w.ifd([(0x0112, _SHORT, orientation)]))
        out.append(_jpeg(stored, quality=100, exif=b"Exif\0\0" + exif))
    return tuple(out)


def oriented_jpegs() -> dict[int, tuple[bytes, Image.Image]]:
    """For EXIF orientations 1..8: (JPEG bytes, the upright RGB image a correct viewer shows).

    The stored pixels are ``orientation_reference()`` transformed so that honouring the
    orientation gives it back (stored size 80x120 for 5..8). The expected image is the
    stored JPEG's decoded pixels turned upright per the EXIF definition, so a lossless
    ``ImageOps.exif_transpose`` matches it exactly; it differs from the reference by at most
    one level (JPEG rounding). A re-encoding pipeline is judged with ``psnr`` against it.
    """
    result = {}
    for (orientation, upright), data in zip(_UPRIGHT.items(), _oriented_bytes(), strict=True):
        decoded = Image.open(io.BytesIO(data)).convert("RGB")
        result[orientation] = (data, decoded if upright is None else decoded.transpose(upright))
    return result


# --------------------------------------------------------------------------------------------
# Judges
# --------------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_INFLATE_LIMIT = 64 * 1024 * 1024
_ZLIB_CANDIDATE = re.compile(rb"(?=[\x08\x18\x28\x38\x48\x58\x68\x78])")


def _inflate(data: memoryview, start: int, wbits: int) -> bytes:
    """Whatever a zlib/gzip stream starting at ``start`` yields, up to the first error."""
    stream = zlib.decompressobj(wbits)
    out: list[bytes] = []
    total, pos = 0, start
    try:
        while pos < len(data) and not stream.eof and total < _INFLATE_LIMIT:
            piece = stream.decompress(data[pos : pos + 65536], _INFLATE_LIMIT - total)
            out.append(piece)
            total += len(piece)
            pos += 65536
    except zlib.error:
        pass
    return b"".join(out)


def _png_text_payloads(data: bytes) -> Iterator[bytes]:
    """Decompressed zTXt, compressed iTXt and iCCP payloads of a PNG (tolerant of damage)."""
    if not data.startswith(_PNG_SIGNATURE):
        return
    view = memoryview(data)
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        payload = data[pos + 8 : pos + 8 + length]
        start = None
        if kind in (b"zTXt", b"iCCP") and b"\0" in payload:
            start = payload.index(b"\0") + 2
        elif kind == b"iTXt" and b"\0" in payload:
            keyword_end = payload.index(b"\0")
            if payload[keyword_end + 1 : keyword_end + 2] == b"\x01":
                rest = payload[keyword_end + 3 :].split(b"\0", 2)
                if len(rest) == 3:
                    start = len(payload) - len(rest[2])
        if start is not None:
            yield _inflate(view, pos + 8 + start, 15)
        pos += 12 + length
        if kind == b"IEND":
            break


def _payloads(data: bytes) -> Iterator[tuple[str, bytes]]:
    yield "raw", data
    view = memoryview(data)
    for match in _ZLIB_CANDIDATE.finditer(data):
        at = match.start()
        if at + 1 >= len(data):
            break
        cmf, flg = data[at], data[at + 1]
        if (cmf << 8 | flg) % 31 == 0 and not flg & 0x20:
            inflated = _inflate(view, at, 15)
            if inflated:
                yield f"zlib@{at}", inflated
    at = data.find(b"\x1f\x8b\x08")
    while at >= 0:
        inflated = _inflate(view, at, 31)
        if inflated:
            yield f"gzip@{at}", inflated
        at = data.find(b"\x1f\x8b\x08", at + 1)
    for index, payload in enumerate(_png_text_payloads(data)):
        yield f"png-compressed-chunk#{index}", payload


def marker_locations(data: bytes, markers: Sequence[str]) -> dict[str, list[str]]:
    """Where each found marker is: ``{marker: ["raw/ascii", "zlib@1234/utf-16-be", ...]}``.

    Looks for each marker as ASCII, UTF-16-LE and UTF-16-BE, in the bytes themselves and in
    everything that inflates from any offset where a zlib header (or gzip magic) could start,
    and in decompressed PNG zTXt/iTXt/iCCP payloads. Raw deflate without a header is not tried.
    """
    needles = {
        m: [(enc, m.encode(enc)) for enc in ("ascii", "utf-16-le", "utf-16-be")] for m in markers
    }
    found: dict[str, list[str]] = {}
    for where, payload in _payloads(data):
        for m, encodings in needles.items():
            for enc, needle in encodings:
                if needle in payload:
                    found.setdefault(m, []).append(f"{where}/{enc}")
    return {m: found[m] for m in markers if m in found}


def markers_found(data: bytes, markers: Sequence[str]) -> list[str]:
    """The markers (in the given order) that appear anywhere in ``data``; see marker_locations."""
    return list(marker_locations(data, markers))


_JPEG_NAMES = {
    0xD8: "SOI",
    0xD9: "EOI",
    0xDA: "SOS",
    0xDB: "DQT",
    0xC4: "DHT",
    0xC8: "JPG",
    0xCC: "DAC",
    0xDC: "DNL",
    0xDD: "DRI",
    0xDE: "DHP",
    0xDF: "EXP",
    0xFE: "COM",
    0x01: "TEM",
}


def _jpeg_name(code: int) -> str:
    if code in _JPEG_NAMES:
        return _JPEG_NAMES[code]
    if 0xC0 <= code <= 0xCF:
        return f"SOF{code - 0xC0}"
    if 0xD0 <= code <= 0xD7:
        return f"RST{code - 0xD0}"
    if 0xE0 <= code <= 0xEF:
        return f"APP{code - 0xE0}"
    if 0xF0 <= code <= 0xFD:
        return f"JPG{code - 0xF0}"
    return f"0x{code:02X}"


def _jpeg_walk(data: bytes) -> Iterator[tuple[str, int, int]]:
    """Yield (name, start, end) for each marker segment; RSTn inside scans are included."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG: no SOI at offset 0")
    yield "SOI", 0, 2
    pos, size = 2, len(data)
    while True:
        if pos >= size:
            raise ValueError("JPEG ends before EOI")
        if data[pos] != 0xFF:
            raise ValueError(f"expected a JPEG marker at offset {pos}")
        start = pos
        while pos < size and data[pos] == 0xFF:
            pos += 1  # fill bytes
        if pos >= size:
            raise ValueError("JPEG ends inside a marker")
        code = data[pos]
        pos += 1
        name = _jpeg_name(code)
        if code == 0xD9:
            yield name, start, pos
            return
        if code == 0x01 or 0xD0 <= code <= 0xD8:
            yield name, start, pos
            continue
        if pos + 2 > size:
            raise ValueError(f"JPEG ends inside the length of {name}")
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        if length < 2 or pos + length > size:
            raise ValueError(f"bad length {length} for {name} at offset {start}")
        pos += length
        yield name, start, pos
        if code != 0xDA:
            continue
        while True:  # entropy-coded data: skip stuffed 0xFF00, report RSTn, stop at a marker
            at = data.find(b"\xff", pos)
            if at < 0 or at + 1 >= size:
                raise ValueError("JPEG ends inside entropy-coded data")
            following = data[at + 1]
            if following == 0x00:
                pos = at + 2
            elif 0xD0 <= following <= 0xD7:
                yield _jpeg_name(following), at, at + 2
                pos = at + 2
            elif following == 0xFF:
                pos = at + 1
            else:
                pos = at
                break


def jpeg_segments(data: bytes) -> tuple[list[str], int]:
    """The JPEG's segment names from SOI to the first EOI, and how many bytes follow that EOI.

    Names: "SOI", "APP0".."APP15", "DQT", "SOF0".."SOF15", "DHT", "DRI", "SOS", "RST0".."RST7"
    (inside scans), "COM", "EOI", ... Raises ValueError on a malformed or truncated JPEG.
    """
    names, last = [], 0
    for name, _, segment_end in _jpeg_walk(data):
        names.append(name)
        last = segment_end
    return names, len(data) - last


def _jpeg_walk_first_app0_end(data: bytes) -> int:
    for name, _, end in _jpeg_walk(data):
        if name == "APP0":
            return end
    raise ValueError("no APP0 segment")


def png_chunks(data: bytes) -> tuple[list[str], int]:
    """The PNG's chunk types in order up to IEND, and how many bytes follow IEND.

    Raises ValueError on a bad signature, a truncated chunk or a missing IEND.
    """
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG: bad signature")
    names, pos = [], 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8].decode("latin-1")
        pos += 12 + length
        if pos > len(data):
            raise ValueError(f"PNG chunk {kind!r} runs past the end of the data")
        names.append(kind)
        if kind == "IEND":
            return names, len(data) - pos
    raise ValueError("PNG ends before IEND")


EXIFTOOL: str | None = shutil.which("exiftool")
EXIFTOOL_ARGS = ("-j", "-a", "-G1", "-s", "-u", "-ee3", "-api", "RequestAll=3")


def exiftool_tags(path: str | os.PathLike[str]) -> dict[str, object]:
    """Run ``exiftool -j -a -G1 -s -u -ee3 -api RequestAll=3 PATH``; tags as ``{"Group:Tag": v}``.

    Drops SourceFile and the System and ExifTool groups (file-system facts and exiftool's own
    bookkeeping), but raises RuntimeError if exiftool reported an Error (it could not read the
    file, so an empty answer would prove nothing). With -j, a tag repeated in the same group
    (two COM segments) is reported once. Needs exiftool on PATH (see ``EXIFTOOL``).
    """
    if EXIFTOOL is None:
        raise RuntimeError("exiftool is not installed (Debian: libimage-exiftool-perl)")
    target = os.fspath(path)
    if target.startswith("-"):
        target = os.path.join(".", target)
    proc = subprocess.run(
        [EXIFTOOL, *EXIFTOOL_ARGS, target], capture_output=True, check=False, timeout=120
    )
    try:
        (record,) = json.loads(proc.stdout)
    except ValueError as err:
        raise RuntimeError(
            f"exiftool gave no JSON: {proc.stderr.decode(errors='replace')}"
        ) from err
    if "ExifTool:Error" in record:
        raise RuntimeError(f"exiftool could not read {target}: {record['ExifTool:Error']}")
    return {
        key: value
        for key, value in record.items()
        if key != "SourceFile" and key.split(":", 1)[0] not in ("System", "ExifTool")
    }


# Exactly the union of what exiftool 12.57 reports (System/ExifTool dropped) for a plain RGB
# JPEG (quality 95, subsampling 0) and plain RGB, RGBA and 16-bit grayscale ("I;16") PNGs saved
# by Pillow without metadata. Nothing here can carry text or identifying values.
STRUCTURAL_TAGS: frozenset[str] = frozenset(
    {
        "File:FileType",
        "File:FileTypeExtension",
        "File:MIMEType",
        "File:ImageWidth",
        "File:ImageHeight",
        "File:EncodingProcess",
        "File:BitsPerSample",
        "File:ColorComponents",
        "File:YCbCrSubSampling",
        "File:JPEGImageLength",
        "File:JPEGQualityEstimate",
        "File:JPEGDigest",
        "JFIF:JFIFVersion",
        "JFIF:ResolutionUnit",
        "JFIF:XResolution",
        "JFIF:YResolution",
        "PNG:ImageWidth",
        "PNG:ImageHeight",
        "PNG:BitDepth",
        "PNG:ColorType",
        "PNG:Compression",
        "PNG:Filter",
        "PNG:Interlace",
        "Composite:ImageSize",
        "Composite:Megapixels",
    }
)


def is_structural(key: str) -> bool:
    """Whether an exiftool ``Group:Tag`` key is one a clean re-encoded JPEG/PNG may report."""
    return key in STRUCTURAL_TAGS


def derive_structural_tags(workdir: str | os.PathLike[str]) -> set[str]:
    """Re-derive STRUCTURAL_TAGS with the installed exiftool (for maintainers, not tests)."""
    base = photo("main", (64, 48))
    samples = {
        "plain.jpg": lambda out: base.save(out, "JPEG", quality=95, subsampling=0),
        "plain-rgb.png": lambda out: base.save(out, "PNG"),
        "plain-rgba.png": lambda out: base.convert("RGBA").save(out, "PNG"),
        "plain-i16.png": lambda out: _photo16().resize((64, 48)).save(out, "PNG"),
    }
    tags: set[str] = set()
    for name, save in samples.items():
        path = os.path.join(workdir, name)
        with open(path, "wb") as out:
            save(out)
        tags |= set(exiftool_tags(path))
    return tags


def psnr(a: Image.Image, b: Image.Image) -> float:
    """Peak signal-to-noise ratio in dB between two same-size images, compared as 8-bit RGB.

    ``math.inf`` when identical. Uses Pillow only (numpy is not a dependency).
    """
    if a.size != b.size:
        raise ValueError(f"sizes differ: {a.size} vs {b.size}")
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    squared = sum(ImageStat.Stat(diff).sum2)
    mse = squared / (a.width * a.height * 3)
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)
