"""What a rule is: one pattern for one kind of identifier, with its own second thoughts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Second thoughts on a match that the pattern alone cannot rule out: given the identifier's
# text (trailing ".,;:" already cut) and the whole match (for its context), keep it or not.
Keep = Callable[[str, re.Match[str]], bool]


@dataclass(frozen=True)
class Rule:
    name: str  # for people reading findings and benches; the screen never looks at it
    kind: str  # a key of phi.screen.KINDS
    pattern: re.Pattern[str]
    group: int = 0  # the group that is the identifier when the rest is only context
    keep: Keep | None = None


def rule(
    name: str,
    kind: str,
    pattern: str,
    flags: int = 0,
    group: int = 0,
    *,
    keep: Keep | None = None,
) -> Rule:
    return Rule(name, kind, re.compile(pattern, flags), group, keep)
