"""The screen's word lists: plain text files in phi/words/, read once at import."""

from __future__ import annotations

from pathlib import Path

# The project runs from its source tree, so the files sit beside this module.
WORDS = Path(__file__).parent / "words"


def load(name: str) -> frozenset[str]:
    """The entries of phi/words/<name>.txt, one a line; blank and `#` lines are not entries."""
    lines = (line.strip() for line in (WORDS / f"{name}.txt").read_text("utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))
