#!/usr/bin/env python3
"""Build labelled JSONL evaluation sets from the inline-markup source files.

Markup: [[kind|span text]] inline; the two characters backslash-n mean a
newline; a doubled backslash means one literal backslash; any other backslash
is an error. Lines starting with %% are comments; blank lines are ignored.
"""

import hashlib
import json
import os
import re
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

SPAN_RE = re.compile(r"\[\[([^\[\]|]*)\|(.*?)\]\]")


class MarkupError(Exception):
    pass


def unescape(raw):
    out = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            nxt = raw[i + 1] if i + 1 < len(raw) else ""
            if nxt == "n":
                out.append("\n")
            elif nxt == "\\":
                out.append("\\")
            else:
                raise MarkupError(f"bad escape {ch}{nxt!r}")
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def check_plain(seg):
    for bad in ("[[", "]]", "|"):
        if bad in seg:
            raise MarkupError(f"stray markup {bad!r} in {seg!r}")


def parse_line(line):
    text_parts = []
    spans = []
    pos = 0
    cur = 0
    for m in SPAN_RE.finditer(line):
        before = line[pos : m.start()]
        check_plain(before)
        plain = unescape(before)
        text_parts.append(plain)
        cur += len(plain)
        kind, raw_span = m.group(1), m.group(2)
        if kind not in KINDS:
            raise MarkupError(f"unknown kind {kind!r}")
        check_plain(raw_span)
        span_text = unescape(raw_span)
        if not span_text:
            raise MarkupError("empty span")
        if "\n" in span_text:
            raise MarkupError(f"newline inside span {raw_span!r}")
        if span_text != span_text.strip():
            raise MarkupError(f"whitespace at span edge {span_text!r}")
        if kind == "age":
            if not (span_text.isascii() and span_text.isdigit() and int(span_text) > 89):
                raise MarkupError(f"age span not an integer over 89: {span_text!r}")
        start = cur
        end = start + len(span_text)
        spans.append({"kind": kind, "text": span_text, "start": start, "end": end})
        text_parts.append(span_text)
        cur = end
        pos = m.end()
    tail = line[pos:]
    check_plain(tail)
    plain = unescape(tail)
    text_parts.append(plain)
    text = "".join(text_parts)
    if text != text.strip():
        raise MarkupError("item has leading/trailing whitespace")
    for s in spans:
        if text[s["start"] : s["end"]] != s["text"]:
            raise MarkupError("offset mismatch (internal)")
    for a, b in zip(spans, spans[1:]):
        if b["start"] < a["end"]:
            raise MarkupError("overlapping spans")
    return {"text": text, "spans": spans}


def build_set(src_name, out_name):
    src = os.path.join(HERE, src_name)
    out = os.path.join(HERE, out_name)
    errors = []
    items = []
    seen = {}
    if not os.path.exists(src):
        print(f"{src_name}: FAILED, source file missing; {out_name} not written", file=sys.stderr)
        return False
    with open(src, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("%%"):
                continue
            line = line.strip()
            try:
                obj = parse_line(line)
            except MarkupError as exc:
                errors.append(f"{src_name}:{lineno}: {exc}")
                continue
            key = obj["text"]
            if key in seen:
                errors.append(f"{src_name}:{lineno}: duplicate of line {seen[key]}")
                continue
            seen[key] = lineno
            items.append(obj)
    if errors:
        for e in errors:
            print(f"ERROR {e}", file=sys.stderr)
        if os.path.exists(out):
            os.remove(out)
        print(
            f"{src_name}: FAILED with {len(errors)} error(s); {out_name} not written",
            file=sys.stderr,
        )
        return False
    data = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in items)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(data)
    os.replace(tmp, out)
    counts = {}
    for o in items:
        for s in o["spans"]:
            counts[s["kind"]] = counts.get(s["kind"], 0) + 1
    clean = sum(1 for o in items if not o["spans"])
    digest = hashlib.sha256(data.encode("utf-8")).hexdigest()
    total_spans = sum(counts.values())
    print(f"== {out_name} (from {src_name})")
    print(
        f"items: {len(items)}  clean: {clean} ({100.0 * clean / max(len(items), 1):.1f}%)  spans: {total_spans}"
    )
    for k in sorted(counts):
        print(f"  {k}: {counts[k]}")
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
