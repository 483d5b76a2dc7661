"""The text PHI screen: finds what could identify a patient in a post, before anyone else sees it.

It finds the HIPAA Safe Harbor identifiers that a post's text can carry, and runs before a
case, reply or outcome is saved (and, for hints, while the author types). It is a net, not a
proof: patterns plus context words (phi/rules/), and words looked up in word lists
(phi/rules/people.py for names and phi/rules/towns.py for towns, on phi/rules/wordtext.py:
census names, GeoNames towns and villages, everyday English, our eponyms and medical words,
in phi/words/ with their sources). bench/phi_screen.py prints recall, precision and
cost on the labelled sets in bench/. Clinical text is full of numbers that look like
identifiers (T2N0, POD 3, 5/10, L4-L5, 3/12, BP 120/80, 40 mg), so each pattern either has a
shape clinical notation never has or needs a context word ("MRN", "ward", "Mr").

Levels (Finding.level):
- "identifier" blocks the post: the author edits, or explains and sends it to a moderator.
- "quasi" (a named hospital, a rare occupation, an exact age or build in a case called rare,
  a town in the author's own story) is a warning the author acknowledges; moderators see it.
- "colleague" marks a member named with a title ("Mr Lindqvist"): never held against a post.

Decisions:
- "Dr/Prof Surname" is allowed: a clinician's name is not a patient identifier, and the forum
  is closed to verified professionals. "Mr/Mrs/Ms/Miss Surname" is a patient's name unless the
  surname is a verified member's (UK consultant surgeons are Mr, Miss and Ms).
- A year alone is fine; a day with a month is a date, and a month alone after a word of time.
  A slash pair with no year is a date when one side can only be a day (13-31): "3/12",
  "2/52" and "5/7" are UK durations (months, weeks, days), "120/80" a blood pressure.
- Ages over 89 are identifiers (Safe Harbor groups them as 90+); "in her 90s" counts too.
- A town is an identifier; a country or a US state is not.
- The screen's cost is bounded whatever the input: patterns that could backtrack run on RE2,
  the rest have bounded repeats, and scan() refuses to run on an event loop's thread.

Where things are: phi/screen.py runs the rules and settles overlaps; phi/rules/ holds the
rules, one module per family of identifiers, and their order; phi/words/ the word lists.
"""

from phi.rules.contact import forget_own_hosts
from phi.rules.people import name_words
from phi.screen import (
    COLLEAGUE,
    IDENTIFIER,
    KINDS,
    PRIORITY,
    QUASI,
    Finding,
    blocking,
    highlight,
    scan,
    scan_fields,
    warnings,
)

__all__ = [
    "COLLEAGUE",
    "IDENTIFIER",
    "KINDS",
    "PRIORITY",
    "QUASI",
    "Finding",
    "blocking",
    "forget_own_hosts",
    "highlight",
    "name_words",
    "scan",
    "scan_fields",
    "warnings",
]
