"""The published pixels are the ones the author saw: hidden colour under transparency,
damaged files, 16-bit files of either byte order, and the decoder a file may reach.

Every fixture is made here (Pillow, struct, zlib); each test failed before its fix.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageDraw

from uploads import scrub
from uploads.scrub import DAMAGED, Refused


def decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.copy()


def pixels(image: Image.Image) -> list:
    return list(image.get_flattened_data())


# --- transparency ---------------------------------------------------------------------------


def erased_png(alpha: int) -> bytes:
    """A photo with a label "erased" the way some erasers do: alpha set to `alpha`, the
    colour left underneath (a wristband's text, here a red block with white bars)."""
    image = Image.new("RGBA", (120, 80), (90, 140, 200, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 99, 59), fill=(220, 30, 30, alpha))
    for x in range(24, 96, 8):
        draw.rectangle((x, 30, x + 3, 49), fill=(255, 255, 255, alpha))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def revealed(data: bytes) -> Image.Image:
    """What anyone gets by setting every alpha to 255 in an editor."""
    image = decoded(data).convert("RGBA")
    image.putalpha(255)
    return image.convert("RGB")


def test_colour_under_fully_transparent_pixels_is_gone():
    source = erased_png(alpha=0)
    hidden = revealed(source).crop((20, 20, 100, 60))
    assert len(set(pixels(hidden))) > 1  # the judge sees the label in the source

    output, receipt = scrub.scrub(source)
    assert receipt.output_format == "PNG"
    erased = revealed(output).crop((20, 20, 100, 60))
    assert set(pixels(erased)) == {(0, 0, 0)}  # one constant colour, nothing to read
    assert scrub.TRANSPARENCY_NOTE in receipt.notes
    # The visible part is untouched.
    assert decoded(output).convert("RGBA").getpixel((5, 5)) == (90, 140, 200, 255)


def test_nearly_transparent_pixels_keep_only_what_their_opacity_shows():
    output, receipt = scrub.scrub(erased_png(alpha=2))
    label = revealed(output).crop((20, 20, 100, 60))
    # At 2/255 opacity a channel has three possible values left: no picture survives.
    assert {value for pixel in pixels(label) for value in pixel} <= {0, 127, 128, 255}
    assert scrub.TRANSPARENCY_NOTE in receipt.notes


def test_an_opaque_alpha_channel_is_dropped_without_a_note():
    image = Image.new("RGBA", (40, 30), (10, 200, 30, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    output, receipt = scrub.scrub(out.getvalue())
    assert decoded(output).mode == "RGB"
    assert scrub.TRANSPARENCY_NOTE not in receipt.notes


# --- damaged files are refused --------------------------------------------------------------


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(
            (data[position + 4 : position + 8], data[position + 8 : position + 8 + length])
        )
        position += 12 + length
    return chunks


def png_from(chunks: list[tuple[bytes, bytes]]) -> bytes:
    out = b"\x89PNG\r\n\x1a\n"
    for kind, body in chunks:
        out += struct.pack(">I", len(body)) + kind + body
        out += struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return out


def photo_png() -> bytes:
    image = Image.effect_noise((200, 150), 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_a_png_with_corrupt_compressed_pixels_is_refused_not_published_black():
    chunks = png_chunks(photo_png())
    index = [name for name, _ in chunks].index(b"IDAT")
    kind, body = chunks[index]
    middle = len(body) // 2
    damaged = (
        body[:middle] + bytes(b ^ 0x5A for b in body[middle : middle + 64]) + body[middle + 64 :]
    )
    chunks[index] = (kind, damaged)  # valid CRC: only the zlib stream is broken
    with pytest.raises(Refused) as refusal:
        scrub.scrub(png_from(chunks))
    assert str(refusal.value) == DAMAGED


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_a_cut_short_png_or_jpeg_is_refused(fraction):
    image = Image.effect_noise((300, 200), 60).convert("RGB")
    for format_name in ("PNG", "JPEG"):
        out = io.BytesIO()
        image.save(out, format_name)
        data = out.getvalue()
        with pytest.raises(Refused) as refusal:
            scrub.scrub(data[: int(len(data) * fraction)])
        assert str(refusal.value) == DAMAGED, format_name


# --- 16-bit files, both byte orders ----------------------------------------------------------


def tiff(order: str, samples: bytes, width: int, height: int, per_pixel: int) -> bytes:
    """A minimal uncompressed 16-bit TIFF in either byte order ("<" little, ">" big)."""
    header = b"II*\x00" if order == "<" else b"MM\x00*"
    ifd_offset = 8 + len(samples)
    entries = [
        (256, 3, 1, width),
        (257, 3, 1, height),
        (258, 3, per_pixel, 16),  # patched below when there are several samples
        (259, 3, 1, 1),
        (262, 3, 1, 2 if per_pixel >= 3 else 1),
        (273, 4, 1, 8),
        (277, 3, 1, per_pixel),
        (278, 3, 1, height),
        (279, 4, 1, len(samples)),
    ]
    bits_offset = ifd_offset + 2 + 12 * len(entries) + 4
    out = header + struct.pack(order + "I", ifd_offset) + samples
    out += struct.pack(order + "H", len(entries))
    for tag, kind, count, value in entries:
        if tag == 258 and count > 1:
            out += struct.pack(order + "HHII", tag, kind, count, bits_offset)
        elif kind == 3:
            out += struct.pack(order + "HHIHH", tag, kind, count, value, 0)
        else:
            out += struct.pack(order + "HHII", tag, kind, count, value)
    out += struct.pack(order + "I", 0)
    if per_pixel > 1:
        out += struct.pack(order + "H" * per_pixel, *([16] * per_pixel))
    return out


RAMP = [round(x * 65535 / 255) for x in range(256)]


@pytest.mark.parametrize("order", ["<", ">"], ids=["little-endian", "big-endian"])
def test_a_16_bit_grey_tiff_keeps_its_values(order):
    samples = b"".join(struct.pack(order + "H", value) for value in RAMP) * 4
    output, receipt = scrub.scrub(tiff(order, samples, 256, 4, 1))
    result = decoded(output)
    assert receipt.output_format == "PNG" and result.mode == "I;16"
    assert pixels(result.crop((0, 0, 256, 1))) == RAMP  # not one flat value


@pytest.mark.parametrize("order", ["<", ">"], ids=["little-endian", "big-endian"])
def test_a_16_bit_colour_tiff_keeps_its_colours(order):
    row = [(value, 65535 - value, 30000) for value in RAMP]
    samples = b"".join(struct.pack(order + "HHH", *pixel) for pixel in row) * 4
    output, _receipt = scrub.scrub(tiff(order, samples, 256, 4, 3))
    result = decoded(output).convert("RGB")
    for x in (0, 17, 128, 255):
        expected = tuple(round(channel / 257) for channel in row[x])
        assert all(abs(a - b) <= 2 for a, b in zip(result.getpixel((x, 1)), expected, strict=True))


def test_a_16_bit_png_keeps_its_values():
    ramp = Image.new("I", (256, 4))
    ramp.putdata(RAMP * 4)
    out = io.BytesIO()
    ramp.convert("I;16").save(out, "PNG")
    output, _receipt = scrub.scrub(out.getvalue())
    assert pixels(decoded(output).crop((0, 0, 256, 1))) == RAMP


# --- the type read from the magic bytes binds the decoder -------------------------------------


def photo_cd_dressed_as_jpeg() -> bytes:
    """Starts like a JPEG, decodes only through Pillow's PhotoCD plugin."""
    data = bytearray(b"\xff\xd8\xff\xe0" + bytes(2044))
    data += b"PCD_IPI" + bytes(2048 - 7)
    data += bytes(96 * 2048 - len(data))
    data += bytes(range(256)) * (768 * 512 * 3 // 2 // 256 + 10)
    return bytes(data)


def test_a_file_that_only_another_decoder_reads_is_refused():
    data = photo_cd_dressed_as_jpeg()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PCD"  # Pillow alone would decode it
    assert scrub.identify(data) == "JPEG"
    with pytest.raises(Refused) as refusal:
        scrub.scrub(data)
    assert str(refusal.value) == DAMAGED


def test_every_identified_type_has_one_decoder():
    assert set(scrub.DECODERS) == {"JPEG", "PNG", "GIF", "WEBP", "TIFF", "HEIF", "AVIF"}
    assert all(len(formats) == 1 for formats in scrub.DECODERS.values())


# --- the receipt names the format really stored ------------------------------------------


def test_a_heif_with_transparency_is_said_to_be_stored_as_png():
    import pillow_heif

    image = Image.new("RGBA", (64, 48), (200, 100, 50, 255))
    image.paste((200, 100, 50, 0), (0, 0, 32, 48))
    heif = pillow_heif.from_pillow(image)
    out = io.BytesIO()
    heif.save(out, quality=-1)  # lossless enough to keep the alpha split
    _output, receipt = scrub.scrub(out.getvalue())
    assert receipt.output_format == "PNG"
    assert "Converted from HEIF to PNG." in receipt.notes
    assert not any("to JPEG" in note for note in receipt.notes)


# --- real files the sweep of public test images found refused --------------------------------


def premultiplied_grey_tiff() -> bytes:
    """8-bit grey with associated (premultiplied) alpha, as libtiff's minisblack-2c-8b-alpha
    test image: Pillow opens it as mode "La"."""
    width, height = 8, 4
    samples = bytes([100, 200] * (width * height))  # grey 100 under alpha 200, premultiplied
    entries = [
        (256, 3, 1, width),
        (257, 3, 1, height),
        (258, 3, 2, 0x00080008),  # two 8-bit samples, packed in the value field
        (259, 3, 1, 1),
        (262, 3, 1, 1),
        (273, 4, 1, 8),
        (277, 3, 1, 2),
        (278, 3, 1, height),
        (279, 4, 1, len(samples)),
        (338, 3, 1, 1),  # ExtraSamples: associated alpha
    ]
    out = b"II*\x00" + struct.pack("<I", 8 + len(samples)) + samples
    out += struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        if tag == 258:
            out += struct.pack("<HHIHH", tag, kind, count, 8, 8)
        elif kind == 3:
            out += struct.pack("<HHIHH", tag, kind, count, value, 0)
        else:
            out += struct.pack("<HHII", tag, kind, count, value)
    return out + struct.pack("<I", 0)


def test_a_premultiplied_alpha_tiff_is_accepted_with_its_transparency():
    data = premultiplied_grey_tiff()
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "La"
    output, receipt = scrub.scrub(data)
    assert receipt.output_format == "PNG"
    grey, alpha = decoded(output).getpixel((0, 0))
    assert alpha == 200 and abs(grey - round(100 * 255 / 200)) <= 1


def test_a_png_with_a_colour_profile_over_a_megabyte_is_accepted():
    # Pillow's 1 MB default for compressed chunks refused a real Nikon PNG (1.6 MB profile).
    import random

    noise = random.Random(7).randbytes(1_600_000)  # noqa: S311 (incompressible filler, not a secret)
    chunks = png_chunks(photo_png())
    profile = b"big profile\x00\x00" + zlib.compress(noise)
    chunks.insert(1, (b"iCCP", profile))
    output, receipt = scrub.scrub(png_from(chunks))
    assert decoded(output).size == (200, 150)
    assert receipt.output_format == "PNG"
