#!/usr/bin/env python3
"""Build the blind-sets-8 JSONL files from the inline-markup sources.

Source format: one item per line; `[[kind|span text]]` marks a span;
the two characters backslash-n encode a newline; a double backslash encodes
one backslash; lines starting with %% are comments; blank lines are ignored.

Stdlib only.  Exits non-zero if any set fails validation; a failing set's
output file is not written (any stale copy is removed).
"""

import hashlib
import json
import os
import re
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


def unescape_plain(s, where):
    """Unescape a run of plain (non-span) text."""
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            if i + 1 >= len(s):
                raise MarkupError(f"{where}: dangling backslash")
            nxt = s[i + 1]
            if nxt == "n":
                out.append("\n")
            elif nxt == "\\":
                out.append("\\")
            else:
                raise MarkupError(f"{where}: bad escape \\{nxt}")
            i += 2
            continue
        if c == "|":
            raise MarkupError(f"{where}: stray '|' outside a span")
        out.append(c)
        i += 1
    return "".join(out)


def unescape_span(s, where):
    if "\\n" in s:
        raise MarkupError(f"{where}: newline inside span {s!r}")
    out = []
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            if i + 1 < len(s) and s[i + 1] == "\\":
                out.append("\\")
                i += 2
                continue
            raise MarkupError(f"{where}: bad escape in span {s!r}")
        out.append(c)
        i += 1
    return "".join(out)


def parse_line(line, where):
    text_parts = []
    spans = []
    pos = 0  # position in output text
    i = 0
    n = len(line)
    while i < n:
        open_at = line.find("[[", i)
        close_at = line.find("]]", i)
        if close_at != -1 and (open_at == -1 or close_at < open_at):
            raise MarkupError(f"{where}: stray ']]' at col {close_at}")
        if open_at == -1:
            plain = unescape_plain(line[i:], where)
            text_parts.append(plain)
            pos += len(plain)
            break
        plain = unescape_plain(line[i:open_at], where)
        text_parts.append(plain)
        pos += len(plain)
        end = line.find("]]", open_at + 2)
        if end == -1:
            raise MarkupError(f"{where}: unclosed '[[' at col {open_at}")
        inner = line[open_at + 2 : end]
        if "[[" in inner:
            raise MarkupError(f"{where}: nested '[[' at col {open_at}")
        if inner.count("|") != 1:
            raise MarkupError(f"{where}: span needs exactly one '|': {inner!r}")
        kind, raw = inner.split("|", 1)
        if kind not in KINDS:
            raise MarkupError(f"{where}: unknown kind {kind!r}")
        stext = unescape_span(raw, where)
        if not stext:
            raise MarkupError(f"{where}: empty span of kind {kind}")
        if stext != stext.strip():
            raise MarkupError(f"{where}: whitespace at span edge {stext!r}")
        if "\n" in stext or "\r" in stext:
            raise MarkupError(f"{where}: newline inside span {stext!r}")
        if "[" in stext or "]" in stext:
            raise MarkupError(f"{where}: bracket inside span {stext!r}")
        if kind == "age":
            if not re.fullmatch(r"[0-9]+", stext) or int(stext) <= 89:
                raise MarkupError(f"{where}: age span must be an integer over 89: {stext!r}")
        spans.append({"kind": kind, "text": stext, "start": pos, "end": pos + len(stext)})
        text_parts.append(stext)
        pos += len(stext)
        i = end + 2
    text = "".join(text_parts)
    if not text.strip():
        raise MarkupError(f"{where}: empty item")
    if text != text.strip():
        raise MarkupError(f"{where}: leading/trailing whitespace in item")
    # final consistency checks
    last_end = 0
    for sp in spans:
        if text[sp["start"] : sp["end"]] != sp["text"]:
            raise MarkupError(f"{where}: offset mismatch for {sp}")
        if sp["start"] < last_end:
            raise MarkupError(f"{where}: overlapping/out-of-order spans")
        last_end = sp["end"]
    return {"text": text, "spans": spans}


def build_set(src_name, out_name):
    src = os.path.join(HERE, src_name)
    out = os.path.join(HERE, out_name)
    items = []
    errors = []
    seen = {}
    with open(src, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.lstrip().startswith("%%"):
                continue
            where = f"{src_name}:{lineno}"
            try:
                item = parse_line(line.strip(), where)
            except MarkupError as e:
                errors.append(str(e))
                continue
            key = " ".join(item["text"].lower().split())
            if key in seen:
                errors.append(f"{where}: duplicate of line {seen[key]}")
                continue
            seen[key] = lineno
            items.append(item)
    if errors:
        for e in errors:
            print(f"ERROR {e}", file=sys.stderr)
        if os.path.exists(out):
            os.remove(out)
        print(
            f"{src_name}: FAILED with {len(errors)} error(s); {out_name} not written",
            file=sys.stderr,
        )
        return False, None
    payload = "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items)
    data = payload.encode("utf-8")
    tmp = out + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, out)
    digest = hashlib.sha256(data).hexdigest()
    kinds = Counter(sp["kind"] for it in items for sp in it["spans"])
    clean = sum(1 for it in items if not it["spans"])
    total_spans = sum(kinds.values())
    print(f"== {out_name} (from {src_name})")
    print(f"   items: {len(items)}")
    print(f"   clean items: {clean} ({100.0 * clean / len(items):.1f}%)")
    print(f"   items with spans: {len(items) - clean}")
    print(f"   spans total: {total_spans}")
    for k in sorted(kinds):
        print(f"     {k}: {kinds[k]}")
    print(f"   sha256: {digest}")
    return True, {"items": len(items), "clean": clean, "kinds": dict(kinds), "sha256": digest}


def main():
    ok_all = True
    for src_name, out_name in SETS:
        if not os.path.exists(os.path.join(HERE, src_name)):
            print(f"ERROR {src_name} missing", file=sys.stderr)
            ok_all = False
            continue
        ok, _ = build_set(src_name, out_name)
        ok_all = ok_all and ok
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
