#!/usr/bin/env python3
"""Build JSONL evaluation sets from inline-markup sources (stdlib only).

Markup: [[kind|span text]] ; "\\n" (two chars) = newline ; "\\\\" = backslash ;
lines starting with %% are comments ; blank lines ignored.
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


def parse_line(line):
    out = []  # output characters
    spans = []
    i = 0
    n = len(line)
    in_span = False
    kind = None
    span_start = None

    def pos():
        return len(out)

    while i < n:
        c = line[i]
        if line.startswith("[[", i):
            if in_span:
                raise MarkupError("nested '[[' at col %d" % i)
            j = line.find("|", i + 2)
            k = line.find("]]", i + 2)
            if j == -1 or (k != -1 and k < j):
                raise MarkupError("span without '|' at col %d" % i)
            kind = line[i + 2 : j]
            if kind not in KINDS:
                raise MarkupError("unknown kind %r at col %d" % (kind, i))
            in_span = True
            span_start = pos()
            i = j + 1
            continue
        if line.startswith("]]", i):
            if not in_span:
                raise MarkupError("stray ']]' at col %d" % i)
            text = "".join(out[span_start:])
            if not text:
                raise MarkupError("empty span at col %d" % i)
            if text != text.strip():
                raise MarkupError("whitespace at span edge: %r" % text)
            if kind == "age":
                if not text.isdigit() or int(text) <= 89:
                    raise MarkupError("age span not an integer over 89: %r" % text)
            spans.append({"kind": kind, "text": text, "start": span_start, "end": pos()})
            in_span = False
            kind = None
            i += 2
            continue
        if c == "|":
            raise MarkupError("stray '|' at col %d" % i)
        if c == "\\":
            nxt = line[i + 1] if i + 1 < n else ""
            if nxt == "n":
                if in_span:
                    raise MarkupError("newline inside span at col %d" % i)
                out.append("\n")
            elif nxt == "\\":
                out.append("\\")
            else:
                raise MarkupError("bad escape %r at col %d" % ("\\" + nxt, i))
            i += 2
            continue
        if c in "\t\r\n":
            raise MarkupError("raw control character at col %d" % i)
        out.append(c)
        i += 1
    if in_span:
        raise MarkupError("unterminated span")
    text = "".join(out)
    if text != text.strip():
        raise MarkupError("item has leading/trailing whitespace")
    for s in spans:
        assert text[s["start"] : s["end"]] == s["text"]
    return {"text": text, "spans": spans}


def build(src, dst):
    path = os.path.join(HERE, src)
    errors = []
    items = []
    seen = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if line.endswith("\r"):
                line = line[:-1]
            if not line.strip() or line.startswith("%%"):
                continue
            try:
                obj = parse_line(line)
            except MarkupError as e:
                errors.append("%s:%d: %s" % (src, lineno, e))
                continue
            key = obj["text"]
            if key in seen:
                errors.append("%s:%d: duplicate of line %d" % (src, lineno, seen[key]))
                continue
            seen[key] = lineno
            items.append(obj)
    if errors:
        for e in errors:
            print("ERROR " + e, file=sys.stderr)
        print("%s: %d error(s); %s NOT written" % (src, len(errors), dst), file=sys.stderr)
        return False
    out_path = os.path.join(HERE, dst)
    tmp = out_path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for obj in items:
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    os.replace(tmp, out_path)
    kinds = Counter(s["kind"] for o in items for s in o["spans"])
    clean = sum(1 for o in items if not o["spans"])
    with open(out_path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    print("== %s -> %s" % (src, dst))
    print(
        "items: %d  clean: %d (%.1f%%)  spans: %d"
        % (len(items), clean, 100.0 * clean / max(1, len(items)), sum(kinds.values()))
    )
    for k in sorted(kinds):
        print("  %-10s %d" % (k, kinds[k]))
    print("sha256 %s  %s" % (digest, dst))
    return True


def main():
    ok = True
    for src, dst in SETS:
        if not build(src, dst):
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
