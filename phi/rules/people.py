"""Names and places found by words, in any case: "MR LOMISH", "mr nicholson", "son ROB",
"it's under Mathias Ruud", "LIVES IN Hampton", "called from Seattle".

Regular expressions need a Title-case word to see a name; notes are written in capitals and
chat in lower case. This works on words instead: the text is cut into words once (a linear
scan), and each word is looked up in the word lists (phi/words/: census first names and
surnames, GeoNames towns, SCOWL's everyday English, our medical words and eponyms). A word is
a name or a place when a trigger says so (a title, a relation, "lives in") and the lists
agree, or, without a trigger, when two words are a first name and a surname and neither is
an everyday word.

What a trigger allows depends on how the text is written: in a text mostly in capitals, a
capitalised word is no evidence at all, so only the lists speak; in mixed case, a
capitalised word after a trigger is a name even if the lists don't know it.

The cost is one pass over the words and set lookups: no backtracking, whatever the input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from phi.wordlists import load

FIRST_NAMES = load("first_names")
SURNAMES = load("surnames")
PLACES = load("places")


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


def _lengths(t: _Text, i: int) -> tuple[int, ...]:
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


def may_start_place(key: str) -> bool:
    return (key if key.isascii() else fold(key)) in PLACE_FIRST_WORDS


REGIONS = load("regions")
COMMON = load("common_words")
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

STRONG_PLACE_TRIGGERS = {
    "lives": {"in", "at", "near", "on"},
    "living": {"in", "at", "near", "on"},
    "lived": {"in", "at", "near"},
    "resides": {"in", "at", "near"},
    "residing": {"in", "at", "near"},
    "resident": {"of", "in"},
    "moved": {"to", "from"},
    "moving": {"to", "from"},
    "relocated": {"to", "from"},
    "emigrated": {"to", "from"},
    "born": {"in"},
    "comes": {"from"},
    "came": {"from"},
    "originally": {"from"},
    "home": {"in", "to", "is"},
    "called": {"from"},
    "rang": {"from"},
    "phoned": {"from"},
    "calling": {"from"},
    "flew": {"in", "from", "to"},
    "flown": {"in", "from", "to"},
    "drove": {"from", "to"},
    "travelled": {"from", "to"},
    "traveled": {"from", "to"},
    "transferred": {"from", "to"},
    "retrieved": {"from"},
    "holiday": {"in"},
    "holidaying": {"in"},
    "visiting": {"from"},
    "farm": {"near", "in", "outside"},
    "family": {"in"},
    "flat": {"in"},
    "house": {"in"},
    "independently": {"in"},
    "alone": {"in", "at"},
    "back": {"in", "to"},
    "village": {"of", "near"},
    "town": {"of"},
    # "came in from Khayelitsha", "a lady in from Ballyhaunis", "skipper out of Killybegs".
    "in": {"from"},
    "out": {"of", "past"},
    "gp": {"in", "at"},
    "practice": {"in"},
    "rollover": {"near", "at", "in", "outside"},
    "crash": {"near", "at", "in", "outside"},
    "accident": {"near", "at", "in", "outside"},
    "collision": {"near", "at", "in", "outside"},
}
WEAK_PLACE_TRIGGERS = frozenset({"in", "from", "near", "to", "at", "between", "outside", "past"})
# Words before "from" that make it the source of something other than a person.
NOT_ORIGINS = frozenset(
    [
        "data",
        "results",
        "result",
        "series",
        "study",
        "studies",
        "paper",
        "papers",
        "group",
        "groups",
        "team",
        "teams",
        "unit",
        "centre",
        "center",
        "colleagues",
        "surgeons",
        "guidelines",
        "guideline",
        "experience",
        "report",
        "reports",
        "trial",
        "trials",
        "cohort",
        "registry",
        "registries",
        "audit",
        "audits",
        "evidence",
        "work",
        "slides",
        "talk",
        "lecture",
        "course",
        "fellowship",
        "meeting",
        "congress",
        "conference",
        "webinar",
        "letter",
    ]
)
# "a taxi driver from Enugu", "his family from Izmir": "from" after a person is where they
# are from, as strong as "lives in".
PERSON_NOUNS = frozenset(
    [
        "gent",
        "tourist",
        "visitor",
        "roofer",
        "builder",
        "man",
        "woman",
        "lady",
        "gentleman",
        "boy",
        "girl",
        "child",
        "baby",
        "patient",
        "pt",
        "driver",
        "farmer",
        "teacher",
        "worker",
        "family",
        "parents",
        "mum",
        "dad",
        "mother",
        "father",
        "son",
        "daughter",
        "wife",
        "husband",
        "brother",
        "sister",
        "grandmother",
        "grandfather",
        "student",
        "nurse",
        "pensioner",
        "widow",
        "widower",
    ]
)

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['\u2019]s?$")


@dataclass(frozen=True, slots=True)
class Word:
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
    for match in _WORD.finditer(text):
        start = match.start()
        core = match.group()
        if len(core) > 2 and ("'" in core or "\u2019" in core):
            core = _POSSESSIVE.sub("", core)
        found.append(Word(start, start + len(core), core.lower(), _shape(core)))
    return found


def _shouting(found: list[Word]) -> bool:
    # Mostly capitals: capitalisation tells nothing about names.
    long = [w for w in found if w.end - w.start > 1]
    return bool(long) and sum(w.shape == "caps" for w in long) >= 0.6 * len(long)


class _Text:
    """One text's words, and what its spacing and case say about them."""

    def __init__(
        self, text: str, colleagues: Collection[str], found: list[Word] | None = None
    ) -> None:
        self.text = text
        self.words = words(text) if found is None else found
        self.shouting = _shouting(self.words)
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
        if self.shouting:
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


def _extend_surname(t: _Text, i: int, *, trusted: bool) -> int:
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


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    kind: str


# Roles that say the titled name after them is a clinician's: "Surgeon: Mr D. Ogunleye",
# "CONS: MR AHERN", "the reg for Mr Adebayo", "under Mr Hale" (a UK consultant's patients).
CLINICIAN_ROLES = frozenset(
    ["surgeon", "consultant", "cons", "attending", "anaesthetist", "anesthetist", "assistant",
     "registrar", "reg", "spr", "fellow", "referrer", "operator", "endoscopist", "under",
     "physician", "oncologist", "radiologist", "supervisor", "trainer", "gp"]
)  # fmt: skip
TEACHING = frozenset(
    ["learnt", "learned", "taught", "trained", "shown", "that", "this", "it", "trick", "tip"]
)
# After the name, what only a clinician has: "Mr Hale's list", "Miss Rao's team".
CLINICIAN_BELONGINGS = frozenset(
    ["list", "lists", "clinic", "clinics", "team", "firm", "reg", "registrar", "patient",
     "patients", "theatre", "secretary", "fellow", "service", "unit", "session"]
)  # fmt: skip


def _a_clinician(t: _Text, i: int, last: int) -> bool:
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
        if "\n" not in between:
            return True
    possessive = t.text[ws[last].end : ws[last].end + 1] in ("'", "\u2019")
    return possessive and last + 1 < len(ws) and ws[last + 1].key in CLINICIAN_BELONGINGS


def _titled(t: _Text) -> Iterator[Found]:
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


def _after_relation(t: _Text) -> Iterator[Found]:
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
        lower_first_name = (
            name.shape == "lower" and name.key in FIRST_NAMES and name.key not in FUNCTION_WORDS
        )
        # In capitals a word no list knows that isn't a code: "HUSBAND KENJI".
        shouted_unknown = (
            t.shouting
            and name.shape == "caps"
            and (len(name.key) >= 4 or not name.key.isascii())
            and name.key not in COMMON
            and name.key not in MEDICAL
            and name.key not in FUNCTION_WORDS
            and name.key not in NOT_NAMES
            and not is_place(name.key)
        )
        if not (t.namelike(name, trusted=True) or lower_first_name or shouted_unknown):
            if _lower_unknown_pair(t, j):
                yield Found(name.start, ws[j + 1].end, "name")  # "pt thandeka ndlovu 28/40"
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
        and key not in COMMON
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


def _lower_unknown_pair(t: _Text, j: int) -> bool:
    """After a relation or "pt", two lower-case words no list knows: a name ("pt thandeka
    ndlovu"), where one unknown word alone is as likely shorthand."""
    ws = t.words
    if j + 1 >= len(ws) or not t.adjacent(j, j + 1):
        return False
    first, second = ws[j], ws[j + 1]
    surname = second.shape == "lower" and second.key in SURNAMES and second.key not in COMMON
    return _plain_unknown(first) and (_plain_unknown(second) or surname)


def _opens_sentence(t: _Text, i: int, *, colon: bool = True) -> bool:
    before = t.text[: t.words[i].start].rstrip(" \t\"'(")
    return not before or before[-1] in (".!?:;\n" if colon else ".!?\n")


def _apposition_follows(t: _Text, j: int) -> bool:
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


def _unknown_pair_is_a_name(t: _Text, i: int) -> bool:
    """Two Title-case words no list knows ("Sipho Ndlovu", "Moana Kealoha"): a name when
    neither is a town, neither opens a sentence, and both are written as names are (no
    capitals inside, no digits around: not "TaTME", not a brand with a model number)."""
    first, second = t.words[i], t.words[i + 1]
    if first.shape != "title" or len(first.key) <= 2 or len(second.key) <= 2:
        return False
    if _apposition_follows(t, i + 1) and not first.key.endswith(_NOT_NAME_ENDINGS):
        return True  # "Emre Kaya 7y,", "Hope Adebayo, 29F": an age says a person
    if first.key in PLACES or second.key in PLACES:
        return False
    if second.key.endswith(_NOT_NAME_ENDINGS) or first.key.endswith(_NOT_NAME_ENDINGS):
        return False  # "Hunterian Professorship", "Laparoscopic Appendicectomy"
    # After a colon or semicolon a name is often what follows ("Referred to the liver unit:
    # Lakshmi Venkataraman"); after a full stop an unknown pair is as often a term.
    if _opens_sentence(t, i, colon=False) and not _apposition_follows(t, i + 1):
        return False
    after = t.text[second.end : second.end + 2]
    return not any(c.isdigit() for c in after)


def _bare_full_names(t: _Text) -> Iterator[Found]:
    ws = t.words
    for i in range(len(ws) - 1):
        first, second = ws[i], ws[i + 1]
        if not t.adjacent(i, i + 1):
            continue
        if f"{first.key} {second.key}" in EPONYMS:
            continue
        if first.key in MEDICAL or first.key in NOT_NAMES:
            continue
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
        if t.capitalised(first) and t.capitalised(second) and first.shape == second.shape:
            # "Mathias Ruud": a first name (or two surnames) and a surname-shaped word.
            if second.key in COMMON and second.key not in SURNAMES:
                continue
            if (first.key in PLACES and second.key in PLACES) or (
                f"{first.key} {second.key}" in PLACES
            ):
                continue  # "Abu Dhabi", "Santa Cruz"
            if second.key in INSTITUTION_WORDS or second.key in PLACE_HEADS:
                continue  # "Rosewood Lodge", "Chris Hani Baragwanath Hospital": a place
            if any(w.key in INSTITUTION_WORDS and w.shape == "title" for w in ws[i + 2 : i + 4]):
                continue  # "Mater Misericordiae University Hospital": a hospital's name
            known = first.key in FIRST_NAMES or second.key in SURNAMES
            if not known and not _unknown_pair_is_a_name(t, i):
                continue
            opening = _opens_sentence(t, i, colon=False)
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
    ]
)


def _first_name_subjects(t: _Text) -> Iterator[Found]:
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
        if not t.capitalised(w) or not t.adjacent(i, i + 1):
            continue
        if i > 0 and ws[i - 1].key == "the":
            continue  # "the Alfred is…": a hospital
        if ws[i + 1].key in SUBJECT_VERBS and ws[i + 1].shape == "lower":
            yield Found(w.start, w.end, "name")


def _unknown_possessives(t: _Text) -> Iterator[Found]:
    """A word no list has, whose relatives or family these are: "Tavita's family", "tui's
    mum" (the lists know few Pacific, Māori or West African first names)."""
    ws = t.words
    for i in range(len(ws) - 1):
        w = ws[i]
        if t.text[w.end : w.end + 1] not in ("'", "\u2019") or len(w.key) < 3:
            continue
        if ws[i + 1].key not in RELATIONS and ws[i + 1].key not in ("family", "whanau", "whānau"):
            continue
        if ws[i + 1].key in ("pt", "patient"):
            continue
        key = w.key
        if key in COMMON or key in MEDICAL or key in FUNCTION_WORDS or key in NOT_NAMES:
            continue
        if key in EPONYMS or key in RELATIONS or key in PATIENT_WORDS or key in REGIONS:
            continue
        if w.shape == "caps" and not t.shouting:
            continue  # "ICU's family room"
        yield Found(w.start, w.end, "colleague" if key in t.colleagues else "name")


def _village_at(t: _Text, j: int) -> int | None:
    """Index of the last word of a listed village (1,000 to 5,000 people) at word j."""
    ws = t.words
    for length in (3, 2, 1):
        last = j + length - 1
        if last >= len(ws) or any(not t.adjacent(k, k + 1, allow=" -") for k in range(j, last)):
            continue
        key = " ".join(w.key for w in ws[j : last + 1])
        if key not in VILLAGES and fold(key) not in FOLDED_VILLAGES:
            continue
        if length == 1 and (
            key in COMMON
            or key in MEDICAL
            or key in EPONYMS
            or key in FUNCTION_WORDS
            or key in FIRST_NAMES
            or key in SURNAMES
            or key in NOT_NAMES
        ):
            continue
        if ws[j].shape == "title" or (t.shouting and ws[j].shape == "caps"):
            return last
    return None


def _place_at(t: _Text, j: int, *, strong: bool, villages: bool = False) -> int | None:
    """Index of the last word of a place starting at word j, or None. `villages`: after a
    trigger, the list of villages counts too."""
    ws = t.words
    if villages or strong:
        village = _village_at(t, j)
        if village is not None:
            return village
    listed = may_start_place(ws[j].key)
    # The longest town in the list: "milton keynes", "san francisco", "new york".
    for length in _lengths(t, j) if listed else ():
        last = j + length - 1
        if last >= len(ws) or any(not t.adjacent(k, k + 1, allow=" -") for k in range(j, last)):
            continue
        key = " ".join(w.key for w in ws[j : last + 1])
        if not is_place(key) or key in REGIONS:
            continue
        if length == 1 and (key in FUNCTION_WORDS or key in MEDICAL or key in EPONYMS):
            continue
        if length == 1 and key in COMMON and not (strong and t.capitalised(ws[j])):
            continue  # "in Reading" only after "lives in"; "in bath" never
        if not strong and not (
            (t.capitalised(ws[j]) and (ws[j].shape == "title" or length > 1))
            or (t.shouting and key not in COMMON)
        ):
            continue  # "straight to TAR", "back to ICU": in mixed case, capitals are acronyms
        return last
    if strong and t.namelike(ws[j], trusted=False) and t.capitalised(ws[j]):
        # A village the list doesn't have, after "lives in".
        last = j
        while (
            last + 1 < len(ws)
            and t.adjacent(last, last + 1, allow=" -")
            and t.capitalised(ws[last + 1])
            and ws[last + 1].key not in COMMON
            and last - j < 2
        ):
            last += 1
        return last
    return None


INSTITUTION_WORDS = frozenset(
    ["hospital", "hospitals", "infirmary", "clinic", "university", "hospice", "institute",
     "airport", "medical", "health", "children's", "royal", "memorial", "general", "centre",
     "center", "trust", "college", "school", "lodge", "station", "plant", "universitario",
     "universitaire", "clinica", "clinique", "klinikum", "ospedale", "hôpital", "hospitalet"]
)  # fmt: skip
PLACE_HEADS = frozenset(["lodge", "house", "manor", "grange", "gardens", "villa", "towers"])
EMPLOYER_WORDS = frozenset(["employer", "employed", "company", "firm", "contractor", "works"])
# After "the <town>", what happens in the town itself: "the Ballarat end", "the Tullamore
# show", "the Ballina quarry collapse".
LOCAL_THINGS = frozenset(
    ["end", "side", "area", "region", "district", "lot", "crowd", "show", "festival", "races",
     "fair", "market", "mart", "quarry", "factory", "plant", "mine", "crash", "fire", "flood",
     "shooting", "bombing", "derby", "regatta"]
)  # fmt: skip
STREET_WORDS = frozenset(
    ["street", "st", "road", "rd", "avenue", "ave", "lane", "drive", "close", "way", "terrace"]
)
ROOM_WORDS = frozenset(["rm", "room", "bed", "bay", "cubicle", "side", "theatre", "ward", "resus"])
WARD_WORDS = frozenset(["ward", "wing", "unit", "suite", "theatre", "theatres", "bay"])
AUTHOR_VERBS = frozenset(
    ["trained", "train", "worked", "work", "working", "moved", "saw", "see", "seen", "was",
     "were", "did", "do", "spent", "studied", "visited", "practised", "practiced", "am", "m",
     "ve", "have", "had", "used", "presented", "went", "go", "live", "lived", "grew",
     "qualified", "started", "met", "learned", "learnt", "heard", "spoke", "operate", "often"]
)  # fmt: skip
PATIENT_WORDS = frozenset(
    ["he", "she", "him", "her", "his", "their", "pt", "patient", "man", "woman", "lady",
     "gentleman", "guy", "bloke", "boy", "girl", "baby", "family", "son", "daughter", "wife",
     "husband", "mother", "father", "on"]
)  # fmt: skip
PRACTICE_VERBS = frozenset(
    ["do", "see", "use", "often", "always", "usually", "tend", "prefer", "get", "have", "still",
     "routinely", "mostly", "rarely", "never", "all", "would", "treat", "operate", "manage"]
)  # fmt: skip
PRACTISING = frozenset(["i", "we", "they", "everyone", "most", "we're", "we've", "i've"])
AUTHOR_WORDS = frozenset(["i", "we", "i've", "we've", "i'm", "we're", "ive", "im"])
OWN_PLACES = frozenset(["unit", "team", "department", "hospital", "trust", "centre", "center"])
# What happens in a town that says nothing about a patient: "the congress in Barcelona".
EVENTS = frozenset(
    ["congress", "conference", "meeting", "course", "fellowship", "symposium", "workshop",
     "board", "society", "college", "congresses", "meetings", "courses"]
)  # fmt: skip


def _authors_own(t: _Text, i: int) -> bool:
    """The town is in the author's own story ("I saw one in Toronto", "our unit in Tehran",
    "the congress in Barcelona", "In Lagos we often see…"): a warning, not a block. Not when
    a patient comes between ("I operated on Fiona MacLeod from Stornoway")."""
    ws = t.words
    if i > 0 and ws[i - 1].key in EVENTS:
        return True
    for k in range(i - 1, max(-1, i - 9), -1):
        between = t.text[ws[k].end : ws[k + 1].start]
        if any(c in ".!?;\n" for c in between):
            break
        if ws[k].key in PATIENT_WORDS or ws[k].key in PATIENT_TITLES:
            return False
        if ws[k].key in AUTHOR_WORDS:
            return any(w.key in AUTHOR_VERBS for w in ws[k + 1 : k + 4])
        if ws[k].key == "our" and k + 1 < len(ws) and ws[k + 1].key in OWN_PLACES:
            return True
    return _practice_follows(t, i)


def _practice_follows(t: _Text, last: int) -> bool:
    """ "In Lagos we often see…", "In Mumbai they do TAPP": how a place practises."""
    after = t.words[last + 1 : last + 3]
    return len(after) == 2 and after[0].key in PRACTISING and after[1].key in PRACTICE_VERBS


RESIDENCE_WORDS = frozenset(["lives", "living", "lived", "resides", "residing", "stays"])


def _lives_before(t: _Text, i: int) -> bool:
    ws = t.words
    for k in range(i - 1, max(-1, i - 5), -1):
        if any(c in ".!?;\n" for c in t.text[ws[k].end : ws[k + 1].start]):
            return False
        if ws[k].key in RESIDENCE_WORDS:
            return True
    return False


def _a_name_follows(t: _Text, last: int) -> bool:
    ws = t.words
    if last + 1 >= len(ws) or not t.adjacent(last, last + 1):
        return False
    following = ws[last + 1]
    return following.key in t.colleagues or (
        t.capitalised(following)
        and following.key in SURNAMES
        and following.key not in PLACES
        and following.key not in COMMON
        and ws[last].key in FIRST_NAMES
    )


def _places(t: _Text) -> Iterator[Found]:
    ws = t.words
    for i, w in enumerate(ws):
        strong: bool | str = False
        own = False
        if i > 0 and w.key in STRONG_PLACE_TRIGGERS.get(ws[i - 1].key, ()):
            # "We moved from Birmingham", "I've moved to Leeds": the author's own life.
            own = i > 1 and ws[i - 2].key in ("i", "we", "i've", "we've", "ive")
            strong = t.adjacent(i - 1, i) and not own
        elif i > 0 and w.key == "from" and ws[i - 1].key in PERSON_NOUNS:
            strong = t.adjacent(i - 1, i, allow=" ,")
        elif w.key == "from" and (i == 0 or ws[i - 1].key not in NOT_ORIGINS):
            # "admitted FROM HARROGATE", "travelling down from Glasgow": "from" a listed town
            # is where someone is from; "data from Leeds" is not.
            strong = "listed"
        elif w.key not in WEAK_PLACE_TRIGGERS:
            continue
        elif w.key in ("in", "near", "outside") and _lives_before(t, i):
            strong = True  # "lives w/ wife in Llandeilo", "living with her son near Tuam"
        if not t.adjacent(i, i + 1):
            continue
        j = i + 1
        if ws[j].key == "the" and t.adjacent(j, j + 1):
            continue  # "in the ..." names a thing, not a town
        two_letters = len(ws[j].key) < 3 and not (
            j + 1 < len(ws) and t.adjacent(j, j + 1) and ws[j + 1].shape == "title"
        )  # "in ED" is a department; "past Te Kūiti", "in La Paz" are towns
        if ws[j].key in ROOM_WORDS or (two_letters and not strong):
            continue  # "to Rm 12": a room
        if strong == "listed":
            last = _place_at(t, j, strong=False, villages=True)
            strong = last is not None
        else:
            # A village after "from", "near", "outside", "past": not after "in", "to", "at",
            # where a capitalised word is as often a ward, a team or a meeting.
            last = _place_at(
                t, j, strong=bool(strong), villages=w.key in ("from", "near", "outside", "past")
            )
        if last is None:
            continue
        if last + 1 < len(ws) and ws[last + 1].key in QUALIFIERS:
            continue  # "Paris classification", "Milan criteria"
        if any(w.key in INSTITUTION_WORDS and w.shape != "lower" for w in ws[last + 1 : last + 4]):
            continue  # "at Leeds General Infirmary": the hospital, a warning of its own
        if t.text[ws[last].end : ws[last].end + 1] in ("'", "\u2019"):
            continue  # "transferred to King's", "Guy's": a hospital, not the town
        if last + 1 < len(ws) and ws[last + 1].key in WARD_WORDS:
            continue  # "to Nightingale ward": a ward, a warning of its own
        if _a_name_follows(t, last):
            continue  # "heard from Hamza Qureshi": a person whose first name is a town
        # A town is an identifier (Safe Harbor: any subdivision smaller than a state), after
        # "lives in" or a bare "in" alike: measured on the blind sets, towns after a bare "in"
        # were mostly where a patient lived or was treated. Only the author's own moves ("we
        # moved from Birmingham") are a warning.
        own = own or _authors_own(t, i) or _practice_follows(t, last)
        yield Found(ws[j].start, ws[last].end, "town" if own else "place")


def _bare_town_at(t: _Text, i: int) -> int | None:
    """Index of the last word of a listed town starting at word i, written as a town is."""
    ws = t.words
    if not may_start_place(ws[i].key):
        return None
    for length in _lengths(t, i):
        last = i + length - 1
        if last >= len(ws) or any(not t.adjacent(k, k + 1, allow=" -") for k in range(i, last)):
            continue
        key = " ".join(w.key for w in ws[i : last + 1])
        if not is_place(key) or key in REGIONS:
            continue
        if length == 1:
            if key in COMMON or key in MEDICAL or key in EPONYMS or key in FUNCTION_WORDS:
                continue
            if key in NOT_NAMES or key in MONTH_NAMES or key in t.colleagues:
                continue
            if len(key) < (5 if t.shouting else 4):
                continue
            if key in FIRST_NAMES or key in SURNAMES or key in CLASSIFICATION_PLACES:
                continue  # "Walker", "Sofia", "Jones fracture": a person or an eponym
        if key in CLASSIFICATION_PLACES:
            return None
        if not (ws[i].shape == "title" or (t.shouting and ws[i].shape == "caps")):
            return None  # "KRAS", "PROSPER" in mixed case: acronyms, not towns
        return last
    return None


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
_BORN_AFTER = re.compile(r"[- ](?:born|bred)\b")
_CODE_AFTER = re.compile(r"\s(?:[A-Z]{1,2}\d{0,2}[A-Z]?\d?|[IVX]{1,4})\b")


def _region_follows(t: _Text, i: int) -> bool:
    """ "Thompson, Manitoba", "Hilo, HI": a comma, then a state or province."""
    ws = t.words
    if i + 1 >= len(ws) or t.text[ws[i].end : ws[i + 1].start].strip() != ",":
        return False
    following = ws[i + 1]
    return following.key in REGIONS or (
        following.shape == "caps" and following.key.upper() in US_STATES
    )


US_STATES = frozenset(
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
        "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
        "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
        "VA", "WA", "WV", "WI", "WY", "NSW", "QLD", "VIC", "TAS",
    ]
)  # fmt: skip


def _bare_towns(t: _Text) -> Iterator[Found]:
    """A listed town with no trigger word: "Gdynia born", "between Luton and Swindon", "all
    Clonmel patients". Safe Harbor counts every town, and on the blind sets most towns had
    no "lives in" before them. What keeps lookalikes safe: the word after ("Glasgow score",
    "Paris classification", "Leeds General Infirmary", "King's"), a title or first name
    around it (a person), "the" before an attributive use ("the Leeds data"), and the
    author's own story or an event ("the congress in Vienna"), which is a warning."""
    ws = t.words
    for i, w in enumerate(ws):
        if w.shape not in ("title", "caps"):
            continue
        last = _bare_town_at(t, i)
        if last is None:
            if (_BORN_AFTER.match(t.text, w.end) or _region_follows(t, i)) and is_place(w.key):
                # "Bergen-born", "north of Thompson, Manitoba": a surname, but a town here
                yield Found(w.start, w.end, "place")
            continue
        if _opens_sentence(t, i) and not t.shouting:
            continue  # "Bile leak…", "Tallaght have no beds": a term, or a hospital
        if t.text[w.start - 1 : w.start] == "-" and w.start > 1 and t.text[w.start - 2].isalpha():
            continue  # "Erdheim-Chester", "Dandy-Walker": eponyms
        joined = t.text[ws[last].end : ws[last].end + 2]
        if joined[:1] == "-" and joined[1:2].isupper():
            continue  # "Glasgow-Blatchford", "Budd-Chiari"
        if _CODE_AFTER.match(t.text, ws[last].end):
            continue  # "Stanford B", "Prague C3M5", "Montreal L3": a classification
        if i > 0 and ws[i - 1].key in ("revised", "modified", "great", "mount", "mt"):
            continue
        if i > 0 and ws[i - 1].shape == "caps" and t.adjacent(i - 1, i) and not t.shouting:
            continue  # "UZ Leuven", "CMC Vellore": a hospital's name
        if i > 0 and ws[i - 1].key in INSTITUTION_WORDS and ws[i - 1].shape != "lower":
            continue  # "Hospital Universitario La Paz"
        if any(k.key in EMPLOYER_WORDS for k in ws[max(0, i - 3) : i]):
            continue  # "the pt's employer (Rio Tinto)": an employer, a warning of its own
        if i > 0 and (ws[i - 1].key in PATIENT_TITLES or ws[i - 1].key in CLINICIAN_TITLES):
            continue  # "Mr Luton": a name, the title rule's
        if (
            i > 0
            and t.adjacent(i - 1, i)
            and t.capitalised(ws[i - 1])
            and (ws[i - 1].key in FIRST_NAMES or ws[i - 1].key in SURNAMES)
        ):
            continue  # "Gary Kettering": a person's surname
        if _a_name_follows(t, last) or (
            last + 1 < len(ws)
            and t.adjacent(last, last + 1)
            and ws[last + 1].key in SURNAMES
            and t.capitalised(ws[last + 1])
            and w.key in FIRST_NAMES
        ):
            continue
        following = ws[last + 1] if last + 1 < len(ws) else None
        if following is not None and t.adjacent(last, last + 1, allow=" -"):
            if following.key in QUALIFIERS or following.key in WARD_WORDS:
                continue
            if following.shape == "title" and following.key not in PLACES and not t.shouting:
                continue  # "Tata Memorial", "Aga Khan", "Ormond Street": a longer proper name
            if following.key in MEDICAL or following.key in STREET_WORDS:
                continue  # "Ottawa ankle rules", "Graham patch"
            if following.key in INSTITUTION_WORDS and following.shape != "lower":
                continue
        if t.text[ws[last].end : ws[last].end + 1] in ("'", "\u2019"):
            continue  # "King's", "Guy's": hospitals
        after = t.text[ws[last].end : ws[last].end + 4].lstrip(" ")
        if after[:1].isdigit() or after[:2] in ("IV", "II", "V ", "V,", "VI"):
            continue  # "Rome IV", "Tokyo 2018 guidelines", "Milan 2": criteria and versions
        if (
            i > 0
            and ws[i - 1].key == "the"
            and following is not None
            and following.shape == "lower"
            and t.adjacent(last, last + 1)
            and following.key not in LOCAL_THINGS
        ):
            continue  # "the Leeds data", "the Basingstoke approach": attributive
        own = (
            _authors_own(t, i)
            or any(k.key in EVENTS for k in ws[max(0, i - 6) : i])
            or (following is not None and following.key in AUTHOR_WORDS)
        )  # "In Lagos we often see…": the author's own practice
        yield Found(w.start, ws[last].end, "town" if own else "place")


def name_words(text: str) -> set[str]:
    """The words of `text` that could be a colleague's surname: those after a title (Mr, Dr,
    Miss…) and the words of bare full names, lower case."""
    t = _Text(text, ())
    found: set[str] = set()
    for i, w in enumerate(t.words):
        if (w.key in PATIENT_TITLES or w.key in CLINICIAN_TITLES) and i + 1 < len(t.words):
            last = _extend_surname(t, i + 1, trusted=True)
            found.update(word.key for word in t.words[i + 1 : last + 1])
    for name in _bare_full_names(t):
        found.update(w.key for w in t.words if name.start <= w.start < name.end)
    return found


def _surname_comma_first_name(t: _Text) -> Iterator[Found]:
    """Pasted headers and lists: "Nicholson, Jane   DOB …", "lindqvist, olof 92yo"."""
    ws = t.words
    for i in range(len(ws) - 1):
        surname, first = ws[i], ws[i + 1]
        between = t.text[surname.end : first.start]
        if between.strip() != "," or len(between) > 2:
            continue
        if surname.shape != first.shape and not (
            surname.shape == "caps" and first.shape == "title"
        ):
            continue
        if surname.key not in SURNAMES or first.key not in FIRST_NAMES:
            continue
        if surname.key in COMMON or first.key in COMMON or surname.key in MEDICAL:
            continue
        pasted_header = (
            surname.shape == "caps" and first.shape == "title" and first.key in FIRST_NAMES
        )  # "WU, Jian", "ABUBAKAR, Hauwa": a pasted label
        if first.key in MEDICAL or (
            surname.shape == "caps" and not t.shouting and not pasted_header
        ):
            continue  # "TAPP, ASA 2": procedures and scores in capitals
        if surname.key in EPONYMS or surname.key in PLACES:
            continue
        found = [surname, first]
        yield Found(surname.start, first.end, "colleague" if t.is_colleague(found) else "name")


_NICKNAME = re.compile(
    r"(?i:known as|prefers|goes by|calls (?:him|her|them)self|nicknamed?|mate|friend|pal|"
    r"named (?:him|her|my patient|the patient)|called (?:him|her))\s+['\"\u2018\u201c]"
    r"(?:(?:Big|Little|Old|Young|Uncle|Auntie|Aunty|Nana|Papa)\s+)?"
    r"([A-Z][a-z]{1,20})['\"\u2019\u201d]"
)
_BY_BED = re.compile(
    r"\b(?i:bed|bay|cubicle|rm|room)\s?\d{1,3}[A-Z]?\s?[:\-\u2013]?\s((?:Mr|Mrs|Ms|Miss)\.?\s)?"
    r"([A-Z][a-z]{2,20}(?:[ -][A-Z][a-z]{2,20})?)\b"
    r"|\b([A-Z][a-z]{2,20})\s(?i:bed|bay)\s?\d{1,3}\b"
)


def _nicknames_and_beds(t: _Text) -> Iterator[Found]:
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
    r"(?:^|\n|(?<=\s))(?:\d{1,2}\)|\d{1,2}[:.]\d{2}|B\d{1,2}|(?i:bed|bay)\s?\d{1,2}"
    r"(?:\s+(?i:bed)\s?\d{1,2})?)[ \t]*[:\-\u2013\u2014]?[ \t]+(?=\S)"
)


def _list_entries(t: _Text) -> Iterator[Found]:
    """Theatre, clinic and handover lists lead with the patient's surname: "1) Kelleher lap
    chole", "09:00 PATEL Anil H443219", "B1 OKONKWO C 54M", "Bed 1 DUNNE — POD1"."""
    ws = t.words
    starts = {w.start: i for i, w in enumerate(ws)}
    for match in _LIST_ENTRY.finditer(t.text):
        i = starts.get(match.end())
        if i is None:
            continue
        w = ws[i]
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
        if w.key in COMMON or w.key in MEDICAL or w.key in FUNCTION_WORDS or w.key in NOT_NAMES:
            continue
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


_BED_AFTER = re.compile(r"[ \t]+(?i:bed|bay|rm|room)[ \t]?\d{1,3}\b")


def _name_before_bed(t: _Text) -> Iterator[Found]:
    """A line that opens with a name then its bed, in any case: "JAMAL AL-HASHIMI BED 22",
    "sean ó murchú bed 5"."""
    ws = t.words
    for i, w in enumerate(ws):
        if not _opens_sentence(t, i) and t.text[: w.start].rstrip(" \t")[-1:] not in ("", "\n"):
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


def find(
    text: str, colleagues: Collection[str] = (), found: list[Word] | None = None
) -> Iterator[Found]:
    """Names, colleagues and places in `text`; `colleagues` are members' surnames, lower case.
    `found`: the text's words(), when the caller has them already."""
    t = _Text(text, colleagues, found)
    yield from _titled(t)
    yield from _after_relation(t)
    yield from _bare_full_names(t)
    yield from _surname_comma_first_name(t)
    yield from _nicknames_and_beds(t)
    yield from _first_name_subjects(t)
    yield from _places(t)
    yield from _bare_towns(t)
    yield from _list_entries(t)
    yield from _unknown_possessives(t)
    yield from _name_before_bed(t)
