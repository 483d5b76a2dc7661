"""A member can download all their own data, and can delete their account (GDPR Art. 17, 20).

Both need a recent sign-in: a stolen session cookie alone cannot take the data or erase it.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from audit.models import AuditEntry
from members.models import CredentialDocument, ModeratorScope, Profile, User
from tests.conftest import PASSWORD, signed_in

PDF = b"%PDF-1.7\ncarol's licence scan\n%%EOF\n"
DELETE = {"posts": "anonymise", "confirm": "on"}


@pytest.fixture
def carol_document(carol) -> CredentialDocument:
    return CredentialDocument.objects.create(
        application=carol.application,
        file=ContentFile(PDF, name="carol-licence.pdf"),
        content_type="application/pdf",
        size=len(PDF),
    )


def reauthenticated(user: User):
    """Signed in, and the password given again just now (allauth's reauthentication)."""
    client = signed_in(user)
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302
    return client


def unzip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.django_db
def test_the_export_holds_account_profile_application_and_documents(carol, carol_document):
    response = reauthenticated(carol).post("/membership/my-data/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="scrubroom-my-data-')
    assert "no-store" in response["Cache-Control"]
    archive = unzip(response)
    names = set(archive.namelist())
    document_name = f"application/{carol_document.download_name}"
    assert {
        "README.txt",
        "account.json",
        "profile.json",
        "application.json",
        "cases.json",
        "replies.json",
        "images.json",
        document_name,
    } == (names)
    account = json.loads(archive.read("account.json"))
    assert account["email"] == carol.email
    assert account["status"] == "applicant"
    assert len(account["sessions"]) == 1  # the sign-in that asked for the export
    profile = json.loads(archive.read("profile.json"))
    assert profile["full_name"] == "Carol Jensen"
    assert profile["licence_number"] == "LIC-CAROL-7731"
    application = json.loads(archive.read("application.json"))
    assert application["status"] == "Waiting for verification"
    assert application["documents"][0]["file"] == document_name
    assert archive.read(document_name) == PDF


@pytest.mark.django_db
def test_the_export_never_holds_second_factor_secrets(dave):
    archive = unzip(reauthenticated(dave).post("/membership/my-data/export/"))
    account = json.loads(archive.read("account.json"))
    assert [factor["type"] for factor in account["second_factors"]] == ["totp"]
    assert account["moderates"][0]["specialty"] == "Hernia and abdominal wall"
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"JBSWY3DP" not in everything


@pytest.mark.django_db
def test_the_export_contains_only_the_members_own_data(alice, bob):
    archive = unzip(reauthenticated(alice).post("/membership/my-data/export/"))
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert bob.email.encode() not in everything
    assert b"Bob Tanaka" not in everything


@pytest.mark.django_db
def test_export_needs_a_recent_sign_in(client_for, alice):
    client = client_for(alice)  # a session, but no recent password
    response = client.post("/membership/my-data/export/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": PASSWORD})
    # allauth resumes the suspended request: the download follows the password.
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


@pytest.mark.django_db
def test_export_is_post_only(client_for, alice):
    assert client_for(alice).get("/membership/my-data/export/").status_code == 405


@pytest.mark.django_db
def test_the_page_offers_both(client_for, carol):
    page = client_for(carol).get("/membership/my-data/").content.decode()
    assert "Download my data" in page and "Delete my account" in page


@pytest.mark.django_db
def test_deleting_removes_the_account_and_signs_out_every_device(alice, committing):
    device, other_device = reauthenticated(alice), signed_in(alice)
    with committing():
        response = device.post("/membership/my-data/delete/", DELETE)
    assert response["Location"] == "/membership/deleted/"
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Profile.objects.filter(user_id=alice.pk).exists()
    assert not EmailAddress.objects.filter(email=alice.email).exists()
    assert other_device.get("/")["Location"].startswith("/accounts/login/")
    assert device.get("/")["Location"].startswith("/accounts/login/")
    response = device.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 200  # the form again: no such account


@pytest.mark.django_db
def test_deletion_is_audited_without_the_name(alice, committing):
    with committing():
        reauthenticated(alice).post("/membership/my-data/delete/", {**DELETE, "posts": "delete"})
    entry = AuditEntry.objects.get(action="member.account_deleted")
    assert entry.actor_label == entry.target_label == f"Former member #{alice.pk}"
    assert entry.details == {"posts": "delete"}
    assert "Alice" not in f"{entry.actor_label} {entry.target_label} {entry.reason}"


@pytest.mark.django_db
def test_deletion_removes_files_from_storage(carol, carol_document, committing):
    name = carol_document.file.name
    assert storages["private"].exists(name)
    with committing():
        reauthenticated(carol).post("/membership/my-data/delete/", DELETE)
    assert not CredentialDocument.objects.exists()
    assert not storages["private"].exists(name)


@pytest.mark.django_db
def test_deleting_a_moderator_removes_their_roles(dave, committing):
    with committing():
        reauthenticated(dave).post("/membership/my-data/delete/", DELETE)
    assert not ModeratorScope.objects.filter(user_id=dave.pk).exists()


@pytest.mark.django_db
def test_deletion_needs_the_confirmation_and_a_choice(alice):
    client = reauthenticated(alice)
    response = client.post("/membership/my-data/delete/", {"posts": "anonymise"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = client.post("/membership/my-data/delete/", {"posts": "shred", "confirm": "on"})
    assert response.status_code == 400
    assert User.objects.filter(pk=alice.pk).exists()


@pytest.mark.django_db
def test_an_admin_must_hand_over_the_role_before_deleting(erin):
    response = reauthenticated(erin).post("/membership/my-data/delete/", DELETE)
    assert response.status_code == 409
    assert "another admin" in response.content.decode()
    assert User.objects.filter(pk=erin.pk).exists()


@pytest.mark.django_db
def test_deletion_needs_a_recent_sign_in(client_for, alice):
    response = client_for(alice).post("/membership/my-data/delete/", DELETE)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert User.objects.filter(pk=alice.pk).exists()


# Posts in the export, and what deletion does to them ----------------------------------------


@pytest.fixture
def thread(make_case, make_reply, alice, bob):
    case = make_case(alice, title="Alice's mesh infection case", coi_disclosure="None.")
    alices_reply = make_reply(case, alice, "Thanks, **helpful**.")
    bobs_reply = make_reply(case, bob, "Explant and staged repair.")
    return case, alices_reply, bobs_reply


@pytest.mark.django_db
def test_the_export_holds_the_members_cases_and_replies(thread, alice):
    case, alices_reply, _ = thread
    archive = unzip(reauthenticated(alice).post("/membership/my-data/export/"))
    cases = json.loads(archive.read("cases.json"))
    assert [item["title"] for item in cases] == ["Alice's mesh infection case"]
    assert cases[0]["question"] == case.question  # the Markdown source, as written
    assert cases[0]["tags"] == ["tar"] and cases[0]["coi_disclosure"] == "None."
    replies = json.loads(archive.read("replies.json"))
    assert [(item["id"], item["body"]) for item in replies] == [
        (alices_reply.pk, "Thanks, **helpful**.")
    ]
    assert b"Explant and staged repair" not in archive.read("replies.json")


@pytest.mark.django_db
def test_deleting_with_anonymise_keeps_posts_as_former_member(thread, alice, bob, committing):
    case, alices_reply, _ = thread
    with committing():
        reauthenticated(alice).post("/membership/my-data/delete/", DELETE)
    case.refresh_from_db()
    alices_reply.refresh_from_db()
    assert case.author is None and case.title == "Alice's mesh infection case"
    assert alices_reply.author is None and alices_reply.body == "Thanks, **helpful**."
    page = signed_in(bob).get(f"/cases/{case.pk}/").content.decode()
    assert "Former member" in page and "Alice Moreau" not in page


@pytest.mark.django_db
def test_deleting_with_delete_leaves_tombstones(thread, alice, bob, committing):
    from forum.models import PostState, Revision

    case, alices_reply, bobs_reply = thread
    from forum import actions

    actions.edit_reply(alices_reply, by=alice, body="Thanks, very helpful.")
    with committing():
        reauthenticated(alice).post("/membership/my-data/delete/", {**DELETE, "posts": "delete"})
    case.refresh_from_db()
    alices_reply.refresh_from_db()
    bobs_reply.refresh_from_db()
    assert case.state == alices_reply.state == PostState.DELETED
    assert case.title == case.question == alices_reply.body == ""
    assert not Revision.objects.exists()
    assert bobs_reply.body == "Explant and staged repair."  # others' words stay
    page = signed_in(bob).get(f"/cases/{case.pk}/").content.decode()
    assert "This case was deleted by its author" in page
    assert "Explant and staged repair." in page and "mesh infection" not in page
