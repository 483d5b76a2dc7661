#!/usr/bin/env python3
"""Build clean_surgical.jsonl from source_clean.txt (stdlib only)."""

import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "source_clean.txt")
OUT = os.path.join(HERE, "clean_surgical.jsonl")


def main():
    errors, items, seen = [], [], {}
    with open(SRC, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if line.startswith("%%") or not line.strip():
                continue
            if "[[" in line or "]]" in line:
                errors.append(f"line {lineno}: markup [[ or ]] not allowed")
                continue
            if re.search(r"\\(?!n)", line):
                errors.append(f"line {lineno}: bad escape (only \\n allowed)")
                continue
            text = line.replace("\\n", "\n")
            if not text.strip():
                errors.append(f"line {lineno}: empty item")
                continue
            if text != text.strip():
                errors.append(f"line {lineno}: leading/trailing whitespace")
                continue
            if text in seen:
                errors.append(f"line {lineno}: duplicate of line {seen[text]}")
                continue
            seen[text] = lineno
            items.append(text)
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f"FAILED with {len(errors)} error(s)", file=sys.stderr)
        sys.exit(1)
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        for t in items:
            f.write(json.dumps({"text": t, "spans": []}, ensure_ascii=False) + "\n")
    h = hashlib.sha256(open(OUT, "rb").read()).hexdigest()
    print(f"count: {len(items)}")
    print(f"sha256: {h}")


if __name__ == "__main__":
    main()
