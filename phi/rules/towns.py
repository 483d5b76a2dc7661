"""Towns and villages found by words, in any case: after a trigger ("lives in", "called from",
"out past"), after a street or in a header, or a listed town on its own unless it names a
classification, an eponym, a hospital or a person. The author's own practice or diary ("our
unit in Tehran", "the congress in Barcelona") is a warning ("town"); the rest is a "place".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phi.rules.wordtext import (
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
    PATIENT_TITLES,
    PATIENT_WORDS,
    PLACES,
    QUALIFIERS,
    REGIONS,
    SURNAMES,
    Found,
    Text,
    is_place,
    is_village,
    may_start_place,
    opens_sentence,
    place_lengths,
)

_WEEKDAYS = frozenset(
    day + plural
    for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    for plural in ("", "s")
)

STRONG_PLACE_TRIGGERS = {
    "lives": {"in", "at", "near", "on"},
    "live": {"in", "at", "near"},  # "Both live in Llangefni"
    "retired": {"to"},  # "he retired to Texel"
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


def _village_at(t: Text, j: int) -> int | None:
    """Index of the last word of a listed village (1,000 to 5,000 people) at word j."""
    ws = t.words
    for length in (3, 2, 1):
        last = j + length - 1
        if last >= len(ws) or any(not t.adjacent(k, k + 1, allow=" -") for k in range(j, last)):
            continue
        key = " ".join(w.key for w in ws[j : last + 1])
        if not is_village(key):
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


def _place_at(t: Text, j: int, *, strong: bool, villages: bool = False) -> int | None:
    """Index of the last word of a place starting at word j, or None. `villages`: after a
    trigger, the list of villages counts too."""
    ws = t.words
    if ws[j].key in _WEEKDAYS or ws[j].key in MONTH_NAMES:
        return None  # "moving to Thursdays", "moved to March": time, not a town
    if j + 1 < len(ws) and f"{ws[j].key} {ws[j + 1].key}" in REGIONS:
        return None  # "from Sri Lanka": a country
    if villages or strong:
        village = _village_at(t, j)
        if village is not None:
            return village
    listed = may_start_place(ws[j].key)
    # The longest town in the list: "milton keynes", "san francisco", "new york".
    for length in place_lengths(t, j) if listed else ():
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


def _authors_own(t: Text, i: int) -> bool:
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


def _practice_follows(t: Text, last: int) -> bool:
    """ "In Lagos we often see…", "In Mumbai they do TAPP": how a place practises."""
    after = t.words[last + 1 : last + 3]
    return len(after) == 2 and after[0].key in PRACTISING and after[1].key in PRACTICE_VERBS


RESIDENCE_WORDS = frozenset(["lives", "living", "lived", "resides", "residing", "stays"])


def _lives_before(t: Text, i: int) -> bool:
    ws = t.words
    for k in range(i - 1, max(-1, i - 5), -1):
        if any(c in ".!?;\n" for c in t.text[ws[k].end : ws[k + 1].start]):
            return False
        if ws[k].key in RESIDENCE_WORDS:
            return True
    return False


def _a_name_follows(t: Text, last: int) -> bool:
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


def _places(t: Text) -> Iterator[Found]:
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
        if (
            not t.shouting
            and all(x.shape == "caps" for x in ws[j : last + 1])
            and (last > j or t.text[ws[last].end : ws[last].end + 1] in ("-", "/"))
        ):
            continue  # "moved to HAL-RAR/THD": acronyms joined, a technique
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


def _bare_town_at(t: Text, i: int) -> int | None:
    """Index of the last word of a listed town starting at word i, written as a town is."""
    ws = t.words
    if not may_start_place(ws[i].key):
        return None
    for length in place_lengths(t, i):
        last = i + length - 1
        if last >= len(ws) or any(not t.adjacent(k, k + 1, allow=" -") for k in range(i, last)):
            continue
        key = " ".join(w.key for w in ws[i : last + 1])
        if not is_place(key) or key in REGIONS or key in _WEEKDAYS:
            continue  # "moving to Thursdays": a day, whatever GeoNames says
        if length == 1:
            if key in COMMON or key in MEDICAL or key in EPONYMS or key in FUNCTION_WORDS:
                continue
            if t.shouting and key in ENGLISH:  # "IN 1L SALINE": a word in capitals
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


_BORN_AFTER = re.compile(r"[- ](?:born|bred)\b")
_CODE_AFTER = re.compile(r"\s(?:[A-Z]{1,2}\d{0,2}[A-Z]?\d?|[IVX]{1,4})\b")


def _region_follows(t: Text, i: int) -> bool:
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


def _bare_towns(t: Text) -> Iterator[Found]:
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
        if opens_sentence(t, i) and not t.shouting:
            continue  # "Bile leak…", "Tallaght have no beds": a term, or a hospital
        if (
            t.text[w.start - 1 : w.start] == "("
            and t.text[ws[last].end : ws[last].end + 1] == ")"
            and i > 0
            and ws[i - 1].shape == "lower"
        ):
            continue  # "stent (Mega)", "mesh (Ultrapro)": a brand in brackets
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
        if (
            i > 0
            and ws[i - 1].key in INSTITUTION_WORDS
            and ws[i - 1].shape != "lower"
            and t.adjacent(i - 1, i)
        ):
            continue  # "Hospital Universitario La Paz"; not "Hollybank Care Home, Chesterfield"
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


def find(t: Text) -> Iterator[Found]:
    yield from _places(t)
    yield from _bare_towns(t)
