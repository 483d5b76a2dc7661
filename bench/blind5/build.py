#!/usr/bin/env python3
"""Build the blind evaluation sets from the hand-written source files.

Source format: one item per line; lines starting with %% are comments;
blank lines are ignored.  Spans are written inline as [[kind|span text]].
The two characters backslash + n encode a newline; backslash + backslash
encodes a literal backslash; any other backslash escape is an error.

Standard library only.  Exits non-zero and writes nothing for a set that
has any error.
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


def decode(raw):
    out = []
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == "\\":
            nxt = raw[i + 1] if i + 1 < len(raw) else ""
            if nxt == "n":
                out.append("\n")
            elif nxt == "\\":
                out.append("\\")
            else:
                raise MarkupError("bad escape %r" % (c + nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def check_plain(seg):
    for tok in ("[[", "]]", "|"):
        if tok in seg:
            raise MarkupError("stray %r outside a span in %r" % (tok, seg))


def parse(line):
    pieces = []
    spans = []
    pos = 0
    i = 0
    while True:
        j = line.find("[[", i)
        seg = line[i:] if j < 0 else line[i:j]
        check_plain(seg)
        d = decode(seg)
        pieces.append(d)
        pos += len(d)
        if j < 0:
            break
        k = line.find("]]", j + 2)
        if k < 0:
            raise MarkupError("unclosed [[ at column %d" % j)
        inner = line[j + 2 : k]
        if "[[" in inner:
            raise MarkupError("nested or stray [[ inside span %r" % inner)
        if inner.count("|") != 1:
            raise MarkupError("span must contain exactly one |: %r" % inner)
        kind, raw = inner.split("|")
        if kind not in KINDS:
            raise MarkupError("unknown kind %r" % kind)
        st = decode(raw)
        if not st:
            raise MarkupError("empty span of kind %r" % kind)
        if st != st.strip():
            raise MarkupError("whitespace at span edge: %r" % st)
        if "\n" in st or "\r" in st:
            raise MarkupError("newline inside span: %r" % st)
        if "[" in st[-1:] or "]" in st[:1]:
            raise MarkupError("suspicious bracket at span edge: %r" % st)
        if kind == "age":
            if not re.fullmatch(r"[0-9]+", st) or int(st) <= 89:
                raise MarkupError("age span must be an integer over 89: %r" % st)
        spans.append({"kind": kind, "text": st, "start": pos, "end": pos + len(st)})
        pieces.append(st)
        pos += len(st)
        i = k + 2
    text = "".join(pieces)
    if text != text.strip():
        raise MarkupError("item has leading/trailing whitespace")
    if not text:
        raise MarkupError("empty item")
    last = 0
    for s in spans:
        assert text[s["start"] : s["end"]] == s["text"]
        assert s["start"] >= last, "overlap"
        last = s["end"]
    return {"text": text, "spans": spans}


def build(src, dst):
    path = os.path.join(HERE, src)
    errors = []
    items = []
    seen = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("%%"):
                continue
            try:
                obj = parse(line)
            except MarkupError as e:
                errors.append("%s:%d: %s" % (src, lineno, e))
                continue
            if obj["text"] in seen:
                errors.append("%s:%d: duplicate of line %d" % (src, lineno, seen[obj["text"]]))
                continue
            seen[obj["text"]] = lineno
            items.append(obj)
    if errors:
        for e in errors:
            print("ERROR " + e, file=sys.stderr)
        print("%s: %d error(s); %s NOT written" % (src, len(errors), dst), file=sys.stderr)
        return False
    data = "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in items).encode("utf-8")
    out = os.path.join(HERE, dst)
    tmp = out + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, out)
    kinds = Counter(s["kind"] for o in items for s in o["spans"])
    clean = sum(1 for o in items if not o["spans"])
    print("== %s -> %s" % (src, dst))
    print(
        "items: %d  clean: %d (%.1f%%)  with spans: %d  spans: %d"
        % (
            len(items),
            clean,
            100.0 * clean / max(1, len(items)),
            len(items) - clean,
            sum(kinds.values()),
        )
    )
    for k in sorted(kinds):
        print("  %-10s %d" % (k, kinds[k]))
    print("sha256 %s  %s" % (hashlib.sha256(data).hexdigest(), dst))
    return True


def main():
    ok = True
    for src, dst in SETS:
        if not os.path.exists(os.path.join(HERE, src)):
            print("ERROR missing %s" % src, file=sys.stderr)
            ok = False
            continue
        ok = build(src, dst) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
