#!/usr/bin/env python3
"""Build the blind-sets-4 JSONL evaluation files from inline-marked sources.

Source format: one item per line. Spans are written inline as
[[kind|span text]]. A literal newline inside an item is written as the two
characters backslash + n. No other backslash escapes are allowed. Blank lines
and lines starting with "%%" are ignored (organisational comments).

Standard library only. Any problem raises BuildError and the script exits
non-zero without writing partial output.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

KINDS: frozenset[str] = frozenset(
    {
        "name",
        "place",
        "address",
        "postcode",
        "date",
        "phone",
        "email",
        "url",
        "ip",
        "id",
        "age",
        "ward_bed",
        "quasi",
        "colleague",
        "clinician",
    }
)

MARK = re.compile(r"\[\[([a-z_]+)\|(.+?)\]\]")

HERE = Path(__file__).resolve().parent

SETS: list[tuple[str, str, int]] = [
    ("source_surgical.txt", "surgical_discussion.jsonl", 250),
    ("source_notes.txt", "clinical_notes.jsonl", 200),
]


class BuildError(Exception):
    """Raised for any malformed source item."""


def unescape(raw: str, where: str) -> str:
    """Turn the two-character sequence backslash-n into a newline; reject other escapes."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            if i + 1 < len(raw) and raw[i + 1] == "n":
                out.append("\n")
                i += 2
                continue
            raise BuildError(f"{where}: unsupported backslash escape near {raw[i : i + 10]!r}")
        out.append(ch)
        i += 1
    return "".join(out)


def check_span(kind: str, text: str, where: str) -> None:
    """Per-span sanity checks that catch typical markup mistakes."""
    if kind not in KINDS:
        raise BuildError(f"{where}: unknown kind {kind!r}")
    if not text:
        raise BuildError(f"{where}: empty span of kind {kind}")
    if text != text.strip():
        raise BuildError(f"{where}: span {text!r} has leading/trailing whitespace")
    if "\n" in text or "\r" in text:
        raise BuildError(f"{where}: span {text!r} contains a line break")
    if "[[" in text or "]]" in text or "|" in text:
        raise BuildError(f"{where}: span {text!r} looks like broken markup")
    if kind == "age" and (not text.isdigit() or int(text) <= 89):
        raise BuildError(f"{where}: age span {text!r} must be a number over 89")
    if kind in {"phone", "id", "postcode", "ip"} and not any(c.isdigit() for c in text):
        raise BuildError(f"{where}: {kind} span {text!r} has no digits")
    if kind == "email" and "@" not in text:
        raise BuildError(f"{where}: email span {text!r} has no @")


def parse_item(line: str, where: str) -> dict[str, object]:
    """Parse one marked-up source line into {"text", "spans"}."""
    parts: list[str] = []
    spans: list[dict[str, object]] = []
    pos = 0
    cursor = 0
    for m in MARK.finditer(line):
        plain = unescape(line[cursor : m.start()], where)
        if "[[" in plain or "]]" in plain:
            raise BuildError(f"{where}: stray markup in {plain!r}")
        parts.append(plain)
        pos += len(plain)
        kind = m.group(1)
        stext = unescape(m.group(2), where)
        check_span(kind, stext, where)
        spans.append({"kind": kind, "text": stext, "start": pos, "end": pos + len(stext)})
        parts.append(stext)
        pos += len(stext)
        cursor = m.end()
    tail = unescape(line[cursor:], where)
    if "[[" in tail or "]]" in tail:
        raise BuildError(f"{where}: stray markup in {tail!r}")
    parts.append(tail)
    text = "".join(parts)
    if not text.strip():
        raise BuildError(f"{where}: empty item")
    if text != text.strip():
        raise BuildError(f"{where}: item has leading/trailing whitespace")
    prev_end = -1
    for sp in spans:
        start, end = int(sp["start"]), int(sp["end"])  # type: ignore[arg-type]
        if start < prev_end:
            raise BuildError(f"{where}: overlapping or unordered spans")
        if text[start:end] != sp["text"]:
            raise BuildError(f"{where}: offset mismatch for {sp['text']!r}")
        prev_end = end
    return {"text": text, "spans": spans}


def read_source(path: Path) -> list[tuple[int, str]]:
    """Return (line number, raw line) for every item line in the source file."""
    if not path.is_file():
        raise BuildError(f"missing source file {path}")
    items: list[tuple[int, str]] = []
    with path.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, start=1):
            line = raw.rstrip("\n")
            if "\r" in line or "\t" in line:
                raise BuildError(f"{path.name}:{n}: CR or TAB character in source")
            if not line.strip() or line.startswith("%%"):
                continue
            items.append((n, line))
    return items


def build(src_name: str, out_name: str, expected: int) -> None:
    """Convert one source file to JSONL and print its statistics."""
    src = HERE / src_name
    out = HERE / out_name
    records: list[dict[str, object]] = []
    seen: set[str] = set()
    for n, line in read_source(src):
        rec = parse_item(line, f"{src_name}:{n}")
        key = str(rec["text"])
        if key in seen:
            raise BuildError(f"{src_name}:{n}: duplicate item text")
        seen.add(key)
        records.append(rec)
    if len(records) != expected:
        raise BuildError(f"{src_name}: {len(records)} items, expected {expected}")
    payload = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    # Round-trip check before writing.
    for i, line in enumerate(payload.splitlines()):
        back = json.loads(line)
        for sp in back["spans"]:
            if back["text"][sp["start"] : sp["end"]] != sp["text"]:
                raise BuildError(f"{out_name}: round-trip mismatch in item {i + 1}")
    out.write_text(payload, encoding="utf-8")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    kinds: Counter[str] = Counter()
    for r in records:
        for sp in r["spans"]:  # type: ignore[union-attr]
            kinds[str(sp["kind"])] += 1  # type: ignore[index]
    clean = sum(1 for r in records if not r["spans"])
    print(f"== {out_name}")
    print(f"items: {len(records)}")
    print(f"items with no span: {clean} ({100.0 * clean / len(records):.1f}%)")
    print(f"spans: {sum(kinds.values())}")
    for k in sorted(KINDS):
        print(f"  {k:10s} {kinds.get(k, 0)}")
    lengths = [len(str(r["text"])) for r in records]
    print(
        f"text length min/median/max: {min(lengths)}/{sorted(lengths)[len(lengths) // 2]}/{max(lengths)}"
    )
    print(f"sha256: {digest}")


def main() -> int:
    """Build every set; exit non-zero on the first error."""
    try:
        for src_name, out_name, expected in SETS:
            build(src_name, out_name, expected)
    except BuildError as exc:
        print(f"BUILD FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
