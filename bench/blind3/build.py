#!/usr/bin/env python3
"""Build labelled JSONL sets from inline-marked source files.

Source format: one item per line. Literal backslash-n (\\n) inside a line is a
newline in the item. Spans are written [[kind:text]]. Blank lines are ignored.
Any malformed markup, unknown kind, empty/space-padded span, newline inside a
span, stray bracket pair or wrong item count stops the build with an error.
"""

import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent

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
    "ward_bed",
    "quasi",
    "colleague",
    "clinician",
}

# Forum members: their names must only ever appear inside colleague spans.
MEMBER_TOKENS = [
    "Raghunathan",
    "O'Sullivan",
    "Tanabe",
    "Bello",
    "Kowalska",
    "Dahl",
    "Haddad",
    "Rojas",
    "Priya",
    "Declan",
    "Yuki",
    "Olusegun",
    "Marta",
    "Henrik",
    "Layla",
    "Sebastián",
    "Sebastian",
]

JOBS = [
    ("source_surgical.txt", "surgical_discussion.jsonl", 250),
    ("source_notes.txt", "clinical_notes.jsonl", 200),
]

SPAN_RE = re.compile(r"\[\[([a-z_]+):(.*?)\]\]")


class BuildError(Exception):
    pass


def parse_line(raw, where):
    line = raw.replace("\\n", "\n")
    out = []
    spans = []
    pos = 0
    for m in SPAN_RE.finditer(line):
        kind, stext = m.group(1), m.group(2)
        if kind not in KINDS:
            raise BuildError(f"{where}: unknown kind {kind!r}")
        if not stext:
            raise BuildError(f"{where}: empty span of kind {kind}")
        if stext != stext.strip():
            raise BuildError(f"{where}: span has outer whitespace: {stext!r}")
        if "\n" in stext:
            raise BuildError(f"{where}: newline inside span {stext!r}")
        if "[[" in stext or "]]" in stext or "[" in stext[:1]:
            raise BuildError(f"{where}: nested/garbled markup in {stext!r}")
        out.append(line[pos : m.start()])
        start = sum(len(s) for s in out)
        out.append(stext)
        spans.append({"kind": kind, "text": stext, "start": start, "end": start + len(stext)})
        pos = m.end()
    out.append(line[pos:])
    text = "".join(out)
    if "[[" in text or "]]" in text:
        raise BuildError(f"{where}: stray [[ or ]] left in text")
    if text != text.strip():
        raise BuildError(f"{where}: item has leading/trailing whitespace")
    # verify offsets, ordering, non-overlap
    last_end = 0
    for sp in spans:
        if text[sp["start"] : sp["end"]] != sp["text"]:
            raise BuildError(f"{where}: offset mismatch for {sp}")
        if sp["start"] < last_end:
            raise BuildError(f"{where}: overlapping spans")
        last_end = sp["end"]
    # member names must be inside colleague spans
    covered = [False] * len(text)
    for sp in spans:
        for i in range(sp["start"], sp["end"]):
            covered[i] = True
    for tok in MEMBER_TOKENS:
        for m in re.finditer(r"(?<!\w)" + re.escape(tok) + r"(?!\w)", text):
            inside = [sp for sp in spans if sp["start"] <= m.start() and m.end() <= sp["end"]]
            if not inside or inside[0]["kind"] not in ("colleague", "email", "url"):
                raise BuildError(f"{where}: member token {tok!r} not in a colleague span")
    for sp in spans:
        if sp["kind"] == "colleague" and not any(
            re.search(r"(?<!\w)" + re.escape(t) + r"(?!\w)", sp["text"])
            for t in [*MEMBER_TOKENS, "Seb"]
        ):
            raise BuildError(f"{where}: colleague span names no member: {sp['text']!r}")
    return {"text": text, "spans": spans}


def build(src_name, out_name, expected):
    src = HERE / src_name
    items = []
    seen = {}
    for n, raw in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        where = f"{src_name}:{n}"
        item = parse_line(raw.rstrip("\r"), where)
        if item["text"] in seen:
            raise BuildError(f"{where}: duplicate of line {seen[item['text']]}")
        seen[item["text"]] = n
        items.append(item)
    if len(items) != expected:
        raise BuildError(f"{src_name}: {len(items)} items, expected {expected}")
    out = HERE / out_name
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        for it in items:
            fh.write(json.dumps(it, ensure_ascii=False) + "\n")
    # re-read and re-verify what was written
    for i, line in enumerate(out.read_text(encoding="utf-8").splitlines(), 1):
        obj = json.loads(line)
        for sp in obj["spans"]:
            assert obj["text"][sp["start"] : sp["end"]] == sp["text"], (out_name, i)
            assert sp["kind"] in KINDS
    counts = Counter(sp["kind"] for it in items for sp in it["spans"])
    clean = sum(1 for it in items if not it["spans"])
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    lens = sorted(len(it["text"]) for it in items)
    print(f"== {out_name}: {len(items)} items")
    print(f"   items with no span: {clean} ({100 * clean / len(items):.1f}%)")
    print(f"   total spans: {sum(counts.values())}")
    for k in sorted(KINDS):
        print(f"   {k:10s} {counts.get(k, 0)}")
    print(f"   text length min/median/max: {lens[0]}/{lens[len(lens) // 2]}/{lens[-1]}")
    print(f"   sha256 {digest}")
    return digest


def main():
    try:
        for src, out, n in JOBS:
            build(src, out, n)
    except BuildError as e:
        print(f"BUILD FAILED: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
