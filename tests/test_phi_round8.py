"""What the eighth round of blind sets (bench/blind8/) taught the screen, in examples of our
own words: each shape was missed or wrongly flagged on the round's one measurement."""

from __future__ import annotations

import pytest

import phi


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("list:\n1. lap chole - QURESHI A - K449871", "QURESHI A"),
        ("2. Lap chole \u2014 MAHONY D\n3. EUA", "MAHONY D"),
        ("Addr: 14 MG Road, Jayanagar, Bengaluru 560041", "14 MG Road"),
        ("Addr: 14 MG Road, Jayanagar, Bengaluru 560041", "Jayanagar"),
        ("PACIENTE: SOUZA, Ana ; CPF 123.456.789-09", "123.456.789-09"),
        ("NOTAS: DNI 27.331.905, domicilio Palermo", "27.331.905"),
        ("Tochter Petra informiert, Tel. folgt", "Petra"),
        ("pt's mate Davo at bedside", "Davo"),
        ("Theatre list \u2014 Weds 22nd", "Weds 22nd"),
        ("OP-Plan Do. 26.06.", "26.06"),
        ("extubated 3rd, off pressors", "3rd"),
        ("Plan for home 28th.", "28th"),
        ("OGD booked 15.08 AM list.", "15.08"),
        ("Alta 29 dez.", "29 dez"),
        ("NOTES: Heiligabend 18:00, Schmerzen", "Heiligabend"),
        ("visiting family for Pongal", "Pongal"),
    ],
)
def test_round_eight_identifiers_are_found(text, found):
    assert any(found in f.text for f in phi.blocking(phi.scan(text))), phi.scan(text)


@pytest.mark.parametrize(
    "text",
    [
        "PLAN - VITAMIN K\nrecheck INR",
        "Hep - TYPE B\n",
        "PT REFERRAL: see letter",
        "NOTES: 18:00 \u2014 Patientin klagt \u00fcber Schmerzen",
        "1. Incisional hernia repair (eTEP)",
        "booked 12.5 mg",
        "op 2nd look at 48h",
        "MDT 2nd opinion",
        "My consultant Mr Adeyemi says I'm too slow.",
        "Our vascular lead Mr Hendricks wants every carotid in 7 days.",
        "On call tonight at Mater Misericordiae, ED is 60 deep.",
        "The MDT is moving to Thursdays.",
        "The nearest tertiary is Queensland Children's Hospital.",
        "Mi sono trasferito dal Policlinico Gemelli.",
        # What the second clean blind set (bench/blind10/) had blocked.
        "Steps:\n1. Infraumbilical incision.\n2. Insufflate to 12 mmHg.\n3. Desufflate slowly.",
        "NOTE: 40MMOL KCL IN 1L SALINE OVER 8H. PLEASE CHECK.",
        "Bethesda: I nondiagnostic, II benign, III AUS, IV follicular neoplasm.",
        "Fallvorstellung: 72-jähriger Patient, Raucher, Makrohämaturie.",
    ],
)
def test_round_eight_lookalikes_are_not_blocked(text):
    assert phi.blocking(phi.scan(text)) == [], phi.scan(text)


def test_a_section_of_the_notes_is_not_a_clinicians_title():
    found = phi.blocking(phi.scan("Stoma nurse: Mr Quigley independent with bag changes."))
    assert [f.text for f in found] == ["Mr Quigley"]
