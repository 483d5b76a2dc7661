"""Markup is refused only where it could matter, never where bytes are pixels.

Real photos were refused as "hides web-page code" when compressed or entropy-coded pixel
data spelt ``<svg`` by chance, or when their XMP carried Apple's plist doctype; hostile
polyglots (a page after the end of the image, in a comment, in a chunk or segment no image
format defines) must still be refused with the scrubber's own message. Where markup is
looked for, and why, is in uploads/findings.py's docstring.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from tests import canaries
from uploads.findings import hides_markup
from uploads.scrub import Refused, identify, scrub

REFUSAL = "hides web-page code"
PAGE = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b"<svg onload=alert(1)>"
PLIST_DOCTYPE = (
    b'<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
    b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">'
)


def small_photo(size: tuple[int, int] = (256, 192)) -> Image.Image:
    return canaries.photo("main", size)


def jpeg(image: Image.Image | None = None, **params: object) -> bytes:
    out = io.BytesIO()
    (image or small_photo()).save(out, "JPEG", quality=90, **params)
    return out.getvalue()


def png(image: Image.Image | None = None, **params: object) -> bytes:
    out = io.BytesIO()
    (image or small_photo()).save(out, "PNG", **params)
    return out.getvalue()


def chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def stored_png(image: Image.Image, text: bytes, at: int) -> bytes:
    """An RGB PNG with filter-0 rows in stored (uncompressed) deflate blocks, so the pixel
    bytes from ``at`` spell ``text`` inside IDAT."""
    pixels = bytearray(image.tobytes())
    pixels[at : at + len(text)] = text
    stride = image.width * 3
    rows = b"".join(b"\0" + pixels[y * stride : (y + 1) * stride] for y in range(image.height))
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 2, 0, 0, 0)
    idat = zlib.compress(rows, 0)
    data = canaries._PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
    assert text in data
    return data + chunk(b"IEND", b"")


def before_iend(data: bytes, *chunks: bytes) -> bytes:
    return data[:-12] + b"".join(chunks) + data[-12:]


def segment(code: int, payload: bytes) -> bytes:
    return bytes((0xFF, code)) + struct.pack(">H", len(payload) + 2) + payload


def after_soi(data: bytes, *segments: bytes) -> bytes:
    return data[:2] + b"".join(segments) + data[2:]


def scan_of(data: bytes) -> tuple[int, int]:
    """Where the first scan's entropy-coded data runs (after the SOS header)."""
    walk = list(canaries._jpeg_walk(data))
    sos = next(index for index, (name, _, _) in enumerate(walk) if name == "SOS")
    return walk[sos][2], walk[-1][1]


def acropalypse_png(original: bytes) -> bytes:
    """A cropped PNG written over a longer original without shortening the file."""
    cropped = png(small_photo().crop((0, 0, 128, 96)))
    assert len(cropped) < len(original)
    return cropped + original[len(cropped) :]


def assert_accepted(data: bytes) -> None:
    kind = identify(data)
    assert not hides_markup(data, kind)
    scrub(data)  # decodes, re-encodes and verifies: no refusal of any kind


def assert_refused(data: bytes) -> None:
    with pytest.raises(Refused, match=REFUSAL):
        scrub(data)


# --- real files that were refused ----------------------------------------------------------


def test_xmp_with_apples_plist_doctype_is_accepted():
    # As Photoshop on a Mac writes it (print settings as a plist inside the XMP packet).
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>'
        b"<photoshop:PrintSettings>" + PLIST_DOCTYPE + b'<plist version="1.0"><dict/></plist>'
        b"</photoshop:PrintSettings></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    assert_accepted(jpeg(xmp=xmp))
    assert_accepted(before_iend(png(), chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0" + xmp)))


def test_markup_spelt_by_png_pixels_is_accepted():
    assert_accepted(stored_png(small_photo(), SVG, at=30))


def test_markup_spelt_by_uncompressed_tiff_pixels_is_accepted():
    image = small_photo()
    pixels = bytearray(image.tobytes())
    pixels[: len(PAGE)] = PAGE
    out = io.BytesIO()
    Image.frombytes("RGB", image.size, bytes(pixels)).save(out, "TIFF")
    assert PAGE in out.getvalue()
    assert_accepted(out.getvalue())


@pytest.mark.parametrize("where", [0.1, 0.5, 0.95])
def test_markup_inside_jpeg_entropy_coded_data_is_accepted(where):
    data = jpeg()
    start, end = scan_of(data)
    at = start + int((end - start - len(SVG)) * where)
    patched = data[:at] + SVG + data[at + len(SVG) :]
    Image.open(io.BytesIO(patched)).load()  # still a picture that decodes
    assert_accepted(patched)


def test_markup_inside_an_mpo_second_picture_scan_is_accepted():
    out = io.BytesIO()
    second = small_photo().transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    small_photo().save(out, "MPO", save_all=True, append_images=[second], quality=90)
    data = out.getvalue()
    second_start = len(data) - canaries.jpeg_segments(data)[1]  # just after the first EOI
    start, end = scan_of(data[second_start:])
    at = second_start + (start + end) // 2
    patched = data[:at] + SVG + data[at + len(SVG) :]
    assert_accepted(patched)


def test_markup_inside_an_acropalypse_tails_compressed_pixels_is_accepted():
    original = stored_png(canaries.photo("uncropped", (640, 480)), SVG, at=640 * 480 * 2)
    data = acropalypse_png(original)
    assert SVG in data[data.index(b"IEND") :]
    assert_accepted(data)


def test_a_motion_photos_video_is_not_searched():
    video = canaries._box(b"ftyp", b"isom\0\0\0\0isommp42") + canaries._box(
        b"mdat", bytes(64) + SVG + bytes(64)
    )
    data = jpeg() + video
    assert_accepted(data)
    assert "video clip" in " ".join(scrub(data)[1].removed)


def test_svg_inside_xmp_is_accepted_because_xmp_is_dropped():
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>' + SVG + b"</rdf:RDF></x:xmpmeta>"
    assert_accepted(jpeg(xmp=xmp))


def test_every_canary_is_accepted():
    for data, _markers in canaries.canary_files().values():
        assert not hides_markup(data, identify(data))


# --- hostile polyglots ---------------------------------------------------------------------


def test_a_page_after_the_jpeg_end_is_refused():
    assert_refused(jpeg() + PAGE)
    # Behind an EOI-looking tail too: text is not mistaken for entropy-coded leftovers.
    assert_refused(jpeg() + PAGE + b"\xff\xd9")


def test_a_page_after_the_png_end_is_refused():
    assert_refused(png() + PAGE)


def test_a_page_after_an_acropalypse_tail_is_refused():
    data = acropalypse_png(png(canaries.photo("uncropped", (640, 480))))
    assert not hides_markup(data, "PNG")
    assert_refused(data + PAGE)


def test_a_page_after_an_mpo_is_refused():
    out = io.BytesIO()
    small_photo().save(out, "MPO", save_all=True, append_images=[small_photo()])
    assert_refused(out.getvalue() + PAGE)


def test_script_in_a_jpeg_comment_is_refused():
    assert_refused(jpeg(comment=b"<script>alert(1)</script>"))


def test_markup_in_an_unknown_jpeg_segment_is_refused():
    assert_refused(after_soi(jpeg(), segment(0xE9, b"Vendor\0" + PAGE)))


def test_markup_in_a_png_private_chunk_is_refused():
    assert_refused(before_iend(png(), chunk(b"prVt", PAGE)))


def test_a_web_shell_in_a_png_comment_is_refused():
    # Where `exiftool -Comment=...` puts it; zTXt hides it no better.
    shell = b'<?php system($_GET["c"]); ?>'
    assert_refused(before_iend(png(), chunk(b"tEXt", b"Comment\0" + shell)))
    compressed = b"Comment\0\0" + zlib.compress(shell)
    assert_refused(before_iend(png(), chunk(b"zTXt", compressed)))


def gif(extension: bytes = b"", after: bytes = b"") -> bytes:
    out = io.BytesIO()
    small_photo().quantize(64).save(out, "GIF")
    data = out.getvalue()
    header, blocks = canaries._gif_blocks(data)
    body = b"".join(raw for _kind, raw in blocks)
    return header + extension + body + b"\x3b" + after


def test_script_in_a_gif_comment_is_refused():
    comment = b"\x21\xfe" + canaries._gif_sub_blocks(b"<script>alert(1)</script>")
    assert_refused(gif(extension=comment))


def test_a_gif_js_polyglot_with_markup_is_refused():
    # The GIF is also a script: its header opens a JS comment that the trailer closes.
    assert_refused(gif(after=b"*/=1;</script><script>alert(document.domain)</script>"))


@pytest.mark.parametrize("key", ["webp", "heic", "tiff", "gif"])
def test_a_page_after_the_end_of_other_formats_is_refused(key):
    data, _markers = canaries.canary_files()[key]
    assert_refused(data + PAGE)


def test_markup_in_a_tiff_gap_no_directory_points_at_is_refused():
    image = small_photo()
    writer = canaries._TiffWriter(big_endian=False)
    writer.blob(PAGE)  # between the header and the pixels, and nothing points at it
    pixels = writer.blob(image.tobytes())
    short, long = 3, 4
    entries: list[tuple[int, int, int | tuple[int, ...]]] = [
        (0x0100, long, image.width),
        (0x0101, long, image.height),
        (0x0102, short, (8, 8, 8)),
        (0x0103, short, 1),
        (0x0106, short, 2),
        (0x0111, long, pixels),
        (0x0115, short, 3),
        (0x0116, long, image.height),
        (0x0117, long, len(image.tobytes())),
    ]
    data = writer.finish(writer.ifd(entries))
    assert Image.open(io.BytesIO(data)).size == image.size
    assert_refused(data)
