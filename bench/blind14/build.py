#!/usr/bin/env python3
"""Build labelled JSONL evaluation sets from inline-markup source files.

Source format: one item per line; lines starting with %% are comments;
blank lines ignored. Spans are written inline as [[kind|span text]].
Escapes: \\n -> newline, \\\\ -> backslash. Any other backslash is an error.
Standard library only.
"""

import hashlib
import json
import os
import sys

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


def unescape(raw):
    """Decode \\n and \\\\ escapes; reject anything else."""
    out = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            if i + 1 >= len(raw):
                raise MarkupError("trailing backslash")
            nxt = raw[i + 1]
            if nxt == "n":
                out.append("\n")
            elif nxt == "\\":
                out.append("\\")
            else:
                raise MarkupError(f"bad escape \\{nxt}")
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def check_plain(segment, where):
    for bad in ("[[", "]]", "|"):
        if bad in segment:
            raise MarkupError(f"stray {bad!r} {where}: {segment!r}")


def parse_item(line):
    text_parts = []
    spans = []
    pos = 0  # position in decoded text
    i = 0
    while True:
        j = line.find("[[", i)
        if j < 0:
            seg = line[i:]
            check_plain(seg, "outside span")
            dec = unescape(seg)
            text_parts.append(dec)
            pos += len(dec)
            break
        seg = line[i:j]
        check_plain(seg, "outside span")
        dec = unescape(seg)
        text_parts.append(dec)
        pos += len(dec)
        k = line.find("]]", j + 2)
        if k < 0:
            raise MarkupError("unclosed [[")
        inner = line[j + 2 : k]
        if "[[" in inner:
            raise MarkupError(f"nested or stray [[ in span: {inner!r}")
        if inner.count("|") != 1:
            raise MarkupError(f"span needs exactly one '|': {inner!r}")
        kind, raw_span = inner.split("|", 1)
        if kind not in KINDS:
            raise MarkupError(f"unknown kind {kind!r}")
        if "\\n" in raw_span:
            raise MarkupError(f"newline inside span: {raw_span!r}")
        span_text = unescape(raw_span)
        if not span_text:
            raise MarkupError("empty span")
        if "\n" in span_text:
            raise MarkupError(f"newline inside span: {span_text!r}")
        if span_text != span_text.strip():
            raise MarkupError(f"whitespace at span edge: {span_text!r}")
        if kind == "age":
            if not span_text.isdigit() or not span_text.isascii() or int(span_text) <= 89:
                raise MarkupError(f"age span must be an integer over 89: {span_text!r}")
        start = pos
        end = pos + len(span_text)
        spans.append({"kind": kind, "text": span_text, "start": start, "end": end})
        text_parts.append(span_text)
        pos = end
        i = k + 2
    text = "".join(text_parts)
    if not text.strip():
        raise MarkupError("empty item")
    # sanity: offsets, order, non-overlap
    last_end = -1
    for sp in spans:
        if text[sp["start"] : sp["end"]] != sp["text"]:
            raise MarkupError(f"offset mismatch for {sp!r}")
        if sp["start"] < last_end:
            raise MarkupError(f"overlapping spans at {sp!r}")
        last_end = sp["end"]
    return {"text": text, "spans": spans}


def build_set(src_name, out_name):
    src = os.path.join(HERE, src_name)
    out = os.path.join(HERE, out_name)
    errors = []
    items = []
    seen = {}
    if not os.path.exists(src):
        print(f"ERROR {src_name}: source file missing; {out_name} NOT written", file=sys.stderr)
        return False
    with open(src, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("%%"):
                continue
            try:
                item = parse_item(line)
            except MarkupError as exc:
                errors.append(f"{src_name}:{lineno}: {exc}")
                continue
            key = item["text"]
            if key in seen:
                errors.append(f"{src_name}:{lineno}: duplicate of line {seen[key]}")
                continue
            seen[key] = lineno
            items.append(item)
    if errors:
        for e in errors:
            print(f"ERROR {e}", file=sys.stderr)
        print(f"{src_name}: {len(errors)} error(s); {out_name} NOT written", file=sys.stderr)
        return False
    data = "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in items)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(data)
    os.replace(tmp, out)
    digest = hashlib.sha256(data.encode("utf-8")).hexdigest()
    counts = {}
    for it in items:
        for sp in it["spans"]:
            counts[sp["kind"]] = counts.get(sp["kind"], 0) + 1
    clean = sum(1 for it in items if not it["spans"])
    print(f"== {out_name} (from {src_name})")
    print(f"items: {len(items)}")
    print(f"clean items: {clean} ({(100.0 * clean / len(items)) if items else 0:.1f}%)")
    print(f"spans total: {sum(counts.values())}")
    for kind in sorted(counts):
        print(f"  {kind}: {counts[kind]}")
    print(f"sha256: {digest}")
    return True


def main():
    ok = True
    for src_name, out_name in SETS:
        if not build_set(src_name, out_name):
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
