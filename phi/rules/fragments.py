"""Regex fragments that several families of rules share: months, days, names, relations."""

from __future__ import annotations

MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# Months in French, German, Spanish, Italian, Portuguese and Dutch, only ever after a day.
FOREIGN_MONTHS = (
    r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|"
    r"d[ée]cembre|januar|februar|m[äa]rz|juni|juli|oktober|dezember|enero|febrero|marzo|abril|"
    r"mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|gennaio|"
    r"febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|janeiro|fevereiro|"
    r"mar[çc]o|maio|junho|julho|setembro|outubro|dezembro|januari|februari|maart|mei|"
    r"augustus|dez|okt|dic|ene|fev|janv|f[ée]vr|avr|juil|novembro|augusti|maj|"
    # Turkish: "19 May\u0131s", "3 A\u011fustos".
    r"ocak|şubat|subat|nisan|may\u0131s|mayis|haziran|temmuz|ağustos|agustos|eylül|eylul|ekim|"
    r"kas\u0131m|kasim|aral\u0131k|aralik|"
    # Polish, in the genitive after a day: "2 maja", "9 maja 2024".
    r"stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|wrze\u015bnia|"
    r"pa\u017adziernika|listopada|grudnia)"
)
ORDINAL_WORDS = (
    r"(?:(?:twenty|thirty)[\s-]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"thirtieth)"
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
    # Bounded: unbounded, a 20,000-character run of "O'" took 3 s, tried from every start.
    r"[A-ZÀ-ÖØ-ÞĀ-Ž][A-ZÀ-ÖØ-ÞĀ-Ž'-]{2,30}[A-ZÀ-ÖØ-ÞĀ-Ž]"
)
# Regex alternations, not word lists: the order of the alternatives can decide what matches
# ("son-in-law" must come before "son").
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
    r"Green|View|Rise|Hill|Wharf|Quay|Embankment|Approach|Gate|Wynd|Yard|Park|Cottages|Villas|"
    r"Buildings|Mansions"
)
