"""Shapes the tuning sets still missed before the fifth blind round, and what the clean blind
set (bench/blind7/) flagged on its one measurement; in examples of our own words."""

from __future__ import annotations

import pytest

import phi


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # A form's name field holds a name, whatever its case and whatever the lists say.
        ("Name: OKORO-BLAKE, DESMOND J  Plan: PPI", "OKORO-BLAKE, DESMOND J"),
        ("Patient name: tavita leauma", "tavita leauma"),
        ("Subscriber: Quispe, Wilfredo (spouse)", "Quispe, Wilfredo"),
        # "SURNAME, First" told by what follows: an age and sex, a date of birth.
        ("WARD 3: GRZEGORCZYK, WIESŁAW 71M, for relook", "GRZEGORCZYK, WIESŁAW"),
        ("mahlangu, themba 93yo m, fell at home", "mahlangu, themba"),
        ("band reads NAKASHIMA-ODA, Reiko 14-FEB-1950 and the wrong ward", "NAKASHIMA-ODA, Reiko"),
        ("Pharmacy rang re OYEBANJO, K. Dose checked.", "OYEBANJO, K"),
        # A relative's first name that no list holds, in lower case.
        ("sis ngozi at bedside overnight", "ngozi"),
        ("grandson tamatea interpreting", "tamatea"),
        # Names written with their accents, from more than one country's lists.
        ("Björn Halvorsen flew in for the repair.", "Björn Halvorsen"),
        ("josé ramírez 58M pod 3 whipple", "josé ramírez"),
        ("Family elder Nicolae is spokesperson.", "Nicolae"),
        # A first name that is also a town does not hide the woman.
        ("specimen labelled Mary Murphy 02/03/1948", "Mary Murphy"),
    ],
)
def test_tuning_five_identifiers_are_found(text, found):
    assert any(found in f.text for f in phi.blocking(phi.scan(text))), phi.scan(text)


@pytest.mark.parametrize(
    "text",
    [
        # What the clean blind set flagged.
        "Rutherford 5 with tissue loss on the 3rd toe.",
        "Fontaine IIb, claudicates at 100m on the flat.",
        "Vent: PC 22/8, FiO2 0.4.",
        "Bishop-Koop or a Santulli for meconium ileus?",
        # What the first version of the new rules flagged.
        "incarcerated right inguinal hernia, lactate 3.2 and WCC 16",
        "Fontaine stage III, ABPI 0.45, SFA occlusion",
        "explained post-op delirium, haloperidol 0.5mg PRN",
        "canal wall down mastoidectomy",
        "the lap chole arvo list is always overrunning",
        "Aisling I've sent you the echo.",
        "dtr happy with plan, son aware",
        "wife concerned re discharge, husband present",
        "Drug name: see chart",
        "Name: unknown male, ?40s",
    ],
)
def test_tuning_five_lookalikes_are_not_blocked(text):
    assert phi.blocking(phi.scan(text)) == [], phi.scan(text)
