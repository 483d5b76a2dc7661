"""HEIF and AVIF through the scrubber: the picture published is the one viewers show, as they
show it, and a file cut short is refused rather than published with holes.

Fixtures from tests/heif_fixtures.py (pillow-heif, Pillow and box editing); the container
parser itself is tested in tests/test_isobmff.py. Each test failed before its fix.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageDraw

from tests import heif_fixtures as fx
from uploads import scrub
from uploads.scrub import DAMAGED, Refused


def decoded(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    difference = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).convert("L")
    values = difference.get_flattened_data()
    return sum(values) / len(values)


def test_the_primary_picture_is_published_not_item_0():
    original = fx.picture((256, 192))
    ImageDraw.Draw(original).text((10, 10), "SMITH John MRN 00482913", fill=(0, 0, 0))
    redacted = original.copy()
    ImageDraw.Draw(redacted).rectangle((0, 0, 255, 40), fill=(0, 0, 0))
    data = fx.heif_primary_not_first(original, redacted)

    output, receipt = scrub.scrub(data)
    published = decoded(output)
    assert mean_difference(published, redacted) < 4
    assert mean_difference(published, original) > 10
    assert "only the one viewers show was kept" in " ".join(receipt.notes)


def test_an_avif_clean_aperture_crop_is_applied():
    source = fx.picture((128, 96))
    crop = (16, 8, 80, 56)  # left, top, right, bottom
    data = fx.avif_with(source, clap=fx.clap_for(source.size, crop))

    output, receipt = scrub.scrub(data)
    published = decoded(output)
    assert published.size == (64, 48)  # not the 128x96 the author cropped away
    assert mean_difference(published, source.crop(crop)) < 6
    assert "Cut to the crop recorded in the file" in " ".join(receipt.notes)


@pytest.mark.parametrize(
    ("irot", "imir", "transpose"),
    [
        (1, None, Image.Transpose.ROTATE_90),
        (2, None, Image.Transpose.ROTATE_180),
        (3, None, Image.Transpose.ROTATE_270),
        (None, 0, Image.Transpose.FLIP_TOP_BOTTOM),
        (None, 1, Image.Transpose.FLIP_LEFT_RIGHT),
    ],
)
def test_avif_turns_and_flips_are_applied_as_viewers_do(irot, imir, transpose):
    source = fx.picture((96, 64))
    output, _receipt = scrub.scrub(fx.avif_with(source, irot=irot, imir=imir))
    assert mean_difference(decoded(output), source.transpose(transpose)) < 6


def test_an_avif_crop_then_turn_is_applied_in_that_order():
    source = fx.picture((128, 96))
    crop = (0, 0, 64, 48)
    data = fx.avif_with(source, clap=fx.clap_for(source.size, crop), irot=1)
    expected = source.crop(crop).transpose(Image.Transpose.ROTATE_90)
    assert mean_difference(decoded(scrub.scrub(data)[0]), expected) < 6


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_a_cut_short_grid_heic_is_refused_not_painted_green(fraction):
    data = fx.heic(fx.textured((1536, 1024)), tile_size=512)
    with pytest.raises(Refused) as refusal:
        scrub.scrub(fx.truncated(data, fraction))
    assert str(refusal.value) == DAMAGED


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_a_cut_short_heic_or_avif_is_refused(fraction):
    picture = fx.textured((640, 448))
    for data in (fx.heic(picture), fx.avif(picture)):
        with pytest.raises(Refused) as refusal:
            scrub.scrub(fx.truncated(data, fraction))
        assert str(refusal.value) == DAMAGED


def test_an_intact_grid_heic_goes_through_whole():
    source = fx.textured((1536, 1024))
    output, receipt = scrub.scrub(fx.heic(source, tile_size=512, quality=90))
    assert (receipt.width, receipt.height) == (1536, 1024)
    assert mean_difference(decoded(output), source) < 12
