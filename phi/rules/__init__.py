"""Every rule of the screen, in the one order the screen runs them."""

from __future__ import annotations

from phi.rules import contact, dates, names, numbers, places
from phi.rules.rule import Keep, Rule, rule

# The order is the one the screen has always had, kept on purpose. scan() ranks candidates
# with a stable sort on (kind's priority, length, start), so among candidates that tie, the
# one generated first, by the earlier rule, is kept. Today a tie can only be the same finding
# twice (same kind and span means same text), but reordering rules here is a change of
# behaviour to test, not a tidy-up: a sort key that ever looks at more than the span would
# make it one.
RULES: list[Rule] = [
    *contact.INTERNET,
    *numbers.NATIONAL_IDS,
    *numbers.RECORD_NUMBERS,
    *contact.PHONES,
    *dates.DATES,
    *dates.AGES,
    *places.POSTCODES,
    *places.TOWNS,
    *places.ADDRESSES,
    *places.WARDS,
    *names.NAMES,
]

__all__ = ["RULES", "Keep", "Rule", "rule"]
