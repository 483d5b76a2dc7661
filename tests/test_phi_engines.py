"""Rules moved to RE2 for speed must find what Python's engine would: RE2's \\b, \\w and \\s
are ASCII and its case folding differs, so every RE2 rule is run both ways over every
labelled text in bench/ and must give the same spans."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import re2

from phi.screen import RULES

BENCH = Path(__file__).resolve().parent.parent / "bench"
TEXTS = [
    json.loads(line)["text"]
    for path in sorted(BENCH.glob("**/*.jsonl"))
    for line in path.read_text().splitlines()
    if line.strip()
]
ON_RE2 = [rule for rule in RULES if isinstance(rule.pattern, re2._Regexp)]
# Rules written for RE2 alone ("\p{L}") have no Python twin to compare with.
MOVED_TO_RE2 = [rule for rule in ON_RE2 if "\\p{" not in rule.pattern.pattern]


def test_the_costliest_rules_are_on_re2():
    assert {rule.name for rule in MOVED_TO_RE2} >= {"context", "national-context", "date-holiday"}


@pytest.mark.parametrize("rule", MOVED_TO_RE2, ids=lambda rule: rule.name)
def test_an_re2_rule_finds_what_pythons_engine_finds(rule):
    flags = 0 if rule.pattern.options.case_sensitive else re.I
    python = re.compile(rule.pattern.pattern, flags)
    assert len(TEXTS) > 2000
    for text in TEXTS:
        expected = [m.span(rule.group) for m in python.finditer(text)]
        assert [m.span(rule.group) for m in rule.pattern.finditer(text)] == expected, text
