#!/usr/bin/env python3
"""Build the blind-sets-13 JSONL files from the inline-markup sources (stdlib only)."""

import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
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
SPAN_RE = re.compile(r"\[\[([^\[\]|]*)\|([^\[\]|]*)\]\]")


class ItemError(Exception):
    pass


def unescape(seg):
    out = []
    i = 0
    while i < len(seg):
        c = seg[i]
        if c == "\\":
            nxt = seg[i + 1] if i + 1 < len(seg) else ""
            if nxt == "n":
                out.append("\n")
            elif nxt == "\\":
                out.append("\\")
            else:
                raise ItemError(f"bad escape {seg[i : i + 2]!r}")
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def check_plain(seg):
    for bad in ("[[", "]]", "|"):
        if bad in seg:
            raise ItemError(f"stray markup {bad!r} in {seg!r}")


def parse_item(raw):
    text_parts = []
    spans = []
    pos = 0
    length = 0
    for m in SPAN_RE.finditer(raw):
        plain = raw[pos : m.start()]
        check_plain(plain)
        plain_txt = unescape(plain)
        text_parts.append(plain_txt)
        length += len(plain_txt)
        kind, stext_raw = m.group(1), m.group(2)
        if kind not in KINDS:
            raise ItemError(f"unknown kind {kind!r}")
        if "\\n" in stext_raw:
            raise ItemError(f"newline inside span {stext_raw!r}")
        stext = unescape(stext_raw)
        if not stext:
            raise ItemError("empty span")
        if "\n" in stext:
            raise ItemError(f"newline inside span {stext!r}")
        if stext != stext.strip():
            raise ItemError(f"whitespace at span edge {stext!r}")
        if kind == "age":
            if not re.fullmatch(r"[0-9]+", stext) or int(stext) <= 89:
                raise ItemError(f"age span must be an integer over 89: {stext!r}")
        spans.append({"kind": kind, "text": stext, "start": length, "end": length + len(stext)})
        text_parts.append(stext)
        length += len(stext)
        pos = m.end()
    tail = raw[pos:]
    check_plain(tail)
    tail_txt = unescape(tail)
    text_parts.append(tail_txt)
    text = "".join(text_parts)
    if text != text.strip():
        raise ItemError("item has leading/trailing whitespace")
    for s in spans:
        if text[s["start"] : s["end"]] != s["text"]:
            raise ItemError(f"offset mismatch for {s['text']!r}")
    for a, b in zip(spans, spans[1:]):
        if b["start"] < a["end"]:
            raise ItemError("overlapping spans")
    return {"text": text, "spans": spans}


def build_set(src_name, out_name):
    src = HERE / src_name
    errors = []
    items = []
    seen = {}
    for lineno, line in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("%%") or not line.strip():
            continue
        try:
            obj = parse_item(line.strip())
        except ItemError as e:
            errors.append(f"{src_name}:{lineno}: {e}")
            continue
        key = " ".join(obj["text"].lower().split())
        if key in seen:
            errors.append(f"{src_name}:{lineno}: duplicate of line {seen[key]}")
            continue
        seen[key] = lineno
        items.append(obj)
    if errors:
        for e in errors:
            print(f"ERROR {e}", file=sys.stderr)
        print(
            f"{src_name}: FAILED with {len(errors)} error(s); {out_name} not written",
            file=sys.stderr,
        )
        return False
    data = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in items)
    (HERE / out_name).write_text(data, encoding="utf-8")
    kinds = Counter(s["kind"] for o in items for s in o["spans"])
    clean = sum(1 for o in items if not o["spans"])
    digest = hashlib.sha256(data.encode("utf-8")).hexdigest()
    print(f"== {out_name} (from {src_name})")
    print(
        f"items: {len(items)}  clean: {clean}  with spans: {len(items) - clean}  spans: {sum(kinds.values())}"
    )
    for k in sorted(kinds):
        print(f"  {k}: {kinds[k]}")
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
