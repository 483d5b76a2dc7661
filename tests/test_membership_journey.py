"""From sign-up to verified member, through allauth's real views and our application form."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from members.models import Application, User

APPLICATION = {
    "full_name": "Nina Petrova",
    "professional_role": "trainee",
    "institution": "Charité",
    "country": "Germany",
    "registration_body": "Ärztekammer Berlin",
    "licence_number": "AEK-553201",
}
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_up(client, email: str = "nina@charite.example", password: str = "Scalpel-and-suture-42"):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": password, "password2": password}
    )


@pytest.mark.django_db
def test_weak_passwords_are_refused_by_djangos_validators(client):
    response = sign_up(client, password="password")
    assert response.status_code == 200
    assert not User.objects.exists()
    assert "too common" in response.content.decode() or "too short" in response.content.decode()


@pytest.mark.django_db
def test_signing_up_requires_a_confirmed_email_before_anything(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get()
    assert user.status == User.Status.APPLICANT
    # Not signed in until the address is confirmed.
    assert client.get("/membership/")["Location"].startswith("/accounts/login/")
    (message,) = mail.outbox
    assert "nina@charite.example" in message.to


@pytest.mark.django_db
def test_a_new_applicant_confirms_applies_and_waits(client, hernia):
    sign_up(client)
    (key_url,) = re.findall(
        r"http://testserver(/accounts/confirm-email/[^/\s]+/)", mail.outbox[0].body
    )
    assert client.post(key_url).status_code == 302
    response = client.post(
        "/accounts/login/",
        {"login": "nina@charite.example", "password": "Scalpel-and-suture-42"},
    )
    assert response.status_code == 302
    # Any content page sends an applicant to the status page, which invites them to apply.
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/membership/"
    assert "Complete your application" in response.content.decode()

    document = SimpleUploadedFile("gmc-certificate.pdf", PDF, content_type="application/pdf")
    response = client.post(
        "/membership/apply/",
        {**APPLICATION, "specialty": hernia.pk, "documents": [document]},
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == Application.Status.PENDING
    assert application.documents.count() == 1
    assert application.user.profile.licence_number == "AEK-553201"
    page = client.get("/membership/").content.decode()
    assert 'data-status="pending"' in page
    # Where they are, and something useful to do while they wait.
    assert '<li aria-current="step"><strong>An admin checks your registration' in page
    assert 'href="/accounts/2fa/"' in page
    assert client.get("/accounts/2fa/").status_code == 200  # open to applicants
    # Still no content while waiting.
    assert client.get("/").status_code == 302
    # And the form cannot be resubmitted while it waits.
    assert client.get("/membership/apply/")["Location"] == "/membership/"


@pytest.mark.django_db
def test_a_rejected_file_says_why_and_keeps_what_was_typed(client_for, hernia, make_member):
    applicant = make_member("Nina Petrova", status=User.Status.APPLICANT)
    applicant.profile.delete()
    client = client_for(applicant)
    word = SimpleUploadedFile(
        "licence.docx", b"PK\x03\x04 not a pdf", content_type="application/pdf"
    )
    response = client.post(
        "/membership/apply/", {**APPLICATION, "specialty": hernia.pk, "documents": [word]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "“licence.docx” is not a PDF, JPEG or PNG file." in page
    assert 'value="AEK-553201"' in page and 'value="Nina Petrova"' in page
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_too_many_documents_are_refused(client_for, hernia, make_member):
    applicant = make_member("Nina Petrova", status=User.Status.APPLICANT)
    documents = [SimpleUploadedFile(f"d{i}.pdf", PDF) for i in range(6)]
    response = client_for(applicant).post(
        "/membership/apply/", {**APPLICATION, "specialty": hernia.pk, "documents": documents}
    )
    assert "Attach at most 5 documents." in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_a_verified_member_sees_the_forum_not_the_application(client_for, alice):
    client = client_for(alice)
    assert client.get("/").status_code == 200
    assert client.get("/membership/")["Location"] == "/"
    assert client.get("/membership/apply/")["Location"] == "/membership/"
