"""Ways to reach someone: email addresses, links outside the site, IP addresses, phones."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings

from phi.rules.rule import Keep, Rule, rule

# The site's own host names, lower case: links to them are fine. Read from
# settings.ALLOWED_HOSTS at the first link, not at import, so that importing the screen
# needs no configured settings.
_OWN_HOSTS: set[str] = set()


def own_hosts() -> set[str]:
    if not _OWN_HOSTS:
        _OWN_HOSTS.update(host.lstrip(".").lower() for host in settings.ALLOWED_HOSTS)
    return _OWN_HOSTS


def forget_own_hosts() -> None:
    """Forget the site's host names, so the next link reads settings.ALLOWED_HOSTS again.

    For tests that change ALLOWED_HOSTS: call it after changing the setting, and again after
    restoring it.
    """
    _OWN_HOSTS.clear()


def _outside_link(text: str, match: re.Match[str]) -> bool:
    if text.startswith("//"):
        text = f"http:{text}"
    try:
        host = urlsplit(text if "://" in text else f"http://{text}").hostname or ""
    except ValueError:
        return True  # malformed ("http://[x"): not one of ours, so the author is asked
    return host.lower() not in own_hosts()


def _is_ipv6(text: str, match: re.Match[str]) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


INTERNET: list[Rule] = [
    # On RE2: on Python's engine a 20,000-character run of "a." took 1 s here and 13 s in
    # bare-url, tried from every position.
    rule(
        "email",
        "email",
        r"[\p{L}\p{N}_.+-]+@[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)+",
        engine="re2",
    ),
    # URLs: with a scheme, starting www., protocol-relative ("//evil.example/x", which a
    # browser opens like http://), or a bare host with a path (bit.ly/abc).
    rule(
        "url",
        "url",
        r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"')\]]+",
        re.I,
        keep=_outside_link,
        engine="re2",
    ),
    rule(
        "relative-url",
        "url",
        r"(?:^|[\s(\[<\"'=])(//[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+[^\s<>\"')\]]*)",
        group=1,
        keep=_outside_link,
        engine="re2",
    ),
    rule(
        "bare-url",
        "url",
        r"\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|ly|co|uk|us|info|me|gl|gov|edu|ie|de|fr|nl|au|"
        r"ca|in|health|be|tv|app|link|to|it|es|ai)/[^\s<>\"')\]]*",
        re.I,
        keep=_outside_link,
        engine="re2",
    ),
    # Not a numbered section or version ("section 4.2.1.3", "v2.1.0.4"), which has the shape.
    rule(
        "ipv4",
        "ip",
        r"(?<!§)(?<!§ )(?<![vV])(?<!(?i:section) )(?<!(?i:chapter) )(?<!(?i:version) )"
        r"(?<!(?i:firmware) )(?<!(?i:software) )"
        r"(?<!(?i:para) )"
        r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b",
    ),
    # Candidates only; the ipaddress module decides (times like 10:30:45 are not IPv6).
    rule(
        "ipv6",
        "ip",
        r"(?<![\w:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])",
        re.I,
        keep=_is_ipv6,
    ),
]


def _looks_clinical_range(text: str) -> bool:
    parts = re.split(r"[\s.-]+", text.strip())
    return len(parts) == 2 and all(len(part) <= 3 for part in parts)


def _phone_digits(least: int) -> Keep:
    # Blood pressures, ranges and sizes have fewer digits than any phone number; a local
    # number after "call" or "phone" may have seven.
    def keep(text: str, match: re.Match[str]) -> bool:
        digits = sum(character.isdigit() for character in text)
        return digits >= least and not _looks_clinical_range(text)

    return keep


_PHONE = _phone_digits(9)
_LOCAL_PHONE = _phone_digits(7)
_TIME_BEFORE = re.compile(r"(?i)\b(?:at|by|from|until|till|before|after|since|@)\s*$")


def _not_a_time(text: str, match: re.Match[str]) -> bool:
    # "bleep me at 1400" is when, not where; "page me at 4418" is where (no 44:18 o'clock).
    number = match.group(1)
    a_time = len(number) == 4 and int(number[:2]) <= 23 and int(number[2:]) <= 59
    before = match.string[max(0, match.start(1) - 8) : match.start(1)]
    # "pager msg 0415 to bleep 4471": a time with its leading zero is a time.
    return not (a_time and (number.startswith("0") or _TIME_BEFORE.search(before)))


PHONES: list[Rule] = [
    rule(
        "phone",
        "phone",
        r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?"
        r"\d{2,5}[\s.-]\d{3,4}[\s.-]?\d{3,4}(?![\w-])",
        keep=_PHONE,
    ),
    # A local number with a word that says so: "on 555-0142", "ext. 4412" is caught above.
    rule(
        "phone-local",
        "phone",
        r"\b(?:on|number|no\.?|#)\s+(\d{3}[\s-]\d{4})\b(?!\s*(?:mg|mcg|ml|mL|units?|iu|IU|g|kg|%|mm|cm))",
        group=1,
        keep=_LOCAL_PHONE,
    ),
    rule(
        "phone-international",
        "phone",
        r"(?<![\w+])\+\d{1,3}[\s.-]?\d[\d\s.-]{7,14}\d\b",
        keep=_PHONE,
    ),
    # "+41 (0)96 471 07 95": a trunk zero in brackets and groups of two.
    rule(
        "phone-trunk",
        "phone",
        r"(?<![\w+])\+\d{1,3}\s?\(0\)\s?\d{1,4}(?:[\s.-]\d{1,4}){1,5}\b",
        keep=_PHONE,
    ),
    # Pagers and bleeps: "Pager #54321", "bleep 4417".
    rule(
        "pager",
        "phone",
        r"\b(?:pager|bleep|beeper|page|pgr|paged(?: pgr)?)\s*(?:#|no\.?|number|num)?\s*:?\s*"
        r"(\d{3,6}|\d-\d{4})\b",  # "pager 4-2219"
        re.I,
        group=1,
    ),
    # Turkish and Nordic mobiles in pairs: "0532 417 88 90", "070-412 88 31".
    rule("phone-pairs", "phone", r"(?<![\w+-])0\d{2,3}[- ]\d{3} \d{2} \d{2}\b"),
    # An extension written x5520: "Angela site manager x5520".
    rule(
        "extension-x",
        "phone",
        r"(?<=[A-Za-z] )x(\d{4,5})\b"
        r"(?![.,]\d|\s*(?i:magnification|mag\b|power|zoom|objective|g\b|rpm))",
        group=1,
    ),
    # "the bleep for IR? It's 4418 or 4481", "bleep me on 2287", "BLEEP SURG REG 1456":
    # extensions after a bleep or pager is named, in the same line, unless they are times.
    rule(
        "bleep-later",
        "phone",
        r"\b(?i:bleep(?:s|ed)?|pag(?:er|ers|e)|beeper|ext(?:ension)?|switchboard)\b[^\n\d]{1,40}?"
        r"(?<![:.])\b(\d{4,5})\b(?![:.]\d|\s?(?i:h\b|hrs|am\b|pm\b|mg|ml|%))",
        group=1,
        keep=_not_a_time,
    ),
    rule(
        "bleep-or",
        "phone",
        r"\b(?i:bleep|pager|ext)\b[^\n]{1,60}?\b\d{4,5}\s+(?i:or|and)\s+(\d{4,5})\b",
        group=1,
    ),
    # Australian area codes in brackets, French numbers in pairs: "(03) 5550 4127",
    # "06 12 34 56 78".
    rule("phone-au", "phone", r"(?<![\w-])\(0\d\)\s?\d{4}\s?\d{4}\b"),
    rule("phone-fr", "phone", r"(?<![\w+.-])0[1-9](?:[ .]\d{2}){4}\b(?![.,]\d)"),
    rule("phone-us", "phone", r"(?<![\w-])\(\d{3}\)\s?\d{3}[-. ]\d{4}\b", keep=_PHONE),
    rule("phone-compact", "phone", r"(?<![\w+])0\d{9,10}\b", keep=_PHONE),
    rule(
        "phone-context",
        "phone",
        r"\b(?:tel|telephone|phone|mobile|mob|cell|fax|ext|bleep|pager|call|ring|text|"
        r"WhatsApp)(?:ed|ing)?\b[^.\d\n]{0,25}?(\+?\d[\d\s().-]{5,}\d)",
        re.I,
        group=1,
        keep=_LOCAL_PHONE,
        engine="re2",
    ),
]
