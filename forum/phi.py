"""The PHI screen: finds the HIPAA Safe Harbor identifiers that a post's text can carry.

It runs before a case, reply or outcome is saved. It is a net, not a proof: patterns plus
context words, tuned on bench/phi_labelled.jsonl (bench/phi_screen.py prints precision and
recall). Clinical text is full of numbers that look like identifiers (T2N0, POD 3, 5/10,
L4-L5, 3/12, BP 120/80, 40 mg), so each pattern either has a shape clinical notation never
has or needs a context word ("MRN", "ward", "Mr").

Decisions:
- "Dr Surname" is allowed. Members name colleagues ("discussed with Dr Chen"), a clinician's
  name is not a patient identifier under Safe Harbor, and the forum is closed to verified
  professionals. "Mr/Mrs/Ms/Miss Surname" is flagged: in case text it is usually the patient
  (UK surgeons are "Mr" too; the author can justify and send it for review).
- A year alone is fine; a day with a month is a date. "3/12", "2/52" and "5/7" are UK
  durations (months, weeks, days), and "120/80" a blood pressure: a slash pair counts as a
  date only with a year, or after "on" or "dated".
- Ages over 89 are identifiers (Safe Harbor groups them as 90+); "in her 90s" counts too.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

KINDS = {
    "name": _("a personal name"),
    "date": _("a date with day and month (a year alone is fine)"),
    "age": _("an age over 89 (write 90+)"),
    "phone": _("a phone or fax number"),
    "email": _("an email address"),
    "address": _("a street address"),
    "postcode": _("a postcode or ZIP code"),
    "national_id": _("a national identity number (NHS, SSN, NI)"),
    "record_number": _("a record, account, insurance or device number"),
    "url": _("a link to a site outside Scrubroom"),
    "ip": _("an IP address"),
    "ward_bed": _("a ward, bay, bed or room"),
}


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    kind: str
    text: str

    @property
    def reason(self) -> str:
        return str(KINDS[self.kind])

    def as_dict(self) -> dict:
        return asdict(self)


I = re.IGNORECASE  # noqa: E741 (the re module's own short name)

MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
DAY = r"(?:[12]\d|3[01]|0?[1-9])"
ORDINAL = rf"{DAY}(?:st|nd|rd|th)?"
UPPER = r"[A-ZÀ-ÖØ-ÞĀ-Ž]"
LOWER = r"[a-zß-öø-ÿā-ž]"
NAME = rf"{UPPER}{LOWER}+(?:[-']{UPPER}?{LOWER}+)?"
PARTICLE = (
    r"(?:da|de|di|del|della|dos|das|do|du|van|von|der|den|le|la|al|el|bin|ben|ter|"
    r"Ó|Ní|Nic|Mac|Mhic|Uí|Ua)"  # Irish: Seán Ó Ceallaigh, Aoife Ní Chonaill
)
SURNAME = rf"(?:{PARTICLE}\s+)?(?:O'|Mc|Mac|D'|Al-|El-)?{NAME}"
FULL_NAME = rf"{NAME}\s+{SURNAME}"
AGE = r"(?:9\d|1[0-2]\d)"  # over 89: Safe Harbor's limit
CAPS_SURNAME = (
    r"(?:(?:NÍ|NIC|Ó|UÍ|MAC|VAN|VON|DE|DI|DA|DU|LE|LA|AL|EL)\s+)?(?:O'|MC|MAC)?"
    r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'-]{2,}[A-ZÀ-ÖØ-Þ]"
)
RELATIONS = (
    r"(?:son|daughter|mother|father|brother|sister)-in-law|step(?:son|daughter|mother|father)|"
    r"twin(?:\s+(?:brother|sister))?|guardian|grandchild|"
    r"son|daughter|husband|wife|partner|mother|father|brother|sister|relative|nephew|niece|"
    r"grandson|granddaughter|grandmother|grandfather|carer|aunt|uncle|cousin|fianc[ée]e?|"
    r"boyfriend|girlfriend|friend|neighbour|neighbor|mum|dad|spouse|next of kin|NOK"
)
STREET_TYPES = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Close|Way|Court|Ct|Place|Pl|Crescent|"
    r"Terrace|Boulevard|Blvd|Gardens|Grove|Square|Row|Mews|Walk|Parade|Highway|Hwy|Circle|"
    r"Green|View|Rise|Hill|Wharf|Quay|Embankment|Approach|Gate|Wynd|Yard|Park"
)


# Words that follow a context word without being a name ("patient Underwent" never happens,
# but "patient Consent" and the like can start a sentence in bullet lists).
NOT_NAMES = {
    "The",
    "A",
    "An",
    "He",
    "She",
    "They",
    "His",
    "Her",
    "Their",
    "This",
    "That",
    "With",
    "Was",
    "Is",
    "Had",
    "Has",
    "And",
    "Or",
    "But",
    "On",
    "In",
    "At",
    "Of",
    "For",
    "To",
    "Who",
    "Which",
    "Consent",
    "Consented",
    "Declined",
    "Developed",
    "Underwent",
    "Presented",
    "Reported",
    "Denied",
    "Admitted",
    "Discharged",
    "Returned",
    "Remains",
    "Required",
    "Recovered",
    "Died",
    "Doing",
    "Well",
    "Post",
    "Pre",
    "Day",
    "Week",
    "Month",
    "Year",
    "Group",
    "Cohort",
    "Number",
    "Record",
    "Notes",
    "Information",
    "Leaflet",
    "Safety",
    "Ward",
    "Bed",
    "Room",
    "Bay",
    "Side",
    "Theatre",
    "Team",
    "Consultant",
    "Registrar",
    "Surgeon",
    "Nurse",
    "Care",
    "Feedback",
    "Outcome",
    "Outcomes",
    "Education",
    "Positioning",
    "Position",
    "Transfer",
    "Controlled",
    "Analgesia",
    "History",
    "Factors",
    "Selection",
    "Preference",
    "Preferences",
    "Satisfaction",
    "Journey",
    "Pathway",
    # A clinician's title ("Dr Surname is allowed", above) and institutions.
    "Dr",
    "Doctor",
    "Prof",
    "Professor",
    "St",
    "Saint",
    "Hospital",
    "Clinic",
    "Infirmary",
    "University",
    "Royal",
    "General",
    "Centre",
    "Center",
    "Trust",
    "Institute",
    "College",
}
# Capitalised words that start sentences or clauses ("Sadly, her husband…", "Yesterday, 45
# minutes…"): never taken for a lone first name. Words ending in -ly are refused as well.
CLAUSE_OPENERS = {
    "Yesterday",
    "Today",
    "Tonight",
    "Tomorrow",
    "Overnight",
    "Later",
    "Earlier",
    "Now",
    "Then",
    "Also",
    "However",
    "Again",
    "Otherwise",
    "Instead",
    "Afterwards",
    "Meanwhile",
    "Still",
    "Last",
    "Next",
    "First",
    "Second",
    "Third",
    "Finally",
    "Overall",
    "Here",
    "There",
    "So",
    "Yes",
    "No",
    "Thanks",
    "Sorry",
    "Anyway",
    "Postoperatively",
    "Preoperatively",
    "Intraoperatively",
    "Re",
    "Update",
    "Background",
    "Plan",
    "Question",
    "Summary",
    "Patient",
    "Pt",
    "Female",
    "Male",
    "Man",
    "Woman",
    "Lady",
    "Gentleman",
    "Boy",
    "Girl",
    "Mum",
    "Dad",
    "Mother",
    "Father",
    "Son",
    "Daughter",
    "Husband",
    "Wife",
    "Partner",
    "Sister",
    "Brother",
    "Family",
    "Both",
    "Neither",
    "Either",
    "Each",
    "All",
    "Some",
    "Most",
    "Many",
    "Few",
    "Several",
    "Age",
    "Aged",
    # Descriptions that open a presentation: "Frail, 95, …".
    "Frail",
    "Fit",
    "Obese",
    "Elderly",
    "Young",
    "Old",
    "Healthy",
    "Diabetic",
    "Septic",
    "Stable",
    "Unwell",
    "Pregnant",
    "Active",
    "Independent",
    "Smoker",
    "Nulliparous",
    "Multiparous",
    "Primip",
    "Multip",
}
# Eponyms that read like names: procedures, signs, classifications. Checked on names found
# without a title ("Mr Hartmann" is still a name; "Hartmann, his wife…" is rare, "after the
# Ivor Lewis, his wife…" is not).
EPONYMS = {
    "Ivor Lewis",
    "Grey Turner",
    "De Quervain",
    "Von Willebrand",
    "Mallory Weiss",
    "Budd Chiari",
    "Zollinger Ellison",
    "Peutz Jeghers",
    "Mary Joseph",
    "Hinchey",
    "Whipple",
    "Hartmann",
    "Nissen",
    "Lichtenstein",
    "Shouldice",
    "Stoppa",
    "Clavien",
    "Dindo",
    "Pugh",
    "Breslow",
    "Gleason",
    "Bismuth",
    "Strasberg",
    "Kocher",
    "Pringle",
    "Roux",
    "Billroth",
    "Mallampati",
    "Spigelian",
    "Richter",
    "Littre",
    "Amyand",
    "Meckel",
    "Crohn",
    "Hirschsprung",
    "Marjolin",
    "Virchow",
    "Trousseau",
    "Rovsing",
    "Charnley",
    "Fontaine",
    "Dukes",
    "Ranson",
    "Apgar",
    "Glasgow",
    "Boerhaave",
    "Mallory",
    "Weiss",
    "Zenker",
    "Barrett",
    "Hashimoto",
    "Graves",
    "Paget",
    "Bankart",
    "Hill-Sachs",
    "Colles",
    "Smith",
    "Galeazzi",
    "Monteggia",
    "Lisfranc",
    "Weber",
    "Garden",
    "Schatzker",
    "Gustilo",
    "Salter",
    "Harris",
    "Frey",
    "Puestow",
    "Beger",
    "Sugiura",
    "Kasai",
    "Ladd",
    "Swenson",
    "Soave",
    "Duhamel",
    "Altemeier",
    "Delorme",
    "Ripstein",
    "Miles",
    "Ivor",
    "McKeown",
}
GENERIC_WARDS = {
    "Surgical",
    "Medical",
    "General",
    "Acute",
    "Day",
    "Private",
    "Female",
    "Male",
    "Children's",
    "Childrens",
    "Paediatric",
    "Pediatric",
    "Maternity",
    "Orthopaedic",
    "Orthopedic",
    "Trauma",
    "Vascular",
    "Urology",
    "Renal",
    "Cardiac",
    "Stroke",
    "Elderly",
    "Geriatric",
    "Assessment",
    "Admissions",
    "Admission",
    "Short",
    "Long",
    "Recovery",
    "Isolation",
    "Observation",
    "Step-down",
    "Colorectal",
    "Burns",
    "Plastics",
    "Neuro",
    "Oncology",
    "Gynae",
    "Gynaecology",
    "Respiratory",
    "Coronary",
    "Labour",
    "Post-op",
    "Postop",
    "The",
    "A",
    "Same",
    "Emergency",
    "Surgery",
    "Hospital",
    "Receiving",
    "Base",
    "Home",
    "Ward",
    "Open",
    "Closed",
    "Mixed",
    "Adult",
    "Adults",
    "Spinal",
    "Hepatobiliary",
    "Upper",
    "Lower",
    "Busy",
    "Quiet",
    "Covid",
    "Medicine",
    "Outlier",
    "Dirty",
    "Clean",
}


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    pattern: re.Pattern[str]
    group: int = 0


def rule(name: str, kind: str, pattern: str, flags: int = 0, group: int = 0) -> Rule:
    return Rule(name, kind, re.compile(pattern, flags), group)


RULES: list[Rule] = [
    rule("email", "email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    # URLs: with a scheme, starting www., or a bare host with a path (bit.ly/abc).
    rule("url", "url", r"\b(?:https?://|www\.)[^\s<>\"')\]]+", I),
    rule(
        "bare-url",
        "url",
        r"\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|ly|co|uk|us|info|me|gl|gov|edu|ie|de|fr|nl|au|"
        r"ca|in|health|be|tv|app|link|to|it|es|ai)/[^\s<>\"')\]]*",
        I,
    ),
    # Not a numbered section or version ("section 4.2.1.3", "v2.1.0.4"), which has the shape.
    rule(
        "ipv4",
        "ip",
        r"(?<!§)(?<!§ )(?<![vV])(?<!(?i:section) )(?<!(?i:chapter) )(?<!(?i:version) )"
        r"(?<!(?i:para) )"
        r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b",
    ),
    # Candidates only; _keep asks the ipaddress module (times like 10:30:45 are not IPv6).
    rule("ipv6", "ip", r"(?<![\w:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])", I),
    # National numbers: SSN, National Insurance, UK driving licence, and any number after
    # the name of a national scheme.
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
        I,
        group=1,
    ),
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
        I,
        group=1,
    ),
    # A long bare number is an identifier of some kind in case text (not a dose).
    rule(
        "long-number",
        "record_number",
        r"(?<![\w.,/])\d{7,}(?![\w.,/]|\s?(?:mg|ml|mcg|units|iu)\b)",
        I,
    ),
    # Letters-and-digits codes with six or more digits (K123456, AB1234567).
    # Lot, batch and device serials: "0523-ZR-118".
    rule("serial", "record_number", r"\b\d{2,}-[A-Z]{1,4}-\d{2,}\b"),
    rule("code", "record_number", r"\b[A-Z]{1,3}\d{6,}[A-Z]?\b"),
    # Phone and fax numbers.
    rule(
        "phone",
        "phone",
        r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?"
        r"\d{2,5}[\s.-]\d{3,4}[\s.-]?\d{3,4}(?![\w-])",
    ),
    # A local number with a word that says so: "on 555-0142", "ext. 4412" is caught above.
    rule(
        "phone-local",
        "phone",
        r"\b(?:on|number|no\.?|#)\s+(\d{3}[\s-]\d{4})\b(?!\s*(?:mg|mcg|ml|mL|units?|iu|IU|g|kg|%|mm|cm))",
        group=1,
    ),
    rule("phone-international", "phone", r"(?<![\w+])\+\d{1,3}[\s.-]?\d[\d\s.-]{7,14}\d\b"),
    rule("phone-us", "phone", r"(?<![\w-])\(\d{3}\)\s?\d{3}-\d{4}\b"),
    rule("phone-compact", "phone", r"(?<![\w+])0\d{9,10}\b"),
    rule(
        "phone-context",
        "phone",
        r"\b(?:tel|telephone|phone|mobile|mob|cell|fax|ext|bleep|pager|call|ring|text|"
        r"WhatsApp)(?:ed|ing)?\b[^.\d\n]{0,25}?(\+?\d[\d\s().-]{5,}\d)",
        I,
        group=1,
    ),
    # Dates: day and month, in any order, with or without a year.
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
        I,
        group=1,
    ),
    # Ages over 89.
    rule(
        "age",
        "age",
        r"\b(?:9\d|1[0-2]\d)\s?-?\s?(?:years?|yrs?|y)[\s-]?(?:old|of age)\b"
        r"|\b(?:9\d|1[0-2]\d)\s?(?:yo|y/o|y\.o\.|yr old)\b"
        r"|\b(?:9\d|1[0-2]\d)(?:M|F)\b"
        r"|\bnonagenarian\b|\bcentenarian\b",
        I,
    ),
    rule(
        "age-words",
        "age",
        r"\b(?:(?:at|aged?|age of)\s+)(?:ninety|(?:a|one)\s+hundred(?:\s+and)?)"
        r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?\b"
        r"|\b(?:ninety|(?:a|one)[\s-]hundred(?:[\s-]and)?)"
        r"(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?[\s-]years?[\s-]old\b",
        I,
    ),
    rule("age-context", "age", r"\b(?:aged?|age of|ages?)\s*:?\s*(?:9\d|1[0-2]\d)\b", I),
    # "Rose, 91, fell"; "Mr Novák, 94, with …": a capitalised word, then the age between commas
    # or before what happened. Lab lists ("Creat 95, Urea 9") have no comma after the name.
    rule(
        "age-after-name",
        "age",
        rf"\b{UPPER}{LOWER}+(?:[-']{UPPER}?{LOWER}+)?,\s+({AGE})\b(?=\s*,|\s+(?:with|and|who|"
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
        I,
    ),
    # Postcodes (UK) and ZIP codes (with a state, a street, or the word ZIP).
    rule(
        "uk-postcode",
        "postcode",
        r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2})\b",
    ),
    rule(
        "postcode-context",
        "postcode",
        r"\b(?:ZIP|zip code|zipcode|postcode|post code)\s*:?\s*"
        r"((?-i:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}))\b",
        I,
        group=1,
    ),
    rule("zip-plus-four", "postcode", r"\b\d{5}-\d{4}\b"),
    # Irish Eircodes ("D05 K2N3") and Canadian codes ("K1A 0B1"): shapes clinical shorthand
    # lacks (TNM is written without the space: T1N0M0).
    rule(
        "eircode",
        "postcode",
        r"\b(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s(?=[0-9AC-FHKNPRTV-Y]{0,3}[AC-FHKNPRTV-Y])"
        r"(?=[0-9AC-FHKNPRTV-Y]{0,3}\d)[0-9AC-FHKNPRTV-Y]{4}\b",
    ),
    rule("canadian-postcode", "postcode", r"\b[A-CEGHJ-NPR-TVXY]\d[A-Z]\s\d[A-Z]\d\b"),
    # Continental codes before a town at the end of an address: "…, 69003 Lyon",
    # "…, 80-831 Gdańsk", "…, 1012 AB Amsterdam".
    rule(
        "postcode-town",
        "postcode",
        rf",\s*(\d{{5}}|\d{{2}}-\d{{3}}|\d{{4}}\s?[A-Z]{{2}}|\d{{4}})\s+{UPPER}{LOWER}+",
        group=1,
    ),
    rule(
        "zip-context",
        "postcode",
        r"\b(?:zip|zip code|zipcode|postcode|post code|postal code|PLZ|CEP|PIN code)\b"
        r"[\s,:]*(?:is\s+|was\s+)?(\d{4,6}|\d{5}-\d{3})\b",
        I,
        group=1,
    ),
    rule("zip-state", "postcode", r"\b[A-Z]{2},?\s+(\d{5}(?:-\d{4})?)\b", group=1),
    rule(
        "zip-street",
        "postcode",
        rf"\b(?:{STREET_TYPES})\.?,\s*(?:[A-Z][a-z]+,?\s+)?(\d{{5}}(?:-\d{{4}})?)\b",
        group=1,
    ),
    # Street addresses.
    rule(
        "street",
        "address",
        r"\b(?:(?:Flat|Apt\.?|Apartment|Unit|Suite)\s+\d+[A-Z]?,?\s+)?\d{1,5}[A-Za-z]?,?\s+"
        rf"(?:[A-Z][a-z'-]+\s+){{1,3}}(?:{STREET_TYPES})\b\.?",
    ),
    rule(
        "street-romance",
        "address",
        r"\b\d{1,4},?\s+(?:Rue|Via|Calle|Avenida|Strada|Piazza|Plaza|Boulevard)"
        r"(?:\s+(?:de|del|della|des|du|la|le|di|das|do))*(?:\s+[A-Z][\w'-]+){1,3}",
    ),
    rule(
        "street-germanic",
        "address",
        r"\b(?:[A-Z][a-z]+\s+){0,2}[A-Z][a-z]+(?:straße|strasse|str\.|gasse|weg|laan|gade|vej)"
        r"\s+\d{1,4}[a-z]?\b",
    ),
    rule(
        "flat",
        "address",
        r"\b(?:Flat|Apt\.?|Apartment)\s+\d+[A-Z]?\b"
        r"(?:,?\s+[A-Z][a-z]+\s+(?:House|Court|Tower|Building))?",
    ),
    rule(
        "lives-at",
        "address",
        r"\b(?:lives|living|resides|residing|address(?: is)?|home is)\s+(?:at|in|on)?\s*"
        r"((?:\d{1,5}[A-Z]?\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){1,3})",
        group=1,
    ),
    # Wards, bays, beds, rooms. "Theatre 3" is a place everyone has; not flagged.
    rule(
        "ward-number",
        "ward_bed",
        r"\b(?:(?:ICU|ITU|HDU|CCU|NICU|PICU|SDU|AMU|SAU|MAU|CDU|ED)\s+)?"
        r"(?:ward|bay|bed|room|rm\.?|cubicle|side[- ]room|cot|resus bay|zimmer|chambre|"
        r"habitaci[oó]n|quarto|leito|stanza|sala)\s*"
        r"(?:no\.?\s*|number\s*|#\s*)?\d{1,4}[A-Z]?\b"
        r"(?:,?\s+(?:bed|bay|room|bett|lit|cama|letto)\s*(?:\d{1,3}[A-Z]?|[A-H])\b)?",
        I,
    ),
    rule("number-ward", "ward_bed", r"\b\d{1,2}[A-Z]?\s+[Ww]ard\b"),
    rule("ward-letter", "ward_bed", r"\b[Ww]ard\s+[A-Z]\d?\b(?![a-z])"),
    rule("station", "ward_bed", r"\b(?:Station|Stn)\s+\d{1,2}[A-Z]\b"),
    rule(
        "named-ward",
        "ward_bed",
        rf"\b({NAME}(?:\s+{NAME})?)\s+(?:Ward|ward|Unit|Wing)\b",
    ),
    # Names: a title that means a patient or relative here, or a context word before a name.
    rule(
        "title",
        "name",
        rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Master|Mme|Mlle|Sr|Sra|Herr|Frau)\.?\s+(?:[A-Z]\.\s*)?"
        rf"{SURNAME}(?:\s+{SURNAME})?",
    ),
    rule(
        "context",
        "name",
        rf"\b(?i:patient|pt\.?|named|called|name is|name was|name|known as|{RELATIONS}|baby|"
        r"infant|little|boy|girl|gentleman|lady|man|woman|n[ée]e)"
        rf"[,:]?\s+\(?((?:[A-Z]\.\s?)?{NAME}(?:\s+(?:[A-Z]\.\s?)?{SURNAME})?)",
        group=1,
    ),
    # "Gurpreet Singh, the patient's brother"; "Siobhan Byrne, 52,"; "Giovanni Rossi (MRN …)";
    # a lone first name in the same places ("Anya, his twin sister, …"; "Tomasz, 34, …").
    rule(
        "name-relation",
        "name",
        rf"\b({FULL_NAME}|{NAME}),?\s+(?:the\s+)?(?:patient's|his|her|their)\s+"
        rf"(?:{RELATIONS})\b",
        group=1,
    ),
    rule(
        "name-age",
        "name",
        rf"\b({FULL_NAME}),\s+(?:aged?\s+)?\d{{1,3}}(?:\s*(?:weeks?|months?|days?|years?)"
        r"\s+old)?\b",
        group=1,
    ),
    rule(
        "first-name-age",
        "name",
        rf"\b({NAME}),\s+\d{{1,3}}\s*(?:,|(?:y/?o|yrs?|years?(?:\s+old)?)\b)",
        group=1,
    ),
    # "Aoife Brennan's husband"; "Kasia's mum".
    rule(
        "name-possessive-relation",
        "name",
        rf"\b({FULL_NAME}|{NAME})['\u2019]s\s+(?:\w+\s+)?(?:{RELATIONS})\b",
        group=1,
    ),
    # A full name as the subject of what happened to them: "Tunde Bakare had his …".
    rule(
        "name-subject",
        "name",
        rf"\b({FULL_NAME})\s+(?:had|has|was|is|underwent|presented|came|went|developed|"
        r"needed|needs|wants|asked|said|told)\s+(?:her|his|their|with|back|in|to)\b",
        group=1,
    ),
    # "Alhaji Musa Danjuma's MRN", "Aoife Ní Chonaill's CT": two or three capitalised words
    # with a possessive are a person (eponyms are one word, and are refused anyway).
    rule(
        "name-possessive",
        "name",
        rf"\b({FULL_NAME}(?:\s+{SURNAME})?)['\u2019]s\s",
        group=1,
    ),
    # Events only a person has: "Josephine Mwangi underwent …", "… was born 29/02/1948".
    rule(
        "name-event",
        "name",
        rf"\b({FULL_NAME})\s+(?:underwent|was admitted|was transferred|was born|was referred|"
        r"died|passed away|re-presented|was reviewed|was seen|was discharged|was consented)\b",
        group=1,
    ),
    # Seeing someone: "I reviewed Siobhán Ní Bhriain on the ward".
    rule(
        "name-object",
        "name",
        r"\b(?:reviewed|saw|examined|operated on|admitted|discharged|consented|clerked|"
        rf"rang|phoned|called|visited|treated|referred|transferred)\s+({FULL_NAME})\b",
        group=1,
    ),
    # Pasted headers: "ANDERSSON, Karin — MRN …".
    rule(
        "caps-surname-firstname",
        "name",
        rf"\b({CAPS_SURNAME},\s+{NAME})\b(?=\s*(?:[\u2014\u2013(,-]|$|(?i:DOB|MRN|NHS|born|aged?)\b))",
        group=1,
    ),
    # Letter headers and clinic lists: "Re: OKONKWO T (71)", "BRENNAN A, 58".
    rule(
        "caps-surname-initial",
        "name",
        rf"\b({CAPS_SURNAME},?\s+[A-Z]{{1,2}})\b(?=\s*(?:\(\d|,\s*\d)|$)",
        group=1,
    ),
    # After "Re:" the header is a name whatever follows: "Re: BALOGUN A (DOB …)".
    rule(
        "re-header",
        "name",
        rf"\bRe:\s*({CAPS_SURNAME},?\s+(?:[A-Z]{{1,2}}\b|{NAME}))",
        group=1,
    ),
    rule(
        "name-identifier",
        "name",
        rf"\b({FULL_NAME})\s+\((?i:hospital|MRN|NHS|DOB|aged?|born|record|d\.o\.b)",
        group=1,
    ),
    # Initial-and-surname ("J. Doe").
    rule("initial", "name", rf"\b[A-Z]\.\s?{SURNAME}\b(?=[\s,.;:)]|$)"),
]

_OWN_HOSTS: set[str] = set()


def _own_hosts() -> set[str]:
    if not _OWN_HOSTS:
        from django.conf import settings

        _OWN_HOSTS.update(host.lstrip(".").lower() for host in settings.ALLOWED_HOSTS)
    return _OWN_HOSTS


def _keep(rule: Rule, text: str, match: re.Match[str]) -> bool:
    """Second thoughts on a match that the pattern alone cannot rule out."""
    if rule.kind == "url":
        host = urlsplit(text if "://" in text else f"http://{text}").hostname or ""
        return host.lower() not in _own_hosts()
    if rule.name == "ipv6":
        try:
            ipaddress.IPv6Address(text)
        except ValueError:
            return False
        return True
    if rule.name == "context" and match.group(0).startswith("Sister"):
        return False  # a ward sister: a nursing colleague's title, not a relative
    if rule.name in UNTITLED_NAME_RULES:
        words = text.replace(".", " ").split()
        if any(word in NOT_NAMES for word in words) or _is_eponym(text):
            return False
        if len(words) == 1:
            return words[0] not in CLAUSE_OPENERS and not words[0].endswith("ly")
        return True
    if rule.name == "initial":
        return not _is_initialism(text)
    if rule.name == "named-ward":
        return text.split()[0] not in GENERIC_WARDS
    if rule.kind == "phone":
        digits = sum(character.isdigit() for character in text)
        # Blood pressures, ranges and sizes have fewer digits than any phone number; a
        # local number after "call" or "phone" may have seven.
        return digits >= (7 if rule.name in {"phone-context", "phone-local"} else 9) and not (
            _looks_clinical_range(text)
        )
    return True


UNTITLED_NAME_RULES = {
    "context",
    "name-relation",
    "name-age",
    "first-name-age",
    "name-possessive-relation",
    "name-subject",
    "name-identifier",
    "name-possessive",
    "name-event",
    "name-object",
}


def _is_eponym(text: str) -> bool:
    return text in EPONYMS or any(
        part in EPONYMS for part in re.split(r"[\s-]+", text.replace("\u2019", "'").split("'")[0])
    )


def _is_initialism(text: str) -> bool:
    # "E. coli", "S. aureus" and the like are organisms, not people.
    return text.split(".", 1)[1].strip()[:1].islower()


def _looks_clinical_range(text: str) -> bool:
    parts = re.split(r"[\s.-]+", text.strip())
    return len(parts) == 2 and all(len(part) <= 3 for part in parts)


def _raw_matches(text: str) -> Iterator[Finding]:
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            start, end = match.span(rule.group)
            if start < 0 or end <= start:
                continue
            value = text[start:end].rstrip(".,;:")
            end = start + len(value)
            if value and _keep(rule, value, match):
                yield Finding(start, end, rule.kind, value)


# When two findings overlap, the more specific kind names the reason.
PRIORITY = [
    "email",
    "url",
    "ip",
    "national_id",
    "date",
    "postcode",
    "phone",
    "record_number",
    "age",
    "address",
    "ward_bed",
    "name",
]


def scan(text: str) -> list[Finding]:
    """Findings in `text`, in order, without overlaps."""
    candidates = sorted(
        _raw_matches(text), key=lambda f: (PRIORITY.index(f.kind), -(f.end - f.start), f.start)
    )
    chosen: list[Finding] = []
    for finding in candidates:
        if all(finding.end <= kept.start or finding.start >= kept.end for kept in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def scan_fields(fields: dict[str, str]) -> dict[str, list[Finding]]:
    """Findings per named text field, leaving out fields with none."""
    found = {name: scan(value or "") for name, value in fields.items()}
    return {name: findings for name, findings in found.items() if findings}


def highlight(text: str, findings: Iterable[Finding]) -> list[tuple[str, Finding | None]]:
    """`text` cut into (piece, finding-or-None), for templates to mark up safely."""
    pieces: list[tuple[str, Finding | None]] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start > position:
            pieces.append((text[position : finding.start], None))
        pieces.append((text[finding.start : finding.end], finding))
        position = finding.end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces
