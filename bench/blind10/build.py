#!/usr/bin/env python3
"""Build clean_surgical.jsonl from source_clean.txt (stdlib only)."""

import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE / "source_clean.txt"
OUT = HERE / "clean_surgical.jsonl"
BAD_ESCAPE = re.compile(r"\\(?!n)")


def main() -> int:
    errors = []
    items = []
    seen = {}
    for lineno, raw in enumerate(SRC.read_text(encoding="utf-8").splitlines(), start=1):
        if raw.startswith("%%"):
            continue
        line = raw.strip()
        if not line:
            continue
        if "[[" in line or "]]" in line:
            errors.append(f"line {lineno}: markup '[[' or ']]' not allowed")
            continue
        if BAD_ESCAPE.search(line):
            errors.append(f"line {lineno}: bad escape (only \\n allowed)")
            continue
        text = line.replace("\\n", "\n").strip()
        if not text:
            errors.append(f"line {lineno}: empty item")
            continue
        key = " ".join(text.split())
        if key in seen:
            errors.append(f"line {lineno}: duplicate of line {seen[key]}")
            continue
        seen[key] = lineno
        items.append(text)
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f"FAILED with {len(errors)} error(s)", file=sys.stderr)
        return 1
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        for text in items:
            fh.write(json.dumps({"text": text, "spans": []}, ensure_ascii=False) + "\n")
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"count: {len(items)}")
    print(f"sha256: {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
