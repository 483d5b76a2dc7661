"""The upload pipeline's speed and memory on a 12 MP photo with full metadata, against
`exiftool -all=` on the same file in the same run.

    .venv/bin/python bench/scrub.py [--runs N]

exiftool is the tool a user would reach for; it neither rotates, converts colour nor
guarantees removal, so it is a speed reference, not a quality one. The pipeline is timed as
production runs it: a fresh worker process per file, forked by the fork server, with its
limits (uploads/pipeline.py). Peak memory is the worker's maximum resident set. Goal: scrub
≤ 1.5x exiftool's time on the 12 MP photo. A 48 MP phone photo is timed too, for the
record: exiftool's time hardly grows with the pixels, ours does (we decode and re-encode
them all). The last line is the headline.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrubroom.settings")
os.environ.setdefault("SCRUBROOM_DEBUG", "1")

import django  # noqa: E402

django.setup()

from PIL import Image, ImageCms, ImageDraw, ImageFilter  # noqa: E402

from uploads import pipeline  # noqa: E402


def photo_12mp() -> bytes:
    return photo(4000, 3000)


def photo(width: int, height: int) -> bytes:
    """Photo-like (gradients, edges, noise), with GPS, camera, dates, a thumbnail, XMP, an
    ICC profile and a comment, 4:2:0 as cameras write: what a phone hands over."""
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 40)
    image = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.ROTATE_180)))
    draw = ImageDraw.Draw(image)
    for step in range(0, width, 250):
        draw.ellipse(
            (step, step * 0.6, step + 400, step * 0.6 + 300), outline=(240, 200, 40), width=9
        )
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    exif = image.getexif()
    exif[0x010F], exif[0x0110], exif[0x0131] = "PhoneMaker", "Model 15 Pro", "Camera 17.1"
    exif[0x0132] = "2026:03:14 09:26:53"
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 40.0)})
    exif.get_ifd(0x8769).update({0x9003: "2026:03:14 09:26:53", 0xA431: "SN123456789"})
    thumbnail = io.BytesIO()
    image.resize((160, 120)).save(thumbnail, "JPEG")
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif, icc_profile=icc, comment=b"bed 12", xmp=xmp)
    return out.getvalue()


def time_exiftool(data: bytes, folder: Path) -> float:
    source = folder / "photo.jpg"
    source.write_bytes(data)
    started = time.perf_counter()
    subprocess.run(["exiftool", "-all=", "-overwrite_original", "-q", str(source)], check=True)
    return time.perf_counter() - started


def time_pipeline(data: bytes, upright_width: int) -> tuple[float, int, int]:
    started = time.perf_counter()
    scrubbed = pipeline.scrub(data)
    elapsed = time.perf_counter() - started
    assert scrubbed.receipt.width == upright_width  # turned upright
    return elapsed, len(scrubbed.data), scrubbed.peak_rss_kb


def compare(data: bytes, upright_width: int, runs: int) -> tuple[float, float, int, float]:
    """(our median, exiftool's median, output size, our peak MB), interleaved runs."""
    ours, theirs, peaks = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        time_pipeline(data, upright_width)  # warm the page cache and imports once, for both
        time_exiftool(data, Path(folder))
        for _ in range(runs):  # interleaved, so machine load affects both alike
            elapsed, size, peak = time_pipeline(data, upright_width)
            ours.append(elapsed)
            peaks.append(peak)
            theirs.append(time_exiftool(data, Path(folder)))
    return statistics.median(ours), statistics.median(theirs), size, max(peaks) / 1024


def main() -> int:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    if shutil.which("exiftool") is None:
        print("scrub: needs exiftool (apt-get install libimage-exiftool-perl)")
        return 1
    large = photo(8000, 6000)
    print(f"input: 8000x6000 JPEG with metadata, {len(large) / 1e6:.1f} MB; {runs} runs each")
    large_ours, large_theirs, _size, large_peak = compare(large, 6000, runs)
    print(
        f"48 MP phone photo: pipeline {large_ours:.3f} s, exiftool -all= {large_theirs:.3f} s, "
        f"ratio {large_ours / large_theirs:.2f}, worker peak {large_peak:.0f} MB"
    )
    data = photo_12mp()
    print(f"input: 4000x3000 JPEG with metadata, {len(data) / 1e6:.1f} MB; {runs} runs each")
    scrub_median, exiftool_median, size, peak_mb = compare(data, 3000, runs)
    # The worst file the limits let through: 50 megapixels, decoded and re-encoded.
    worst = io.BytesIO()
    Image.new("RGB", (8000, 6250), (90, 110, 130)).save(worst, "PNG", compress_level=1)
    started = time.perf_counter()
    worst_mb = pipeline.scrub(worst.getvalue()).peak_rss_kb / 1024
    worst_seconds = time.perf_counter() - started
    print(
        f"worst case (50 MP PNG): {worst_seconds:.2f} s, worker peak {worst_mb:.0f} MB "
        f"of the {pipeline.MEMORY_LIMIT // 2**20} MB limit"
    )
    print(f"pipeline (worker process, q95 re-encode at the source's 4:2:0): {scrub_median:.3f} s")
    print(f"exiftool -all=:                                                {exiftool_median:.3f} s")
    print(f"output: {size / 1e6:.1f} MB")
    print(
        f"scrub: ratio={scrub_median / exiftool_median:.2f} (goal <= 1.5) "
        f"pipeline={scrub_median:.3f}s exiftool={exiftool_median:.3f}s peak_rss={peak_mb:.0f}MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
