"""Logs carry ids and actions: never member emails or the names of uploaded files."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import User
from scrubroom.logs import RedactPersonalData, redact
from tests.conftest import PASSWORD


@pytest.fixture
def server_log():
    """What the server's own console handler (with its filters) writes during the test."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactPersonalData) for f in handler.filters)
    ]
    assert len(handlers) == 1, "the console handler must carry the redacting filter"
    handler = handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


@pytest.mark.django_db
def test_journeys_leave_no_email_or_file_name_in_the_log(
    client, client_for, make_member, server_log
):
    # Django logs every 404 with its path; here the path carries an email address.
    client.get("/members/alice.moreau@hospital.example/")
    client.post("/accounts/login/", {"login": "alice.moreau@hospital.example", "password": "wrong"})
    applicant = make_member("Jane Applicant", status=User.Status.APPLICANT)
    response = client_for(applicant).post(
        "/membership/apply/",
        {
            "full_name": "Jane Applicant",
            "professional_role": "consultant",
            "specialty": applicant.profile.specialty_id,
            "institution": "Royal Infirmary",
            "country": "United Kingdom",
            "registration_body": "GMC",
            "licence_number": "GMC-1234567",
            "documents": [
                SimpleUploadedFile("Jane-Applicant-GMC-licence.pdf", b"%PDF-1.7 scan\n%%EOF")
            ],
        },
    )
    assert response.status_code == 302
    client_for(applicant).get("/staff/no-such-page/jane@hospital.example")
    output = server_log.getvalue()
    assert "Not Found" in output and "[email]" in output  # the lines are there, redacted
    assert "@hospital.example" not in output
    assert "Jane-Applicant" not in output and "licence.pdf" not in output
    assert PASSWORD not in output


def test_exceptions_are_redacted_too():
    logger = logging.getLogger("scrubroom.test")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonalData())
    logger.addHandler(handler)
    try:
        try:
            raise ValueError(
                'duplicate key value violates unique constraint "email"\n'
                "DETAIL:  Key (email)=(bob.tanaka@hospital.example) already exists."
            )
        except ValueError:
            logger.exception("Saving member %s failed for %s", 42, "bob.tanaka@hospital.example")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "Saving member 42 failed for [email]" in output
    assert "Key (email)=(…) already exists" in output
    assert "hospital.example" not in output


def test_redact_keeps_what_is_not_personal():
    assert redact("member 42 approved application 7") == "member 42 approved application 7"
    assert redact("Not Found: /members/a.b+c@x.example.org/") == "Not Found: /members/[email]/"


@pytest.mark.django_db
def test_posting_cases_leaves_no_case_text_in_the_log(client_for, alice, hernia, server_log):
    from tests.conftest import case_form_data

    client = client_for(alice)
    blocked = "Mr Quigley, seen on 14 March, had a strangulated Spigelian hernia."
    response = client.post("/cases/new/", case_form_data(specialty=hernia.pk, presentation=blocked))
    assert response.status_code == 400  # Django logs this one ("Bad Request: /cases/new/")
    response = client.post("/cases/new/", case_form_data(specialty=hernia.pk))
    case_url = response["Location"]
    client.post(f"{case_url}replies/", {"body": "Spigelian mesh repair, laparoscopic."})
    client.post(f"{case_url}replies/", {"body": ""})  # another 400
    client.get("/search/", {"q": "Quigley Spigelian"})
    client.get("/cases/999999/")  # a 404, logged with its path
    output = server_log.getvalue()
    assert "Bad Request" in output and "Not Found" in output
    for text in ("Quigley", "Spigelian", "strangulated", "Recurrent incisional", "midline"):
        assert text not in output
