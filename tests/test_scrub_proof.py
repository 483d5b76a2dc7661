"""Proof that nothing identifying survives the upload pipeline, on every accepted format.

Each canary (tests/canaries.py) carries a unique marker in every hiding place its format
has. Through the production pipeline (the worker process, its limits, its encoder):
no marker in the output (raw, UTF-16, inside every zlib stream); exiftool, as an
independent judge, reports only structural tags; a structure walk finds only pixel
segments and nothing after the end; one frame; pictures still faithful (PSNR).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from tests import canaries
from uploads import pipeline

ALL_CANARIES = canaries.canary_files()
# Refused with a reason rather than published: Pillow decodes an animated AVIF's track, not
# its primary picture, so what it shows need not be what viewers show (tests/test_isobmff.py).
REFUSED = {"avif_anim": "Animated AVIF files are not accepted"}
CANARIES = {key: value for key, value in ALL_CANARIES.items() if key not in REFUSED}
JPEG_SEGMENTS = {"SOI", "APP0", "DQT", "DHT", "SOF0", "SOF1", "SOF2", "DRI", "SOS", "EOI"}
PNG_CHUNKS = {"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}


@pytest.fixture(scope="module")
def scrubbed() -> dict[str, pipeline.Scrubbed]:
    return {key: pipeline.scrub(data) for key, (data, _markers) in CANARIES.items()}


def needs_exiftool() -> None:
    if canaries.EXIFTOOL is None:
        message = "needs exiftool (apt-get install libimage-exiftool-perl)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize("key", sorted(set(REFUSED) & set(ALL_CANARIES)))
def test_canaries_we_cannot_show_faithfully_are_refused_with_the_reason(key):
    with pytest.raises(pipeline.Refused, match=REFUSED[key]):
        pipeline.scrub(ALL_CANARIES[key][0])


def test_every_accepted_format_has_a_canary():
    expected = {"jpeg", "png", "png16", "webp", "heic", "tiff", "gif"}
    assert expected <= set(CANARIES)
    assert all(len(markers) >= 10 for _, markers in CANARIES.values())


@pytest.mark.parametrize("key", sorted(CANARIES))
def test_no_marker_survives(scrubbed, key):
    data, markers = CANARIES[key]
    assert canaries.markers_found(data, markers) == markers  # the judge sees them going in
    assert canaries.markers_found(scrubbed[key].data, markers) == []


@pytest.mark.parametrize("key", sorted(CANARIES))
def test_exiftool_sees_only_structure(scrubbed, key, tmp_path):
    needs_exiftool()
    extension = "png" if scrubbed[key].receipt.output_format == "PNG" else "jpg"
    path = tmp_path / f"out.{extension}"
    path.write_bytes(scrubbed[key].data)
    tags = canaries.exiftool_tags(path)
    assert [tag for tag in tags if not canaries.is_structural(tag)] == []
    # The judge is not blind: the canary itself reports identifying tags.
    source = tmp_path / "in.bin"
    source.write_bytes(CANARIES[key][0])
    try:
        original = canaries.exiftool_tags(source)
    except RuntimeError:
        return  # exiftool refuses some canaries' trailing bytes outright; the scan above holds
    assert [tag for tag in original if not canaries.is_structural(tag)]


@pytest.mark.parametrize("key", sorted(CANARIES))
def test_the_structure_is_pixels_only(scrubbed, key):
    output = scrubbed[key].data
    if scrubbed[key].receipt.output_format == "JPEG":
        segments, after = canaries.jpeg_segments(output)
        assert segments.count("SOI") == 1 and set(segments) <= JPEG_SEGMENTS, segments
    else:
        segments, after = canaries.png_chunks(output)
        assert set(segments) <= PNG_CHUNKS, segments
    assert after == 0


def decoded_source(key: str) -> Image.Image:
    import pillow_heif
    from PIL import ImageOps

    pillow_heif.register_heif_opener()
    with Image.open(io.BytesIO(CANARIES[key][0])) as source:
        source.seek(0)
        return ImageOps.exif_transpose(source).convert("RGB")


@pytest.mark.parametrize("key", sorted(CANARIES))
def test_one_faithful_frame_comes_out(scrubbed, key):
    result = scrubbed[key]
    with Image.open(io.BytesIO(result.data)) as image:
        assert getattr(image, "n_frames", 1) == 1
        assert image.size == (640, 480)
        if key == "png16":
            assert image.mode == "I;16"  # 16-bit stays 16-bit, not flattened to white
            return
        # Against the source as decoded (its own lossy coding is not ours to judge).
        assert canaries.psnr(image.convert("RGB"), decoded_source(key)) >= 40.0


def test_multi_frame_files_say_what_was_dropped(scrubbed):
    notes = {key: " ".join(result.receipt.notes) for key, result in scrubbed.items()}
    for key in ("tiff", "gif", "jpeg_mpo", "apng", "webp_anim", "avif_anim"):
        if key in notes:
            assert "only the first was kept" in notes[key], key


def test_the_receipt_names_what_was_removed(scrubbed):
    removed = set(scrubbed["jpeg"].receipt.removed)
    assert {
        "GPS location",
        "camera make and model",
        "camera or lens serial number",
        "owner or artist name",
        "maker notes",
        "an embedded thumbnail",
        "XMP metadata (editing history)",
        "IPTC/Photoshop data",
        "1 comment",
    } <= removed
    assert any("hidden after the end" in item for item in removed)
    assert "GPS location" in scrubbed["heic"].receipt.removed
    assert any("text field" in item for item in scrubbed["png"].receipt.removed)
    assert scrubbed["heic"].receipt.output_format == "JPEG"
    assert scrubbed["png16"].receipt.output_format == "PNG"


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(orientation):
    data, expected = canaries.oriented_jpegs()[orientation]
    result = pipeline.scrub(data)
    with Image.open(io.BytesIO(result.data)) as image:
        assert image.size == expected.size
        assert canaries.psnr(image.convert("RGB"), expected) >= 30.0


def test_the_deidentify_command_runs_the_same_pipeline(tmp_path, capsys):
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    good = tmp_path / "IMG_0001.HEIC"
    good.write_bytes(CANARIES["heic"][0])
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.7")
    out = tmp_path / "out"
    with pytest.raises(CommandError) as raised:
        call_command("deidentify", str(good), str(bad), "--out", str(out), "--json")
    assert raised.value.returncode == 1
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["input"] == str(good) and lines[0]["format"] == "HEIF"
    assert "GPS location" in lines[0]["removed"]
    assert (lines[0]["width"], lines[0]["height"]) == (640, 480)
    written = Path(lines[0]["output"]).read_bytes()
    assert canaries.markers_found(written, CANARIES["heic"][1]) == []
    assert lines[1] == {"input": str(bad), "error": lines[1]["error"]}
    assert "not an image we accept" in lines[1]["error"]
    assert sorted(path.name for path in out.iterdir()) == ["scrubbed-0001.jpg"]
