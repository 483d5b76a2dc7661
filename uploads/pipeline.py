"""Run the scrubber in its own process, with bounded memory, CPU time and wall time.

A decompression bomb or a decoder bug then costs one short-lived process, never the server.
The original bytes travel through a pipe: they are never written to disk.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

from django.conf import settings

from uploads.scrub import Receipt, Refused

# Python, Pillow and a 50 MP RGB frame with a few working copies fit well within this.
MEMORY_LIMIT = 1536 * 1024 * 1024
CPU_SECONDS = 30
WALL_SECONDS = 60


@dataclass
class Scrubbed:
    data: bytes
    receipt: Receipt

    @property
    def content_type(self) -> str:
        return "image/png" if self.receipt.output_format == "PNG" else "image/jpeg"


def _run(data: bytes, *extra: str) -> tuple[dict, bytes]:
    limits = settings.SCRUBROOM_UPLOAD_LIMITS
    # The worker lowers its own memory and CPU limits before it reads a byte: a preexec_fn
    # would do it before exec, but is unsafe in a threaded server (Daphne's sync views).
    command = [
        sys.executable,
        "-m",
        "uploads.worker",
        str(MEMORY_LIMIT),
        str(CPU_SECONDS),
        str(limits["max_bytes"]),
        str(limits["max_pixels"]),
        str(limits["max_dimension"]),
        str(limits["max_frames"]),
        *extra,
    ]
    try:
        result = subprocess.run(  # noqa: S603 (our own interpreter and module, fixed arguments)
            command,
            input=data,
            capture_output=True,
            timeout=WALL_SECONDS,
            cwd=settings.BASE_DIR,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Refused("The image took too long to read. Export it again and retry.") from None
    header, _, output = result.stdout.partition(b"\n")
    if result.returncode != 0 or not header:
        # Killed by a limit (memory, CPU) or crashed in a decoder: the file is the problem.
        raise Refused("The image could not be read safely (it needs too much memory or time).")
    document = json.loads(header)
    if not document["ok"]:
        if document["error"] == "memory":
            raise Refused("The image could not be read safely (it needs too much memory).")
        raise Refused(document["error"])
    return document, output


def scrub(data: bytes) -> Scrubbed:
    document, output = _run(data)
    return Scrubbed(output, Receipt(**document["receipt"]))


def edit(data: bytes, *, rotate: int, crop, rectangles) -> tuple[bytes, str, tuple[int, int]]:
    options = json.dumps({"rotate": rotate, "crop": crop, "rectangles": rectangles})
    document, output = _run(data, options)
    return output, document["output_format"], tuple(document["size"])  # type: ignore[return-value]
