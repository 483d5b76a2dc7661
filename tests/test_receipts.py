"""The receipt names exactly what the file carried: no claim without a tag, no identifying
tag without a claim.

For each fixture, exiftool (an independent reader) reports what is in it, and a small
explicit table below turns its Group:Tag reading into the phrases the receipt must show;
the receipt's phrases must be that set, no more and no less. Where exiftool is blind
(tests/canaries.py lists it: PNG private chunks, GIF application extensions, TIFF and GIF
trailers, ISO BMFF free boxes), the canaries' own structure walks supply the expectation.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from tests import canaries
from uploads import findings as words
from uploads.scrub import PROFILE_WORDS, scrub

pytestmark = pytest.mark.skipif(shutil.which("exiftool") is None, reason="needs exiftool")

EXIFTOOL_READ = ("-j", "-G1", "-a", "-s", "-n", "-u", "-all", "-Trailer")

# --- exiftool's reading -> the receipt's phrases -------------------------------------------

EXIF_GROUPS = {"IFD0", "IFD1", "IFD2", "ExifIFD", "SubIFD", "InteropIFD"}
EXIF_PHRASES = {
    **dict.fromkeys(("Make", "Model", "HostComputer", "LensMake", "LensModel"), words.MAKE),
    **dict.fromkeys(("SerialNumber", "CameraSerialNumber", "LensSerialNumber"), words.SERIAL),
    **dict.fromkeys(
        (
            "ModifyDate",
            "DateTimeOriginal",
            "CreateDate",
            "OffsetTime",
            "OffsetTimeOriginal",
            "OffsetTimeDigitized",
            "SubSecTime",
            "SubSecTimeOriginal",
            "SubSecTimeDigitized",
        ),
        words.DATES,
    ),
    **dict.fromkeys(("Artist", "Copyright", "OwnerName", "XPAuthor"), words.OWNER),
    "Software": words.SOFTWARE,
    **dict.fromkeys(("MakerNoteUnknownText", "MakerNoteUnknownBinary"), words.MAKER_NOTES),
    **dict.fromkeys(
        (
            "ImageDescription",
            "DocumentName",
            "PageName",
            "UserComment",
            "XPTitle",
            "XPComment",
            "XPKeywords",
            "XPSubject",
        ),
        words.DESCRIPTION,
    ),
    "ImageUniqueID": words.UNIQUE_ID,
    **dict.fromkeys(("ThumbnailImage", "ThumbnailTIFF", "PreviewImage"), words.THUMBNAIL),
}
# Layout and pointers: what every image has, identifying nothing.
EXIF_STRUCTURAL = {
    "XResolution", "YResolution", "ResolutionUnit", "YCbCrPositioning", "Orientation",
    "ExifVersion", "FlashpixVersion", "ColorSpace", "ExifImageWidth", "ExifImageHeight",
    "ComponentsConfiguration", "Compression", "ThumbnailOffset", "ThumbnailLength",
    "InteropIndex", "InteropVersion", "SubfileType", "ImageWidth", "ImageHeight",
    "BitsPerSample", "PhotometricInterpretation", "StripOffsets", "SamplesPerPixel",
    "RowsPerStrip", "StripByteCounts", "PlanarConfiguration", "PageNumber",
}  # fmt: skip
GPS_SILENT = {"GPSVersionID", "GPSMapDatum"}  # and every *Ref: meaningless alone
GPS_POSITION = {"GPSLatitude", "GPSLongitude", "GPSDestLatitude", "GPSDestLongitude"}
GPS_TIME = {"GPSTimeStamp", "GPSDateStamp"}
# What exiftool reads from PNG's pixel, colour and layout chunks (IHDR, PLTE, tRNS, sBIT,
# gAMA, cHRM, sRGB, bKGD, pHYs, acTL); every other PNG:* tag is a text chunk's keyword.
PNG_STRUCTURAL = {
    "ImageWidth", "ImageHeight", "BitDepth", "ColorType", "Compression", "Filter",
    "Interlace", "ProfileName", "Palette", "Transparency", "SignificantBits", "Gamma",
    "WhitePointX", "WhitePointY", "RedX", "RedY", "GreenX", "GreenY", "BlueX", "BlueY",
    "SRGBRendering", "BackgroundColor", "PixelsPerUnitX", "PixelsPerUnitY", "PixelUnits",
    "AnimationFrames", "AnimationPlays",
}  # fmt: skip
CREDENTIAL_GROUPS = {"JUMBF", "JSON", "C2PA"}
TRAILER_WARNINGS = re.compile(
    r"Trailer data after PNG IEND|Truncated '.{4}' data|Error reading RIFF file"
)
UNKNOWN_SEGMENT_WARNING = re.compile(r"Unknown (APP\d+) ")


def said(value: object) -> bool:
    return str(value).strip() not in ("", "0", "undef")


def gps_phrase(gps: dict[str, object]) -> str | None:
    if any(said(value) for tag, value in gps.items() if tag in GPS_POSITION) or said(
        gps.get("GPSAreaInformation", "")
    ):
        return words.GPS_LOCATION
    if any(said(gps.get(tag, "")) for tag in GPS_TIME):
        return words.GPS_TIME
    rest = GPS_SILENT | GPS_POSITION | {"GPSAreaInformation"}
    if any(not tag.endswith("Ref") and tag not in rest for tag in gps):
        return words.GPS_OTHER
    return None


def binary_size(value: object) -> int:
    return int(re.search(r"Binary data (\d+) bytes", str(value))[1])  # type: ignore[index]


@dataclass
class Expected:
    phrases: set[str]  # as ``shape`` makes them comparable
    profile: bool  # scrub.py's colour-profile phrase
    trailer: int  # bytes after the end (1 when exiftool only says there are some)


def expected_phrases(reading: dict[str, object], warnings: list[str]) -> Expected:
    """What the receipt must say, from exiftool's reading alone."""
    phrases: set[str] = set()
    exif_phrases: set[str] = set()
    other_exif = False
    unknown: set[str] = set()
    gps: dict[str, object] = {}
    trailer, pictures = 0, 0
    profile = False
    for key, value in reading.items():
        group, _, tag = key.partition(":")
        if group == "GPS":
            gps[tag] = value
        elif group == "XMP-exif" and tag in GPS_POSITION:
            phrases |= {words.GPS_LOCATION, words.XMP}
        elif group.startswith("XMP"):
            phrases.add(words.XMP)
        elif group in EXIF_GROUPS and tag not in EXIF_STRUCTURAL and said(value):
            if tag in EXIF_PHRASES:
                exif_phrases.add(EXIF_PHRASES[tag])
            else:
                other_exif = True
        elif group in ("IPTC", "Photoshop"):
            phrases.add(words.IPTC)
            if tag == "PhotoshopThumbnail":
                phrases.add(words.THUMBNAIL)
        elif key == "JFXX:ThumbnailImage":
            phrases.add(words.THUMBNAIL)
        elif key == "File:Comment":
            phrases.add("N comment(s)")
        elif key == "GIF:Text":
            phrases.add("N text field(s)")
        elif group == "PNG" and tag == "ModifyDate":
            phrases.add(words.MODIFIED)
        elif group == "PNG" and tag not in PNG_STRUCTURAL:
            phrases.add("N text field(s)")
        elif group.startswith("ICC"):
            profile = True
        elif group in CREDENTIAL_GROUPS:
            phrases.add(words.CREDENTIALS)
        elif group == "Adobe":
            unknown.add("APP14")
        elif group == "Ducky":  # Photoshop's "Save for Web" segment
            unknown.add("APP12")
        elif group == "RIFF" and tag.startswith("Unknown_"):
            unknown.add(tag.removeprefix("Unknown_"))
        elif re.fullmatch(r"MPImage(\d+)", group) and tag == group and group != "MPImage1":
            pictures += 1
            trailer -= binary_size(value)
        elif key == "File:Trailer":
            trailer += binary_size(value)
    gps_words = gps_phrase(gps)
    if gps_words:
        exif_phrases.add(gps_words)
    if other_exif and not exif_phrases:
        exif_phrases.add(words.OTHER_EXIF)
    phrases |= exif_phrases
    for warning in warnings:
        if found := UNKNOWN_SEGMENT_WARNING.search(warning):
            unknown.add(found[1])
        if TRAILER_WARNINGS.search(warning):
            trailer = max(trailer, 1)  # exiftool says there is one, not its size
    if unknown:
        phrases.add(words.other_parts_phrase(sorted(unknown)))
    if pictures:
        phrases.add(words.mpo_phrase(pictures))
    if profile and reading.get("File:FileType") == "GIF":
        # Pillow does not read a GIF's profile, so colours are left alone: findings names it.
        phrases.add(words.GIF_PROFILE)
        profile = False
    return Expected(phrases, profile, trailer)


OTHER_PARTS = re.compile(r"other embedded data \((.+)\)")


def part_names(phrase: str) -> list[str]:
    return OTHER_PARTS.fullmatch(phrase)[1].split(", ")  # type: ignore[index]


def shape(phrase: str) -> str:
    """A receipt phrase with what exiftool cannot count made comparable: the number of
    comments and text fields (-j reports a repeated tag once), the names of unknown parts
    in sorted order, and trailer phrases without their size (checked on their own)."""
    phrase = re.sub(r"^\d+ (comment|text field)(?:s|\(s\))?$", r"N \1(s)", phrase)
    if OTHER_PARTS.fullmatch(phrase):
        return words.other_parts_phrase(sorted(part_names(phrase)))
    return re.sub(r"^[\d.]+ (bytes?|KB|MB) (hidden|left) after", r"SIZE \2 after", phrase)


HIDDEN = shape(words.hidden_phrase(2))
LEFTOVER = shape(words.leftover_phrase(2))


def read(path: Path) -> tuple[dict[str, object], list[str]]:
    proc = subprocess.run(
        ["exiftool", *EXIFTOOL_READ, str(path)], capture_output=True, check=True, timeout=60
    )
    (reading,) = json.loads(proc.stdout)
    # -j keeps one warning of several; -s3 lists them all, one a line.
    listed = subprocess.run(
        ["exiftool", "-a", "-s3", "-u", "-Warning", str(path)],
        capture_output=True,
        check=True,
        timeout=60,
    )
    warnings = listed.stdout.decode(errors="replace").splitlines()
    return {k: v for k, v in reading.items() if k.split(":")[0] not in ("System",)}, warnings


def trailer_bytes(path: Path) -> bytes:
    proc = subprocess.run(
        ["exiftool", "-b", "-Trailer", str(path)], capture_output=True, check=True, timeout=60
    )
    return proc.stdout


# --- fixtures ------------------------------------------------------------------------------


def base(size: tuple[int, int] = (64, 48)) -> Image.Image:
    return canaries.photo("main", size)


def jpeg(image: Image.Image | None = None, **params: object) -> bytes:
    out = io.BytesIO()
    (image or base()).save(out, "JPEG", quality=90, **params)
    return out.getvalue()


def png(image: Image.Image | None = None, **params: object) -> bytes:
    out = io.BytesIO()
    (image or base()).save(out, "PNG", **params)
    return out.getvalue()


def written(data: bytes, suffix: str, *tags: str) -> Callable[[Path], bytes]:
    """A fixture that exiftool itself writes tags into: a realistic layout."""

    def build(tmp: Path) -> bytes:
        path = tmp / f"written{suffix}"
        path.write_bytes(data)
        subprocess.run(
            ["exiftool", "-q", "-q", "-overwrite_original", *tags, str(path)],
            check=True,
            timeout=60,
        )
        return path.read_bytes()

    return build


def exif_block(ifd0: list, gps: list | None = None, exif: list | None = None) -> bytes:
    writer = canaries._TiffWriter(big_endian=False)
    entries = list(ifd0)
    if gps is not None:
        entries.append((0x8825, canaries._LONG, writer.ifd(gps)))
    if exif is not None:
        entries.append((0x8769, canaries._LONG, writer.ifd(exif)))
    return b"Exif\0\0" + writer.finish(writer.ifd(entries))


def chunk(kind: bytes, payload: bytes) -> bytes:
    return canaries._png_chunk(kind, payload)


def before_iend(data: bytes, *chunks: bytes) -> bytes:
    return data[:-12] + b"".join(chunks) + data[-12:]


def raw_profile(kind: str, blob: bytes) -> bytes:
    """ImageMagick's "Raw profile type" text: type, length, then hex, 72 digits a line."""
    digits = blob.hex()
    lines = "\n".join(digits[i : i + 72] for i in range(0, len(digits), 72))
    return f"\n{kind}\n{len(blob):8d}\n{lines}\n".encode()


def acropalypse(fmt: str) -> bytes:
    """A cropped picture saved over a longer original without shortening the file."""
    original, cropped = io.BytesIO(), io.BytesIO()
    canaries.photo("uncropped").save(original, fmt)
    base((320, 240)).save(cropped, fmt)
    assert cropped.tell() < original.tell()
    return cropped.getvalue() + original.getvalue()[cropped.tell() :]


def mpo() -> bytes:
    out = io.BytesIO()
    second = canaries.photo("second", (64, 48))
    base().save(out, "MPO", save_all=True, append_images=[second])
    return out.getvalue()


_A, _S, _R, _B = canaries._ASCII, canaries._SHORT, canaries._RATIONAL, canaries._BYTE
MAKE_MODEL = [(0x010F, _A, "PhoneMaker"), (0x0110, _A, "Model X")]
IPTC_BYLINE = b"\x1c\x02\x50\x00\x04Dr X"  # record 2, dataset 80 (By-line)

CASES: dict[str, Callable[[Path], bytes]] = {
    # GPS: a position, a time, nothing.
    "empty GPS block": lambda _: jpeg(exif=exif_block(MAKE_MODEL, gps=[])),
    "GPSVersionID only": written(jpeg(), ".jpg", "-GPSVersionID=2.3.0.0"),
    "full GPS": written(
        jpeg(),
        ".jpg",
        "-GPSLatitude=51.5",
        "-GPSLatitudeRef=N",
        "-GPSLongitude=0.12",
        "-GPSLongitudeRef=W",
        "-GPSAltitude=21",
    ),
    "GPS time only": written(jpeg(), ".jpg", "-GPSTimeStamp=12:00:00", "-GPSDateStamp=2024:1:2"),
    "GPS altitude only": written(jpeg(), ".jpg", "-GPSAltitude=120", "-GPSAltitudeRef=0"),
    "GPS zero position": lambda _: jpeg(
        exif=exif_block(
            MAKE_MODEL,
            gps=[(0x0000, _B, bytes((2, 3, 0, 0))), (0x0002, _R, ((0, 1), (0, 1), (0, 1)))],
        )
    ),
    # Serial numbers wherever they are.
    "IFD0 serial": lambda _: jpeg(exif=exif_block([(0xA431, _A, "SN-0001")])),
    "IFD0 camera serial": lambda _: jpeg(exif=exif_block([(0xC62F, _A, "CAM-0001")])),
    "Exif IFD serial": written(jpeg(), ".jpg", "-ExifIFD:SerialNumber=SN-0002"),
    # Blank values and layout say nothing.
    "blank description": lambda _: jpeg(exif=exif_block([(0x010E, _A, "          "), *MAKE_MODEL])),
    "orientation only": lambda _: canaries.oriented_jpegs()[6][0],
    "exposure only": written(jpeg(), ".jpg", "-FNumber=2.8", "-ISO=100"),
    # IPTC and XMP in PNG and JPEG.
    "PNG IPTC (exiftool)": written(png(), ".png", "-IPTC:By-line=Dr X"),
    "PNG IPTC (ImageMagick tEXt)": lambda _: before_iend(
        png(),
        chunk(b"tEXt", b"Raw profile type iptc\0" + raw_profile("iptc", IPTC_BYLINE)),
    ),
    "PNG raw EXIF (ImageMagick zTXt)": lambda _: before_iend(
        png(),
        chunk(
            b"zTXt",
            b"Raw profile type exif\0\0"
            + zlib.compress(raw_profile("exif", exif_block(MAKE_MODEL))),
        ),
    ),
    "PNG XMP": written(png(), ".png", "-XMP-dc:Creator=Dr X"),
    "PNG eXIf": written(png(), ".png", "-EXIF:Make=PhoneMaker", "-EXIF:Model=Model X"),
    # exiftool's choice for a PNG without the group: its own tEXt keywords, text fields.
    "PNG Make as text": written(png(), ".png", "-Make=PhoneMaker", "-Model=Model X"),
    "PNG text and time": lambda _: before_iend(
        png(),
        chunk(b"tEXt", b"Author\0Dr X"),
        chunk(b"tIME", struct.pack(">HBBBBB", 2024, 5, 17, 13, 5, 0)),
    ),
    "JPEG IPTC": written(jpeg(), ".jpg", "-IPTC:By-line=Dr X", "-IPTC:City=Leeds"),
    "JPEG XMP GPS": written(jpeg(), ".jpg", "-XMP-exif:GPSLatitude=51.5"),
    # After the end.
    "aCropalypse PNG": lambda _: acropalypse("PNG"),
    "aCropalypse JPEG": lambda _: acropalypse("JPEG"),
    "MPO": lambda _: mpo(),
    "MPO and trailer": lambda _: mpo() + b"vendor block\0" + bytes(range(40)),
    "zero padding after EOI": lambda _: jpeg() + bytes(4096),
    "hidden bytes after EOI": lambda _: jpeg() + b"\0\0VENDOR\0" + bytes(range(1, 90)),
}
LEFTOVER_CASES = {"aCropalypse PNG", "aCropalypse JPEG"}

# Canaries: dense, every hiding place. Keys exiftool is partly blind to get the rest from
# the canaries' own structure walks (see blind_spots).
CANARY_KEYS = [
    key
    for key in ("jpeg", "png", "webp", "tiff", "heic", "avif", "gif", "jpeg_mpo")
    if key in canaries.canary_files()
]
PNG_CHUNKS = {
    "IHDR", "PLTE", "IDAT", "IEND", "tRNS", "cHRM", "gAMA", "iCCP", "sBIT", "sRGB", "bKGD",
    "pHYs", "eXIf", "tIME", "tEXt", "zTXt", "iTXt", "acTL", "fcTL", "fdAT",
}  # fmt: skip


def blind_spots(key: str, data: bytes) -> tuple[set[str], int]:
    """(phrases, trailer bytes) that exiftool does not report for a canary."""
    if key == "png":
        names, after = canaries.png_chunks(data)
        unknown = sorted({name for name in names if name not in PNG_CHUNKS})
        return {words.other_parts_phrase(unknown)}, after
    if key == "gif":
        header, blocks = canaries._gif_blocks(data)
        apps = {raw[3:14] for kind, raw in blocks if kind == "ext-ff"}
        known = (b"NETSCAPE2.0", b"XMP DataXMP", b"ICCRGBG1012")
        unknown = sorted(app.decode() for app in apps if app not in known)
        extra = {words.other_parts_phrase(unknown)} if unknown else set()
        comments = sum(kind == "ext-fe" for kind, _ in blocks)
        assert comments == 2  # -j says "Comment" once
        end = len(header) + sum(len(raw) for _, raw in blocks) + 1
        return extra, len(data) - end
    if key in ("heic", "avif"):
        # The canary's free box holds a marker: exiftool skips free boxes.
        return {words.other_parts_phrase(["free"])}, 0
    if key == "tiff":
        # Bytes after the last one a directory points at: exiftool does not look.
        return set(), len(canaries._trailer(canaries.marker("tiff-trailer")))
    return set(), 0


def receipt_of(data: bytes) -> tuple[set[str], bool, list[str]]:
    _output, receipt = scrub(data)
    removed = receipt.removed
    assert len(removed) == len(set(removed)), removed
    profile_words = set(PROFILE_WORDS.values())
    profiles = [phrase for phrase in removed if phrase in profile_words]
    assert len(profiles) <= 1
    rest = [phrase for phrase in removed if phrase not in profile_words]
    return {shape(phrase) for phrase in rest}, bool(profiles), rest


def expectation(path: Path, trailer_shape: str) -> tuple[set[str], bool]:
    reading, warnings = read(path)
    expected = expected_phrases(reading, warnings)
    phrases = set(expected.phrases)
    trailer = expected.trailer
    if "File:Trailer" in reading and not trailer_bytes(path).strip(b"\0\xff"):
        trailer = 0  # padding to a block size carries nothing: not claimed
    if trailer:
        phrases.add(trailer_shape)
    return phrases, expected.profile


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_receipt_lists_exactly_what_exiftool_reads(name, tmp_path):
    data = CASES[name](tmp_path)
    path = tmp_path / "fixture.bin"
    path.write_bytes(data)
    expected, profile = expectation(path, LEFTOVER if name in LEFTOVER_CASES else HIDDEN)
    phrases, has_profile, removed = receipt_of(data)
    assert phrases == expected, removed
    assert has_profile == profile


@pytest.mark.parametrize("key", CANARY_KEYS)
def test_a_canarys_receipt_lists_exactly_what_is_in_it(key, tmp_path):
    data, _markers = canaries.canary_files()[key]
    path = tmp_path / "canary.bin"
    path.write_bytes(data)
    expected, profile = expectation(path, HIDDEN)
    blind, blind_trailer = blind_spots(key, data)
    expected |= blind
    if blind_trailer:
        expected.add(HIDDEN)
    phrases, has_profile, removed = receipt_of(data)
    # Where exiftool and the structure walk both name unknown parts, one phrase holds all.
    parts = {phrase for phrase in expected if OTHER_PARTS.fullmatch(phrase)}
    if len(parts) > 1:
        names = {name for phrase in parts for name in part_names(phrase)}
        expected = (expected - parts) | {words.other_parts_phrase(sorted(names))}
    assert phrases == expected, removed
    assert has_profile == profile


# --- the numbers in trailer phrases ----------------------------------------------------------


def removed(data: bytes) -> list[str]:
    return scrub(data)[1].removed


def test_trailer_phrases_give_what_exiftool_measures(tmp_path):
    data, _ = canaries.canary_files()["jpeg"]
    path = tmp_path / "jpeg.bin"
    path.write_bytes(data)
    size = binary_size(read(path)[0]["File:Trailer"])
    assert words.hidden_phrase(size) in removed(data)

    data, _ = canaries.canary_files()["jpeg_mpo"]
    path.write_bytes(data)
    reading = read(path)[0]
    size = binary_size(reading["File:Trailer"]) - binary_size(reading["MPImage2:MPImage2"])
    assert {words.mpo_phrase(1), words.hidden_phrase(size)} <= set(removed(data))

    data, _ = canaries.canary_files()["png"]
    assert words.hidden_phrase(canaries.png_chunks(data)[1]) in removed(data)


def test_an_acropalypse_leftover_is_measured_and_named():
    for fmt in ("PNG", "JPEG"):
        data = acropalypse(fmt)
        walk = canaries.png_chunks if fmt == "PNG" else canaries.jpeg_segments
        after = walk(data)[1]
        assert words.leftover_phrase(after) in removed(data), fmt
        assert "aCropalypse" in words.leftover_phrase(after)


def test_counts_are_exact():
    data, _ = canaries.canary_files()["png"]
    names = canaries.png_chunks(data)[0]
    texts = sum(name in ("tEXt", "zTXt", "iTXt") for name in names) - 1  # one is the XMP
    assert words.text_fields_phrase(texts) in removed(data)
    assert words.comments_phrase(2) in removed(canaries.canary_files()["gif"][0])
    assert words.comments_phrase(1) in removed(canaries.canary_files()["jpeg"][0])


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")  # Pillow, reading it in scrub.py
def test_findings_never_raise_on_hostile_metadata():
    bad_exif = b"Exif\0\0MM\0*\xff\xff\xff\xf0" + bytes(40)  # IFD0 far outside the block
    assert words.DAMAGED_EXIF in removed(jpeg(exif=bad_exif))
    loop = canaries._TiffWriter(big_endian=True)
    first = loop.ifd([(0x010F, _A, "PhoneMaker")], next_ifd=8)  # IFD1 is IFD0 again
    assert words.MAKE in removed(jpeg(exif=b"Exif\0\0" + loop.finish(first)))
    garbage = before_iend(png(), chunk(b"zTXt", b"Raw profile type exif\0\0not zlib at all"))
    assert words.DAMAGED in removed(garbage)
    image = Image.open(io.BytesIO(jpeg()))
    image.load()
    assert words.findings(image, b"\xff\xd8\xff" + bytes(100), "JPEG") == []
    assert words.findings(image, b"\xff\xd8\xff\xe1\xff\xff" + bytes(10), "JPEG") == []
