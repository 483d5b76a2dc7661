"""Where someone lives or lies: postcodes and ZIP codes, street addresses, wards and beds."""

from __future__ import annotations

import re

from phi.rules.fragments import LOWER, NAME, STREET_TYPES, UPPER
from phi.rules.rule import Rule, rule
from phi.rules.wordtext import (
    CLASSIFICATION_PLACES,
    COMMON,
    ENGLISH,
    EPONYMS,
    FUNCTION_WORDS,
    MEDICAL,
    PLACES,
    REGIONS,
    is_place,
)
from phi.wordlists import load

# Postcodes (UK) and ZIP codes (with a state, a street, or the word ZIP).
POSTCODES: list[Rule] = [
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
        re.I,
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
        r"\b(?:zip|zip code|zipcode|postcode|post code|postal code|PLZ|CEP|PIN code|PSČ|"
        r"〒)(?:\b|(?<=〒))"
        r"[\s,:(]*(?:is\s+|was\s+|as\s+)?(\d{4,6}|\d{5}-\d{3}|\d{3}-\d{4}|\d{3} \d{2})\b",
        re.I,
        group=1,
    ),
    # A US state before a ZIP ("IV 25000 units" of heparin is not one).
    rule(
        "zip-state",
        "postcode",
        r"\b(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|"
        r"PA|RI|S[CD]|T[NX]|UT|V[AT]|W[AIVY]),?\s+\(?(\d{5}(?:-\d{4})?)\b"
        r"(?!\s*(?i:units?|iu|u\b|mg|mcg|ml))",
        group=1,
    ),
    # Australian states: "Fitzroy VIC 3065".
    rule("au-postcode", "postcode", r"\b(?:VIC|NSW|QLD|WA|SA|TAS|ACT|NT)\s+(\d{4})\b", group=1),
    rule(
        "zip-street",
        "postcode",
        rf"\b(?:{STREET_TYPES})\.?,\s*(?:[A-Z][a-z]+,?\s+)?(\d{{5}}(?:-\d{{4}})?)\b",
        group=1,
        engine="re2",
    ),
]

# Words that stand before a code in forms and letters, not towns.
_LABELS = frozenset(
    [
        "postcode",
        "zip",
        "zipcode",
        "cpt",
        "dob",
        "mrn",
        "nhs",
        "ssn",
        "code",
        "ref",
        "no",
        "number",
        "tel",
        "fax",
        "phone",
        "box",
        "po",
        "eircode",
        "plz",
        "cep",
        "pin",
    ]
)


def _town_word(text: str, match: re.Match[str]) -> bool:
    """A town, not a label ("ZIP", "MRN", "DOB") or a drug ("Heparin IV 25000 units")."""
    key = text.lower()
    if key in _LABELS or any(w in MEDICAL or w in FUNCTION_WORDS for w in key.split()):
        return False  # "Echelon 3000": a stapler; "The 1992 version"
    if key in CLASSIFICATION_PLACES and _YEAR.fullmatch(
        match.string[match.end(1) : match.end()].strip(" ,")
    ):
        return False  # "the Tokyo 2018 grading": guidelines and their year
    after = match.string[match.end(1) : match.end()].strip(" ,")
    if key in CLASSIFICATION_PLACES and after and " " not in after:
        return False  # "Crohn's (Montreal A2L3B2)": a classification, not a postcode
    code = match.string[match.end(1) : match.end()]
    if key in COMMON and not any(c.isalpha() for c in code):
        return False  # "Page 1123": a pager, not Page, Arizona
    if key in PLACES:
        return key not in REGIONS
    parts = key.split()
    uk_code = bool(_UK_CODE.fullmatch(code.strip(" ,")))
    if (
        len(parts) == 2
        and uk_code
        and text.istitle()
        and parts[0] not in ENGLISH
        and parts[1] not in _STREET_WORDS
        and not any(w in MEDICAL or w in REGIONS for w in parts)
    ):
        return True  # "Hebden Bridge HX7 8AE": a town of two words, one of them English
    if any(w in COMMON or w in MEDICAL or w in REGIONS for w in parts):
        return False
    # Not in the list: only a Title-case word before a postcode that can't be a number, or
    # before an Australian state and its postcode ("Ringwood VIC 3134").
    rest = match.string[match.end(1) : match.end()]
    if text.istitle() and _AU_STATE_CODE.fullmatch(rest):
        return True
    town, _, state = text.rpartition(" ")
    if town.istitle() and state in _AU_STATES and re.fullmatch(r",?\s+\d{4}", rest):
        return True  # the pattern took the state as the town's second word
    letters_in_code = any(c.isalpha() for c in rest.replace(",", " ").split()[-1])
    return text.istitle() and letters_in_code


_YEAR = re.compile(r"(?:19|20)\d\d")
_UK_CODE = re.compile(r"[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}")
_STREET_WORDS = frozenset(w.lower() for w in STREET_TYPES.split("|"))
_AU_STATES = frozenset(["VIC", "NSW", "QLD", "SA", "WA", "TAS", "NT", "ACT"])
_AU_STATE_CODE = re.compile(r",?\s+(?:VIC|NSW|QLD|SA|WA|TAS|NT|ACT),?\s+\d{4}")


def _after_a_listed_town(text: str, match: re.Match[str]) -> bool:
    town = match.group(1).lower()
    if town in CLASSIFICATION_PLACES and _YEAR.fullmatch(text):
        return False  # "Tokyo 2018", "Atlanta 2012": guidelines and their year
    return is_place(town) and town not in COMMON and town not in MEDICAL and town not in REGIONS


def _town_word_after_street(text: str, match: re.Match[str]) -> bool:
    words = text.lower().replace("-", " ").split()
    return not any(w in COMMON or w in MEDICAL or w in REGIONS or w in EPONYMS for w in words)


# A town just before a postcode ("…, Bolton BL3 4QT", "Chicago, IL 60610", "Saskatoon, SK
# S7N 0W8", "Alice Springs NT 0871") or just after one ("67000 Strasbourg").
TOWNS: list[Rule] = [
    rule(
        "town-before-postcode",
        "place",
        r"\b((?:[A-ZÀ-Þ][a-zß-ÿ]{2,20}|[A-Z]{3,20})"
        r"(?:[ -](?:[A-ZÀ-Þ][a-zß-ÿ]{2,20}|[A-Z]{3,20}))?),?\s+"
        r"(?:[A-Z]{2,3},?\s+)?(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}\b|"
        r"\d{5}(?:-\d{4})?\b|\d{4}\b(?!\s*(?:mg|ml|mL|units?|h|hrs?|cc|:))|"
        r"[A-CEGHJ-NPR-TVXY]\d[A-Z]\s?\d[A-Z]\d\b|(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s[0-9A-Z]{4}\b)",
        group=1,
        keep=_town_word,
    ),
    # After a street address, the town: "5 Church View, Kanturk", "33 Tuam Road, Galway",
    # "12 Ntuli Road, Imbali, Pietermaritzburg" (a town no list has is still one here).
    rule(
        "town-after-street",
        "place",
        r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z'-]+\s+){1,3}"
        rf"(?:{STREET_TYPES})\b\.?(?:\s+[NSEW]\b)?,\s+"
        rf"({UPPER}{LOWER}{{2,20}}(?:[ -]{UPPER}{LOWER}{{2,20}})?)"
        rf"(?:,\s+({UPPER}{LOWER}{{2,20}}(?:[ -]{UPPER}{LOWER}{{2,20}})?))?",
        group=1,
        keep=_town_word_after_street,
    ),
    # A header that names the town: "From: Ruatoria", "Lives: Hilo, HI", "Residence: Kibera,
    # Nairobi".
    rule(
        "town-header",
        "place",
        r"(?m)^[ \t]*(?i:from|town|city|village|suburb|hometown|home town|residence|lives|"
        r"lives in|resides|home)[ \t]*:[ \t]*"
        rf"({UPPER}{LOWER}{{2,20}}(?:[ -]{UPPER}?{LOWER}{{1,20}}){{0,3}})"
        rf"(?:,[ \t]*(?:[A-Z]{{2,3}}|{UPPER}{LOWER}+))?[ \t]*$",
        group=1,
        keep=_town_word_after_street,
    ),
    # After a street in French, Spanish or Italian: "17 Rue des Lilas, Pointe-à-Pitre".
    rule(
        "town-after-romance-street",
        "place",
        r"\b\d{1,4},?\s+(?:Rue|Via|Calle|Avenida|Rua|Viale|Corso|Piazza|Plaza|Boulevard)"
        r"(?:\s+(?:de|del|della|des|du|la|le|di|das|do|dos))*(?:\s+[A-Z][\w'-]+){1,3},\s+"
        rf"({UPPER}{LOWER}+(?:-(?:{LOWER}+-)*{UPPER}{LOWER}+)?)",
        group=1,
        keep=_town_word_after_street,
    ),
    # A case's header: "Siobhán Ní Bhriain, 33, Gweedore, 28/40": name, age, then the town.
    rule(
        "town-after-name-and-age",
        "place",
        rf"\b{NAME}\s+(?:{NAME}\s+)?{NAME},\s+\d{{1,3}}\s?[MF]?,\s+({UPPER}{LOWER}{{2,20}})(?=\s*,)",
        group=1,
        keep=_town_word_after_street,
    ),
    # A listed town, then a PIN or postcode of four or six digits: "Pune 411001",
    # "Maroubra 2035" (the town is found by the rules above).
    rule(
        "postcode-after-town",
        "postcode",
        r"\b([A-Z][a-z]{2,20}),?\s+(\d{6}|\d{4})\b"
        r"(?![\d/:]|[.,]\d|\s*(?i:mg|ml|units?|h\b|hrs?|x\b|cm|mm|kg))",
        group=2,
        keep=_after_a_listed_town,
    ),
    # Dublin's postal districts: "9 Pembroke Cottages, Dublin 4".
    rule(
        "dublin-district",
        "place",
        r"\bDublin \d{1,2}W?\b(?![\d:/]|\.\d|\s*(?i:km|miles|mins?|minutes|h\b|hrs?|hours))",
    ),
    # An Irish county: "Ballinrobe, Co. Mayo" (the town before it too).
    rule(
        "county",
        "place",
        rf"\b(?:({UPPER}{LOWER}{{2,20}}),\s+)?Co\.?\s+{UPPER}{LOWER}+(?:\s+na\s+\w+)?"
        r"|\bCO\.\s?[A-Z]{4,12}\b",  # "FROM MALLOW, CO. CORK"
    ),
    rule(
        "town-after-postcode",
        "place",
        r"(?:^|[,;]\s*)(?:\d{5}|\d{4}\s?[A-Z]{2}|\d{2}-\d{3})\s+"
        r"([A-Z][a-zà-ÿā-ž]{2,20}(?:[ -][A-Z][a-zà-ÿā-ž]{2,20})?)",
        group=1,
        keep=_town_word,
    ),
]

# Street addresses.
ADDRESSES: list[Rule] = [
    rule(
        "street",
        "address",
        r"\b(?:(?:Flat|Apt\.?|Apartment|Unit|Suite)\s+\d+[A-Z]?,?\s+)?\d{1,5}[A-Za-z]?,?\s+"
        rf"(?:[NSEW]\.?\s+)?(?:(?:[A-ZÀ-Þ][a-zß-ÿ'-]+|[A-Z]{{2,3}})\s+){{1,3}}(?:{STREET_TYPES})\b\.?",
    ),
    # One word for the street, then the town: "40 Quayside, Newcastle", "88 Kingsway, Hove".
    rule(
        "street-one-word",
        "address",
        r"\b\d{1,4}[A-Za-z]?,?\s+[A-Z][a-z]{2,20}(?:way|gate|side|field|hill|wood|bank|row|"
        r"park|croft|moor|dale|vale|mead|green|lea)(?=,\s+[A-Z][a-z])",
    ),
    # US numbered streets: "410 W 10th Ave"; the number after the name: "Rua das Flores 112".
    rule(
        "street-numbered",
        "address",
        r"\b\d{1,5}\s+(?:[NSEW]\.?\s+)?\d{1,3}(?:st|nd|rd|th)\s+"
        rf"(?:{STREET_TYPES})\b\.?",
    ),
    rule(
        "street-name-number",
        "address",
        r"\b(?:Rua|Calle|Via|Avenida|Av\.|Rue|Viale|Carrer)\s+"
        r"(?:(?:d[aeo]s?|de la|del|della|di)\s+)?[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?,?\s+\d{1,4}\b",
    ),
    rule(
        "town-after-street-number",
        "place",
        r"\b(?:Rua|Calle|Via|Avenida|Rue|Viale|Carrer)\s+(?:(?:d[aeo]s?|de la|del|della|di)\s+)?"
        rf"[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?\s+\d{{1,4}},\s+({UPPER}{LOWER}{{2,20}})",
        group=1,
    ),
    rule(
        "street-romance",
        "address",
        r"\b\d{1,4},?\s+(?:Rue|Via|Calle|Avenida|Strada|Piazza|Plaza|Boulevard|Heol|Ffordd|"
        r"Stryd|Lôn)(?:\s+(?:de|del|della|des|du|la|le|di|das|do|y|yr))*(?:\s+[A-Z][\w'-]+){1,3}",
    ),
    rule(
        "street-lower",
        "address",
        r"\b\d{1,4},?\s+(?:rue|via|calle|avenida|rua|viale|corso)(?:\s+(?:de|del|della|des|du|"
        r"la|le|di|das|do|dos))*(?:\s+[A-Z][\w'-]+){1,3}|\bul\.\s+[A-ZĄĆĘŁŃÓŚŹŻ][\w-]+\s+\d{1,4}"
        r"(?:/\d{1,4})?",
    ),
    rule(
        "street-dutch",
        "address",
        r"\b[A-Z][a-z]+(?:gracht|straat|kade|plein|singel|laan|weg|dijk)\s+\d{1,4}[a-z]?\b",
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
]

GENERIC_WARDS = load("generic_wards")


def _named_ward(text: str, match: re.Match[str]) -> bool:
    first = text.split()[0]
    # "Dawn ward round", "For ward-based care": words, not a ward's name.
    return first not in GENERIC_WARDS and first.lower() not in COMMON


_NO_PATIENT_AFTER = re.compile(
    r"(?i)^[^.;\n]{0,25}?\b(?:free|empty|cleaned|clean|closed|vacant|available|blocked|"
    r"fully occupied|occupied|being cleaned|for cleaning|nothing major|all stable|quiet)\b"
)
_NOT_A_PATIENTS_ROOM = re.compile(
    r"(?i)\b(?:endo|endoscopy|theatre|scan|seminar|clinic|interview|"
    r"meeting|staff|coffee|sluice|store|treatment)\s+$"
)


def _a_patients_bed(text: str, match: re.Match[str]) -> bool:
    """A bed with someone in it: "Bed 4 & bed 11 cleaned", "side room 3 free", "endo room 2"
    name no patient."""
    whole = match.string
    if _NOT_A_PATIENTS_ROOM.search(whole[max(0, match.start() - 14) : match.start()]):
        return False
    return not _NO_PATIENT_AFTER.match(whole[match.end() : match.end() + 40])


# Wards, bays, beds, rooms. "Theatre 3" is a place everyone has; not flagged.
WARDS: list[Rule] = [
    rule(
        "ward-number",
        "ward_bed",
        r"\b(?:(?:ICU|ITU|HDU|CCU|NICU|PICU|SDU|AMU|SAU|MAU|CDU|ED)\s+)?"
        r"(?:ward|bay|bed|room|rm\.?|cubicle|side[- ]room|cot|resus bay|zimmer|chambre|"
        r"habitaci[oó]n|quarto|leito|stanza|sala)\s*"
        r"(?:no\.?\s*|number\s*|#\s*)?\d{1,4}[A-Z]?\b"
        r"(?:,?\s+(?:bed|bay|room|bett|lit|cama|letto)\s*(?:\d{1,3}[A-Z]?|[A-H])\b)?",
        re.I,
        keep=_a_patients_bed,
    ),
    rule("number-ward", "ward_bed", r"\b\d{1,2}[A-Z]?\s+[Ww]ard\b", keep=_a_patients_bed),
    rule("ward-letter", "ward_bed", r"\b[Ww]ard\s+[A-Z]\d?\b(?![a-z])", keep=_a_patients_bed),
    rule("station", "ward_bed", r"\b(?:Station|Stn)\s+\d{1,2}[A-Z]\b"),
    # "Nightingale Ward" names a place; "Surgical Ward" could be anywhere.
    rule(
        "named-ward",
        "ward_bed",
        rf"\b({NAME}(?:\s+{NAME})?)\s+(?:Ward|ward|Unit|Wing)\b",
        keep=_named_ward,
    ),
]
