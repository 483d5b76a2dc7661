"""What the fourth round of blind sets (bench/blind4/) taught the screen, in examples of
our own words: each shape was missed or wrongly flagged on the round's one measurement."""

from __future__ import annotations

import pytest

import phi


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # Ages over 89.
        ("Lost one tonight. 92, a perforated DU, we knew.", "92"),
        ("Frail gent (96), Mr Hughes, incarcerated femoral.", "96"),
        ("Lady of 98 with a perforated gastric ulcer.", "98"),
        ("It's her 90th birthday on the ward next week.", "90"),
        # Holidays and ordinals.
        ("Wants to be home for Christmas.", "Christmas"),
        ("Asked for the op after Eid.", "Eid"),
        ("Inquest set for the 21st.", "21st"),
        # Lists and labels.
        ("THEATRE LIST\n1. HASSAN, Leila 38F lap chole", "HASSAN, Leila"),
        ("PT ID: X01-220 | LI, Wen | Ward 4", "LI, Wen"),
        ("ICU - Bed 3 (NOVAKOVIĆ J) on NIV.", "NOVAKOVIĆ J"),
        ("pt sipho dlamini 30/40, RUQ pain", "sipho dlamini"),
        ("Hus Mateus 086 221 3344 - call after theatre.", "Mateus"),
        ("Brought in by his mate 'Jonno' after a quad bike crash.", "Jonno"),
        ("Aroha (pt) has refused food since the stoma.", "Aroha"),
        ("Moana and Tipene (parents) consented.", "Moana"),
        ("Il sig. Ferrari è stato dimesso.", "sig. Ferrari"),
        # Places and numbers.
        ("Lives: Kailua, HI", "Kailua"),
        ("Fly-in community north of Thompson, Manitoba.", "Thompson"),
        ("Mail to 118 E 21st St, Columbus.", "118 E 21st St"),
        ("She lives on Rua das Flores 112, Porto.", "Rua das Flores 112"),
        ("ADDRESS: 14 MG Road, Pune 411001", "411001"),
        ("Discharged to 3 Ocean Parade, Coogee 2034.", "2034"),
        ("NOK wife (808) 555 0199", "(808) 555 0199"),
        ("Page me at 5521 if you want to scrub.", "5521"),
        ("anaesthetics bleeped (2334) for the epidural", "2334"),
    ],
)
def test_round_four_identifiers_are_found(text, found):
    assert any(found in f.text for f in phi.blocking(phi.scan(text))), phi.scan(text)


@pytest.mark.parametrize(
    "text",
    [
        "Dawn ward round: tachy, lactate up.",
        "For ward-based care, not for escalation.",
        "Got the Echelon 3000 with gold reloads.",
        "las guías de Tokio para la colecistitis",
        "Sister Bernadette Walsh spotted the leak first.",
        "Charge Nurse Mateo Alvarez picked up the sepsis.",
        "Congrats on the Hunterian Professorship!",
        "An Olympic-level gymnast with appendicitis.",
        "The Atlanta classification 2012 revision is the one.",
        "Child-Pugh B. Palliative stent.",
        "?POPF grade B. Keep drain.",
        "DR KHAN ON CALL - PLS CALL RE BED 6 DESATTING",
        "Goes to Rotorua Girls' High School.",
        "Flexi sig decompression and a flatus tube.",
        "pager msg 0415: sats 88% on 4L",
        "PT ADDRESS: see the label",
        "Patient portal link shows the whole record.",
        "Mods, the patient's screenshot needs removing.",
        "Sí, las guías son las que usamos.",
        "Sats (97) on air, HR 96.",
    ],
)
def test_round_four_lookalikes_are_not_blocked(text):
    assert phi.blocking(phi.scan(text)) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("PAEDS CLINIC\nEmre Kaya 7y, umbilical hernia", "Emre Kaya"),
        ("Trauma: came in from Mitchells Plain at 02:00.", "Mitchells"),
        ("Quad bike rollover near Tumbarumba, spleen grade III.", "Tumbarumba"),
        ("Referred by GP in Lisdoonvarna with RIF pain.", "Lisdoonvarna"),
        ("SH: lives w/ wife in Llanwrtyd, independent.", "Llanwrtyd"),
        ("Trawler skipper out of Castletownbere, away for weeks.", "Castletownbere"),
        ("VIOLET HALL 91F, ?ischaemic bowel.", "VIOLET HALL"),
        ("bed 4 - peter jensen - ?appendix", "peter jensen"),
        ("Name: OSEI, Abena\nCHI: 0101010101", "OSEI, Abena"),
        ("Petrov A — third admission this month.", "Petrov A"),
        ("AROHA T. 24F 10/40, appendicitis.", "AROHA T"),
        ("Seen in clinic, follow-up for September.", "September"),
        ("n° sécu 2 71 04 13 055 123 45 on the form.", "2 71 04 13 055 123 45"),
    ],
)
def test_round_four_second_pass_shapes_are_found(text, found):
    assert any(found in f.text for f in phi.blocking(phi.scan(text))), phi.scan(text)


@pytest.mark.parametrize(
    "text",
    [
        "Plan A — conservative, plan B — theatre.",
        "Grace is the word for how she took the news.",
        "Back to theatre, out of hours, for a relook.",
    ],
)
def test_round_four_second_pass_lookalikes_are_not_blocked(text):
    assert phi.blocking(phi.scan(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Same goes for the Cleveland Clinic incontinence score.",
        "UCSF expanded is more sensible than Milan.",
        "HANDOVER — Ward 9 — nothing major overnight.",
    ],
)
def test_scores_named_after_hospitals_and_quiet_wards_are_not_even_warned(text):
    assert phi.scan(text) == []
