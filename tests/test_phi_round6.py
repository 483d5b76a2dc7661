"""What the sixth round of blind sets (bench/blind6/) taught the screen, in examples of our
own words: each shape was missed on the round's one measurement."""

from __future__ import annotations

import pytest

import phi


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Mrs K. (93) went home on day 5.", "Mrs K"),
        ("Mr P.R., 81, AAA 6.2 cm.", "Mr P.R"),
        ("Pt A.B. asked us not to use her name.", "A.B"),
        ("Patient (initials R.T.) wants to know about chemo.", "R.T"),
        ("Works Easter Monday nights again.", "Easter Monday"),
        ("Admitted over Eid al-Adha with pancreatitis.", "Eid al-Adha"),
        ("Diwali weekend: burns from sparklers.", "Diwali"),
    ],
)
def test_round_six_identifiers_are_found(text, found):
    assert any(found in f.text for f in phi.blocking(phi.scan(text))), phi.scan(text)


@pytest.mark.parametrize(
    "text",
    ["Mr T. Siddiqui did the audit.", "Vitamin K. Recheck INR.", "Pt A. fib on apixaban."],
)
def test_initials_with_a_surname_or_a_term_are_not_initials_alone(text):
    found = phi.scan(text, {"siddiqui"})
    assert phi.blocking(found) == [], found
