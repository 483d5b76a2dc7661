"""Admins verify applications on the staff pages; each decision is emailed and audited, and
credential documents live only until the decision."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from audit.models import AuditEntry
from members import actions
from members.models import Application, CredentialDocument, User
from review import queue

PDF = b"%PDF-1.7\nsecret licence scan\n%%EOF\n"


@pytest.fixture
def carol_document(carol) -> CredentialDocument:
    return CredentialDocument.objects.create(
        application=carol.application,
        file=ContentFile(PDF, name="whatever.pdf"),
        content_type="application/pdf",
        size=len(PDF),
    )


@pytest.fixture
def decide(committing):
    """The staff page's form, as the page sent it: with the review item's version."""

    def post(client, application, decision: str, note: str = "", version: int | None = None):
        item = queue.open_item_for(application)
        if version is None:
            version = item.version if item is not None else 1
        with committing():
            return client.post(
                f"/staff/applications/{application.pk}/",
                {"decision": decision, "note": note, "version": version},
            )

    return post


def test_pending_applications_are_listed_oldest_first(client_for, erin, make_member):
    from django.utils import timezone

    newer = make_member("Newer Applicant", status=User.Status.APPLICANT, application="pending")
    older = make_member("Older Applicant", status=User.Status.APPLICANT, application="pending")
    Application.objects.filter(user=older).update(
        submitted_at=timezone.now() - timezone.timedelta(days=3)
    )
    make_member("Waiting For Info", status=User.Status.APPLICANT, application="more_info")
    page = client_for(erin).get("/staff/applications/").content.decode()
    assert page.index("Older Applicant") < page.index("Newer Applicant")
    assert "Waiting For Info" not in page
    assert "LIC-OLDER-7731" in page  # admins see the licence to check it
    assert newer.pk


def test_approving_makes_a_verified_member_and_deletes_documents(
    decide, client_for, erin, carol, carol_document
):
    storage = storages["private"]
    name = carol_document.file.name
    assert storage.exists(name)
    response = decide(client_for(erin), carol.application, "approve")
    assert response.status_code == 302
    carol.refresh_from_db()
    assert carol.status == User.Status.VERIFIED and carol.verified_at is not None
    application = Application.objects.get(user=carol)
    assert (application.status, application.decided_by) == (Application.Status.APPROVED, erin)
    assert not CredentialDocument.objects.exists()
    assert not storage.exists(name)
    (entry,) = AuditEntry.objects.filter(action="application.approve")
    assert entry.actor_id == erin.pk and entry.details["documents_deleted"] == 1
    (message,) = mail.outbox
    assert message.to == [carol.email] and "verified" in message.subject
    # Carol can now see the forum.
    assert client_for(carol).get("/").status_code == 200


def test_rejecting_needs_a_reason_which_the_applicant_is_told(
    decide, client_for, erin, carol, carol_document
):
    client = client_for(erin)
    response = decide(client, carol.application, "reject", "")
    assert response.status_code == 200
    assert "Tell the applicant why" in response.content.decode()
    assert Application.objects.get(user=carol).status == Application.Status.PENDING

    reason = "The GMC register lists no surgeon with this number."
    decide(client, carol.application, "reject", reason)
    application = Application.objects.get(user=carol)
    assert application.status == Application.Status.REJECTED
    assert not storages["private"].exists(carol_document.file.name)
    assert reason in mail.outbox[0].body
    status_page = client_for(carol).get("/membership/").content.decode()
    assert 'data-status="rejected"' in status_page and reason in status_page
    assert AuditEntry.objects.get(action="application.reject").reason == reason


def test_a_rejected_applicant_can_edit_and_resubmit(decide, client_for, erin, carol, hernia):
    decide(client_for(erin), carol.application, "reject", "Wrong registration body")
    client = client_for(carol)
    form = client.get("/membership/apply/")
    assert form.status_code == 200 and "Wrong registration body" in form.content.decode()
    response = client.post(
        "/membership/apply/",
        {
            "full_name": "Carol Jensen",
            "professional_role": "allied",
            "specialty": hernia.pk,
            "institution": "Aarhus",
            "country": "Denmark",
            "registration_body": "Styrelsen for Patientsikkerhed",
            "licence_number": "DK-1",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(user=carol)
    assert application.status == Application.Status.PENDING and application.decided_by is None
    assert carol.profile.__class__.objects.get(user=carol).registration_body.startswith("Styrelsen")


def test_asking_for_more_information_keeps_the_documents(
    decide, client_for, erin, carol, carol_document
):
    decide(client_for(erin), carol.application, "more_info", "Please add your CCT certificate.")
    application = Application.objects.get(user=carol)
    assert application.status == Application.Status.MORE_INFO
    assert storages["private"].exists(carol_document.file.name)
    assert "CCT certificate" in mail.outbox[0].body
    page = client_for(carol).get("/membership/").content.decode()
    assert 'data-status="more_info"' in page and "CCT certificate" in page
    assert AuditEntry.objects.filter(action="application.request_info").count() == 1


def test_a_decided_application_cannot_be_decided_again(decide, client_for, erin, carol):
    item = queue.open_item_for(carol.application)
    assert item is not None
    decide(client_for(erin), carol.application, "approve")
    with pytest.raises(actions.InvalidTransition):
        actions.reject_application(
            Application.objects.get(user=carol), by=erin, reason="changed my mind"
        )
    response = decide(client_for(erin), carol.application, "reject", "again")
    assert response.status_code == 302
    assert Application.objects.get(user=carol).status == Application.Status.APPROVED
    assert AuditEntry.objects.count() == 1
    item.refresh_from_db()
    assert (item.state, item.decision, item.decided_by) == ("closed", "approved", erin)


def test_two_admins_deciding_at_once_the_second_is_told(
    decide, client_for, make_member, erin, carol
):
    other = make_member("Olga Admin", admin=True, mfa=True)
    seen = queue.open_item_for(carol.application)
    assert seen is not None
    decide(client_for(other), carol.application, "more_info", "Add your CCT.", seen.version)
    response = decide(client_for(erin), carol.application, "approve", "", seen.version)
    assert response.status_code == 302
    assert Application.objects.get(user=carol).status == Application.Status.MORE_INFO
    assert AuditEntry.objects.filter(action__startswith="application.").count() == 1


def test_only_admins_decide(carol, dave, alice):
    for outsider in (dave, alice):
        with pytest.raises(Exception) as error:
            actions.approve_application(carol.application, by=outsider)
        assert error.type.__name__ == "PermissionDenied"
    assert Application.objects.get(user=carol).status == Application.Status.PENDING


def test_documents_are_served_to_admins_only_as_attachments(
    client_for, erin, dave, alice, carol, carol_document
):
    url = f"/staff/applications/{carol.application.pk}/documents/{carol_document.pk}/"
    response = client_for(erin).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert client_for(dave).get(url).status_code == 403
    assert client_for(alice).get(url).status_code == 403
    # The applicant who uploaded it cannot read it back either.
    assert client_for(carol).get(url)["Location"] == "/membership/"


def test_document_files_are_outside_any_public_url(carol_document, settings):
    if settings.S3_BUCKET:
        # In object storage no file has a URL at all; the bucket is private.
        assert carol_document.file.storage.querystring_auth
        assert "whatever" not in carol_document.file.name
        return
    path = storages["private"].path(carol_document.file.name)
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not str(settings.PRIVATE_MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))
    assert "whatever" not in carol_document.file.name  # the uploader's file name is not kept


def test_unknown_application_or_document_is_404(client_for, erin, carol, carol_document):
    client = client_for(erin)
    assert client.get("/staff/applications/999999/").status_code == 404
    assert (
        client.get(f"/staff/applications/{carol.application.pk}/documents/999999/").status_code
        == 404
    )
