#!/usr/bin/env python3
"""Build labelled JSONL evaluation sets from inline-markup source files.

Source format: one item per line; `[[kind|span text]]` marks a span; the two
characters backslash + n stand for a newline; `\\` is a literal backslash;
lines starting with `%%` are comments; blank lines are ignored.
Standard library only.
"""

import hashlib
import json
import os
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))

KINDS = {
    "name",
    "colleague",
    "clinician",
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
}

SETS = [
    ("source_surgical.txt", "surgical_discussion.jsonl"),
    ("source_notes.txt", "clinical_notes.jsonl"),
]


class MarkupError(Exception):
    pass


def decode_plain(seg, where):
    """Decode escapes in a plain segment; reject stray markup characters."""
    for bad in ("[[", "]]", "|"):
        if bad in seg:
            raise MarkupError(f"{where}: stray markup {bad!r} in {seg!r}")
    out = []
    i = 0
    while i < len(seg):
        ch = seg[i]
        if ch == "\\":
            if i + 1 >= len(seg):
                raise MarkupError(f"{where}: dangling backslash")
            nxt = seg[i + 1]
            if nxt == "n":
                out.append("\n")
            elif nxt == "\\":
                out.append("\\")
            else:
                raise MarkupError(f"{where}: bad escape \\{nxt}")
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def parse_line(raw, where):
    text_parts = []
    spans = []
    pos = 0
    length = 0
    while True:
        start = raw.find("[[", pos)
        if start == -1:
            plain = decode_plain(raw[pos:], where)
            text_parts.append(plain)
            length += len(plain)
            break
        plain = decode_plain(raw[pos:start], where)
        text_parts.append(plain)
        length += len(plain)
        end = raw.find("]]", start + 2)
        if end == -1:
            raise MarkupError(f"{where}: unclosed [[")
        inner = raw[start + 2 : end]
        if "[[" in inner:
            raise MarkupError(f"{where}: nested [[ in {inner!r}")
        if inner.count("|") != 1:
            raise MarkupError(f"{where}: span needs exactly one '|': {inner!r}")
        kind, body = inner.split("|", 1)
        if kind not in KINDS:
            raise MarkupError(f"{where}: unknown kind {kind!r}")
        if "\\n" in body:
            raise MarkupError(f"{where}: newline inside span {body!r}")
        body_text = decode_plain(body, where)
        if not body_text:
            raise MarkupError(f"{where}: empty span")
        if "\n" in body_text:
            raise MarkupError(f"{where}: newline inside span {body!r}")
        if body_text != body_text.strip():
            raise MarkupError(f"{where}: whitespace at span edge {body_text!r}")
        if kind == "age":
            if not body_text.isdigit() or int(body_text) <= 89:
                raise MarkupError(f"{where}: age span must be integer > 89: {body_text!r}")
        spans.append(
            {"kind": kind, "text": body_text, "start": length, "end": length + len(body_text)}
        )
        text_parts.append(body_text)
        length += len(body_text)
        pos = end + 2
    text = "".join(text_parts)
    if text != text.strip():
        raise MarkupError(f"{where}: item has leading/trailing whitespace")
    prev_end = -1
    for sp in spans:
        if text[sp["start"] : sp["end"]] != sp["text"]:
            raise MarkupError(f"{where}: offset mismatch for {sp}")
        if sp["start"] < prev_end:
            raise MarkupError(f"{where}: overlapping spans")
        prev_end = sp["end"]
    return {"text": text, "spans": spans}


def build_set(src_name, out_name):
    src = os.path.join(HERE, src_name)
    out = os.path.join(HERE, out_name)
    items = []
    errors = []
    seen = {}
    if not os.path.exists(src):
        print(f"{src_name}: missing; {out_name} NOT written", file=sys.stderr)
        return False
    with open(src, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            raw = line.rstrip("\n").rstrip("\r")
            if raw.startswith("%%") or not raw.strip():
                continue
            where = f"{src_name}:{lineno}"
            try:
                item = parse_line(raw, where)
            except MarkupError as exc:
                errors.append(str(exc))
                continue
            if item["text"] in seen:
                errors.append(f"{where}: duplicate of line {seen[item['text']]}")
                continue
            seen[item["text"]] = lineno
            items.append(item)
    if errors:
        for err in errors:
            print(f"ERROR {err}", file=sys.stderr)
        print(f"{src_name}: {len(errors)} error(s); {out_name} NOT written", file=sys.stderr)
        if os.path.exists(out):
            os.remove(out)  # never leave a stale file that looks valid
        return False
    payload = "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in items)
    data = payload.encode("utf-8")
    tmp = out + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, out)
    kinds = Counter(sp["kind"] for it in items for sp in it["spans"])
    clean = sum(1 for it in items if not it["spans"])
    print(f"== {out_name} (from {src_name})")
    print(
        f"items: {len(items)}  clean: {clean}  with spans: {len(items) - clean}"
        f"  spans: {sum(kinds.values())}"
    )
    for kind in sorted(kinds):
        print(f"  {kind:<10} {kinds[kind]}")
    print(f"sha256 {hashlib.sha256(data).hexdigest()}  {out_name}")
    return True


def main():
    ok = True
    for src_name, out_name in SETS:
        if not build_set(src_name, out_name):
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
