"""The text PHI screen: finds what could identify a patient in a post, before anyone else sees it.

It finds the HIPAA Safe Harbor identifiers that a post's text can carry, and runs before a
case, reply or outcome is saved. It is a net, not a proof: patterns plus context words, tuned
on bench/phi_labelled.jsonl (bench/phi_screen.py prints precision and recall). Clinical text
is full of numbers that look like identifiers (T2N0, POD 3, 5/10, L4-L5, 3/12, BP 120/80,
40 mg), so each pattern either has a shape clinical notation never has or needs a context
word ("MRN", "ward", "Mr").

Decisions:
- "Dr Surname" is allowed. Members name colleagues ("discussed with Dr Chen"), a clinician's
  name is not a patient identifier under Safe Harbor, and the forum is closed to verified
  professionals. "Mr/Mrs/Ms/Miss Surname" is flagged: in case text it is usually the patient
  (UK surgeons are "Mr" too; the author can justify and send it for review).
- A year alone is fine; a day with a month is a date. "3/12", "2/52" and "5/7" are UK
  durations (months, weeks, days), and "120/80" a blood pressure: a slash pair counts as a
  date only with a year, or after "on" or "dated".
- Ages over 89 are identifiers (Safe Harbor groups them as 90+); "in her 90s" counts too.

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
