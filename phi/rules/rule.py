"""What a rule is: one pattern for one kind of identifier, with its own second thoughts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# The standard library's own pattern parser, to read what a pattern requires. Private, but
# only an optimisation rests on it: if it ever fails to parse, the rule just always runs.
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, Literal

import re2

# Second thoughts on a match that the pattern alone cannot rule out: given the identifier's
# text (trailing ".,;:" already cut) and the whole match (for its context), keep it or not.
Keep = Callable[[str, re.Match[str]], bool]


@dataclass(frozen=True)
class Rule:
    name: str  # for people reading findings and benches; the screen never looks at it
    kind: str  # a key of phi.screen.KINDS
    pattern: Any  # a compiled re or re2 pattern: both have finditer() giving spans in characters
    group: int = 0  # the group that is the identifier when the rest is only context
    keep: Keep | None = None
    # What every match must contain ("digit", "upper" or ""), worked out from the pattern: a
    # text without it is not searched at all. Hostile input is cheapest when most rules need
    # not look at it (a 20,000-character run of letters has no digit for 40 rules to find).
    needs: str = ""


_DIGITS = frozenset(range(ord("0"), ord("9") + 1))
_UPPER = frozenset(range(ord("A"), ord("Z") + 1)) | frozenset(range(0xC0, 0xDF))


def _requires(tree: Any, chars: frozenset[int], category: Any) -> bool:
    """Whether every string the parsed pattern matches has a character from `chars`."""
    for op, arg in tree:
        if op is c.LITERAL and arg in chars:
            return True
        if (
            op is c.IN
            and arg
            and all(
                (kind is c.LITERAL and value in chars)
                or (kind is c.RANGE and all(v in chars for v in range(value[0], value[1] + 1)))
                or (kind is c.CATEGORY and value is category)
                for kind, value in arg
            )
        ):
            return True
        if op is c.SUBPATTERN and _requires(arg[-1], chars, category):
            return True
        repeat = op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)
        if repeat and arg[0] >= 1 and _requires(arg[2], chars, category):
            return True
        if op is c.BRANCH and all(_requires(branch, chars, category) for branch in arg[1]):
            return True
    return False


def _needs(pattern: str, flags: int) -> str:
    try:
        tree = _parser.parse(pattern, flags)
    except Exception:
        return ""
    if _requires(tree, _DIGITS, c.CATEGORY_DIGIT):
        return "digit"
    if not flags & re.I and not tree.state.flags & re.I and _requires(tree, _UPPER, None):
        return "upper"
    return ""


def rule(
    name: str,
    kind: str,
    pattern: str,
    flags: int = 0,
    group: int = 0,
    *,
    keep: Keep | None = None,
    engine: Literal["re", "re2"] = "re",
) -> Rule:
    """A rule; `engine="re2"` for a pattern that could backtrack on hostile input.

    RE2 runs in time linear in the text whatever the pattern, but has no lookaround and its
    \\w and \\b are ASCII: such patterns spell letters as \\p{L}. A pattern on Python's
    engine must have bounded repeats wherever a run of the same character could be tried from
    every position (tests/test_phi_cost.py feeds every rule such runs at the size limit).
    """
    if engine == "re2":
        options = re2.Options()
        options.case_sensitive = not flags & re.I
        return Rule(name, kind, re2.compile(pattern, options), group, keep)
    return Rule(name, kind, re.compile(pattern, flags), group, keep, _needs(pattern, flags))
