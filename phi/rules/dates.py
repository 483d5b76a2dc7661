"""Dates with a day and a month, and ages over 89 (Safe Harbor counts both as dates)."""

from __future__ import annotations

import re

from phi.rules.fragments import (
    AGE,
    DAY,
    FOREIGN_MONTHS,
    MONTHS,
    NAME,
    ORDINAL,
    ORDINAL_WORDS,
    SURNAME,
)
from phi.rules.rule import Rule, rule
from phi.rules.wordtext import COMMON, MEDICAL

# A slash pair with no year ("7/23", "15/3") is a date when one side can only be a day
# (13-31) and the other a month; UK durations are slash pairs too ("3/12" months, "2/52"
# weeks, "5/7" days, "12/24" hours, "33/40" weeks of pregnancy), as are scores ("14/15") and
# counts ("2/18 nodes"), so the words around it must not say it is one of those.
_DURATION_BEFORE = re.compile(
    r"(?i)(?:\b(?:for|x|over|last|past|within|after|in|of|nodes?|score|GCS|power|pain|"
    r"ratio|od|bd|tds|qds|qid|tid|daily|nocte|mane|prn|at|TTO|TTA|supply|course)|[x\u00d7])"
    r"\s*$"  # "TTO 28/7": twenty-eight days of tablets
)


def _not_a_score(text: str, match: re.Match[str]) -> bool:
    # "pain 3/10 at 15:00": a score, then the time it was taken.
    before = match.string[max(0, match.start() - 12) : match.start()]
    return not _SCORE_BEFORE.search(before) and not text.endswith("/10")


_DURATION_AFTER = re.compile(
    r"(?i)^\s*(?:ago|hx|history|post|of|later|course|duration|old|nodes?|lymph|positive|"
    r"negative|cores?|biops(?:y|ies)|patients|pts|cases|segments|LNs?|ribs|hours?|hrs?|"
    r"days?|weeks?|months?|years?|yrs?|pregnant|gestation|weeks?'|mm|cm|mg|%)\b"
)
_SCORE_BEFORE = re.compile(
    r"(?i)\b(?:GCS|power|pain|score|ratio|PS|PSV|PEEP|CPAP|BiPAP|NIV|IPAP|EPAP|SIMV|ASB|"
    r"PC|PCV|VC|PRVC|APRV|BIPAP|HFNO|VAS|NRS|MRC|Oxford|grade|BP)\s*:?\s*$"
)
_CLAMPING = re.compile(r"(?i)\b(?:pringle|intermittent|clamp|clamping|on/off)\b")
_DENOMINATORS = {24, 40, 52, 60}  # hours, weeks of pregnancy, weeks, minutes


def _day_and_month(text: str, match: re.Match[str]) -> bool:
    first, second = (int(part) for part in text.split("/"))
    if second in _DENOMINATORS or (first, second) == (24, 7):  # "24/7" cover
        return False
    one_a_day = (13 <= first <= 31 and 1 <= second <= 12) or (
        1 <= first <= 12 and 13 <= second <= 31
    )
    # Both could be a month: a date when written as one ("06/01", "12/05": nobody writes a
    # score or a duration with a leading zero), or when the first is larger and the second
    # is no duration's unit ("9/3", "11/4": not a score out of 3, not days, not months).
    padded = any(len(part) == 2 and part.startswith("0") for part in text.split("/"))
    both_months = 1 <= first <= 12 and 1 <= second <= 12
    larger_first = first > second and second not in (1, 2, 7, 10, 12)
    if not (one_a_day or (both_months and (padded or larger_first))):
        return False
    whole = match.string
    # "for 14/7" is fourteen days and "for 18/12" eighteen months; "for 7/23" is a date.
    before = whole[max(0, match.start() - 12) : match.start()]
    if second in (7, 12) and _DURATION_BEFORE.search(before):
        return False
    if _SCORE_BEFORE.search(before):
        return False  # "GCS 9/15", "PS 10/5": a score, ventilator pressures
    if _CLAMPING.search(whole[max(0, match.start() - 60) : match.start()]):
        return False  # "Pringle, intermittent 15/5": minutes on and off
    return not _DURATION_AFTER.match(whole[match.end() : match.end() + 14])


_EVENTS = re.compile(
    r"(?i)\b(?:meeting|congress|conference|course|symposium|webinar|deadline|rota|audit|"
    r"published|guidelines?|exams?|interviews?|holiday|leave)\b"
)


def _not_an_event(text: str, match: re.Match[str]) -> bool:
    # "the regional meeting in June" is the author's diary, not the patient's.
    return not _EVENTS.search(match.string[max(0, match.start() - 30) : match.start()])


# Day and month, in any order, with or without a year. A year alone is fine.
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
        # Not ventilator settings: "700X15/5/40%".
        # One separator throughout: "6-8/52" is six to eight weeks.
        r"(?<![\d/.xX\u00d7])(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|1[0-2]|[12]\d|3[01])\1"
        r"(?:\d{4}|\d{2})(?![\d/]|\s?%)",
    ),
    rule(
        "date-slash-pair",
        "date",
        # A full stop, comma or colon after it is the sentence's ("relook 15/1, home 2/2").
        r"(?<![\d/.:,xX\u00d7-])\d{1,2}/\d{1,2}(?![\d/%-]|[.,:]\d)",
        keep=_day_and_month,
    ),
    # "08NOV23", "12-JAN-2024" in pasted headers.
    rule(
        "date-compact",
        "date",
        r"(?i)\b(?:[12]\d|3[01]|0?[1-9])-?(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)-?"
        r"(?:\d{4}|\d{2})\b",
    ),
    # A weekday with a day or a slash pair: "Thursday 19th", "Sat 22nd", "Tue 4/9".
    rule(
        "date-weekday",
        "date",
        r"\b(?i:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(?i:day|sday|nesday|rsday|urday)?\.?"
        r",?\s+(?:the\s+)?(?:(?:[12]\d|3[01]|0?[1-9])(?i:st|nd|rd|th)\b|\d{1,2}/\d{1,2}(?!\d))",
    ),
    # German weekdays before a dotted day and month: "OP-Plan Di. 24.06.".
    rule(
        "date-weekday-dotted",
        "date",
        r"\b(?:Mo|Di|Mi|Do|Fr|Sa|So|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?\s+"
        r"(?:[12]\d|3[01]|0?[1-9])\.(?:0?[1-9]|1[0-2])\.(?:\d{2,4})?(?!\d)",
    ),
    # A day alone after what happens on it: "extubated 3rd", "home 28th", "until 14th".
    rule(
        "date-ordinal-after-event",
        "date",
        r"\b(?i:until|till|since|home|discharged|admitted|extubated|due|booked|planned|mdt|"
        r"clinic|review|op|surgery|appt|appointment|d/c)\s+((?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th))\b"
        r"(?!\s+(?i:day|week|month|year|night|time|attempt|floor|line|dose|cycle|opinion|hour|"
        r"visit|admission|operation|go|try|occasion|centile|percentile|generation|degree|order|"
        r"trimester|stage|pass|place|look|relook|procedure|side|round|case|patient))",
        group=1,
    ),
    # A slash pair followed by a time is a date even when both sides could be a month:
    # "next due 2/4 18:00".
    rule(
        "date-pair-time",
        "date",
        r"(?<![\d/.])(?:0?[1-9]|1[0-2])/(?:0?[1-9]|1[0-2])(?=\s+(?:at\s+)?\d{1,2}[:.]\d{2}\b)",
        keep=_not_a_score,
    ),
    # A month and a year: "in March 2022" (a year alone is fine, a month is not).
    rule(
        "date-month-year",
        "date",
        rf"\b{MONTHS}\.?,?\s+(?:19|20)\d{{2}}\b",
    ),
    # A month alone after a word of time: "MDT in Sept", "since March" ("may" is a verb).
    rule(
        "date-month-context",
        "date",
        r"\b(?i:in|since|from|until|till|by|last|next|early|late|mid|end of|start of|for)\s+"
        r"((?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|June?|July?|Aug(?:ust)?|"
        # "in May" is the month; "in May-Thurner" is a syndrome.
        r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|May(?![-\u2013])))\b\.?",
        group=1,
        keep=_not_an_event,
    ),
    # A month and a year in numbers: "last scoped 08/2022".
    rule("date-month-year-numeric", "date", r"(?<![\d/.])(?:0?[1-9]|1[0-2])/(?:19|20)\d{2}\b"),
    rule(
        "date-holiday",
        "date",
        r"\b(?i:boxing day|christmas (?:day|eve)|xmas (?:day|eve)|new year'?s (?:day|eve)|"
        r"hogmanay|st\.? patrick'?s day|valentine'?s day|halloween|bonfire night|"
        r"thanksgiving|independence day|bastille day|easter (?:sunday|monday)|good friday|"
        r"eid (?:al|ul)-(?:fitr|adha)|yom kippur|rosh hashanah|diwali|deepavali|vaisakhi|"
        r"baisakhi|hanukkah|chanukah|anzac day|waitangi day|australia day|canada day|"
        r"memorial day|labou?r day|chinese new year|lunar new year|heiligabend|pongal|onam|"
        r"guy fawkes night|new yr'?s (?:day|eve)|xmas day|hari raya)\b",
        engine="re2",
    ),
    # A feast on its own after a word of time: "home for Christmas", "over Easter", "before Eid".
    rule(
        "date-feast",
        "date",
        r"\b(?i:over|for|at|before|after|until|till|since|by|on|during|around|across|through)"
        r"\s+(?:the\s+)?"
        r"(Christmas|Xmas|Easter|Eid(?:\s+al-\w+)?|Diwali|Hanukkah|Passover|Ramadan|Thanksgiving|"
        r"Hogmanay|Vaisakhi|Chinese New Year|Lunar New Year|New Year)\b",
        group=1,
        engine="re2",
    ),
    rule(
        "date-cjk",
        "date",
        r"(?:\d{4}\s?年\s?)?\d{1,2}\s?月\s?\d{1,2}\s?日|(?:\d{4}\s?년\s?)?\d{1,2}\s?월\s?\d{1,2}\s?일",
    ),
    # Other languages' months after a day: "3 avril 1972", "12. März 1951", "14 de mayo".
    rule(
        "date-day-foreign-month",
        "date",
        rf"\b{DAY}\.?\s+(?:de\s+)?{FOREIGN_MONTHS}\b(?:\s+(?:de\s+)?\d{{4}}\b)?",
        re.I,
    ),
    # Roman numerals for the month: "14.iii.24", "13-III-2024".
    rule(
        "date-roman-month",
        "date",
        rf"\b{DAY}([.\-/])(?:i{{1,3}}|iv|vi{{0,3}}|ix|xi{{0,2}})\1(?:\d{{4}}|\d{{2}})\b",
        re.I,
    ),
    # A month, a hyphen and a day: "C1 Mar-12, C2 Apr-02".
    rule("date-month-hyphen-day", "date", rf"\b{MONTHS}-(?:0[1-9]|[12]\d|3[01])\b"),
    # Capitals, no year: "ADMITTED 24 DEC", "THEATRE LIST MON 4-MAR".
    rule(
        "date-day-month-caps",
        "date",
        r"\b(?:(?:MON|TUE|TUES|WED|THU|THUR|THURS|FRI|SAT|SUN)\s+)?(?:[12]\d|3[01]|0?[1-9])"
        r"[ \-](?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEPT?|OCT|NOV|DEC)\b",
    ),
    # "your letter of the 3rd inst.", "LMP 28th of last month", "the twenty-third of January".
    rule(
        "date-ordinal-relative",
        "date",
        rf"\b(?:the\s+)?{ORDINAL}\s+(?:inst\b\.?|ult\b\.?|of\s+(?:this|last|next)\s+month)"
        rf"|\b(?:the\s+)?{ORDINAL_WORDS}(?:\s+of)?\s+{MONTHS}\b",
        re.I,
        engine="re2",
    ),
    # "to move her op to the 3rd, she…": the 3rd of a month, not a floor.
    rule(
        "date-ordinal-to",
        "date",
        r"\bto\s+the\s+((?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th))\b(?=\s*(?:[,.;:)!?]|$))",
        re.I,
        group=1,
    ),
    rule(
        "date-ordinal-context",
        "date",
        r"\b(?:on|from|until|till|since|by|before|after|for)\s+the\s+"
        r"((?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th))\b"
        r"(?!\s+(?i:day|week|month|year|night|time|attempt|floor|post|stage|line|dose|cycle|"
        r"look|opinion|trimester|hour|visit|admission|operation|go|try|occasion|run|list|"
        # Anatomy counts with ordinals too: "tissue loss on the 3rd toe".
        r"toe|finger|digit|rib|metatarsal|metacarpal|ray|web|space|intercostal|ventricle|"
        r"molar|premolar|incisor|part|portion|segment|branch|generation|order|degree|layer|"
        r"port|trocar|stitch|suture|arch|division|centile|percentile|cranial|lumbar|sacral|"
        r"thoracic|cervical|vertebra|disc|duodenum|head|pass|loop))",
        re.I,
        group=1,
    ),
    # "Yes it's the 21st, at the University Hospital": a day, when nothing is counted after it.
    rule(
        "date-ordinal-is",
        "date",
        r"\b(?i:it's|it\u2019s|it is|that's|is|was)\s+the\s+"
        r"((?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th))\b(?=\s*(?:[,.;:!?)]|$))",
        group=1,
    ),
    # What is booked, seen or received has a date: "Booked for 5/11", "follow-up 2/9:".
    rule(
        "date-booked",
        "date",
        r"\b(?:booked(?:\s+for)?|scheduled(?:\s+for)?|planned(?:\s+for)?|listed\s+for|flight|"
        r"follow-up|f/u|r/v|reviewed|seen|received|relook|appointment|appt|le|el|il|am|du)"
        r"\s*:?\s+((?:0?[1-9]|[12]\d|3[01])(?:/(?:0?[1-9]|1[01])|\.(?:0[1-9]|1[0-2])))"
        r"(?![\d/%-]|[.,:]\d)"
        r"(?!\s*(?:days?|weeks?|months?|hours?|nodes?)\b)",
        re.I,
        group=1,
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


_VITALS = frozenset(
    ["hr", "sats", "spo2", "sao2", "bp", "rr", "hb", "map", "pulse", "o2", "glucose", "bm", "k",
     "na", "creat", "urea", "egfr", "plt", "wcc", "crp", "temp", "gcs", "score", "weight", "kg"]
)  # fmt: skip


def _not_a_vital_sign(text: str, match: re.Match[str]) -> bool:
    # "Elderly gent (97)" is an age; "sats (97)" is not.
    before = match.string[max(0, match.start() - 12) : match.start()].split()
    return bool(before) and before[-1].lower().strip(":,") not in _VITALS


def _a_persons_name_before(text: str, match: re.Match[str]) -> bool:
    # "Ada Lovell is 92", not "Her Hb was 98": two name-shaped words, neither a word or a lab.
    first, second = match.group(0).split()[:2]
    return (
        len(second) > 2
        and first.lower() not in COMMON
        and second.lower() not in COMMON
        and second.lower() not in MEDICAL
    )


# Ages over 89.
AGES: list[Rule] = [
    rule(
        "age",
        "age",
        r"\b(?:9\d|1[0-2]\d)\s?-?\s?(?:years?|yrs?|y)[\s-]?(?:old|of age)\b"
        r"|\b(?:9\d|1[0-2]\d)\s?(?:yo|y/o|y\.o\.|yr old)\b"
        # "94F", "92M"; but "claudication at 100m" is a distance.
        r"|\b(?:9\d|1[0-2]\d)(?:(?-i:M)|F)\b"
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
        rf"({AGE})\b(?!\s*(?:%|/|\.\d|(?i:mg|ml|kg|mm|cm|bpm|mmol|units?|percent|°|"
        r"min(?:ute)?s?\b|hours?|hrs?|seconds?|secs?|s\b)))",
        group=1,
    ),
    # "Mr Dmitri Volkov, ninety-one, listed…"; "who is a hundred this year".
    rule(
        "age-words-apposition",
        "age",
        r"(?:,\s+|\b(?:is|was|turned|turns)\s+|['\u2019]s\s+)((?:ninety|a hundred|one hundred)"
        r"(?:[\s-](?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine))?)\b"
        r"(?=\s*,|\s+(?:this|last|next|today|years?)\b)",
        re.I,
        group=1,
    ),
    # Bare after a titled name ("MR ADEYEMI 91 NOF"), between commas or dashes ("Boxing Day
    # admission, 96, sigmoid", "Mr Ó Briain — 95, palliative"), "(90 last week", "92y".
    rule(
        "age-after-titled",
        "age",
        r"\b(?i:mr|mrs|ms|miss|mx)\.?\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?,?\s+"
        rf"({AGE})\b(?!\s*(?:%|/|\.\d|(?i:mg|ml|kg|mm|cm|bpm|units?|min)))",
        group=1,
    ),
    rule(
        "age-between-commas",
        "age",
        rf"(?:,|\u2014|\u2013|\s-)\s+({AGE})(?=,\s+[a-zA-Z?])",
        group=1,
    ),
    rule(
        "age-birthday",
        "age",
        rf"\b({AGE})\s+(?:last|this|next)\s+(?:week|month|year|birthday)\b|\b({AGE})\s?y\b(?![/.]\d)",
    ),
    rule(
        "age-full-name",
        "age",
        rf"\b{NAME}\s+{SURNAME}\s+(?:is|was|turned|turns)\s+({AGE})\b"
        r"(?!\s*(?:%|/|\.\d|(?i:mg|ml|kg|mm|cm|bpm|units?|min)))",
        group=1,
        keep=_a_persons_name_before,
    ),
    # "Elderly gent (97)", "Mrs Mahoney (90)", "Lady of 99", "her 90th birthday", and an age
    # opening a sentence: "91, a Hartmann's, we knew going in."
    rule(
        "age-in-brackets",
        "age",
        rf"(?:(?<=[A-Za-z] )|(?<=[A-Z]\. ))\(({AGE})\)",  # "Frail gent (96)", "Mrs D. (96)"
        group=1,
        keep=_not_a_vital_sign,
    ),
    # After a date of birth: "DOB 30.04.1929 (95)".
    rule("age-after-birth-year", "age", rf"(?<=\d\d\d\d)\s?\(({AGE})\)", group=1),
    rule(
        "age-of",
        "age",
        rf"\b(?i:lady|man|woman|gent|gentleman|chap|fellow|patient|pt|grandmother|grandfather)"
        rf"\s+of\s+({AGE})\b(?!\s*(?:%|kg|mm|cm|mg|ml))",
        group=1,
    ),
    rule("age-birthday-ordinal", "age", rf"\b({AGE})(?:st|nd|rd|th)\s+(?i:birthday)\b", group=1),
    rule("age-opening", "age", rf"(?:^|(?<=[.!?]\s))({AGE}),\s+(?=[a-z])", group=1),
    rule(
        "age-decade",
        "age",
        r"\bin (?:his|her|their) (?:late |early |mid-)?(?:90s|nineties|100s)\b",
        re.I,
    ),
]
