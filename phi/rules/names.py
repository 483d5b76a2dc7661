"""Personal names: after a title, after a context word, or where only a person fits.

A title that means a patient or relative here ("Mr", "Mrs", "Herr") is enough. Without one,
a name-shaped match is second-guessed (_untitled_name): words that are never names, eponyms
that read like names, and words that open sentences are refused.
"""

from __future__ import annotations

import re

from phi.rules.fragments import CAPS_SURNAME, FULL_NAME, NAME, RELATIONS, SURNAME
from phi.rules.rule import Rule, rule
from phi.rules.wordtext import (
    CLASSIFICATION_PLACES,
    CLINICIAN_TITLES,
    COMMON,
    ENGLISH,
    FIRST_NAMES,
    MEDICAL,
    PATIENT_TITLES,
    REGIONS,
    SURNAMES,
)
from phi.wordlists import load

NOT_NAMES = load("not_names")
CLAUSE_OPENERS = load("clause_openers")
EPONYMS = load("eponyms")
LOWER_EPONYMS = frozenset(entry.lower() for entry in EPONYMS)

_EPONYM_PARTS = re.compile(r"[\s-]+")
_CLASS_BEFORE = re.compile(
    r"(?i:pugh|grade|class|type|stage|score|group|category|level|zone|hinchey|bismuth|"
    r"popf|tnm|asa|nyha|mallampati|forrest|strasberg|rutherford|tasc)\s*$"
)
_TITLE_BEFORE = re.compile(r"(?i:\b(?:mr|mrs|ms|miss|mx)\.?\s*)$")
_CLINICIAN_BEFORE = re.compile(r"(?i:\b(?:dr|prof|professor|doctor|regards|thanks)\.?,?\s*)$")


def _is_eponym(text: str) -> bool:
    return text in EPONYMS or any(
        part in EPONYMS for part in _EPONYM_PARTS.split(text.replace("\u2019", "'").split("'")[0])
    )


_DETERMINERS = frozenset(["my", "our", "your", "his", "her", "their", "its", "this", "that"])
_PLACE_ENDS = frozenset(
    ["home", "house", "lodge", "hospital", "clinic", "centre", "center", "court", "manor",
     "gardens", "hall", "practice", "surgery", "hospice", "witness", "hostel"]
)  # fmt: skip


def _untitled_name(text: str, match: re.Match[str]) -> bool:
    start = match.start(1) if match.re.groups else match.start()
    if _CLINICIAN_BEFORE.search(match.string[max(0, start - 12) : start]):
        return False  # "Prof. Zhang Wei's group": a clinician, allowed as one
    words = text.replace(".", " ").split()
    if words[0].lower() in PATIENT_TITLES or words[0].lower() in CLINICIAN_TITLES:
        return False  # "Miss Carver's list": titled names are phi/rules/people.py's to judge
    if any(word in NOT_NAMES for word in words) or _is_eponym(text):
        return False
    if words[-1].lower() in _PLACE_ENDS:
        return False  # "Rosewood Nursing Home, 3 Church Lane": a home, not a person
    if words[0].lower() in REGIONS and words[0].lower() not in FIRST_NAMES:
        return False  # "Queensland Children's Hospital": a state's hospital
    if len(words) == 1:
        word = words[0]
        if word.lower() in _DETERMINERS:
            return False  # "My patient's wife"; but "Will, her husband", "his wife May""
        if word.lower() in COMMON and word.lower() not in FIRST_NAMES:
            return False  # "Contact her daughter", "Email his wife"
        if word.lower() in ENGLISH and word.lower() not in FIRST_NAMES:
            return False  # "Asymptomatic, 9 years"
        if word.lower() in CLASSIFICATION_PLACES:
            return False  # "pt, Atlanta severe": a classification
        adverb = word.endswith("ly") and word.lower() not in FIRST_NAMES  # not "Lily", "Emily"
        return word not in CLAUSE_OPENERS and not adverb
    return True


def _not_a_word_first(text: str, match: re.Match[str]) -> bool:
    # "Sokolov A —" is a patient; "Plan A —", "Grade B —", "CT A." are not.
    first = text.split()[0].rstrip(",")
    key = first.lower()
    if key in COMMON or key in MEDICAL or first in NOT_NAMES:
        return False
    if key in ENGLISH and key not in SURNAMES:
        return False  # "VITAMIN K", "TYPE B": words, then a letter
    return not _is_eponym(first)


def _a_lone_first_name(text: str, match: re.Match[str]) -> bool:
    # "After the Ivor Lewis, his wife…": the end of an eponym, not a name.
    before = match.string[max(0, match.start(1) - 30) : match.start(1)].split()
    if before and f"{before[-1]} {text}".lower() in LOWER_EPONYMS:
        return False
    return _untitled_name(text, match)


def _patient_or_relative(text: str, match: re.Match[str]) -> bool:
    if match.group(0).startswith("Sister"):
        return False  # a ward sister: a nursing colleague's title, not a relative
    return _untitled_name(text, match)


def _not_organism(text: str, match: re.Match[str]) -> bool:
    # "Dr P. Lindgren", "Kind regards, K. Papadakis": a clinician, allowed as one.
    before = match.string[max(0, match.start() - 12) : match.start()]
    if _CLINICIAN_BEFORE.search(before) or _TITLE_BEFORE.search(before):
        return False
    if _CLASS_BEFORE.search(before):
        return False  # "Child-Pugh B. Palliative stent", "grade B. Keep drain"
    # "E. coli", "S. aureus" and the like are organisms, not people; "I & O. Continue" is
    # input and output, then a sentence.
    rest = text.split(".", 1)[1].strip()
    if rest[:1].islower():
        return False
    if rest.lower() in MEDICAL:
        return False  # "peaked T. Calcium gluconate"
    return not (rest.lower() in ENGLISH and rest.lower() not in SURNAMES)  # "K. Recheck"


NAMES: list[Rule] = [
    # Names: a title that means a patient or relative here, or a context word before a name.
    rule(
        "context",
        "name",
        rf"\b(?i:patient|pt\.?|named|called|name is|name was|name|known as|surname|forename|"
        rf"first name|given name|{RELATIONS}|baby|"
        r"infant|little|boy|girl|gentleman|lady|man|woman|n[ée]e)"
        rf"[,:]?\s+\(?((?:[A-Z]\.\s?)?{NAME}(?:\s+(?:[A-Z]\.\s?)?{SURNAME})?)",
        group=1,
        keep=_patient_or_relative,
        engine="re2",
    ),
    # Initials are a name too: "Mrs D. (96)", "Mr T.J., 77,", "Pt J.M. has asked", "Patient
    # (initials K.O.)". Not "Mr T. Siddiqui": with a surname the title rules decide.
    rule(
        "initials-titled",
        "name",
        r"\b(?:Mr|Mrs|Ms|Miss|Mx|MR|MRS|MS)\.?\s(?:[A-Z]\.(?:\s?[A-Z]\.){0,2}(?!\s?[A-Z][a-z])"
        r"|[A-Z](?=[:,]))",  # "WR Mr H: POD3"
        group=0,
    ),
    rule(
        "initials-patient",
        "name",
        r"\b(?i:pt|patient)\.?\s\(?(?:(?i:initials)\s)?([A-Z]\.\s?[A-Z]\.(?:\s?[A-Z]\.)?)",
        group=1,
    ),
    # Singaporean and Malaysian lists: "Lim W.K. (S7829134D)", "Rahman A. (S8012345G)".
    rule(
        "surname-dotted-initials",
        "name",
        r"\b([A-Z][a-z]{1,20} [A-Z]\.(?:[A-Z]\.)?)\s*\((?=[A-Z]?\d{5,}|[A-Z]\d{7}[A-Z]\))",
        group=1,
        keep=_not_a_word_first,
    ),
    # "Gurpreet Singh, the patient's brother"; "Siobhan Byrne, 52,"; "Giovanni Rossi (MRN …)";
    # a lone first name in the same places ("Anya, his twin sister, …"; "Tomasz, 34, …").
    rule(
        "name-relation",
        "name",
        rf"\b({FULL_NAME}|{NAME}),?\s+(?:the\s+)?(?:patient's|his|her|their)\s+"
        r"(?:(?:younger|older|elder|eldest|youngest|little|big|twin|only|late|estranged)\s+)?"
        rf"(?:{RELATIONS})\b",
        group=1,
        keep=_untitled_name,
        engine="re2",
    ),
    rule(
        "name-age",
        "name",
        rf"\b({FULL_NAME}),\s+(?:aged?\s+)?\d{{1,3}}(?:\s*(?:weeks?|months?|days?|years?)"
        r"\s+old|\s?[MF])?\b",
        group=1,
        keep=_untitled_name,
        engine="re2",
    ),
    rule(
        "first-name-age",
        "name",
        rf"\b({NAME}),\s+\d{{1,3}}\s*(?:,|(?:y/?o|yrs?|years?(?:\s+old)?|[MF])\b)",
        group=1,
        keep=_untitled_name,
    ),
    # "Aoife Brennan's husband"; "Kasia's mum".
    rule(
        "name-possessive-relation",
        "name",
        rf"\b({FULL_NAME}|{NAME})['\u2019]s\s+(?:\w+\s+)?(?:{RELATIONS})\b",
        group=1,
        keep=_untitled_name,
    ),
    # A full name as the subject of what happened to them: "Tunde Bakare had his …".
    rule(
        "name-subject",
        "name",
        rf"\b({FULL_NAME})\s+(?:had|has|was|is|underwent|presented|came|went|developed|"
        r"needed|needs|wants|asked|said|told)\s+(?:her|his|their|with|back|in|to)\b",
        group=1,
        keep=_untitled_name,
        engine="re2",
    ),
    # "Alhaji Musa Danjuma's MRN", "Aoife Ní Chonaill's CT": two or three capitalised words
    # with a possessive are a person (eponyms are one word, and are refused anyway).
    rule(
        "name-possessive",
        "name",
        rf"\b({FULL_NAME}(?:\s+{SURNAME})?)['\u2019]s\s",
        group=1,
        keep=_untitled_name,
    ),
    # Events only a person has: "Josephine Mwangi underwent …", "… was born 29/02/1948".
    rule(
        "name-event",
        "name",
        rf"\b({FULL_NAME})\s+(?:underwent|was admitted|was transferred|was born|was referred|"
        r"died|passed away|re-presented|was reviewed|was seen|was discharged|was consented)\b",
        group=1,
        keep=_untitled_name,
        engine="re2",
    ),
    # Seeing someone: "I reviewed Siobhán Ní Bhriain on the ward".
    rule(
        "name-object",
        "name",
        r"\b(?:reviewed|saw|examined|operated on|admitted|discharged|consented|clerked|"
        rf"rang|phoned|called|visited|treated|referred|transferred)\s+({FULL_NAME})\b",
        group=1,
        keep=_untitled_name,
    ),
    # Pasted headers: "ANDERSSON, Karin — MRN …".
    rule(
        "caps-surname-firstname",
        "name",
        rf"\b({CAPS_SURNAME},\s+{NAME})\b"
        r"(?=\s{2,}|\s+\d{1,3}\s?[MF]\b|\s*\n|"
        r"\s*(?:[\u2014\u2013(,|-]|$|(?i:DOB|MRN|NHS|NHI|HOSP|born|aged?)\b))",
        group=1,
    ),
    # Short surnames in a pasted label: "ALI, Hassan |", "WU, Jian  DOB".
    rule(
        "short-caps-surname",
        "name",
        rf"\b([A-Z][A-Z'-]{{1,2}},\s+{NAME})\b(?=\s{{2,}}|\s*[|(\u2014\u2013]|\s+\d{{1,3}}\s?[MF]\b|"
        r"\s+(?i:DOB|MRN|NHS|NHI|HOSP)\b)",
        group=1,
        keep=_untitled_name,
    ),
    # Letter headers and clinic lists: "Re: OKONKWO T (71)", "BRENNAN A, 58".
    rule(
        "caps-surname-initial",
        "name",
        rf"\b({CAPS_SURNAME},?\s+[A-Z]{{1,2}})\b(?=\s*(?:\(\d|,\s*\d|\))|$)",
        group=1,
        keep=_not_a_word_first,
    ),
    # A theatre list's entry after a dash: "lap chole - HUSSAIN A - K449871", "— BYRNE C".
    rule(
        "dashed-surname-initial",
        "name",
        rf"[-\u2013\u2014][ \t]+({CAPS_SURNAME}[ \t][A-Z])\b(?=[ \t]*(?:\n|$|[-\u2013\u2014(]))",
        group=1,
        keep=_not_a_word_first,
    ),
    # After "Re:" the header is a name whatever follows: "Re: BALOGUN A (DOB …)".
    rule(
        "re-header",
        "name",
        rf"\b(?:Re|RE):\s*({CAPS_SURNAME}(?:\s{CAPS_SURNAME})?,?\s+(?:[A-Z]{{1,2}}\b|{NAME}))",
        group=1,
    ),
    # "RE: DELORES WASHINGTON   DOB …": a pasted header in capitals.
    rule(
        "re-header-caps",
        "name",
        r"\b(?:Re|RE):\s*([A-Z][A-Z'-]{1,30}(?: [A-Z][A-Z'-]{1,30}){1,2})"
        r"(?=\s{2,}|\s*(?:DOB|MRN|\(|,|$))",
        group=1,
    ),
    rule(
        "name-identifier",
        "name",
        rf"\b({FULL_NAME})\s+\((?i:hospital|MRN|NHS|DOB|aged?|born|record|d\.o\.b)",
        group=1,
        keep=_untitled_name,
        engine="re2",
    ),
    # A first name, then who they are: "Kwame (my pt's husband)", "Úna, dtr", "Carmel (dtr)",
    # "Lakshmi (side room 5)", "Kev's mam".
    rule(
        "name-then-relation",
        "name",
        rf"\b({NAME})(?:\s*[,(]\s*(?:(?:my|the|pt'?s|patient'?s|his|her|their)\s+)*"
        rf"(?:{RELATIONS}|dtr|hus|sis|bro|mam|nan|gran|parents)\b"
        r"|\s*\(\s*(?:pt|patient|parents)\b|\s*\((?i:side room|bed|bay|rm|room)\s?\d"
        r"|['\u2019]s\s+(?:mam|mum|mam|ma|da|nan|missus|fella))",
        group=1,
        keep=_a_lone_first_name,
    ),
    # "Wanjiru is a 47yo…", "Hemi (who I posted about…)", "called him Baba Tunde".
    rule(
        "name-is-a",
        "name",
        rf"\b({NAME})\s+(?:is|was)\s+(?:a|an)\s+\d{{1,3}}\s?(?:yo|y/o|y\.o\.|-?year-old|yr old|"
        r"[MF])\b",
        group=1,
        keep=_untitled_name,
    ),
    rule("name-who", "name", rf"\b({NAME})\s*\((?:who|whom)\b", group=1, keep=_untitled_name),
    rule(
        "called-him",
        "name",
        rf"\b(?:called|calls|call|named)\s+(?:him|her|them)\s+({NAME}(?:\s+{NAME})?)\b",
        group=1,
        keep=_untitled_name,
    ),
    # "Tui and Rangi (parents)": the first of two.
    rule(
        "names-then-relation",
        "name",
        rf"\b({NAME})(?=\s+(?:and|&)\s+{NAME}\s*[,(]\s*(?:parents|{RELATIONS})\b)",
        group=1,
        keep=_untitled_name,
    ),
    # Who is calling, in a message: "it's Noreen, Mr Achebe's sister", "hi its Jaz from bed 6".
    rule(
        "name-calling",
        "name",
        rf"\b(?:[Ii]t'?s|[Ii]ts|[Tt]his is|I'm|[Ii]m)\s+({NAME})\b"
        r"(?=\s*[,.!]|\s+(?:from|here|calling|ringing|again)\b)",
        group=1,
        keep=_untitled_name,
    ),
    # A line opening with a surname and an initial: "Sokolov A — 2nd admission";
    # a first name and an initial before an age: "MOANA T. 22F".
    rule(
        "surname-initial-line",
        "name",
        rf"(?m)^[ \t]*({NAME}\s[A-Z])\s+[\u2014\u2013-]\s",
        group=1,
        keep=_not_a_word_first,
    ),
    rule(
        "caps-initial-age",
        "name",
        r"\b([A-Z]{3,20}\s[A-Z]\.)(?=\s+\d{1,3}\s?[MF]\b)",
        group=1,
        keep=_not_a_word_first,
    ),
    # Initials with an age and sex: "Case: J.M., 62F".
    rule("initials-age", "name", r"\b([A-Z]\.\s?[A-Z]\.)(?=,?\s+\d{1,3}\s?[MF]\b)", group=1),
    # Initial-and-surname ("J. Doe").
    # Not a classification's letter: "Todani IV-A. Excision".
    rule(
        "initial",
        "name",
        rf"(?<![-/])\b[A-Z]\.\s?{SURNAME}\b(?=[\s,.;:)]|$)",
        keep=_not_organism,
    ),
]
