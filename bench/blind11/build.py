#!/usr/bin/env python3
"""Build the blind-sets-11 JSONL files from the inline-markup source files.

Markup: [[kind|span text]] inline; the two characters \\n mean a newline;
\\\\ means a literal backslash; lines starting with %% are comments; blank
lines are ignored.  Standard library only.
"""

import hashlib
import json
import os
import re
import sys

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

HERE = os.path.dirname(os.path.abspath(__file__))
SETS = [
    ("source_surgical.txt", "surgical_discussion.jsonl"),
    ("source_notes.txt", "clinical_notes.jsonl"),
]


class MarkupError(Exception):
    pass


def unescape(raw, where):
    out = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\":
            nxt = raw[i + 1] if i + 1 < len(raw) else ""
            if nxt == "n":
                out.append("\n")
                i += 2
                continue
            if nxt == "\\":
                out.append("\\")
                i += 2
                continue
            raise MarkupError(f"{where}: bad escape {raw[i : i + 2]!r}")
        out.append(c)
        i += 1
    return "".join(out)


def parse_line(raw, where):
    parts = []
    spans = []
    pos = 0
    i = 0
    while True:
        j = raw.find("[[", i)
        seg_end = j if j >= 0 else len(raw)
        seg = raw[i:seg_end]
        if "]]" in seg:
            raise MarkupError(f"{where}: stray ']]' in {seg!r}")
        if "|" in seg:
            raise MarkupError(f"{where}: stray '|' in {seg!r}")
        seg_text = unescape(seg, where)
        parts.append(seg_text)
        pos += len(seg_text)
        if j < 0:
            break
        k = raw.find("]]", j + 2)
        if k < 0:
            raise MarkupError(f"{where}: unclosed '[['")
        inner = raw[j + 2 : k]
        if "[[" in inner:
            raise MarkupError(f"{where}: nested or stray '[[' in {inner!r}")
        if inner.count("|") != 1:
            raise MarkupError(f"{where}: span needs exactly one '|': {inner!r}")
        kind, span_raw = inner.split("|")
        if kind not in KINDS:
            raise MarkupError(f"{where}: unknown kind {kind!r}")
        span_text = unescape(span_raw, where)
        if not span_text:
            raise MarkupError(f"{where}: empty span")
        if "\n" in span_text or "\r" in span_text:
            raise MarkupError(f"{where}: newline inside span {span_text!r}")
        if span_text != span_text.strip():
            raise MarkupError(f"{where}: whitespace at span edge {span_text!r}")
        if kind == "age":
            if not re.fullmatch(r"[0-9]+", span_text) or int(span_text) <= 89:
                raise MarkupError(f"{where}: age span must be an integer over 89: {span_text!r}")
        spans.append({"kind": kind, "text": span_text, "start": pos, "end": pos + len(span_text)})
        parts.append(span_text)
        pos += len(span_text)
        i = k + 2
    text = "".join(parts)
    if not text.strip():
        raise MarkupError(f"{where}: empty item")
    last_end = 0
    for s in spans:
        if text[s["start"] : s["end"]] != s["text"]:
            raise MarkupError(f"{where}: offset mismatch for {s['text']!r}")
        if s["start"] < last_end:
            raise MarkupError(f"{where}: overlapping spans")
        last_end = s["end"]
    return {"text": text, "spans": spans}


def build(src_name, out_name):
    src = os.path.join(HERE, src_name)
    out = os.path.join(HERE, out_name)
    errors = []
    items = []
    seen = {}
    if not os.path.exists(src):
        print(f"ERROR {src_name}: source file missing; {out_name} not written", file=sys.stderr)
        return False
    with open(src, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("%%"):
                continue
            raw = line.strip()
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
        for e in errors:
            print(f"ERROR {e}", file=sys.stderr)
        if os.path.exists(out):
            os.remove(out)  # never leave a stale file for a failed set
        print(
            f"{src_name}: FAILED with {len(errors)} error(s); {out_name} not written",
            file=sys.stderr,
        )
        return False
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    os.replace(tmp, out)
    with open(out, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    kinds = {}
    for item in items:
        for s in item["spans"]:
            kinds[s["kind"]] = kinds.get(s["kind"], 0) + 1
    clean = sum(1 for item in items if not item["spans"])
    total_spans = sum(kinds.values())
    print(f"== {out_name} (from {src_name})")
    print(
        f"items: {len(items)}  clean: {clean} ({100 * clean / max(len(items), 1):.1f}%)  "
        f"with spans: {len(items) - clean}  spans: {total_spans}"
    )
    for k in sorted(kinds):
        print(f"  {k:10s} {kinds[k]}")
    print(f"sha256 {digest}  {out_name}")
    return True


def main():
    ok = True
    for src_name, out_name in SETS:
        if not build(src_name, out_name):
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
