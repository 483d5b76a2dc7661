"""`python -m uploads.worker MEMORY CPU MAX_BYTES MAX_PIXELS MAX_DIMENSION MAX_FRAMES [edit]`.

The scrubber's own process. It first lowers its own memory (bytes) and CPU (seconds) limits,
then reads the file on standard input (it never touches disk), and writes one JSON line
(the receipt or the refusal) and then the scrubbed bytes on standard output.
"""

from __future__ import annotations

import json
import resource
import sys


def limit(memory: int, cpu: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash must not dump the image


def main() -> int:
    limit(int(sys.argv[1]), int(sys.argv[2]))
    del sys.argv[1:3]
    from uploads.scrub import Limits, Refused, edit, scrub

    max_bytes, max_pixels, max_dimension, max_frames = (int(v) for v in sys.argv[1:5])
    data = sys.stdin.buffer.read(max_bytes + 1)
    out = sys.stdout.buffer
    try:
        if len(sys.argv) > 5:
            options = json.loads(sys.argv[5])
            output, output_format, size = edit(
                data,
                rotate=options.get("rotate", 0),
                crop=options.get("crop"),
                rectangles=options.get("rectangles", []),
            )
            header = {"ok": True, "output_format": output_format, "size": list(size)}
        else:
            output, receipt = scrub(data, Limits(max_bytes, max_pixels, max_dimension, max_frames))
            header = {"ok": True, "receipt": receipt.as_dict()}
    except Refused as refusal:
        out.write(json.dumps({"ok": False, "error": str(refusal)}).encode() + b"\n")
        return 0
    except MemoryError:
        out.write(json.dumps({"ok": False, "error": "memory"}).encode() + b"\n")
        return 0
    out.write(json.dumps(header).encode() + b"\n")
    out.write(output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
