"""Names found by words, in any case: "MR LOMISH", "mr nicholson", "son ROB", "it's under
Mathias Ruud", "Úna, dtr", "1) Kelleher lap chole"; towns are phi/rules/towns.py's.

Regular expressions need a Title-case word to see a name; notes are written in capitals and
chat in lower case. This works on words instead (phi/rules/wordtext.py cuts the text once, in
a linear scan, and holds the word lists). A word is a name when a trigger says so (a title, a
relation, a bed, a list's entry) and the lists agree, or, without a trigger, when two words
are a first name and a surname and neither is an everyday word.

What a trigger allows depends on how the text is written: in a text mostly in capitals, a
capitalised word is no evidence at all, so only the lists speak; in mixed case, a
capitalised word after a trigger is a name even if the lists don't know it.

The cost is one pass over the words and set lookups: no backtracking, whatever the input.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from phi.rules import towns
from phi.rules.wordtext import (
    AMBIGUOUS_CAPS_TITLES,
    CLASSIFICATION_PLACES,
    CLINICIAN_TITLES,
    COMMON,
    ENGLISH,
    EPONYMS,
    FIRST_NAMES,
    FUNCTION_WORDS,
    INSTITUTION_WORDS,
    MEDICAL,
    MONTH_NAMES,
    NOT_NAMES,
    NURSING_TITLES,
    PATIENT_TITLES,
    PATIENT_WORDS,
    PLACE_HEADS,
    PLACES,
    REGIONS,
    RELATION_LINKS,
    RELATIONS,
    SURNAMES,
    Found,
    Text,
    Word,
    is_place,
    opens_sentence,
)


def _extend_surname(t: Text, i: int, *, trusted: bool) -> int:
    """Index of the last word of a name starting at word i: "Mr John Smith", "Maria López"."""
    last = i
    for _ in range(2):
        j = last + 1
        if not t.adjacent(last, j, allow=" -"):
            break
        w = t.words[j]
        if w.key in FUNCTION_WORDS or w.key in EPONYMS or w.key in MEDICAL:
            break
        if (t.capitalised(w) and (w.key not in COMMON or w.key in SURNAMES)) or (
            not t.capitalised(w)
            and w.key in SURNAMES
            and w.key not in COMMON
            and (t.shouting or w.shape == t.words[i].shape)
        ):
            last = j
        else:
            break
    return last


# Roles that say the titled name after them is a clinician's: "Surgeon: Mr D. Ogunleye",
# "CONS: MR AHERN", "the reg for Mr Adebayo", "under Mr Hale" (a UK consultant's patients).
CLINICIAN_ROLES = frozenset(
    ["surgeon", "consultant", "cons", "attending", "anaesthetist", "anesthetist", "assistant",
     "registrar", "reg", "spr", "fellow", "referrer", "operator", "endoscopist", "under",
     "physician", "oncologist", "radiologist", "supervisor", "trainer", "gp", "nurse",
     "matron", "midwife", "physio", "physiotherapist", "pharmacist", "dietitian", "dietician",
     "lead", "coordinator", "rep"]
)  # fmt: skip
# Roles that also head a section of the notes written about the patient.
NOTE_SECTIONS = frozenset(
    ["nurse", "matron", "midwife", "physio", "physiotherapist", "pharmacist", "dietitian",
     "dietician", "coordinator"]
)  # fmt: skip
TEACHING = frozenset(
    ["learnt", "learned", "taught", "trained", "shown", "that", "this", "it", "trick", "tip"]
)
# After the name, what only a clinician has: "Mr Hale's list", "Miss Rao's team".
CLINICIAN_BELONGINGS = frozenset(
    ["list", "lists", "clinic", "clinics", "team", "firm", "reg", "registrar", "patient",
     "patients", "theatre", "secretary", "fellow", "service", "unit", "session"]
)  # fmt: skip


def _a_clinician(t: Text, i: int, last: int) -> bool:
    """The titled name at words i..last is a clinician's, by the role before it or what
    follows it."""
    ws = t.words
    before = ws[i - 1].key if i > 0 else ""
    if before in ("from", "by", "under") and i > 1 and ws[i - 2].key in TEACHING:
        return True  # "learnt that from Mr Farrant", "taught by Miss Hale"
    if before == "for" and i > 1:
        before = ws[i - 2].key  # "the reg for Mr Adebayo"
    if before in CLINICIAN_ROLES:
        between = t.text[ws[i - 1].end : ws[i].start]
        # "Stoma nurse: Mr Quigley independent with bags": a section of the notes, about the
        # patient; "Surgeon: Mr D. Ogunleye" names who operated.
        header = ":" in between and before in NOTE_SECTIONS
        if "\n" not in between and not header:
            return True
    possessive = t.text[ws[last].end : ws[last].end + 1] in ("'", "\u2019")
    return possessive and last + 1 < len(ws) and ws[last + 1].key in CLINICIAN_BELONGINGS


def _titled(t: Text) -> Iterator[Found]:
    ws = t.words
    for i, w in enumerate(ws):
        if w.key not in PATIENT_TITLES and w.key not in CLINICIAN_TITLES:
            continue
        if not t.adjacent(i, i + 1, allow=" .\u00a0"):
            continue
        if w.key == "mx" and w.shape != "title":
            continue  # "mx conservatively": management, in notes
        if w.key == "sig" and t.text[w.end : w.end + 1] != ".":
            continue  # "flexi sig decompression"; "il sig. Bianchi" is a man
        j = i + 1
        # "Mr J. Smith", "Mr J Smith": an initial, then the surname.
        if ws[j].shape == "initial" and t.adjacent(j, j + 1, allow=" ."):
            j += 1
        name = ws[j]
        if name.key in FUNCTION_WORDS or name.shape == "initial":
            continue
        if name.key in EPONYMS and name.key not in SURNAMES:
            continue  # "Mr Shouldice" is the repair; "Mrs Graves" and "Mr Smith" are people
        # "severe MR with", "MS relapse": after "MR" or "MS" a name must look like one.
        ambiguous = w.shape == "caps" and w.key in AMBIGUOUS_CAPS_TITLES and not t.shouting
        if ambiguous and (name.key in COMMON or name.key in MEDICAL or not t.capitalised(name)):
            continue
        if name.key in COMMON and name.key not in SURNAMES and name.key not in FIRST_NAMES:
            continue  # "mr said", "Ms Happy"; but "Mr Brown", "Mrs Will" are names
        last = _extend_surname(t, j, trusted=True)
        found = ws[j : last + 1]
        if t.is_colleague(found):
            yield Found(w.start, ws[last].end, "colleague")
        elif w.key in PATIENT_TITLES and not _a_clinician(t, i, last):
            yield Found(w.start, ws[last].end, "name")


def _after_relation(t: Text) -> Iterator[Found]:
    ws = t.words
    for i, w in enumerate(ws):
        if w.key not in RELATIONS:
            continue
        if w.key == "sister" and w.shape != "lower":
            continue  # "Sister Mary Joseph nodule", "Sister Okoye" (a ward sister)
        if w.key == "kin" and (i == 0 or ws[i - 1].key != "of"):
            continue
        if t.text[w.end : w.end + 1] in ("'", "\u2019"):
            continue  # "her father's AAA": what belongs to the relative, not their name
        j = i + 1
        # "son-in-law Farid": skip the hyphenated rest.
        while j < len(ws) and ws[j].key in ("in", "law") and t.adjacent(j - 1, j, allow="-"):
            j += 1
        if not t.adjacent(j - 1, j, allow=" :,(-\u2013\u2014"):
            continue
        if ws[j].key in RELATION_LINKS and t.adjacent(j, j + 1, allow=" :,"):
            j += 1
        if ws[j].key in CLINICIAN_TITLES:
            continue  # "her niece, Dr Shreya …": a clinician's name, allowed as one
        name = ws[j]
        if name.key in CLASSIFICATION_PLACES:
            continue  # "pt, Atlanta severe": a classification
        lower_first_name = (
            name.shape == "lower" and name.key in FIRST_NAMES and name.key not in FUNCTION_WORDS
        )
        # In capitals a word no list knows that isn't a code: "HUSBAND KENJI".
        shouted_unknown = (
            t.shouting
            and name.shape == "caps"
            and (len(name.key) >= 4 or not name.key.isascii())
            and name.key not in ENGLISH
            and name.key not in MEDICAL
            and name.key not in FUNCTION_WORDS
            and name.key not in NOT_NAMES
            and not is_place(name.key)
        )
        if not (t.namelike(name, trusted=True) or lower_first_name or shouted_unknown):
            if _lower_unknown_pair(t, j):
                yield Found(name.start, ws[j + 1].end, "name")  # "pt thandeka ndlovu 28/40"
            elif _lone_unknown_name(t, w, name):
                yield Found(name.start, name.end, "name")  # "bro chidi visiting"
            continue  # "dtr sue who says…": after a relation a first name is one, even "sue"
        if (
            name.shape == "caps"
            and len(name.key) <= 3
            and name.key not in FIRST_NAMES
            and name.key.isascii()
        ):
            continue  # "patient ID 507…", "Patient NL:", "BSN": codes, not names; "ÅSE" is one
        if name.shape == "caps" and name.key in COMMON and name.key not in FIRST_NAMES:
            continue  # "PT ADDRESS:", "SON AWARE": words in capitals
        if (
            name.shape == "caps"
            and name.key in ENGLISH
            and name.key not in FIRST_NAMES
            and name.key not in SURNAMES
        ):
            continue  # "PT REFERRAL:": a heading
        digit_after = t.text[name.end : name.end + 2].strip()[:1].isdigit()
        if digit_after and name.key not in FIRST_NAMES and name.shape != "title":
            continue  # "BSN 172839465"; but "NOK SON PETER 01423…", "Hus Tomás 085…" are names
        if not t.capitalised(name) and name.key not in FIRST_NAMES and not shouted_unknown:
            continue  # lower case or shouting: a first name from the list, or an unknown one
        last = _extend_surname(t, j, trusted=False)
        found = ws[j : last + 1]
        yield Found(name.start, ws[last].end, "colleague" if t.is_colleague(found) else "name")
        # "parents Mereana & Hohepa", "twins, Oisín and Cian": the second one too.
        k = last + 1
        if k + 1 < len(ws) and (ws[k].key == "and" or "&" in t.text[ws[last].end : ws[k].start]):
            other = ws[k] if ws[k].key != "and" else ws[k + 1]
            if t.capitalised(other) and t.namelike(other, trusted=True):
                yield Found(other.start, other.end, "name")


def _plain_unknown(w: Word) -> bool:
    key = w.key
    return (
        w.shape == "lower"
        and len(key) >= 3
        and key.isalpha()
        and key not in ENGLISH
        and key not in MEDICAL
        and key not in FUNCTION_WORDS
        and key not in NOT_NAMES
        and key not in EPONYMS
        and key not in RELATIONS
        and key not in FOREIGN_FUNCTION_WORDS
        and not key.endswith(("ing", "ed", "ly", "tion", "itis", "ectomy", "otomy", "scopy"))
    )


# Short words of other languages that follow "son" or "pt" there: "son las que usamos".
FOREIGN_FUNCTION_WORDS = frozenset(
    ["las", "los", "que", "del", "der", "die", "das", "und", "les", "des", "une", "por", "para",
     "con", "una", "uno", "che", "per", "non", "sono", "est", "sur", "avec", "mais", "pas",
     "muy", "como", "nicht", "ist", "mit", "van", "het", "een", "och", "och", "att"]
)  # fmt: skip


def _lone_unknown_name(t: Text, relation: Word, name: Word) -> bool:
    """ "bro chidi visiting", "grandson kaito translating": after a relative (not after "pt",
    where shorthand follows as often), one lower-case word that no list knows and that isn't
    shaped like English is a first name the lists lack."""
    return (
        relation.key not in ("pt", "patient")
        and not t.shouting
        and len(name.key) >= 4
        and any(c in "aeiouy" for c in name.key)  # "husband tmrw": shorthand has no vowels
        and _plain_unknown(name)
        and not name.key.endswith(("s", "er", "est", "ise", "ize", "ful", "less", "able"))
    )


def _lower_unknown_pair(t: Text, j: int) -> bool:
    """After a relation or "pt", two lower-case words no list knows: a name ("pt thandeka
    ndlovu"), where one unknown word alone is as likely shorthand."""
    ws = t.words
    if j + 1 >= len(ws) or not t.adjacent(j, j + 1):
        return False
    first, second = ws[j], ws[j + 1]
    surname = second.shape == "lower" and second.key in SURNAMES and second.key not in COMMON
    return _plain_unknown(first) and (_plain_unknown(second) or surname)


def _apposition_follows(t: Text, j: int) -> bool:
    """A comma then an age, a sex or what happened: "Haruto Sato, early gastric ca",
    "Hope Adebayo, 29F": at a sentence's start, a name followed by what the case is."""
    rest = t.text[t.words[j].end : t.words[j].end + 12]
    return bool(_APPOSITION.match(rest))


_AGE_SEX_AFTER = re.compile(r",?\s+\d{1,3}\s?[MFmf]\b")
_NOT_NAME_ENDINGS = (
    "ship", "ism", "ology", "itis", "ectomy", "otomy", "ostomy", "plasty", "scopy", "graphy",
    "osis", "tion", "ment", "ness", "ical", "ular", "ative", "ous", "ive",
)  # fmt: skip
_APPOSITION = re.compile(
    r",\s+(?:\d{1,3}\s?(?:[MF]\b|y|yo|year)|aged?\b|(?i:early|late|now|who|his|her|the)\b)"
    r"|\s+\d{1,3}\s?(?:y|yo|[MF])\b"
)


def _unknown_pair_is_a_name(t: Text, i: int) -> bool:
    """Two Title-case words no list knows ("Sipho Ndlovu", "Moana Kealoha"): a name when
    neither is a town, neither opens a sentence, and both are written as names are (no
    capitals inside, no digits around: not "TaTME", not a brand with a model number)."""
    first, second = t.words[i], t.words[i + 1]
    if first.shape != "title" or len(first.key) <= 2 or len(second.key) <= 2:
        return False
    if first.key in ENGLISH or second.key in ENGLISH:
        return False  # "Bowel Prep", "Canal Wall": English, if rarer than the everyday
    if _apposition_follows(t, i + 1) and not first.key.endswith(_NOT_NAME_ENDINGS):
        return True  # "Emre Kaya 7y,", "Hope Adebayo, 29F": an age says a person
    if first.key in PLACES or second.key in PLACES:
        return False
    if second.key.endswith(_NOT_NAME_ENDINGS) or first.key.endswith(_NOT_NAME_ENDINGS):
        return False  # "Hunterian Professorship", "Laparoscopic Appendicectomy"
    # After a colon or semicolon a name is often what follows ("Referred to the liver unit:
    # Lakshmi Venkataraman"); after a full stop an unknown pair is as often a term.
    if opens_sentence(t, i, colon=False) and not _apposition_follows(t, i + 1):
        return False
    after = t.text[second.end : second.end + 2]
    return not any(c.isdigit() for c in after)


# Particles of surnames: "DA SILVA R", "VAN DIJK", "AL AMIN", "BIN OMAR".
_PARTICLES = frozenset(
    ["da", "de", "di", "du", "do", "dos", "das", "van", "von", "der", "le", "la", "al", "el",
     "bin", "ibn", "ap", "mac", "mc", "st", "del", "ben", "abu"]
)  # fmt: skip
_ROMAN = frozenset(["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"])
_CONTRACTIONS = tuple(
    f"{apostrophe}{end}" for apostrophe in "'\u2019" for end in ("ve", "ll", "re", "d", "m", "t")
)


def _bare_full_names(t: Text) -> Iterator[Found]:
    ws = t.words
    for i in range(len(ws) - 1):
        first, second = ws[i], ws[i + 1]
        if not t.adjacent(i, i + 1):
            continue
        if f"{first.key} {second.key}" in EPONYMS:
            continue
        if first.key in MEDICAL or first.key in NOT_NAMES or first.key in CLASSIFICATION_PLACES:
            continue  # "Boston Bowel Prep Scale"
        if first.key in PATIENT_TITLES or first.key in CLINICIAN_TITLES:
            continue  # "my consultant Mr Adeyemi": a titled name is _titled()'s to judge
        if first.key in _ROMAN or second.key in _ROMAN:
            continue  # "II benign, III AUS, IV follicular": categories
        if first.key in COMMON and not (
            first.key in FIRST_NAMES and _AGE_SEX_AFTER.match(t.text, second.end)
        ):
            continue  # "Grace" is a word; "ROSE KELLY 88F" is a woman
        if first.key in INSTITUTION_WORDS or (
            i > 0 and ws[i - 1].key in INSTITUTION_WORDS and t.adjacent(i - 1, i)
        ):
            continue  # "Hospital Universitario La Paz": a hospital's name
        if second.key in FUNCTION_WORDS or second.key in MEDICAL:
            continue
        if second.key.endswith(_CONTRACTIONS):
            continue  # "Aisling I've sent you the echo": a greeting, then the writer
        if second.key in EPONYMS and second.key not in SURNAMES:
            continue  # "Ivor Lewis" is listed whole; "john smith" is a man, not a fracture
        if first.key in EPONYMS or first.key in REGIONS or second.key in REGIONS:
            continue
        if (
            i > 0
            and (ws[i - 1].key in CLINICIAN_TITLES or ws[i - 1].key in NURSING_TITLES)
            and t.adjacent(i - 1, i, allow=" .")
        ):
            continue  # "Dr Imran Siddiqui", "Sister Bernadette Walsh", "Sr Eilidh MacLeod"
        if (
            first.shape == "caps"
            and second.shape == "caps"
            and not t.shouting
            and (
                (len(first.key) <= 3 and first.key not in FIRST_NAMES | _PARTICLES)
                or t.text[second.end : second.end + 1] == "-"
            )
        ):
            continue  # "HCC LI-RADS 5": acronyms in a mixed-case text
        if t.capitalised(first) and t.capitalised(second) and first.shape == second.shape:
            # "Mathias Ruud": a first name (or two surnames) and a surname-shaped word.
            if second.key in COMMON and second.key not in SURNAMES:
                continue
            if (
                first.key in PLACES and second.key in PLACES and first.key not in FIRST_NAMES
            ) or f"{first.key} {second.key}" in PLACES:
                continue  # "Abu Dhabi", "Santa Cruz"; but "Mary Murphy" is a woman
            if second.key in INSTITUTION_WORDS or second.key in PLACE_HEADS:
                continue  # "Rosewood Lodge", "Chris Hani Baragwanath Hospital": a place
            if any(w.key in INSTITUTION_WORDS and w.shape == "title" for w in ws[i + 2 : i + 4]):
                continue  # "Mater Misericordiae University Hospital": a hospital's name
            known = first.key in FIRST_NAMES or second.key in SURNAMES
            if not known and not _unknown_pair_is_a_name(t, i):
                continue
            opening = opens_sentence(t, i, colon=False)
            if first.key not in FIRST_NAMES and opening and not _apposition_follows(t, i + 1):
                continue  # "Gynaecomastia Simon grade IIb": a term, then an eponym
        elif first.shape == second.shape and first.shape in ("lower", "caps"):
            # "mathias ruud", "MATHIAS RUUD": only the lists can say.
            if first.key not in FIRST_NAMES or second.key not in SURNAMES:
                continue
            if second.key in COMMON and (len(first.key) < 4 or len(second.key) < 4):
                continue  # "min via CVC": shorthand, then English; "john smith" is a man
            if first.key in PLACES or second.key in PLACES:
                continue
        else:
            continue
        last = _extend_surname(t, i + 1, trusted=False)
        found = ws[i : last + 1]
        yield Found(first.start, ws[last].end, "colleague" if t.is_colleague(found) else "name")


# What a patient has that a name can own: "Olumide's CT", "Arjun's bloods".
BELONGINGS = frozenset(
    [
        "bag",
        "drain",
        "pain",
        "sats",
        "obs",
        "ct",
        "mri",
        "scan",
        "scans",
        "bloods",
        "blood",
        "results",
        "notes",
        "op",
        "operation",
        "surgery",
        "wound",
        "stoma",
        "family",
        "case",
        "bed",
        "consent",
        "referral",
        "letter",
        "histology",
        "path",
        "pathology",
        "drain",
        "obs",
        "xray",
        "x-ray",
        "ultrasound",
        "uss",
        "biopsy",
        "labs",
        "meds",
        "medication",
        "recovery",
        "mum",
        "dad",
        "parents",
        "appointment",
        "discharge",
        "admission",
    ]
)

SUBJECT_VERBS = frozenset(
    [
        "was",
        "is",
        "has",
        "had",
        "presented",
        "underwent",
        "developed",
        "went",
        "came",
        "needs",
        "needed",
        "wants",
        "wanted",
        "asked",
        "said",
        "told",
        "complained",
        "fell",
        "died",
        "felt",
        "looks",
        "looked",
        "seems",
        "remains",
        "re-presented",
        "represented",
        "attended",
        "lives",
        "works",
        "rang",
        "phoned",
        "says",
        "thinks",
        "drove",
        "flew",
        "visits",
        "stays",
        "refused",
        "declined",
        "agreed",
        # Contractions: "Jaylen doesn't want to see the resident".
        "doesn't",
        "didn't",
        "isn't",
        "wasn't",
        "won't",
        "can't",
        "hasn't",
        "hadn't",
        "wouldn't",
        # Not "can", "could", "did": "Elin could you send the slides?" asks a colleague.
    ]
)


_AGE_IN_BRACKETS = re.compile(r"[ \t]?\((?:aged?[ \t])?\d{1,3}[ \t]?(?:yo|y|yrs?|years?|[MF])?\)")


def _surnames_with_an_initial(t: Text) -> Iterator[Found]:
    """ "SHARMA R RXH 0098112", "TAN W 44M": a list's surname and initial, told by the record
    number or the age and sex after it."""
    ws = t.words
    for i in range(len(ws) - 1):
        surname, initial = ws[i], ws[i + 1]
        if surname.shape != "caps" or initial.shape != "initial" or len(surname.key) < 3:
            continue
        if t.text[surname.end : initial.start] != " ":
            continue
        key = surname.key
        english = key in ENGLISH or key in MEDICAL or key in EPONYMS or key in NOT_NAMES
        if english and (key not in SURNAMES or key in COMMON or key in MEDICAL):
            continue  # "VITAMIN K 10mg", "GRADE B 3"; but "BAKER J 44M" is a surname
        if key in PATIENT_TITLES or key in CLINICIAN_TITLES or key in REGIONS:
            continue
        if _RECORD_OR_AGE_AFTER.match(t.text, initial.end):
            found = [surname]
            yield Found(
                surname.start, initial.end, "colleague" if t.is_colleague(found) else "name"
            )


_RECORD_OR_AGE_AFTER = re.compile(r"[ \t]+(?:[A-Z]{1,4}[ \t]?\d{4,}|\d{1,3}[ \t]?[MF]\b|\d{5,})")


def _first_name_subjects(t: Text) -> Iterator[Found]:
    """A first name alone where only a person fits: "Maisie was back in ED", "Olumide's CT",
    "emma's dad"."""
    ws = t.words
    for i, w in enumerate(ws):
        if w.key not in FIRST_NAMES or w.key in COMMON or w.key in MEDICAL or w.key in PLACES:
            continue
        if w.key in MONTH_NAMES:
            continue
        if w.key in EPONYMS or w.key in NOT_NAMES:
            continue
        possessive = t.text[w.end : w.end + 1] in ("'", "\u2019")
        if possessive and i + 1 < len(ws):
            # "emma's dad": any case; "Olumide's CT": what a patient has, not an eponym's
            # fracture or ligament.
            following = ws[i + 1].key
            if following in RELATIONS or (t.capitalised(w) and following in BELONGINGS):
                yield Found(w.start, w.end, "name")
            continue
        if t.capitalised(w) and _AGE_IN_BRACKETS.match(t.text, w.end):
            yield Found(w.start, w.end, "name")  # "re Ollie (7yo) - pain RIF"
            continue
        if not t.capitalised(w) or not t.adjacent(i, i + 1):
            continue
        if i > 0 and ws[i - 1].key == "the":
            continue  # "the Alfred is…": a hospital
        if i > 0 and ws[i - 1].key in CLINICIAN_ROLES:
            continue  # "our stoma nurse Joanne says…": a colleague on the staff
        if ws[i + 1].key in SUBJECT_VERBS and ws[i + 1].shape == "lower":
            yield Found(w.start, w.end, "name")


# What only a patient has, after a name no list knows: "Sipho's CT", "Aroha's bloods".
PATIENT_BELONGINGS = frozenset(
    ["ct", "mri", "bloods", "results", "wound", "stoma", "obs", "sats", "recovery",
     "discharge", "admission", "transplant", "histology", "biopsy", "mum", "dad", "parents"]
)  # fmt: skip


def _unknown_possessives(t: Text) -> Iterator[Found]:
    """A word no list has, whose relatives or family these are: "Tavita's family", "tui's
    mum" (the lists know few Pacific, Māori or West African first names)."""
    ws = t.words
    for i in range(len(ws) - 1):
        w = ws[i]
        if t.text[w.end : w.end + 1] not in ("'", "\u2019") or len(w.key) < 3:
            continue
        following = ws[i + 1].key
        belonging = following in PATIENT_BELONGINGS and w.shape == "title" and not t.shouting
        relative = following in RELATIONS or following in ("family", "whanau", "whānau")
        if not relative and (
            not belonging or w.key in ENGLISH or w.key in SURNAMES or w.key in PLACES
        ):
            continue  # "Sipho's CT" is his; "Meckel's scan", "Barrett's" are eponyms'
        if ws[i + 1].key in ("pt", "patient"):
            continue
        key = w.key
        if key in COMMON or key in MEDICAL or key in FUNCTION_WORDS or key in NOT_NAMES:
            continue
        if key in ENGLISH and ws[i + 1].key in ("officer", "worker"):
            continue  # "the coroner's officer", "the council's worker"
        if key in EPONYMS or key in RELATIONS or key in PATIENT_WORDS or key in REGIONS:
            continue
        if w.shape == "caps" and not t.shouting:
            continue  # "ICU's family room"
        yield Found(w.start, w.end, "colleague" if key in t.colleagues else "name")


def name_words(text: str) -> set[str]:
    """The words of `text` that could be a colleague's surname: those after a title (Mr, Dr,
    Miss…) or an initial ("T. Siddiqui"), and the words of bare full names, lower case."""
    t = Text(text, ())
    found: set[str] = set()
    for i, w in enumerate(t.words):
        titled = w.key in PATIENT_TITLES or w.key in CLINICIAN_TITLES
        initial = w.shape == "initial" and t.text[w.end : w.end + 1] == "."
        if (titled or initial) and i + 1 < len(t.words):
            last = _extend_surname(t, i + 1, trusted=True)
            found.update(word.key for word in t.words[i + 1 : last + 1])
    for name in _bare_full_names(t):
        found.update(w.key for w in t.words if name.start <= w.start < name.end)
    return found


def _surname_comma_first_name(t: Text) -> Iterator[Found]:
    """Pasted headers and lists: "Nicholson, Jane   DOB …", "lindqvist, olof 92yo"."""
    ws = t.words
    for i in range(len(ws) - 1):
        surname, first = ws[i], ws[i + 1]
        between = t.text[surname.end : first.start]
        if between.strip() != "," or len(between) > 2:
            continue
        if _labelled_by_what_follows(t, i):
            start = i
            while start > 0 and t.text[ws[start - 1].end : ws[start].start] == "-":
                start -= 1  # "NAKASHIMA-ODA, Reiko"
            yield Found(ws[start].start, first.end, "name")  # "on OYELARAN, T. Repeat"
            continue
        if surname.shape != first.shape and not (
            surname.shape == "caps" and first.shape == "title"
        ):
            continue
        if surname.key not in SURNAMES or first.key not in FIRST_NAMES:
            continue
        pasted_header = (
            surname.shape == "caps" and first.shape == "title" and first.key in FIRST_NAMES
        )  # "WU, Jian", "ABUBAKAR, Hauwa": a pasted label
        if surname.key in COMMON or first.key in COMMON:
            continue
        if surname.key in MEDICAL and not pasted_header:
            continue  # but "KELLY, Maura" is a woman, not a clamp
        if first.key in MEDICAL or (
            surname.shape == "caps" and not t.shouting and not pasted_header
        ):
            continue  # "TAPP, ASA 2": procedures and scores in capitals
        if (surname.key in EPONYMS or surname.key in PLACES) and not pasted_header:
            continue  # but "DOUGLAS, Frances", "KELLY, Maura": a label, not Douglas or Kelly
        found = [surname, first]
        yield Found(surname.start, first.end, "colleague" if t.is_colleague(found) else "name")


# After "SURNAME, First": what only a patient's label has (an age and sex, a date of birth, a
# record number).
_PATIENT_AFTER = re.compile(
    r"[ \t]*(?:\d{1,3}[ \t]?(?:y|yo|yrs?|[MFmf])\b|(?i:dob|d\.o\.b|mrn|nhs|chi|hosp|born)\b"
    r"|[A-Z]{0,3}\d{5,}\b"  # "WILLIAMS, Gethin K998134", "ABOUD, Hassan 0071842"
    r"|\d{1,2}(?:[/\-]\d{1,2}[/\-]|\.\d{1,2}\.|[ \-/][A-Za-z]{3}[ \-/])\d{2,4}\b)"
)


def _unknown_word(w: Word) -> bool:
    key = w.key
    return (
        len(key) >= 3
        and key not in ENGLISH
        and key not in MEDICAL
        and key not in FUNCTION_WORDS
        and key not in NOT_NAMES
        and key not in EPONYMS
        and key not in MONTH_NAMES
        and key not in REGIONS
        and not is_place(key)
        and not key.endswith(_NOT_NAME_ENDINGS)
    )


def _labelled_by_what_follows(t: Text, i: int) -> bool:
    """ "SZYMANSKI, KRZYSZTOF 67M", "lindqvist, olof 92yo", "KOWALSKI, Zbigniew 03-OCT-1944",
    "on OYELARAN, T. Repeat": a pasted label, told by what follows whatever the lists say."""
    ws = t.words
    surname, first = ws[i], ws[i + 1]
    if not _unknown_word(surname) and surname.key not in SURNAMES:
        return False
    if surname.key in COMMON or surname.key in MEDICAL or surname.key in EPONYMS:
        return False
    if surname.shape != first.shape and not (
        surname.shape == "caps" and first.shape in ("title", "initial")
    ):
        return False
    if first.shape == "initial":
        if surname.shape != "caps" or len(surname.key) < 4 or t.shouting:
            return False
        after = t.text[first.end : first.end + 2]
        return after[:1] in (".", "") or after[:1] == "\n"
    if not (_unknown_word(first) or first.key in FIRST_NAMES) or first.key in COMMON:
        return False
    return bool(_PATIENT_AFTER.match(t.text, first.end))


_NICKNAME = re.compile(
    r"(?i:known as|prefers(?: to be called)?|likes to be called|goes by|"
    r"calls (?:him|her|them)self|nicknamed?|mate|friend|pal|"
    r"named (?:him|her|my patient|the patient)|called (?:him|her))\s+['\"\u2018\u201c]"
    r"(?:(?:Big|Little|Old|Young|Uncle|Auntie|Aunty|Nana|Papa)\s+)?"
    r"([A-Z][a-z]{1,20})['\"\u2019\u201d]"
)
_BY_BED = re.compile(
    r"\b(?i:bed|bay|cubicle|rm|room)\s?\d{1,3}[A-Z]?\s?[:\-\u2013]?\s((?:Mr|Mrs|Ms|Miss)\.?\s)?"
    r"([A-Z][a-z]{2,20}(?:[ -][A-Z][a-z]{2,20})?)\b"
    r"|\b([A-Z][a-z]{2,20})\s(?:in\s)?(?i:bed|bay)\s?\d{1,3}\b"
)


def _nicknames_and_beds(t: Text) -> Iterator[Found]:
    """ "known as 'Mick'"; handover lists: "bed 3 Wojciech Nowak", "Keller bed 4"."""
    for match in _NICKNAME.finditer(t.text):
        yield Found(match.start(1), match.end(1), "name")
    for match in _BY_BED.finditer(t.text):
        group = 2 if match.group(2) else 3
        start, end = match.span(group)
        words_here = t.text[start:end].lower().replace("-", " ").split()
        if any(
            w in COMMON or w in MEDICAL or w in EPONYMS or w in FUNCTION_WORDS or w in NOT_NAMES
            for w in words_here
        ):
            continue
        if match.group(1):
            start = match.start(1)
        yield Found(
            start, end, "colleague" if any(w in t.colleagues for w in words_here) else "name"
        )


# The start of an entry in a pasted list: "1) ", "09:15 ", "B2 ", "Bed 3 ", "Bay 2 bed 4 —".
_LIST_ENTRY = re.compile(
    r"(?:^|\n|(?<=\s))(?:\d{1,2}\)|(?<![^\n])\d{1,2}\.|\d{1,2}[:.]\d{2}|B\d{1,2}|(?i:bed|bay)\s?\d{1,2}"
    r"(?:\s+(?i:bed)\s?\d{1,2})?)[ \t]*[:\-\u2013\u2014]?[ \t]+(?=\S)"
)


def _list_entries(t: Text) -> Iterator[Found]:
    """Theatre, clinic and handover lists lead with the patient's surname: "1) Kelleher lap
    chole", "09:00 PATEL Anil H443219", "B1 OKONKWO C 54M", "Bed 1 DUNNE — POD1"."""
    ws = t.words
    starts = {w.start: i for i, w in enumerate(ws)}
    for match in _LIST_ENTRY.finditer(t.text):
        i = starts.get(match.end())
        if i is None:
            continue
        w = ws[i]
        # "1. Infraumbilical incision", "3. Insufflate to 12 mmHg": numbered steps open with
        # words; a numbered entry is a patient's only in capitals or when the lists know it.
        numbered = match.group().strip().rstrip(":-\u2013\u2014 ").endswith(".")
        comma_name = i + 1 < len(ws) and t.text[w.end : ws[i + 1].start] == ", "
        if numbered and w.shape == "title" and w.key not in SURNAMES and not comma_name:
            continue
        if (
            w.shape == "lower"
            and i + 1 < len(ws)
            and t.adjacent(i, i + 1)
            and w.key in FIRST_NAMES
            and ws[i + 1].key in SURNAMES
            and w.key not in COMMON
            and ws[i + 1].key not in COMMON
        ):
            yield Found(w.start, ws[i + 1].end, "name")  # "bed 6 - lucas meyer - ?appendix"
            continue
        if w.shape not in ("title", "caps") or len(w.key) < 3:
            continue
        if (
            i + 1 < len(ws)
            and t.text[w.end : ws[i + 1].start] == ", "
            and ws[i + 1].key in FIRST_NAMES
            and ws[i + 1].key not in COMMON
            and ws[i + 1].shape in ("title", "caps")
        ):
            # "1. Hartmann, Klaus - Rückverlagerung": a list's "Surname, First" is a patient
            # even when the surname is an eponym's.
            yield Found(w.start, ws[i + 1].end, "name")
            continue
        if w.key in COMMON or w.key in MEDICAL or w.key in FUNCTION_WORDS or w.key in NOT_NAMES:
            continue
        if w.key in ENGLISH and w.key not in SURNAMES:
            continue  # "4. Excision lipoma back": a numbered step
        if w.key in EPONYMS or w.key in PATIENT_TITLES or w.key in CLINICIAN_TITLES:
            continue  # "Bed 3 MR ADEYEMI": the title rule's
        if w.shape == "caps" and len(w.key) <= 4 and w.key not in SURNAMES:
            continue  # "09:45 DNA", "B3 TCI": codes
        if w.key.endswith(("n't", "n\u2019t", "'ll", "'re", "'ve", "'d", "'m")):
            continue  # "8) Don't trust bowel…"
        if len(w.key) > 5 and w.key.endswith(("ing", "ed")):
            continue  # "BED 6 DESATTING", "Bed 2 SETTLED"
        last = i
        while (
            last + 1 < len(ws)
            and last - i < 2
            and t.adjacent(last, last + 1, allow=" -'")
            and ws[last + 1].shape in ("title", "caps")
            and ws[last + 1].key not in COMMON
            and ws[last + 1].key not in MEDICAL
            and (
                ws[last + 1].key in FIRST_NAMES
                or ws[last + 1].key in SURNAMES
                or ws[last + 1].shape == w.shape
                or ws[last + 1].shape == "title"
            )
        ):
            last += 1
        found = ws[i : last + 1]
        yield Found(w.start, ws[last].end, "colleague" if t.is_colleague(found) else "name")


# A bed after the name, or a unit's room code: "WHITAKER 7N-20 SBO w/ NGT".
_BED_AFTER = re.compile(
    r"[ \t]+(?:(?i:bed|bay|rm|room)[ \t]?\d{1,3}\b|\d{1,2}[A-Z]{1,2}-\d{1,3}[A-Z]?\b)"
)


def _name_before_bed(t: Text) -> Iterator[Found]:
    """A line that opens with a name then its bed, in any case: "JAMAL AL-HASHIMI BED 22",
    "sean ó murchú bed 5"."""
    ws = t.words
    for i, w in enumerate(ws):
        if not opens_sentence(t, i) and t.text[: w.start].rstrip(" \t")[-1:] not in ("", "\n"):
            continue
        last = i
        while last - i < 3 and last + 1 < len(ws) and t.adjacent(last, last + 1, allow=" -'"):
            if _BED_AFTER.match(t.text, ws[last].end):
                break
            last += 1
        if not _BED_AFTER.match(t.text, ws[last].end) or (last == i and w.shape == "lower"):
            continue
        found = ws[i : last + 1]
        if any(
            x.key in COMMON or x.key in MEDICAL or x.key in FUNCTION_WORDS or x.key in NOT_NAMES
            for x in found
        ):
            continue
        if not any(x.key in FIRST_NAMES or x.key in SURNAMES for x in found):
            continue
        yield Found(w.start, ws[last].end, "colleague" if t.is_colleague(found) else "name")


# A form's label for a person's name: "Name:", "Patient name:", "Subscriber:", "NOK name -".
NAME_LABELS = frozenset(
    ["name", "surname", "forename", "forenames", "subscriber", "guarantor", "policyholder",
     "insured", "addressee"]
)  # fmt: skip
# What may come before "name" in such a label: a person's, not a drug's or a trial's.
PERSON_NAME_QUALIFIERS = frozenset(
    ["patient", "patient's", "pt", "pt's", "full", "first", "last", "given", "family",
     "maiden", "preferred", "birth", "nok", "kin", "baby", "baby's", "mother's", "father's",
     "middle", "child's", "legal", "spouse", "spouse's", "contact", "member", "resident"]
)  # fmt: skip
_LABEL_MARK = re.compile(r"[ \t]*(?::|=|\s[-\u2013\u2014])[ \t]*")


def _labelled_names(t: Text) -> Iterator[Found]:
    """What a form's name field holds, in any case and whatever the lists say: "Name:
    WHITFIELD, BRANDON J", "Patient name: olamide bankole", "Subscriber: Hernandez, Miguel"."""
    ws = t.words
    for i, w in enumerate(ws):
        if w.key not in NAME_LABELS:
            continue
        mark = _LABEL_MARK.match(t.text, w.end)
        if not mark or i + 1 >= len(ws) or ws[i + 1].start != mark.end():
            continue
        if (
            w.key == "name"
            and i > 0
            and t.adjacent(i - 1, i, allow=" '\u2019s")
            and ws[i - 1].key not in PERSON_NAME_QUALIFIERS
        ):
            continue  # "Drug name: Tazocin", "Trial name: ROLARR"
        j = i + 1
        if ws[j].key in CLINICIAN_TITLES:
            continue  # "Name: Dr …": a clinician's, allowed as one
        start = ws[j].start
        if ws[j].key in PATIENT_TITLES and t.adjacent(j, j + 1, allow=" ."):
            j += 1
        last = None
        for k in range(j, min(j + 4, len(ws))):
            x = ws[k]
            if k > j:
                between = t.text[ws[k - 1].end : x.start]
                if not t.adjacent(k - 1, k, allow=" ,.-'") or "  " in between:
                    break
            if _LABEL_MARK.match(t.text, x.end) and t.text[x.end : x.end + 1] in (":", "="):
                break  # the next field's label: "Name: Rosa DOB: …"
            hyphened = k > j and t.text[ws[k - 1].end : x.start] == "-"  # "OKORO-BLAKE"
            if (
                x.shape != "initial"
                and not hyphened
                and (
                    x.key in FUNCTION_WORDS
                    or x.key in MEDICAL
                    or x.key in NOT_NAMES
                    or (x.key in COMMON and x.key not in FIRST_NAMES and x.key not in SURNAMES)
                )
            ):
                break
            last = k
        if last is None:
            continue
        found = ws[j : last + 1]
        yield Found(start, ws[last].end, "colleague" if t.is_colleague(found) else "name")


def _families(t: Text) -> Iterator[Found]:
    """ "The Nakamura family have asked for a second opinion": a surname before "family"."""
    ws = t.words
    for i in range(1, len(ws) - 1):
        w = ws[i]
        if ws[i - 1].key != "the" or ws[i + 1].key not in ("family", "family's", "families"):
            continue
        if not t.capitalised(w) or not t.adjacent(i, i + 1) or len(w.key) < 3:
            continue
        key = w.key
        if key in COMMON or key in NOT_NAMES or key in REGIONS or key in CLASSIFICATION_PLACES:
            continue  # "the Royal family", "the Glasgow family"
        if key in EPONYMS:
            continue  # "the Whipple family meeting": the family of the man who had one
        listed = key in SURNAMES and key not in MEDICAL
        unknown = not (key in ENGLISH or key in MEDICAL or key in EPONYMS or is_place(key))
        if listed or unknown:
            yield Found(w.start, w.end, "colleague" if key in t.colleagues else "name")


def find(
    text: str, colleagues: Collection[str] = (), found: list[Word] | None = None
) -> Iterator[Found]:
    """Names, colleagues and places in `text`; `colleagues` are members' surnames, lower case.
    `found`: the text's words(), when the caller has them already."""
    t = Text(text, colleagues, found)
    yield from _titled(t)
    yield from _after_relation(t)
    yield from _bare_full_names(t)
    yield from _surname_comma_first_name(t)
    yield from _nicknames_and_beds(t)
    yield from _first_name_subjects(t)
    yield from towns.find(t)
    yield from _list_entries(t)
    yield from _unknown_possessives(t)
    yield from _name_before_bed(t)
    yield from _labelled_names(t)
    yield from _surnames_with_an_initial(t)
    yield from _families(t)
