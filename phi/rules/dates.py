"""Dates with a day and a month, and ages over 89 (Safe Harbor counts both as dates)."""

from __future__ import annotations

import re

from phi.rules.fragments import AGE, MONTHS, NAME, ORDINAL, SURNAME
from phi.rules.rule import Rule, rule

# Day and month, in any order, with or without a year. A year alone is fine, and a slash
# pair ("3/12", "120/80") is a date only with a year or after "on", "dated", "DOB".
DATES: list[Rule] = [
    rule(
        "date-day-month",
        "date",
        rf"\b{ORDINAL}(?:\s+of\s+|\s+|-|/|\.)?{MONTHS}\b\.?(?:(?:,?\s+|-|/)\d{{2,4}}\b)?",
    ),
    rule("date-month-day", "date", rf"\b{MONTHS}\.?\s+{ORDINAL}\b(?:,?\s+\d{{4}}\b)?"),
    rule(
        "date-iso",
        "date",
        r"\b\d{4}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])\b",
    ),
    rule(
        "date-numeric",
        "date",
        r"(?<![\d/.])(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2]|[12]\d|3[01])[/.-]"
        r"(?:\d{4}|\d{2})(?![\d/])",
    ),
    rule(
        "date-context",
        "date",
        r"\b(?:on|dated|date of birth|DOB|born)\s*:?\s*"
        r"((?:0?[1-9]|[12]\d|3[01])[/.](?:0?[1-9]|1[0-2]))(?![\d/])",
        re.I,
        group=1,
    ),
]

# Ages over 89.
AGES: list[Rule] = [
    rule(
        "age",
        "age",
        r"\b(?:9\d|1[0-2]\d)\s?-?\s?(?:years?|yrs?|y)[\s-]?(?:old|of age)\b"
        r"|\b(?:9\d|1[0-2]\d)\s?(?:yo|y/o|y\.o\.|yr old)\b"
        r"|\b(?:9\d|1[0-2]\d)(?:M|F)\b"
        r"|\bnonagenarian\b|\bcentenarian\b",
        re.I,
    ),
    rule(
        "age-words",
        "age",
        r"\b(?:(?:at|aged?|age of)\s+)(?:ninety|(?:a|one)\s+hundred(?:\s+and)?)"
        r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?\b"
        r"|\b(?:ninety|(?:a|one)[\s-]hundred(?:[\s-]and)?)"
        r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?[\s-]years?[\s-]old\b",
        re.I,
    ),
    rule("age-context", "age", r"\b(?:aged?|age of|ages?)\s*:?\s*(?:9\d|1[0-2]\d)\b", re.I),
    # "Rose, 91, fell"; "Mr Novák, 94, with …": a capitalised word, then the age between commas
    # or before what happened. Lab lists ("Creat 95, Urea 9") have no comma after the name.
    rule(
        "age-after-name",
        "age",
        rf"\b{NAME},\s+({AGE})\b(?=\s*,|\s+(?:with|and|who|"
        r"from|has|had|is|was|lives|living|presented|presenting|fell|on|in)\b)",
        group=1,
    ),
    # "She's 94", "Patient is 97", "Mr Ó Súilleabháin is 93", "who is 90", "mum turned 96".
    rule(
        "age-subject",
        "age",
        r"(?:\b(?i:he|she|patient|pt|who|mum|mother|dad|father|gran|granny|grandma|grandpa|"
        r"grandmother|grandfather|nan|wife|husband|man|woman|lady|gentleman)|"
        # A titled name, not any capitalised word: "Hb was 98" is a haemoglobin.
        rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Mme|Herr|Frau)\.?\s+{SURNAME}(?:\s+{SURNAME})?)"
        r"(?:['\u2019]s|\s+(?:is|was|turned|turns|will be|is now|has just turned))\s+"
        rf"({AGE})\b(?!\s*(?:%|/|\.\d|(?i:mg|ml|kg|mm|cm|bpm|mmol|units?|percent|°)))",
        group=1,
    ),
    rule(
        "age-decade",
        "age",
        r"\bin (?:his|her|their) (?:late |early |mid-)?(?:90s|nineties|100s)\b",
        re.I,
    ),
]
