"""What the fifth round of blind sets (bench/blind5/) taught the screen, in examples of our
own words: each shape was missed or wrongly blocked on the round's one measurement."""

from __future__ import annotations

import pytest

import phi


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("LIST\n1. O'DWYER K 47M TEP\n2. NOLAN S 66F lap chole", "NOLAN"),
        ("OP-Plan\n1. Hartmann, Klaus \u2013 Rückverlagerung", "Hartmann, Klaus"),
        ("OP-Plan\n2. Weber, Gisela \u2013 lap. Cholezystektomie", "Weber, Gisela"),
    ],
)
def test_round_five_identifiers_are_found(text, found):
    assert any(found in f.text for f in phi.blocking(phi.scan(text))), phi.scan(text)


@pytest.mark.parametrize(
    "text",
    [
        "Has anyone got the Tokyo 2018 flowchart on one page?",
        "Atlanta 2012 is the one we use for pancreatitis.",
        "Pringle total 30 min, intermittent 15/5, no issues.",
        "Boston Bowel Prep Scale 8 and still a poor view.",
        "Oesophageal stent (Mega) or internal drainage?",
        "Have you all moved to HAL-RAR/THD now?",
        "Our stoma nurse Joanne sites everyone standing and sitting.",
        "The school nurse Mrs Reilly will be told about the discharge.",
        "Theatre list\n1. Lap chole\n4. Excision lipoma back\n5. EUA + seton",
        "1. Start IV antibiotics\n2. Lichtenstein repair\n3. Review bloods",
    ],
)
def test_round_five_lookalikes_are_not_blocked(text):
    assert phi.blocking(phi.scan(text)) == [], phi.scan(text)


def test_a_member_named_by_initial_and_surname_is_a_colleague():
    found = phi.scan("T. Siddiqui you did the audit on this, didn't you?", {"siddiqui"})
    assert phi.blocking(found) == []
    assert [f.level for f in found] == [phi.COLLEAGUE]
