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
    # Chile's RUT "12.345.678-5".
    rule("rut", "national_id", r"\b\d{1,2}\.\d{3}\.\d{3}-[\dkK]\b"),
    # Italy's codice fiscale "RSSMRA48T12H501Z"; Denmark's CPR "150699-1234" after its name.
    rule("codice-fiscale", "national_id", r"\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b"),
    rule(
        "cpr",
        "national_id",
        r"\b(?i:CPR|personnummer|personnr)[-.]?(?:nr\.?|no\.?|number)?\s*:?\s*(\d{6}-?\d{4})\b",
        group=1,
    ),
    # Korea's resident registration number, often masked: "680315-2******".
    rule("rrn", "national_id", r"\b\d{6}-[1-4](?:\d{6}|\*{6})(?![\w*])"),
    # Brazil's CPF "412.873.556-20"; Argentina's DNI "38.441.206" after its name.
    rule("cpf", "national_id", r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b"),
    rule(
        "dni-dotted",
        "national_id",
        r"\b(?i:DNI|documento|c[ée]dula|CI)\)?\s*(?:n[°ºo]\.?\s*)?:?\s*(\d{1,2}\.\d{3}\.\d{3})\b",
        group=1,
    ),
    rule(
        "national-context",
        "national_id",
        r"\b(?:NHS|CHI|SSN|social security|national insurance|NI|passport|driving licen[cs]e|"
        r"PPSN?|Aadhaar|PESEL|CPR|NIR|OHIP|RAMQ|EHIC|AHV|NRIC|NHI|UHID|HKID|DNI|NIE|TFN|IHI|"
        r"n°\s?s[ée]cu|s[ée]curit[ée] sociale|INSEE|"
        r"codice fiscale|Versichertennummer|Krankenkassen?(?:karte)?|health card|Medicaid|"
        r"driver'?s licen[cs]e|PPS|SIN|BSN|Medicare|personnummer|national ID|ID card)"
        r"(?:\s+(?:number|no\.?|num|#|card(?:\s+no\.?)?))?\s*(?:is|was|:|#|=)?\s*"
        r"((?-i:[A-Z]{0,5}\d[\d .-]{4,20}\d(?:-?[A-Z]{1,2})?|[A-Z]{1,5}\d{5,}[A-Z]{0,2}|"
        r"[A-Z]{3}\d{4}|[A-Z]{4}\s\d{4}\s\d{4}|[0-9A-Z]{4}-[0-9A-Z]{3}-[0-9A-Z]{4}))\b",
        re.I,
        group=1,
        engine="re2",
    ),
]


def _not_clinical_value(text: str, match: re.Match[str]) -> bool:
    # "A/C 600x12" (ventilator mode and settings), "Plan: 2/52" (two weeks), "Plan 28Fr ICD"
    # (a drain's gauge), "Plan: TTO 28/7" (tablets to take out for 28 days).
    return not re.fullmatch(
        r"\d+[xX\u00d7]\d+(?:/\d+)*|(?:[A-Z]{2,4} )?\d{1,3}/\d{1,3}|\d{1,2}(?:Fr|FR|Ch|G)", text
    )


def _iban(text: str, match: re.Match[str]) -> bool:
    compact = text.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    digits = "".join(str(int(c, 36)) for c in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


def _luhn(text: str, match: re.Match[str]) -> bool:
    digits = [int(c) for c in text if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


RECORD_NUMBERS: list[Rule] = [
    rule(
        "iban",
        "card",
        r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
        keep=_iban,
    ),
    # Card numbers, checked by their Luhn digit; a full stop after one is the sentence's.
    rule(
        "card-context",
        "card",
        r"\b(?:card|visa|mastercard|amex|credit|debit|account)\s*(?:number|no\.?|num|#)?\s*"
        r"(?:is|was|:|#)?\s*((?:\d[ -]?){12,18}\d)(?!\d)",
        re.I,
        group=1,
    ),
    rule("card", "card", r"(?<![\d.-])(?:\d[ -]?){12,18}\d(?!\d)", keep=_luhn),
    # Record, account, insurance and device numbers: after a context word.
    rule(
        "record-context",
        "record_number",
        r"\b(?:MRN|medical record|record|hospital|hosp|unit|chart(?=\s+(?:number|no|#))|"
        r"patient|pt|account|acct|a/c|"
        r"policy|member|insurance|health plan|plan|claim|billing|invoice|serial|S/N|SN|lot|"
        r"batch|device|implant|pacemaker|UR|URN|CRN|K-?number|vehicle|licen[cs]e plate|"
        r"plate|beneficiary|subscriber|ID|prontu[aá]rio|NHC|historia cl[ií]nica|dossier|"
        r"Fallnummer|cartella|ref|reference|lab ref|accession|specimen|case|registry|"
        r"hospital number|sample|report|lab)\b"
        r"(?:\s+(?:number|no\.?|num|#|ID|id|code))?\s*(?:is|was|:|#|=|of)?\s*"
        r"((?-i:[A-Z]{0,4})[-/ ]?\d[\dA-Z/-]{2,20}[\dA-Z]|[A-Z]{1,4}\d{4,}[A-Z]?|"
        r"(?-i:[A-Z]{2,4}) \d{3} \d{4}|(?-i:[A-Z]{2,4})-\d{3,})\b",
        re.I,
        group=1,
        keep=_not_clinical_value,
    ),
    # A long bare number is an identifier of some kind in case text (not a dose).
    rule(
        "long-number",
        "record_number",
        r"(?<![\w.,/])\d{7,}(?![\w/]|[.,]\d|\s?(?:mg|ml|mcg|units|iu)\b)",
        re.I,
    ),
    # Any label's number: "IP No: 45123", "CR no. 2023/045612", "Group No 77213".
    rule(
        "label-number",
        "record_number",
        r"\b(?:[A-Z]{1,5}|[Gg]roup|[Ff]ile|[Ff]older|[Rr]eg(?:istration)?|[Hh]isto(?:logy)?|"
        r"[Pp]ath(?:ology)?|[Ii]ncident)\s+(?:[Nn]o\.?|[Nn]umber|#)\s*:?\s*"
        r"([A-Z]{0,4}[-/ ]?\d[\d/-]{3,20}\d)\b",
        group=1,
    ),
    rule(
        "histology-number",
        "record_number",
        r"\b(?i:histology|histo|path|pathology|cytology|incident|datix|ticket)\s*:?\s+"
        r"([A-Z]{1,4}\d{0,2}-\d{3,}|[A-Z]{1,4}-\d{2}-\d{4,})\b",
        group=1,
    ),
    rule(
        "card-ending",
        "card",
        r"\b(?i:card|visa|mastercard|amex)\s+ending\s+(?:in\s+)?(\d{4})\b",
        group=1,
    ),
    # Policy and claim codes: "BA-7734-29918".
    rule("dashed-code", "record_number", r"\b[A-Z]{2,4}-\d{3,}-\d{3,}\b"),
    # Accession and request codes: "RAD2026-118473", "CT24-00931".
    rule("accession-code", "record_number", r"\b[A-Z]{2,5}\d{2,}-\d{4,}\b"),
    # Lot, batch and device serials: "0523-ZR-118".
    rule("serial", "record_number", r"\b\d{2,}-[A-Z]{1,4}-\d{2,}\b"),
    # Letters-and-digits codes with six or more digits (K123456, AB1234567).
    rule("code", "record_number", r"\b[A-Z]{1,3}\d{6,}[A-Z]?\b"),
]
