"""Recall, precision and cost of the PHI screen (the phi package) on labelled sets.

    .venv/bin/python bench/phi_screen.py [-v] [--no-cost] [SET.jsonl ...]

Each line of a set is {"text": …, "spans": [{"kind": …, "text": …, "start"?: …}]}. Labels:
in-scope identifiers (name, place, address, postcode, date, phone, email, url, ip, id and the
older record_number / national_id / ward_bed, age over 89), `quasi` (a hospital, a rare
occupation…), and `colleague` / `clinician` (a member or a doctor named: not against the
post). Lines with no label at all are ordinary writing.

- An identifier is *blocked* when a finding of level "identifier" overlaps it, *flagged*
  when any finding does (a quasi warning only asks the author). Recall is blocked / labelled.
- Precision counts identifier-level findings: true when they overlap an in-scope label.
- A clean line is flagged when anything at all is found in it (goal: none).
- Cost: a 2,000-character post and the worst of hostile inputs at the form's 20,000-character
  limit, in ms, side by side with a baseline run on the same text in the same process (one
  pass of a word regex: the least any screen of words must pay). Goals ≤ 20 ms and ≤ 200 ms.

Goals on unseen text (issue 19): recall ≥ 0.90, precision ≥ 0.80, no clean line flagged.
The sets: bench/phi_labelled.jsonl and phi_heldout*.jsonl shaped the rules (tuning sets);
bench/blind*/ hold rounds of sets written by someone who had not read the rules, each frozen
before its one measurement (see each folder's README), then tuning sets too. Each folder's
colleagues.txt names the members its writer was given.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "django.conf" not in sys.modules:
    # Run as a script. Imported by the test suite, Django is set up already, and setting
    # SCRUBROOM_DEBUG here would leak into every server process the suite starts later.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrubroom.settings")
    os.environ.setdefault("SCRUBROOM_DEBUG", "1")

import django  # noqa: E402

django.setup()

import phi  # noqa: E402

IN_SCOPE = {
    "name", "place", "address", "postcode", "date", "phone", "email", "url", "ip", "id",
    "age", "record_number", "national_id",
}  # fmt: skip
# Beds and wards are warnings (quasi-identifiers): the older sets label them.
QUASI_LABELS = {"quasi", "ward_bed"}
NEUTRAL = {"colleague", "clinician"}


def colleagues_of(path: Path) -> frozenset[str]:
    """The surnames of the members the set's writer was given (its folder's colleagues.txt)."""
    listed = path.parent / "colleagues.txt"
    if not listed.exists():
        return frozenset()
    return frozenset(listed.read_text().split())


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _labels(item: dict) -> list[tuple[int, int, str]]:
    text = item["text"]
    labelled = []
    for span in item["spans"]:
        start = span["start"] if "start" in span else text.index(span["text"])
        labelled.append((start, start + len(span["text"]), span["kind"]))
    return labelled


def evaluate(
    path: Path, *, colleagues: frozenset[str] = frozenset(), leave_out: tuple[str, ...] = ()
) -> dict:
    blocked: Counter[str] = Counter()
    flagged: Counter[str] = Counter()
    total: Counter[str] = Counter()
    true_findings = false_findings = 0
    clean_flagged = clean_blocked = clean = 0
    quasi_warned = quasi_total = colleagues_blocked = colleagues_total = 0
    misses: list[str] = []
    false_alarms: list[str] = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        text = item["text"]
        if any(seen in text for seen in leave_out):
            continue
        labelled = _labels(item)
        findings = phi.scan(text, colleagues)
        for start, end, kind in labelled:
            hits = [f for f in findings if overlaps((f.start, f.end), (start, end))]
            if kind in QUASI_LABELS:
                quasi_total += 1
                quasi_warned += bool(hits)
                continue
            if kind in NEUTRAL:
                colleagues_total += 1
                colleagues_blocked += any(f.level == phi.IDENTIFIER for f in hits)
                continue
            kind = "id" if kind in ("record_number", "national_id") else kind
            total[kind] += 1
            if any(f.level == phi.IDENTIFIER for f in hits):
                blocked[kind] += 1
            else:
                misses.append(f"{kind}: {text[start:end]!r} in {text!r}")
            flagged[kind] += bool(hits)
        for f in findings:
            if f.level != phi.IDENTIFIER:
                if not labelled:
                    false_alarms.append(f"({f.kind}) {f.text!r} in {text!r}")
                continue
            if any(overlaps((f.start, f.end), (s, e)) for s, e, k in labelled if k in IN_SCOPE):
                true_findings += 1
            else:
                false_findings += 1
                false_alarms.append(f"{f.kind}: {f.text!r} in {text!r}")
        if not labelled:
            clean += 1
            clean_flagged += bool(findings)
            clean_blocked += any(f.level == phi.IDENTIFIER for f in findings)
    names = ("name",)
    return {
        "recall": sum(blocked.values()) / max(1, sum(total.values())),
        "recall_flagged": sum(flagged.values()) / max(1, sum(total.values())),
        "recall_names": sum(blocked[k] for k in names) / max(1, sum(total[k] for k in names)),
        "recall_structured": sum(blocked[k] for k in total if k not in names)
        / max(1, sum(total[k] for k in total if k not in names)),
        "precision": true_findings / max(1, true_findings + false_findings),
        "clean": clean,
        "clean_flagged": clean_flagged,
        "clean_blocked": clean_blocked,
        "quasi": (quasi_warned, quasi_total),
        "colleagues": (colleagues_blocked, colleagues_total),
        "by_kind": {k: (blocked[k], flagged[k], total[k]) for k in sorted(total)},
        "misses": misses,
        "false_alarms": false_alarms,
    }


def report(path: Path, label: str, colleagues: frozenset[str] = frozenset()) -> dict:
    result = evaluate(path, colleagues=colleagues)
    print(f"{label}: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print("  recall by kind (blocked / warned or blocked / labelled):")
    for kind, (hit, any_hit, count) in result["by_kind"].items():
        print(f"    {kind:<14} {hit:>4} / {any_hit:>4} / {count:<4} {hit / count:.3f}")
    warned, quasi_total = result["quasi"]
    wrong, neutral = result["colleagues"]
    print(f"  quasi-identifiers warned: {warned} / {quasi_total}")
    print(f"  colleagues and clinicians blocked: {wrong} / {neutral}")
    print(
        f"  clean lines flagged (anything found): {result['clean_flagged']} / {result['clean']}"
        f" (blocked: {result['clean_blocked']}, only warned: "
        f"{result['clean_flagged'] - result['clean_blocked']})"
    )
    print(
        f"  recall={result['recall']:.3f} (warned or blocked {result['recall_flagged']:.3f}) "
        f"recall_names={result['recall_names']:.3f} "
        f"recall_structured={result['recall_structured']:.3f} "
        f"precision={result['precision']:.3f}"
    )
    if "-v" in sys.argv:
        for line in result["misses"]:
            print("  MISS  ", line)
        for line in result["false_alarms"]:
            print("  FALSE ", line)
    return result


# Hostile inputs: runs that made the old patterns backtrack (each was seconds at 20 kB), and
# runs of what triggers and lists look at.
HOSTILE_UNITS = [
    "a.", "1.", "12.", "www.", "O'", "A", "1", ".", "-", "'", " ", "Mr ", "son ", "É", "a",
    "1 ", "1-", "a-", "A ", "Aa ", "AAA ", "a@", "1/", ":", "0:", "a1", "Mr A", "9", "+1 ",
    "MR ", "lives in ", "from ", "St ", "Hospital ", "John ", "JOHN SMITH ", "1/1", "12/12 ",
    "+41 (0)", "(0)", "GB82 ", "4111 ", "ninety-", "a, ", "A. ", "//a.", "http://", "x@y.",
    "Re: ", "ABC, ", "Ó ", "\u00e9\u00e9 ", "daughter ", "the ", "00000 ", "A-", "-A",
    # The word rules of round 2 to 4: bleeps, lists, beds, streets, counties, ages.
    "bleep ", "bleep 1 ", "1) ", "1) A ", "Bed 1 ", "bed 1 A ", "pt a ", "Co. ", "Rue A ",
    "(0", "- 9", "9, ", "A, A ", "Aa Aa 1y ", "from A ", "in from ", "St A ", "Mac",
    # Round 5 and 6: name fields, comma chains of an address.
    "Name: ", "A, B 1M ", "Leeds, ", "1 Main Street, Leeds, ", "Aa, Bb, ", "Leeds 1234, ",
    "Mrs A. ", "1. A ",
]  # fmt: skip
LIMIT = 20_000


def _median_ms(function, text: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function(text)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _baseline(text: str) -> None:
    for _ in re.finditer(r"\w+", text):
        pass


def hostile_texts() -> list[tuple[str, str]]:
    return [(unit, (unit * (LIMIT // len(unit) + 1))[:LIMIT]) for unit in HOSTILE_UNITS]


def cost(sets: list[Path]) -> dict:
    prose = " ".join(
        json.loads(line)["text"] for path in sets for line in path.read_text().splitlines()
    )
    post = prose[:2000]
    typical = _median_ms(phi.scan, post, 30)
    typical_base = _median_ms(_baseline, post, 30)
    worst = (0.0, "", 0.0)
    for unit, text in hostile_texts():
        spent = _median_ms(phi.scan, text, 3)
        if spent > worst[0]:
            worst = (spent, unit, _median_ms(_baseline, text, 3))
    limit_prose = (prose * (LIMIT // max(1, len(prose)) + 1))[:LIMIT]
    long_post = _median_ms(phi.scan, limit_prose, 3)
    print(
        f"cost: 2,000-character post {typical:.1f} ms (baseline {typical_base:.2f} ms, "
        f"ratio {typical / typical_base:.0f}); 20,000 characters of prose {long_post:.0f} ms; "
        f"worst hostile input at 20,000 characters {worst[0]:.0f} ms ({worst[1]!r} repeated; "
        f"baseline {worst[2]:.1f} ms, ratio {worst[0] / max(worst[2], 0.001):.0f})"
    )
    return {"typical_ms": typical, "worst_ms": worst[0], "worst_unit": worst[1]}


def main() -> int:
    args = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    bench = ROOT / "bench"
    if args:
        sets = [(Path(arg), "labelled set", colleagues_of(Path(arg))) for arg in args]
    else:
        sets = [
            (bench / "phi_labelled.jsonl", "tuning set", frozenset()),
            (bench / "phi_heldout.jsonl", "tuning set", frozenset()),
            (bench / "phi_heldout2.jsonl", "tuning set", frozenset()),
            (bench / "phi_heldout3.jsonl", "tuning set", frozenset()),
        ]
        for path in sorted(bench.glob("blind*/*.jsonl")):
            label = f"blind set, now a tuning set (see bench/{path.parent.name}/README.md)"
            sets.append((path, label, colleagues_of(path)))
    results = [report(path, label, colleagues) for path, label, colleagues in sets]
    for (path, _, _), result in zip(sets, results, strict=True):
        print(
            f"phi_screen: {path.parent.name}/{path.name}: recall={result['recall']:.3f} "
            f"precision={result['precision']:.3f} "
            f"clean flagged={result['clean_flagged']}/{result['clean']} "
            f"(blocked {result['clean_blocked']})"
        )
    seen = bench / "blind" / "seen_examples.json"
    leave_out = tuple(json.loads(seen.read_text())) if seen.exists() else ()
    for path, _, colleagues in sets:
        if path.parent.name == "blind" and leave_out:
            result = evaluate(path, colleagues=colleagues, leave_out=leave_out)
            print(
                f"phi_screen: {path.name} without items holding the issue's examples: "
                f"recall={result['recall']:.3f} precision={result['precision']:.3f} "
                f"clean flagged={result['clean_flagged']}/{result['clean']}"
            )
    if "--no-cost" not in sys.argv:
        cost([path for path, _, _ in sets])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
