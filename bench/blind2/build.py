#!/usr/bin/env python3
"""Convert the hand-labelled source files into JSONL evaluation sets.

Source format: one item per line; the two characters backslash + n stand for a
line break inside an item; spans are marked inline as [[kind|text]].
Blank lines are ignored.  No detection of any kind happens here: every span
comes from the hand-written markup.
"""

import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

KINDS = {
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
    "quasi",
    "colleague",
    "clinician",
}

SETS = [
    ("source_surgical.txt", "surgical_discussion.jsonl", 250),
    ("source_notes.txt", "clinical_notes.jsonl", 200),
]

MARK = re.compile(r"\[\[([a-z]+)\|(.*?)\]\]")


def unescape(s):
    return s.replace("\\n", "\n")


def parse_line(line, where):
    text_parts = []
    spans = []
    pos = 0  # position in the raw line
    out_len = 0  # length of text produced so far
    for m in MARK.finditer(line):
        plain = unescape(line[pos : m.start()])
        text_parts.append(plain)
        out_len += len(plain)
        kind, inner = m.group(1), m.group(2)
        if kind not in KINDS:
            raise ValueError(f"{where}: unknown kind {kind!r}")
        if "[[" in inner or "|" in inner:
            raise ValueError(f"{where}: nested or malformed markup in {inner!r}")
        inner_text = unescape(inner)
        if not inner_text or inner_text != inner_text.strip():
            raise ValueError(f"{where}: empty or padded span {inner!r}")
        if "\n" in inner_text:
            raise ValueError(f"{where}: span contains a line break {inner!r}")
        spans.append(
            {"kind": kind, "text": inner_text, "start": out_len, "end": out_len + len(inner_text)}
        )
        text_parts.append(inner_text)
        out_len += len(inner_text)
        pos = m.end()
    tail = unescape(line[pos:])
    text_parts.append(tail)
    text = "".join(text_parts)
    for bad in ("[[", "]]"):
        if bad in text:
            raise ValueError(f"{where}: stray {bad!r} left in text")
    if text != text.strip():
        raise ValueError(f"{where}: item has leading/trailing whitespace")
    # verify offsets and absence of overlaps
    prev_end = -1
    for sp in spans:
        assert text[sp["start"] : sp["end"]] == sp["text"], (where, sp)
        assert sp["start"] >= prev_end, (where, "overlap", sp)
        assert sp["kind"] in KINDS
        prev_end = sp["end"]
    return {"text": text, "spans": spans}


def build(src_name, out_name, expected):
    src = os.path.join(HERE, src_name)
    out = os.path.join(HERE, out_name)
    items = []
    with open(src, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip():
                continue
            items.append(parse_line(line, f"{src_name}:{lineno}"))
    assert len(items) == expected, f"{src_name}: {len(items)} items, expected {expected}"
    texts = [it["text"] for it in items]
    dupes = {t for t in texts if texts.count(t) > 1}
    assert not dupes, f"{src_name}: duplicate items: {sorted(dupes)[:3]}"
    with open(out, "w", encoding="utf-8") as fh:
        for it in items:
            fh.write(json.dumps(it, ensure_ascii=False) + "\n")
    return out, items


IDENT = {"name", "place", "address", "postcode", "date", "phone", "email", "url", "ip", "id", "age"}


def report(out, items):
    counts = {}
    for it in items:
        for sp in it["spans"]:
            counts[sp["kind"]] = counts.get(sp["kind"], 0) + 1
    no_span = sum(1 for it in items if not it["spans"])
    with_ident = sum(1 for it in items if any(s["kind"] in IDENT for s in it["spans"]))
    other_only = len(items) - no_span - with_ident
    with open(out, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    print(os.path.basename(out))
    print(f"  items: {len(items)}")
    print(f"  items with no span: {no_span}")
    print(f"  items with >=1 identifier span: {with_ident}")
    print(f"  items with only quasi/colleague/clinician spans: {other_only}")
    print(f"  total spans: {sum(counts.values())}")
    for k in sorted(counts):
        print(f"    {k}: {counts[k]}")
    print(f"  sha256: {digest}")


def main():
    for src, out, n in SETS:
        path, items = build(src, out, n)
        report(path, items)
    return 0


if __name__ == "__main__":
    sys.exit(main())
