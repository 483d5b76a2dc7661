"""uploads/isobmff.py: which picture a HEIF/AVIF file shows, and refusing damaged files.

Three parts: what the decoders do (pinned, because the scrubber's recipe depends on it and a
Pillow or pillow-heif upgrade may change it), what the parser reads from real encoders'
files, and how it treats hostile and damaged files (Damaged with a reason, nothing else).
"""

from __future__ import annotations

import io
import random
import struct
import time

import pillow_heif
import pytest
from PIL import Image, ImageOps

from tests import heif_fixtures as fx
from uploads.isobmff import (
    BAD_CROP,
    CUT_SHORT,
    INCONSISTENT,
    NO_INDEX,
    OUTSIDE,
    TOO_COMPLEX,
    TWICE,
    Damaged,
    PrimaryImage,
    primary_image,
)

SIZE = (128, 64)  # a multiple of 64: the encoders add no clap of their own
ROTATE = {
    1: Image.Transpose.ROTATE_90,
    2: Image.Transpose.ROTATE_180,
    3: Image.Transpose.ROTATE_270,
}
FLIP = {0: Image.Transpose.FLIP_TOP_BOTTOM, 1: Image.Transpose.FLIP_LEFT_RIGHT}
COLOURS = {"R": (200, 40, 40), "G": (40, 200, 40), "B": (40, 40, 200), "W": (240, 240, 240)}


def as_viewers_show(image: Image.Image, primary: PrimaryImage) -> Image.Image:
    """The recipe for pixels no decoder has transformed: each transform in file order."""
    for name in primary.transforms:
        if name == "clap" and primary.crop:
            image = image.crop(primary.crop)
        elif name == "irot" and primary.rotation:
            image = image.transpose(ROTATE[primary.rotation])
        elif name == "imir" and primary.mirror is not None:
            image = image.transpose(FLIP[primary.mirror])
    return image


def quadrants(image: Image.Image) -> str:
    """The nearest of the four colours at the centre of each quadrant ("RG/BW" for
    fx.picture), robust to lossy coding; with the size, enough to tell a crop, turn or flip."""
    width, height = image.size
    rgb = image.convert("RGB")

    def name(x: int, y: int) -> str:
        pixel = rgb.getpixel((x, y))
        return min(
            COLOURS, key=lambda c: sum(abs(a - b) for a, b in zip(COLOURS[c], pixel, strict=True))
        )

    top = name(width // 4, height // 4) + name(3 * width // 4, height // 4)
    bottom = name(width // 4, 3 * height // 4) + name(3 * width // 4, 3 * height // 4)
    return f"{width}x{height} {top}/{bottom}"


def open_heif(data: bytes) -> Image.Image:
    pillow_heif.register_heif_opener()
    return Image.open(io.BytesIO(data), formats=["HEIF"])


def refused(data: bytes) -> str:
    with pytest.raises(Damaged) as caught:
        primary_image(data)
    return str(caught.value)


# --- cases shared by the AVIF and HEIC tests --------------------------------------------------

TOP_RIGHT = fx.clap_for(SIZE, (64, 0, 128, 32))
CENTRE = fx.clap_for(SIZE, (32, 16, 96, 48))
CASES = [
    {"irot": 1},
    {"irot": 2},
    {"irot": 3},
    {"imir": 0},
    {"imir": 1},
    {"irot": 1, "imir": 0},
    {"irot": 3, "imir": 1},
    {"clap": TOP_RIGHT},
    {"clap": CENTRE, "irot": 1},
    {"clap": TOP_RIGHT, "irot": 3, "imir": 0},
]


@pytest.fixture(scope="module")
def source() -> Image.Image:
    return fx.picture(SIZE)


# --- what the decoders do --------------------------------------------------------------------


def test_pillow_heif_opens_the_primary_item_and_seek_0_leaves_it():
    first, primary = fx.picture((64, 64), (200, 40, 40)), fx.picture((64, 64), (40, 40, 200))
    data = fx.heif_primary_not_first(first, primary)
    image = open_heif(data)
    assert (image.n_frames, image.tell()) == (2, 1)
    assert quadrants(image).startswith("64x64 B")  # the primary, "the redacted copy"
    image.seek(0)
    image.load()
    assert quadrants(image).startswith("64x64 R")  # item 0, "the unredacted original"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_pillow_avif_ignores_clap_and_turns_irot_imir_into_an_exif_orientation(source, case):
    data = fx.avif_with(source, **case)
    primary = primary_image(data)
    with Image.open(io.BytesIO(data), formats=["AVIF"]) as image:
        image.load()
        assert image.size == SIZE  # no crop, no turn: the pixels as coded
        expected = quadrants(as_viewers_show(image, primary))
        assert expected == quadrants(as_viewers_show(source, primary))
        # Pillow's orientation composes irot, then imir; for MIAF's order, cropping first
        # and then exif_transpose shows the same picture.
        cropped = image.crop(primary.crop) if primary.crop else image.copy()
        assert quadrants(ImageOps.exif_transpose(cropped)) == expected


@pytest.mark.parametrize("case", CASES, ids=str)
def test_pillow_heif_applies_clap_irot_imir_as_the_parser_reads_them(source, case):
    data = fx.heic_with(source, **case)
    primary = primary_image(data)
    image = open_heif(data)
    image.load()
    assert image.size == primary.displayed_size
    assert quadrants(image) == quadrants(as_viewers_show(source, primary))
    assert image.getexif().get(0x0112, 1) == 1  # nothing left for exif_transpose to do


def test_avif_and_heic_show_the_same_picture_for_the_same_boxes(source):
    # libheif (pillow-heif) as the reference viewer for the AVIF recipe.
    for case in CASES:
        avif = fx.avif_with(source, **case)
        with Image.open(io.BytesIO(avif), formats=["AVIF"]) as image:
            shown = quadrants(as_viewers_show(image, primary_image(avif)))
        assert shown == quadrants(open_heif(fx.heic_with(source, **case))), case


def test_libheif_applies_transforms_in_file_order_so_order_matters(source):
    in_order = fx.heic_with(source, irot=1, imir=0)
    reversed_order = fx.heic_with(source, irot=1, imir=0, order=("imir", "irot"))
    assert primary_image(in_order).miaf_order
    assert not primary_image(reversed_order).miaf_order
    assert quadrants(open_heif(in_order)) != quadrants(open_heif(reversed_order))
    assert quadrants(open_heif(reversed_order)) == quadrants(
        as_viewers_show(source, primary_image(reversed_order))
    )


# --- what the parser reads -------------------------------------------------------------------


def test_the_primary_is_the_item_pitm_names_not_the_first():
    data = fx.heif_primary_not_first(fx.picture((64, 64)), fx.picture((64, 64), (0, 0, 0)))
    primary = primary_image(data)
    assert (primary.item_id, primary.item_type, primary.size) == (2, "hvc1", (64, 64))
    assert primary.transforms == ()


def test_a_plain_avif_and_heic_have_no_transforms(source):
    for data, kind in ((fx.avif(source), "av01"), (fx.heic(source), "hvc1")):
        primary = primary_image(data)
        assert (primary.item_type, primary.size, primary.crop) == (kind, SIZE, None)
        assert (primary.rotation, primary.mirror, primary.transforms) == (0, None, ())
        assert primary.displayed_size == SIZE
        assert not primary.sequence


def test_pillow_heif_pads_odd_sizes_with_a_clap_of_its_own():
    primary = primary_image(fx.heic(fx.picture((64, 48))))
    assert (primary.size, primary.crop, primary.transforms) == ((64, 64), (0, 0, 64, 48), ("clap",))


def test_crop_rotation_and_mirror_read_back(source):
    data = fx.avif_with(source, clap=TOP_RIGHT, irot=3, imir=1)
    primary = primary_image(data)
    assert primary.crop == (64, 0, 128, 32)
    assert (primary.rotation, primary.mirror) == (3, 1)
    assert primary.transforms == ("clap", "irot", "imir")
    assert primary.displayed_size == (32, 64)
    assert primary.miaf_order


def test_a_clap_after_a_quarter_turn_crops_the_turned_picture(source):
    # 128x64 turned is 64x128; the aperture is centred in it, 32 wide and 64 high.
    clap = (32, 1, 64, 1, 0, 1, 0, 1)
    data = fx.heic_with(source, clap=clap, irot=1, order=("irot", "clap"))
    primary = primary_image(data)
    assert primary.crop == (16, 32, 48, 96)
    assert primary.displayed_size == (32, 64)
    assert not primary.miaf_order
    assert quadrants(open_heif(data)) == quadrants(as_viewers_show(source, primary))


def test_a_clap_of_the_whole_picture_is_no_crop(source):
    primary = primary_image(fx.avif_with(source, clap=fx.clap_for(SIZE, (0, 0, *SIZE))))
    assert primary.crop is None
    assert primary.transforms == ("clap",)


def test_clap_fractions_are_computed_exactly():
    # Centre offset 3/6 = 1/2 and an odd difference (64 - 63) / 2: the left edge is 1.
    primary = primary_image(fx.synthetic(properties=[fx.clap_box((63, 1, 48, 1, 3, 6, 0, 7))]))
    assert primary.crop == (1, 0, 64, 48)
    # 126/2 wide is 63, a whole number over a denominator of 2.
    primary = primary_image(fx.synthetic(properties=[fx.clap_box((126, 2, 48, 1, 1, 2, 0, 1))]))
    assert primary.crop == (1, 0, 64, 48)


def test_a_grid_heic_names_the_grid_as_primary():
    primary = primary_image(fx.heic(fx.textured((256, 128)), tile_size=64))
    assert (primary.item_type, primary.size, primary.crop) == ("grid", (256, 128), None)


def test_an_animated_avif_says_it_is_a_sequence(source):
    out = io.BytesIO()
    source.save(out, "AVIF", save_all=True, append_images=[source.rotate(180)], speed=10)
    assert primary_image(out.getvalue()).sequence


def test_a_grid_may_use_one_tile_twice():
    data = fx.synthetic(items=[(1, "grid"), (2, "hvc1")], dimg={1: [2, 2]})
    assert primary_image(data).item_type == "grid"


def test_an_item_stored_in_idat_and_a_self_contained_data_reference_are_accepted():
    idat = fx.box(b"idat", bytes(8))
    url = fx.full_box(b"url ", 0, 1, b"")
    dinf = fx.box(b"dinf", fx.full_box(b"dref", 0, 0, struct.pack(">I", 1) + url))
    data = fx.synthetic(
        items=[(1, "grid"), (2, "hvc1")],
        dimg={1: [2]},
        locations={1: (1, 0, [(0, 8)]), 2: (0, 1, [(0, 16)])},
        extra_meta=[idat, dinf],
    )
    assert primary_image(data).item_type == "grid"


# --- damaged and hostile files ---------------------------------------------------------------


@pytest.fixture(scope="module")
def photos() -> dict[str, bytes]:
    photo = fx.textured((256, 128))
    return {
        "heic": fx.heic(photo),
        "grid heic": fx.heic(photo, tile_size=64),
        "avif": fx.avif(photo),
    }


@pytest.mark.parametrize("kind", ["heic", "grid heic", "avif"])
@pytest.mark.parametrize("fraction", [0.5, 0.9, 0.999])
def test_a_file_cut_short_is_refused(photos, kind, fraction):
    assert refused(fx.truncated(photos[kind], fraction)) == CUT_SHORT


def mdat_fitted(data: bytes) -> bytes:
    """A cut file whose last box's size was "repaired" to fit, as some tools do."""
    position = 0
    while True:
        size = struct.unpack(">I", data[position : position + 4])[0]
        if position + size >= len(data):
            return data[:position] + struct.pack(">I", len(data) - position) + data[position + 4 :]
        position += size


@pytest.mark.parametrize("kind", ["heic", "grid heic", "avif"])
def test_a_cut_file_whose_box_sizes_were_repaired_is_still_refused(photos, kind):
    assert refused(mdat_fitted(fx.truncated(photos[kind], 0.9))) == CUT_SHORT


def test_a_grid_missing_only_its_last_tile_is_refused(photos):
    # What libheif paints green: every box intact but the last tile's bytes.
    data = photos["grid heic"]
    assert refused(mdat_fitted(data[:-10])) == CUT_SHORT


FTYP = fx.box(b"ftyp", b"heic\0\0\0\0mif1heic")


@pytest.mark.parametrize(
    ("tail", "reason"),
    [
        (struct.pack(">I4s", 0xFFFFFFFF, b"mdat"), CUT_SHORT),  # a huge 32-bit size
        (struct.pack(">I4sQ", 1, b"mdat", 1 << 62), CUT_SHORT),  # a huge 64-bit size
        (struct.pack(">I4sQ", 1, b"mdat", 8), INCONSISTENT),  # 64-bit size below its header
        (struct.pack(">I4s", 1, b"mdat") + b"\0\0", CUT_SHORT),  # 64-bit size cut off
        (struct.pack(">I4s", 4, b"free"), INCONSISTENT),  # size below the header
        (fx.box(b"free", b"") * 2000, TOO_COMPLEX),  # a flood of empty boxes
    ],
)
def test_hostile_top_level_boxes(tail, reason):
    assert refused(fx.synthetic() + tail) == reason


@pytest.mark.parametrize(
    "tail", [b"\0\0\0", b"\0\0TRAILER\0" + bytes(range(32)), struct.pack(">I4s", 2, b"junk")]
)
def test_bytes_after_the_last_box_are_trailing_data_not_damage(tail):
    # Vendors append trailers; viewers ignore them, the re-encode drops them, and every
    # item's data is still checked to lie inside the file.
    assert primary_image(fx.synthetic() + tail).item_id == 1


def test_a_box_of_size_0_runs_to_the_end_at_the_top_level_only():
    data = fx.synthetic()
    assert primary_image(data[:-24] + struct.pack(">I", 0) + data[-20:]).item_id == 1
    hdlr_at = data.index(b"hdlr") - 4
    assert refused(data[:hdlr_at] + struct.pack(">I", 0) + data[hdlr_at + 4 :]) == INCONSISTENT


def test_a_box_running_past_its_container_is_refused():
    data = bytearray(fx.synthetic())
    at = data.index(b"pitm") - 4
    data[at : at + 4] = struct.pack(">I", 5000)
    assert refused(bytes(data)) == INCONSISTENT


def test_without_a_picture_index_the_file_is_refused():
    full = fx.synthetic()
    assert refused(FTYP + fx.box(b"mdat", b"x" * 32)) == NO_INDEX
    for missing in (b"pitm", b"iinf", b"iloc"):
        at = full.index(missing) - 4
        size = struct.unpack(">I", full[at : at + 4])[0]
        patched = full[:at] + struct.pack(">I4s", size, b"free") + full[at + 8 :]
        assert refused(patched) == NO_INDEX, missing


def test_the_first_box_must_be_ftyp_and_meta_must_be_single():
    data = fx.synthetic()
    assert refused(fx.box(b"free", b"") + data) == INCONSISTENT
    meta_at = data.index(b"meta") - 4
    meta_size = struct.unpack(">I", data[meta_at : meta_at + 4])[0]
    meta = data[meta_at : meta_at + meta_size]
    assert refused(data + meta) == INCONSISTENT


@pytest.mark.parametrize(
    ("clap", "reason"),
    [
        ((64, 0, 48, 1, 0, 1, 0, 1), BAD_CROP),  # zero width denominator
        ((64, 1, 48, 0, 0, 1, 0, 1), BAD_CROP),
        ((64, 1, 48, 1, 0, 0, 0, 1), BAD_CROP),
        ((64, 1, 48, 1, 0, 1, 0, 0), BAD_CROP),
        ((64, 0xFFFFFFFF, 48, 1, 0, 1, 0, 1), BAD_CROP),  # -1 read as libavif reads it
        ((0, 1, 48, 1, 0, 1, 0, 1), BAD_CROP),  # zero width
        ((0x80000000, 1, 48, 1, 0, 1, 0, 1), BAD_CROP),  # a negative width
        ((63, 2, 48, 1, 0, 1, 0, 1), BAD_CROP),  # a fractional width
        ((62, 1, 48, 1, 0, 1, 0, 1), None),  # whole: left edge (64 - 62) / 2 = 1
        ((63, 1, 48, 1, 0, 1, 0, 1), BAD_CROP),  # left edge (64 - 63) / 2, half a pixel
        ((32, 1, 48, 1, 1, 3, 0, 1), BAD_CROP),  # left edge 16 + 1/3
        ((32, 1, 48, 1, 40, 1, 0, 1), BAD_CROP),  # overhangs the right edge
        ((32, 1, 48, 1, -40, 1, 0, 1), BAD_CROP),  # overhangs the left edge
        ((128, 1, 48, 1, 0, 1, 0, 1), BAD_CROP),  # wider than the picture
        ((64, 1, 48, 1, -(1 << 31), 1, 0, 1), BAD_CROP),
    ],
)
def test_invalid_claps_are_refused(clap, reason):
    data = fx.synthetic(properties=[fx.clap_box(clap)])
    if reason is None:
        assert primary_image(data).crop == (1, 0, 63, 48)
    else:
        assert refused(data) == reason


def test_a_clap_cut_short_or_without_ispe_is_refused():
    short_clap = fx.box(b"clap", bytes(16))
    assert refused(fx.synthetic(properties=[short_clap])) == BAD_CROP
    clap = fx.clap_box(fx.clap_for((64, 48), (0, 0, 32, 32)))
    # Associate the clap (index 2) but not the ispe (index 1).
    assert refused(fx.synthetic(properties=[clap], associations={1: [2]})) == BAD_CROP


def test_a_transform_recorded_twice_is_refused():
    clap = fx.clap_box(fx.clap_for((64, 48), (0, 0, 32, 32)))
    assert refused(fx.synthetic(properties=[clap, clap])) == TWICE
    assert refused(fx.synthetic(properties=[fx.irot_box(1), fx.irot_box(3)])) == TWICE


def test_reserved_bits_of_irot_and_imir_are_ignored():
    primary = primary_image(
        fx.synthetic(properties=[fx.box(b"irot", b"\xfd"), fx.box(b"imir", b"\xfe")])
    )
    assert (primary.rotation, primary.mirror) == (1, 0)


def test_empty_irot_imir_or_ispe_are_refused():
    assert refused(fx.synthetic(properties=[fx.box(b"irot", b"")])) == INCONSISTENT
    assert refused(fx.synthetic(properties=[fx.box(b"imir", b"")])) == INCONSISTENT
    assert refused(fx.synthetic(size=(0, 48))) == INCONSISTENT


def test_property_indices_beyond_ipco_are_refused_and_index_0_is_none():
    assert refused(fx.synthetic(associations={1: [1, 9]})) == INCONSISTENT
    assert primary_image(fx.synthetic(associations={1: [0, 1]})).size == (64, 48)


def test_the_primary_must_be_a_listed_shown_item_with_data():
    assert refused(fx.synthetic(primary=7, associations={1: [1]})) == NO_INDEX
    hidden = bytearray(fx.synthetic())
    at = hidden.index(b"infe") + 4
    hidden[at : at + 4] = bytes([2, 0, 0, 1])  # version 2, flags: hidden
    assert refused(bytes(hidden)) == NO_INDEX
    assert refused(fx.synthetic(locations={})) == OUTSIDE


@pytest.mark.parametrize(
    ("items", "dimg", "reason"),
    [
        ([(1, "grid"), (2, "hvc1")], {1: [1]}, INCONSISTENT),  # a grid made of itself
        ([(1, "grid"), (2, "grid"), (3, "hvc1")], {1: [2], 2: [1]}, INCONSISTENT),  # a loop
        ([(1, "grid"), (2, "grid"), (3, "grid")], {1: [2], 2: [3], 3: [2]}, INCONSISTENT),
        ([(1, "grid"), (2, "hvc1")], {1: [2, 9]}, INCONSISTENT),  # a tile that is not listed
        ([(1, "grid"), (2, "hvc1")], {}, INCONSISTENT),  # a grid of nothing
        ([(n, "iden") for n in range(1, 12)], {n: [n + 1] for n in range(1, 11)}, TOO_COMPLEX),
    ],
)
def test_derived_pictures_must_be_made_of_listed_items_without_loops(items, dimg, reason):
    assert refused(fx.synthetic(items=items, dimg=dimg)) == reason


def test_a_tile_without_data_or_with_its_own_turn_is_refused():
    items = [(1, "grid"), (2, "hvc1"), (3, "hvc1")]
    no_data = fx.synthetic(
        items=items, dimg={1: [2, 3]}, locations={1: (0, 0, [(0, 16)]), 2: (0, 0, [(16, 16)])}
    )
    assert refused(no_data) == OUTSIDE
    turned = fx.synthetic(
        items=items, dimg={1: [2, 3]}, properties=[fx.irot_box(1)], associations={1: [1], 3: [2]}
    )
    assert refused(turned) == INCONSISTENT


def test_data_beyond_the_end_idat_or_another_file_is_refused():
    assert refused(fx.synthetic(locations={1: (0, 0, [(0, 17)])})) == CUT_SHORT
    assert refused(fx.synthetic(locations={1: (0, 0, [(1 << 31, 0)])})) == CUT_SHORT
    assert (
        refused(fx.synthetic(locations={1: (0, 0, [(0, 8)]), 2: (0, 0, [(4000, 8)])})) == CUT_SHORT
    )
    assert refused(fx.synthetic(locations={1: (1, 0, [(0, 8)])})) == INCONSISTENT  # no idat
    idat = fx.box(b"idat", bytes(8))
    assert refused(fx.synthetic(locations={1: (1, 0, [(4, 8)])}, extra_meta=[idat])) == INCONSISTENT
    assert refused(fx.synthetic(locations={1: (2, 0, [(0, 8)])})) == INCONSISTENT  # item offset
    assert refused(fx.synthetic(locations={1: (0, 1, [(0, 16)])})) == OUTSIDE  # no dref at all
    url = fx.full_box(b"url ", 0, 0, b"http://example.invalid/original.hevc\0")
    dinf = fx.box(b"dinf", fx.full_box(b"dref", 0, 0, struct.pack(">I", 1) + url))
    assert refused(fx.synthetic(locations={1: (0, 1, [(0, 16)])}, extra_meta=[dinf])) == OUTSIDE


def test_an_item_with_no_extents_has_no_data_and_is_refused():
    # libheif paints a grid tile it cannot read; an empty tile is one.
    assert refused(fx.synthetic(locations={1: (0, 0, [])})) == OUTSIDE
    items = [(1, "grid"), (2, "hvc1")]
    locations = {1: (0, 0, [(0, 16)]), 2: (0, 0, [])}
    assert refused(fx.synthetic(items=items, dimg={1: [2]}, locations=locations)) == OUTSIDE


def replace_box(data: bytes, kind: bytes, payload: bytes) -> bytes:
    """The synthetic file with its (first) box of `kind` given a new payload, every box
    around it (meta) resized. Only for boxes directly inside meta."""
    at = data.index(kind) - 4
    size = struct.unpack(">I", data[at : at + 4])[0]
    new = fx.box(kind, payload)
    grown = len(new) - size
    meta_at = data.index(b"meta") - 4
    meta_size = struct.unpack(">I", data[meta_at : meta_at + 4])[0]
    patched = data[:at] + new + data[at + size :]
    return patched[:meta_at] + struct.pack(">I", meta_size + grown) + patched[meta_at + 4 :]


@pytest.mark.parametrize(
    ("kind", "payload", "reason"),
    [
        (b"iinf", struct.pack(">IH", 0, 65535), TOO_COMPLEX),  # 65535 items claimed, none there
        (b"iinf", struct.pack(">IH", 0, 2) + fx.infe_box(1, "hvc1"), INCONSISTENT),  # 2 claimed
        (b"iloc", struct.pack(">IHH", 0, 0x4400, 65535), TOO_COMPLEX),
        (b"iloc", struct.pack(">IHH", 0, 0x4400, 500) + bytes(12), INCONSISTENT),
        (b"iloc", struct.pack(">IHH", 0, 0x3400, 0), INCONSISTENT),  # 3-byte offsets
        (b"iloc", struct.pack(">IHH", 3 << 24, 0x4400, 0), INCONSISTENT),  # version 3
        # Two items of 65535 zero-byte extents each: more extents than any file needs.
        (
            b"iloc",
            struct.pack(">IHH", 0, 0x0000, 2)
            + struct.pack(">HHH", 1, 0, 65535)
            + struct.pack(">HHH", 2, 0, 65535),
            TOO_COMPLEX,
        ),
        (
            b"iloc",
            struct.pack(">IHH", 0, 0x4400, 1) + struct.pack(">HHH", 1, 0, 1000),
            INCONSISTENT,
        ),
        (b"pitm", b"\0\0\0\0\0", INCONSISTENT),  # cut inside
        (b"pitm", b"", INCONSISTENT),
    ],
)
def test_absurd_counts_and_sizes_in_the_index_are_refused(kind, payload, reason):
    assert refused(replace_box(fx.synthetic(), kind, payload)) == reason


def test_absurd_ipma_counts_are_refused():
    data = fx.synthetic()
    at = data.index(b"ipma") + 8
    for count, reason in ((0xFFFFFFFF, TOO_COMPLEX), (2, INCONSISTENT)):
        patched = data[:at] + struct.pack(">I", count) + data[at + 4 :]
        assert refused(patched) == reason
    # One item in two entries: readers would disagree on its properties.
    twice = fx.ipma_box({1: [1]})[16:]  # one entry
    doubled = fx.full_box(b"ipma", 0, 0, struct.pack(">I", 2) + twice + twice)
    ipco_and_ipma = data[data.index(b"ipco") - 4 : data.index(b"ipma") - 4] + doubled
    assert refused(replace_box(data, b"iprp", ipco_and_ipma)) == INCONSISTENT


def test_duplicate_item_ids_are_refused():
    items = struct.pack(">IH", 0, 2) + fx.infe_box(1, "hvc1") + fx.infe_box(1, "av01")
    assert refused(replace_box(fx.synthetic(), b"iinf", items)) == INCONSISTENT


# --- never anything but Damaged --------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_seeds(source) -> list[bytes]:
    return [
        fx.avif_with(source, clap=CENTRE, irot=1, imir=0),
        fx.heic_with(source, clap=TOP_RIGHT, irot=3),
        fx.heic(fx.textured((128, 64)), tile_size=64),
        fx.heif_primary_not_first(fx.picture((64, 64)), fx.picture((64, 64), (0, 0, 0))),
        fx.synthetic(
            items=[(1, "grid"), (2, "hvc1"), (3, "hvc1")],
            dimg={1: [2, 3]},
            properties=[fx.clap_box(fx.clap_for((64, 48), (2, 2, 34, 34))), fx.irot_box(1)],
        ),
    ]


def test_random_damage_raises_only_damaged(fuzz_seeds):
    generator = random.Random(20240611)  # noqa: S311 (a repeatable fuzz, not a secret)
    started, outcomes = time.perf_counter(), {"ok": 0, "damaged": 0}
    for round_ in range(12000):
        data = bytearray(fuzz_seeds[round_ % len(fuzz_seeds)])
        # Damage the boxes, not the coded pixels (which the parser never reads): mostly
        # inside the first 1 KB, where ftyp and meta are.
        header = min(len(data), 1024)
        action = generator.random()
        if action < 0.6:
            for _ in range(generator.randint(1, 4)):
                data[generator.randrange(header)] = generator.randrange(256)
        elif action < 0.8:
            data = data[: generator.randrange(len(data))]
        elif action < 0.9:
            at = generator.randrange(header)
            data[at:at] = bytes(generator.randrange(256) for _ in range(generator.randint(1, 8)))
        else:
            at = generator.randrange(header)
            del data[at : at + generator.randint(1, 8)]
        try:
            primary = primary_image(bytes(data))
        except Damaged as damaged:
            assert str(damaged)
            outcomes["damaged"] += 1
            continue
        outcomes["ok"] += 1
        if primary.crop and primary.size:
            left, top, right, bottom = primary.crop
            assert 0 <= left < right and 0 <= top < bottom
    assert outcomes["ok"] and outcomes["damaged"]  # the fuzz reached both outcomes
    assert time.perf_counter() - started < 5
