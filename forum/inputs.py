"""Numbers from untrusted input (query strings, form fields, JSON bodies, websocket messages).

`int()` alone is not enough: it takes non-ASCII digits ("٣" is 3), signs, spaces and
underscores, raises on "²", and `int(1e999)` raises OverflowError; a 30-digit id overflows
the database's bigint. These answer None for anything that is not a plain number in range, so a
view can say what it expected instead of failing.
"""

from __future__ import annotations

# The largest id a bigint column holds (SQLite and PostgreSQL alike).
MAX_ID = 2**63 - 1


def parse_int(value: object, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """`value` as an int within [low, high], from an int or a string of ASCII digits (with an
    optional leading minus), or None. Floats, booleans and everything else are refused."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text.startswith("-") else text
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
            return None
        number = int(text)
    else:
        return None
    return number if low <= number <= high else None


def parse_id(value: object) -> int | None:
    """A database id (a positive integer that fits a bigint), or None."""
    return parse_int(value, low=1)


def parse_ids(value: str, *, limit: int = 50) -> list[int]:
    """Ids from a comma-separated field ("12,15,19"); anything else in it is dropped."""
    ids = (parse_id(item) for item in value.split(",")[: limit * 2])
    return [item for item in ids if item is not None][:limit]
