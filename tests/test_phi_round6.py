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
        # Addresses are chains: the neighbour of a found link is the next one.
        ("Contact: 9 Long Street, Tamboerskloof, Cape Town 8001.", "Tamboerskloof"),
        ("Contact: 9 Long Street, Tamboerskloof, Cape Town 8001.", "8001"),
        ("Pt lives in Gortahork, Donegal, 2h from us.", "Donegal"),
        ("Referral: 51F, Dharavi, Mumbai, lump L breast", "Dharavi"),
        ("Mr Jean-Luc Gagnon, Sudbury. Transferred by air.", "Sudbury"),
        ("Admitted from Wattle Lodge, Ringwood VIC 3134.", "Ringwood"),
        ("NOK 4521 rue Saint-Denis, Montréal QC H2J 2L3.", "Montréal"),
        ("ADMITTED FROM MALLOW, CO. CORK. ?SBO.", "CO. CORK"),
        ("Baby Lily went home today.", "Lily"),
        ("Image is from Sipho's CT at 6 weeks.", "Sipho"),
        ("Happy to swap for any weekend in May.", "May"),
        # Lists and notes in capitals.
        ("LIST THU 6-NOV - OKAFOR C RXH 0091234 TEP", "6-NOV"),
        ("LIST THU 6-NOV - OKAFOR C RXH 0091234 TEP", "OKAFOR C"),
        ("ADMITTED 24 DEC VIA ED", "24 DEC"),
        ("wf Mariam visited, anxious", "Mariam"),
        ("Both live in Ballybunion.", "Ballybunion"),
        ("Handover: Joe in bed 8 is the volvulus.", "Joe"),
        ("Call re Ollie (7yo), pain since lunch.", "Ollie"),
        ("DOB 30.04.1929 (95), Frau Ingrid", "95"),
        ("Mrs K. (97) had her hip done.", "97"),
        ("Yes it's the 21st, at the old hospital.", "21st"),
        ("Heard he retired to Texel.", "Texel"),
    ],
)
def test_round_six_identifiers_are_found(text, found):
    assert any(found in f.text for f in phi.blocking(phi.scan(text))), phi.scan(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mr T. Siddiqui did the audit.",
        "Vitamin K. Recheck INR.",
        "Pt A. fib on apixaban.",
        # Chains stop at labels, titles, scores, shorthand and institutions.
        "Mrs Ahmadi, DOB 11 June 1929",
        "GP: Dr Crawford, Ballymena, tel 028 2555 6712.",
        "lives in Mumbai, Aadhaar on file",
        "Mr Dimitrov, Gleason 4+4 on biopsy",
        "pt from Mullingar, NFA, been drinking",
        "Meckel's scan was negative, Barrett's histology, Hartmann's stoma.",
        "seen in the May-Thurner clinic",
        "VITAMIN K 10mg IV",
        "GRADE B 3 cm",
        "HEP B 12345 titre",
        "she is the 3rd leak this year",
        "it's the 3rd time this week",
    ],
)
def test_lookalikes_of_round_six_shapes_are_not_blocked_beyond_their_own_identifiers(text):
    found = phi.scan(text, {"siddiqui"})
    # Only what the text really holds: the dates, the towns, the number; nothing chained.
    extra = [
        f
        for f in phi.blocking(found)
        if f.text
        not in (
            "Mrs Ahmadi",
            "11 June 1929",
            "Ballymena",
            "028 2555 6712",
            "Mumbai",
            "Mr Dimitrov",
            "Mullingar",
        )
    ]
    assert extra == [], found
