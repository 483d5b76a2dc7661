"""What the word rules share: the word lists, a text cut into words, and what its case says.

phi/rules/people.py finds names and phi/rules/towns.py towns on these words; both read the
lists in phi/words/ (census names, GeoNames towns and villages, SCOWL's everyday English, our
eponyms and medical words), looked up as sets, never as patterns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

from phi.wordlists import load

FIRST_NAMES = load("first_names")
SURNAMES = load("surnames")
# "Trois-Rivières", "Stratford-upon-Avon": the text is cut into words at hyphens, so each
# hyphenated town is also known by its words.
PLACES = (lambda towns: towns | {t.replace("-", " ") for t in towns if "-" in t})(load("places"))
# "Bexhill-on-Sea", "Newcastle-under-Lyme": people say the first part.
PLACES |= {
    t.split("-")[0]
    for t in PLACES
    if re.search(r"-(?:on|upon|under|by|in|le)-", t) and len(t.split("-")[0]) >= 4
}


def fold(key: str) -> str:
    """Without accents or macrons: "whangārei" is the list's "whangarei"."""
    return "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))


FOLDED_PLACES = frozenset(fold(place) for place in PLACES)
VILLAGES = load("villages")
FOLDED_VILLAGES = frozenset(fold(village) for village in VILLAGES)
# The first word of every town, folded: most words are no town's first, and are let go in
# one lookup (a 20,000-character run of "Mr " costs a third less).
PLACE_FIRST_WORDS = frozenset(place.split()[0] for place in FOLDED_PLACES)
PLACE_FIRST_PAIRS = frozenset(
    " ".join(place.split()[:2]) for place in FOLDED_PLACES if " " in place
)


def place_lengths(t: Text, i: int) -> tuple[int, ...]:
    """The lengths of listed town worth trying at word i: three and two words only when the
    first two are how some town begins ("St Albans"; not "St St St…")."""
    ws = t.words
    if i + 1 < len(ws):
        pair = f"{ws[i].key} {ws[i + 1].key}"
        if (pair if pair.isascii() else fold(pair)) in PLACE_FIRST_PAIRS:
            return (3, 2, 1)
    return (1,)


def is_place(key: str) -> bool:
    """Listed, however the accents are written: "Chania" is the list's "Chaniá"."""
    return key in PLACES or (key if key.isascii() else fold(key)) in FOLDED_PLACES


def is_village(key: str) -> bool:
    """A village of the list (1,000 to 5,000 people), however the accents are written."""
    return key in VILLAGES or fold(key) in FOLDED_VILLAGES


def may_start_place(key: str) -> bool:
    return (key if key.isascii() else fold(key)) in PLACE_FIRST_WORDS


REGIONS = load("regions")
COMMON = load("common_words")
# Everyday and rarer English: a word that no name list knows is no name when it is English.
ENGLISH = COMMON | load("english_words")
MEDICAL = load("medical_words")
EPONYMS = frozenset(entry.lower() for entry in load("eponyms"))
NOT_NAMES = frozenset(entry.lower() for entry in load("not_names") | load("clause_openers"))

# Titles a patient or relative has here. "Dr" and "Prof" are clinicians': allowed, as a
# clinician's name is not a patient identifier (a member's is marked as a colleague).
PATIENT_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "master",
        "mme",
        "mlle",
        "madame",
        "monsieur",
        "herr",
        "frau",
        "sra",
        "señora",
        "señor",
        "signora",
        "signor",
        "sig",
        "mevrouw",
        "meneer",
        "mevr",
        "dhr",
        "fru",
    ]
)
CLINICIAN_TITLES = frozenset(["dr", "prof", "professor", "doctor"])
# Nurses' titles: "Sister Bernadette Walsh", "Charge Nurse Mateo Alvarez", "Sr Eilidh MacLeod".
NURSING_TITLES = frozenset(["sister", "sr", "nurse", "matron", "sn", "rn", "cns", "midwife"])
# UK consultant surgeons are Mr, Miss and Ms: a member's surname after them is a colleague.
# In capitals "MR" and "MS" are also mitral regurgitation and multiple sclerosis.
AMBIGUOUS_CAPS_TITLES = frozenset({"mr", "ms"})

RELATIONS = frozenset(
    [
        # Not relations, but the same trigger: "pt marcus oyelowo", "patient ROSA".
        "pt",
        "patient",
        "son",
        "daughter",
        "wife",
        "husband",
        "partner",
        "mother",
        "mum",
        "mom",
        "mam",
        "mammy",
        "mummy",
        "father",
        "dad",
        "daddy",
        "brother",
        "sister",
        "dtr",
        "dau",
        "hus",
        "hsb",
        "sis",
        "bro",
        "nok",
        "niece",
        "wf",
        "dotter",
        "datter",
        "hustru",
        "eşi",
        "oğlu",
        "k\u0131z\u0131",
        "worker",
        "officer",
        "mate",
        "flatmate",
        "housemate",
        "tochter",
        "sohn",
        "ehemann",
        "ehefrau",
        "hija",
        "hijo",
        "esposa",
        "esposo",
        "filha",
        "filho",
        "fille",
        "fils",
        "figlia",
        "figlio",
        "moglie",
        "marito",
        "fiance",
        "fiancee",
        "fiancé",
        "fiancée",
        "nephew",
        "grandson",
        "granddaughter",
        "grandma",
        "grandpa",
        "grandmother",
        "grandfather",
        "gran",
        "granny",
        "nan",
        "nana",
        "grandad",
        "grandchild",
        "aunt",
        "auntie",
        "uncle",
        "cousin",
        "fiance",
        "fiancee",
        "fiancé",
        "fiancée",
        "boyfriend",
        "girlfriend",
        "bf",
        "gf",
        "spouse",
        "carer",
        "friend",
        "neighbour",
        "neighbor",
        "stepson",
        "stepdaughter",
        "stepmother",
        "stepfather",
        "guardian",
        "twin",
        "sibling",
        "kin",
        "widow",
        "widower",
        "parents",
        "twins",
        "sons",
        "daughters",
    ]
)
# Words allowed between a relation and the name: "daughter (VERONICA)", "son is Rob",
# "wife, Maria,".
RELATION_LINKS = frozenset(["is", "was", "named", "called", "called:", "name"])

# Words never a name or a place, whatever their case: they follow triggers all the time.
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "from",
        "by",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "who",
        "whom",
        "whose",
        "which",
        "that",
        "this",
        "these",
        "those",
        "his",
        "her",
        "hers",
        "their",
        "theirs",
        "our",
        "ours",
        "my",
        "mine",
        "your",
        "its",
        "it",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "me",
        "him",
        "them",
        "us",
        "not",
        "no",
        "yes",
        "also",
        "too",
        "very",
        "then",
        "than",
        "so",
        "there",
        "here",
        "now",
        "today",
        "tonight",
        "tomorrow",
        "yesterday",
        "said",
        "says",
        "called",
        "rang",
        "phoned",
        "texted",
        "came",
        "come",
        "went",
        "go",
        "left",
        "arrived",
        "visited",
        "visiting",
        "aware",
        "present",
        "updated",
        "informed",
        "asked",
        "wants",
        "wanted",
        "happy",
        "unhappy",
        "concerned",
        "worried",
        "ok",
        "okay",
        "re",
    ]
)

# Words after a place or institution that make it part of a name of something else:
# "Paris classification", "Milan criteria", "Glasgow score", "St Mark's protocol".
QUALIFIERS = frozenset(
    [
        "classification",
        "classifications",
        "criteria",
        "criterion",
        "score",
        "scores",
        "scale",
        "staging",
        "stage",
        "grade",
        "grading",
        "repair",
        "procedure",
        "operation",
        "technique",
        "system",
        "protocol",
        "protocols",
        "consensus",
        "guideline",
        "guidelines",
        "rule",
        "rules",
        "approach",
        "method",
        "trial",
        "study",
        "group",
        "declaration",
        "nomenclature",
        "convention",
        "coma",
        "type",
        "types",
        "regimen",
        "formula",
        "series",
        "questionnaire",
        "index",
        "stool",
        "solution",
        "expanded",
        "extended",
        "chart",
        "stem",
        "hip",
        "knee",
        "shunt",
        "tube",
        "triage",
        "definition",
        "checklist",
        "pouch",
        "bag",
        "pump",
        "cohort",
        "registry",
        "experience",
        "series",
        "meeting",
        "congress",
        "conference",
        "course",
        "consensus",
    ]
)

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['\u2019]s?$")


class Word(NamedTuple):
    # A tuple, not a dataclass: a 20,000-character text has thousands, and a frozen
    # dataclass took a third of the time spent cutting it into words.
    start: int
    end: int  # without a possessive: "Lindqvist's" ends before the apostrophe
    key: str  # lower case, without a possessive
    shape: str  # "title", "caps", "lower", "mixed", "initial"


def _shape(text: str) -> str:
    if len(text) == 1:
        return "initial" if text.isupper() else "lower"
    if text.isupper():
        return "caps"
    if text.islower():
        return "lower"
    if text[0].isupper() and (text[1:].islower() or "'" in text or "\u2019" in text):
        return "title"
    if _PREFIXED.match(text):
        return "title"  # "MacLeod", "McCarthy", "DeSouza", "FitzGerald"
    return "mixed"


_PREFIXED = re.compile(r"(?:Mac|Mc|Fitz|De|Di|Da|La|Le|Van|Von)[A-Z][a-z]+$")


def words(text: str) -> list[Word]:
    found: list[Word] = []
    # Texts repeat their words: each distinct one is lowered and shaped once.
    seen: dict[str, tuple[str, str, str]] = {}
    for match in _WORD.finditer(text):
        start = match.start()
        raw = match.group()
        known = seen.get(raw)
        if known is None:
            core = raw
            if len(core) > 2 and ("'" in core or "\u2019" in core):
                core = _POSSESSIVE.sub("", core)
            known = seen[raw] = (core, core.lower(), _shape(core))
        core, key, shape = known
        found.append(Word(start, start + len(core), key, shape))
    return found


def _shouting(found: list[Word]) -> bool:
    # Mostly capitals: capitalisation tells nothing about names.
    long = [w for w in found if w.end - w.start > 1]
    return bool(long) and sum(w.shape == "caps" for w in long) >= 0.6 * len(long)


_GERMAN = frozenset(
    ["und", "oder", "mit", "ist", "für", "nach", "bei", "eine", "einen", "wir", "nicht", "auf",
     "zum", "zur", "vom", "sich", "wird", "ein", "der"]
)  # fmt: skip


def _german(found: list[Word]) -> bool:
    seen = {w.key for w in found if w.key in _GERMAN and w.shape == "lower"}
    return len(seen) >= 2


class Text:
    """One text's words, and what its spacing and case say about them."""

    def __init__(
        self, text: str, colleagues: Collection[str], found: list[Word] | None = None
    ) -> None:
        self.text = text
        self.words = words(text) if found is None else found
        self.shouting = _shouting(self.words)
        # German capitalises every noun: there, as in capitals, case says nothing of names.
        self.nouns_capitalised = _german(self.words)
        self.colleagues = colleagues

    def adjacent(self, i: int, j: int, *, allow: str = " ") -> bool:
        """Words i and j (j = i + 1) are separated only by characters in `allow`."""
        if j >= len(self.words):
            return False
        between = self.text[self.words[i].end : self.words[j].start]
        if self.text[self.words[i].end : self.words[i].end + 1] in ("'", "\u2019"):
            between = between.lstrip("'\u2019s")
        return 0 < len(between) <= 3 and all(c in allow for c in between)

    def capitalised(self, w: Word) -> bool:
        """Written as names are, in a text where that means something."""
        if self.shouting or self.nouns_capitalised:
            return False
        return w.shape == "title" or (w.shape == "caps" and w.key not in MEDICAL)

    def namelike(self, w: Word, *, trusted: bool) -> bool:
        """Could be a (first or last) name; `trusted` when a title or relation says so."""
        key = w.key
        if key in FUNCTION_WORDS or key in NOT_NAMES or w.shape == "initial":
            return False
        if key in EPONYMS or key in REGIONS:
            return False
        if self.capitalised(w):
            return trusted or key not in COMMON
        # Lower case, or capitals in a shouting text: only the lists can say.
        known = key in FIRST_NAMES or key in SURNAMES
        return known and key not in COMMON and key not in MEDICAL

    def is_colleague(self, found: list[Word]) -> bool:
        return any(w.key in self.colleagues for w in found)


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    kind: str


def opens_sentence(t: Text, i: int, *, colon: bool = True) -> bool:
    before = t.text[: t.words[i].start].rstrip(" \t\"'(")
    return not before or before[-1] in (".!?:;\n" if colon else ".!?\n")


MONTH_NAMES = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ]
)


# Towns that name classifications and scores more often than places in case text (the word
# after them is not always "score": "Vancouver B2", "within Milan", "Exeter or C-stem").
# Only the trigger rules ("lives in Glasgow") find these.
CLASSIFICATION_PLACES = frozenset(
    ["glasgow", "ottawa", "milan", "atlanta", "chicago", "manchester", "boston", "edmonton",
     "montreal", "exeter", "prague", "stanford", "vancouver", "tokyo", "kyoto", "paris",
     "rome", "sydney", "seattle", "amsterdam", "bethesda", "vienna", "berlin", "los angeles",
     "lund", "denver", "bristol", "oxford", "birmingham", "toronto", "lyon", "bologna",
     "baltimore", "hamburg", "heidelberg", "leeds", "nottingham", "san francisco", "memphis",
     "minnesota", "michigan", "melbourne", "geneva", "helsinki", "stockholm", "oslo", "rockall",
     "parkland", "olympic", "tokio"]
)  # fmt: skip


INSTITUTION_WORDS = frozenset(
    ["hospital", "hospitals", "infirmary", "clinic", "university", "hospice", "institute",
     "airport", "medical", "health", "children's", "royal", "memorial", "general", "centre",
     "center", "trust", "college", "school", "lodge", "station", "plant", "universitario",
     "universitaire", "clinica", "clinique", "klinikum", "ospedale", "hôpital", "hospitalet",
     "mater", "policlinico", "misericordiae", "nursing", "residential", "care", "home",
     "hostel"]
)  # fmt: skip
PLACE_HEADS = frozenset(["lodge", "house", "manor", "grange", "gardens", "villa", "towers"])
PATIENT_WORDS = frozenset(
    ["he", "she", "him", "her", "his", "their", "pt", "patient", "man", "woman", "lady",
     "gentleman", "guy", "bloke", "boy", "girl", "baby", "family", "son", "daughter", "wife",
     "husband", "mother", "father", "on"]
)  # fmt: skip
