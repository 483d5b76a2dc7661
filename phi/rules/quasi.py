"""Quasi-identifiers: not a patient's identity alone, but with a rare case they can be.

A named hospital or institution ("Leeds General Infirmary", "St Thomas'"), a rare or public
occupation ("a Premier League footballer", "the local MP"), and, where the text says the
case is rare, an exact age or an exact height or weight. The author is warned and
acknowledges; a moderator sees the warning. Nothing here blocks a post.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from phi.rules.wordtext import COMMON, FUNCTION_WORDS, QUALIFIERS, Found, Word, words
from phi.wordlists import load

# The word that makes the words before it an institution's name.
HEADS = frozenset(
    [
        "hospital",
        "hospitals",
        "infirmary",
        "clinic",
        "klinik",
        "klinikum",
        "hôpital",
        "hopital",
        "ospedale",
        "sjukhus",
        "sykehus",
        "sygehus",
        "hospice",
        "institute",
        "centre",
        "center",
        "trust",
        "university",
    ]
)
# Two-word heads: "Medical Center", "Health System", "Health Board".
HEAD_PAIRS = frozenset(
    {
        "medical center",
        "medical centre",
        "health system",
        "health board",
        "cancer centre",
        "cancer center",
        "health trust",
        "healthcare trust",
        "foundation trust",
    }
)
# Words that say nothing about which institution: "the district general hospital".
GENERIC = frozenset(
    [
        "the",
        "a",
        "an",
        "our",
        "my",
        "your",
        "their",
        "his",
        "her",
        "this",
        "that",
        "local",
        "district",
        "general",
        "teaching",
        "university",
        "community",
        "regional",
        "county",
        "city",
        "memorial",
        "main",
        "private",
        "public",
        "children's",
        "childrens",
        "women's",
        "womens",
        "tertiary",
        "referral",
        "nearest",
        "nearby",
        "other",
        "same",
        "another",
        "big",
        "small",
        "major",
        "trauma",
        "cancer",
        "medical",
        "specialist",
        "rural",
        "peripheral",
        "nhs",
        "st",
        "saint",
        "of",
        "and",
        "for",
        "new",
        "old",
        "royal",
        "national",
        "state",
        "federal",
        "veterans",
        "military",
        "army",
        "naval",
    ]
)
# Connecting words inside a name: "Hospital of St Cross", "Hospital Clínic de Barcelona".
CONNECTORS = frozenset(
    ["of", "de", "del", "della", "di", "du", "la", "le", "des", "and", "&", "the"]
)

_SAINT = re.compile(r"\b(?:St|Saint|Ste)\.?\s+[A-Z][a-z]+(?:['\u2019]s?)?(?=\s|[,.;:)]|$)")
# Herbs and illnesses with a saint's name.
_NOT_SAINT = re.compile(r"(?i)\b(?:wort|dance|fire|disease)\b")

# A named employer: "a senior engineer at Rolls-Royce", "works for Anglo American".
EMPLOYER = re.compile(
    r"\b(?:works?|working|employed|engineer|manager|director|employee|employer)\s+(?:at|for|is)?\s*"
    r"((?:[A-Z][\w&-]+)(?:\s[A-Z][\w&-]+){0,2})"
)

OCCUPATIONS = re.compile(
    r"(?i)\b(?:(?:premier league|professional|pro|olympic|international|famous|well[- ]known|"
    r"celebrity|semi-pro)\s+(?:footballer|football player|rugby player|cricketer|athlete|"
    r"boxer|cyclist|golfer|jockey|dancer|ballerina|musician|singer|actor|actress|tennis "
    r"player|swimmer|runner|climber|goalkeeper|rower|boxer)|olympian|(?:former\s+)?olympic\s+"
    r"\w+|jockey|ballerina|astronaut|lighthouse keeper|(?:tv|bbc|weather|news)\s+presenter|"
    r"(?:the\s+)?local\s+(?:MP|mayor|councillor|vicar|priest|celebrity)|"
    r"(?:an?|the)\s+MP\b(?!\s+joint)|member of parliament|senator|congress(?:man|woman)|"
    r"high court judge|judge|bishop|cardinal|news (?:anchor|presenter|reader)|"
    r"tv presenter|film star|pop star|rock star|royal family|public figure)\b"
)

# Only where the text says the case is rare does an exact age or build narrow it down.
RARITY = re.compile(
    r"(?i)\b(?:rare|rarely|very unusual|unusual|uncommon|exceptional|first (?:case|reported)|"
    r"only (?:case|one|patient)|case report|unique|one in a million|never (?:seen|had)|"
    r"handful of cases|few cases|reportable|MEN ?[12]A?|MEN2B|FAP|Marfan|Ehlers-Danlos|VHL|"
    r"von Hippel|desmoid|choledochal|liposarcoma|situs inversus|Peutz-Jeghers|Li-Fraumeni)\b"
)
EXACT_AGE = re.compile(
    r"(?i)\b(?:[1-8]?\d)[- ]?(?:years?|yrs?|y)[- ]?old\b|\baged?\s+[1-8]?\d\b|"
    r"\b[1-8]?\d\s?(?:yo|y/o|y\.o\.)\b|\b[1-8]?\d\s?(?:M|F)\b"
)
MEASUREMENT = re.compile(
    r"(?i)\b(?:[12][.,]\d{2}\s?m\b(?=\s*(?:tall|height|in height))|\d{3}\s?cm\s+tall|"
    r"\d\s?(?:ft|')\s?\d{1,2}\s?(?:in|\")?(?=\s*(?:tall|height))|"
    r"(?:weighs?|weighing|weight(?: of)?|BMI of)\s+\d{2,3}(?:[.,]\d)?\s?(?:kg|lbs?|st))"
)


def _institutions(text: str, ws: list[Word]) -> Iterator[Found]:
    for i, w in enumerate(ws):
        head_end = None
        if w.key in HEADS:
            head_end = i
        if i + 1 < len(ws) and f"{w.key} {ws[i + 1].key}" in HEAD_PAIRS:
            head_end = i + 1
        if head_end is None or w.shape not in ("title", "caps"):
            continue
        # Capitalised words before the head: "Leeds General Infirmary".
        first = i
        named = False
        while first > 0 and first - i > -6:
            before = ws[first - 1]
            gap = text[before.end : ws[first].start]
            if len(gap) > 2 or any(c not in " '\u2019s" for c in gap):
                break
            if before.shape in ("title", "caps") and before.key not in FUNCTION_WORDS:
                first -= 1
                named = named or before.key not in GENERIC
            elif before.key in CONNECTORS and first - 1 > 0:
                first -= 1
            else:
                break
        while first < i and ws[first].key in CONNECTORS:
            first += 1
        # Capitalised words after: "Hôpital Européen Georges-Pompidou", "Hospital of St Cross".
        last = head_end
        while last + 1 < len(ws) and last - head_end < 4:
            after = ws[last + 1]
            gap = text[ws[last].end : after.start]
            if len(gap) > 2 or any(c not in " -" for c in gap):
                break
            if after.shape in ("title", "caps") and after.key not in COMMON:
                last += 1
                named = named or after.key not in GENERIC
            elif after.key in CONNECTORS and last + 2 < len(ws):
                last += 1
            else:
                break
        while last > head_end and ws[last].key in CONNECTORS:
            last -= 1
        if not named:
            continue
        if any(w.key in QUALIFIERS for w in ws[last + 1 : last + 3]):
            continue  # "Mayo Clinic criteria", "the Cleveland Clinic incontinence score"
        yield Found(ws[first].start, ws[last].end, "institution")


def _saints(text: str) -> Iterator[Found]:
    for match in _SAINT.finditer(text):
        after = text[match.end() : match.end() + 60]
        following = [w.strip(",.;:").lower().removesuffix("'s") for w in after.split()[:3]]
        while following and following[0] in HEADS:
            following.pop(0)  # "St Mark's Hospital's protocol"
        if _NOT_SAINT.match(after.strip()) or (following and following[0] in QUALIFIERS):
            continue
        word = match.group().split()[-1].rstrip("'\u2019s").lower()
        if word in COMMON and word not in ("thomas", "mark", "george"):
            continue
        yield Found(match.start(), match.end(), "institution")


KNOWN = load("institutions")
_LONGEST_KNOWN = max(len(entry.split()) for entry in KNOWN)
# Only a word that starts an entry is looked at further: most words start none.
_KNOWN_STARTS = frozenset(entry.split()[0].rstrip("'s").rstrip("'") for entry in KNOWN)


def _known_institutions(text: str, ws: list[Word]) -> Iterator[Found]:
    """ "Addenbrooke's", "Great Ormond Street", "Karolinska": written as names, in any order
    of words the list has."""
    for i, w in enumerate(ws):
        if w.shape not in ("title", "caps", "mixed"):
            continue
        if w.key not in _KNOWN_STARTS and w.key.rstrip("'s") not in _KNOWN_STARTS:
            continue
        for length in range(min(_LONGEST_KNOWN, len(ws) - i), 0, -1):
            last = i + length - 1
            gaps = [text[ws[k].end : ws[k + 1].start] for k in range(i, last)]
            if any(len(gap) > 3 or gap.strip(" -'\u2019s&") for gap in gaps):
                continue
            phrase = text[w.start : ws[last].end].lower().replace("\u2019", "'")
            if phrase in KNOWN or text[w.start : ws[last].end + 2].lower() in KNOWN:
                end = ws[last].end
                if text[end : end + 2] in ("'s", "\u2019s") and f"{phrase}'s" in KNOWN:
                    end += 2
                following = [x.key for x in ws[last + 1 : last + 3]]
                if following and (following[0] in QUALIFIERS or following[-1] in QUALIFIERS):
                    break  # "Great Ormond Street protocol", "the Mayo Clinic series"
                yield Found(w.start, end, "institution")
                break


def find(text: str, found: list[Word] | None = None) -> Iterator[Found]:
    ws = words(text) if found is None else found
    yield from _institutions(text, ws)
    yield from _known_institutions(text, ws)
    yield from _saints(text)
    for match in OCCUPATIONS.finditer(text):
        following = text[match.end() : match.end() + 20].split()
        if following and (
            following[0].lower().strip(".,;:") in QUALIFIERS or following[0][:1].isdigit()
        ):
            continue  # "Bishop score 4", "Bishop 8": a score, not a bishop
        if (
            text[match.end() : match.end() + 2][:1] in ("-", "\u2013")
            and text[match.end() + 1 : match.end() + 2].isupper()
        ):
            continue  # "Bishop-Koop stoma": an eponym
        yield Found(match.start(), match.end(), "occupation")
    for match in EMPLOYER.finditer(text):
        if match.group(1).split()[0].lower() not in COMMON:
            yield Found(match.start(1), match.end(1), "occupation")
    if RARITY.search(text):
        for match in EXACT_AGE.finditer(text):
            yield Found(match.start(), match.end(), "exact_age")
        for match in MEASUREMENT.finditer(text):
            yield Found(match.start(), match.end(), "measurement")
