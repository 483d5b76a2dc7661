"""National identity numbers, and record, account, insurance and device numbers."""

from __future__ import annotations

import re

from phi.rules.rule import Rule, rule

# National numbers: SSN, National Insurance, UK driving licence, and any number after the
# name of a national scheme.
NATIONAL_IDS: list[Rule] = [
    rule("ssn", "national_id", r"\b\d{3}-\d{2}-\d{4}\b"),
    rule("nino", "national_id", r"\b[A-Z]{2} \d{2} \d{2} \d{2} [A-D]\b"),
    rule("nino-compact", "national_id", r"\b[A-CEGHJ-PR-TW-Z]{2}\d{6}[A-D]\b"),
    rule("uk-licence", "national_id", r"\b[A-Z9]{5}\d{6}[A-Z9]{2}\d[A-Z]{2}\b"),
    rule(
        "national-context",
        "national_id",
        r"\b(?:NHS|CHI|SSN|social security|national insurance|NI|passport|driving licen[cs]e|"
        r"driver'?s licen[cs]e|PPS|SIN|BSN|Medicare|personnummer|national ID|ID card)"
        r"(?:\s+(?:number|no\.?|num|#|card))?\s*(?:is|was|:|#|=)?\s*"
        r"((?-i:[A-Z]{0,5}\d[\d -]{4,14}\d[A-Z]{0,2}|[A-Z]{1,5}\d{5,}[A-Z]{0,2}))\b",
        re.I,
        group=1,
    ),
]

RECORD_NUMBERS: list[Rule] = [
    # Record, account, insurance and device numbers: after a context word.
    rule(
        "record-context",
        "record_number",
        r"\b(?:MRN|medical record|record|hospital|hosp|unit|chart|patient|pt|account|acct|a/c|"
        r"policy|member|insurance|health plan|plan|claim|billing|invoice|serial|S/N|SN|lot|"
        r"batch|device|implant|pacemaker|UR|URN|CRN|K-?number|vehicle|licen[cs]e plate|"
        r"plate|beneficiary|subscriber|ID|prontu[aá]rio|NHC|historia cl[ií]nica|dossier|"
        r"Fallnummer|cartella)\b"
        r"(?:\s+(?:number|no\.?|num|#|ID|id|code))?\s*(?:is|was|:|#|=|of)?\s*"
        r"([A-Z]{0,4}[-/]?\d[\dA-Z/-]{2,}[\dA-Z]|[A-Z]{1,4}\d{4,}[A-Z]?)\b",
        re.I,
        group=1,
    ),
    # A long bare number is an identifier of some kind in case text (not a dose).
    rule(
        "long-number",
        "record_number",
        r"(?<![\w.,/])\d{7,}(?![\w.,/]|\s?(?:mg|ml|mcg|units|iu)\b)",
        re.I,
    ),
    # Lot, batch and device serials: "0523-ZR-118".
    rule("serial", "record_number", r"\b\d{2,}-[A-Z]{1,4}-\d{2,}\b"),
    # Letters-and-digits codes with six or more digits (K123456, AB1234567).
    rule("code", "record_number", r"\b[A-Z]{1,3}\d{6,}[A-Z]?\b"),
]
