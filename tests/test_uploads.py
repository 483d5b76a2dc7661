"""Uploads: drafts scrubbed on arrival, refusals that say why and leave nothing behind,
redaction applied to the pixels, attachment to posts, and who may see each image when."""

from __future__ import annotations

import io
import json
import os
import tempfile

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from audit.models import AuditEntry
from forum import actions as forum_actions
from tests.conftest import case_form_data
from uploads import actions
from uploads.models import Upload
from uploads.scrub import Refused


def photo(size=(320, 240), fmt="JPEG", **save) -> bytes:
    image = Image.new("RGB", size, (180, 120, 90))
    for x in range(0, size[0], 16):
        image.paste((40, 90, 160), (x, 0, x + 8, size[1] // 2))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def gps_photo() -> bytes:
    image = Image.new("RGB", (320, 240), (150, 30, 30))
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Model X"
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"ward 7 bed 3")
    return out.getvalue()


def stored_names() -> set[str]:
    storage = storages["private"]
    try:
        _, files = storage.listdir("images")
    except FileNotFoundError:
        return set()
    return {f"images/{name}" for name in files}


@pytest.fixture
def upload_as(client_for):
    def post(user, data: bytes, name="IMG_0001.jpg"):
        return client_for(user).post(
            "/uploads/", {"file": SimpleUploadedFile(name, data, "image/jpeg")}
        )

    return post


# Arrival ----------------------------------------------------------------------------------


def test_an_upload_becomes_a_scrubbed_draft_with_a_receipt(upload_as, alice):
    response = upload_as(alice, gps_photo())
    assert response.status_code == 201
    body = response.json()
    upload = Upload.objects.get(pk=body["id"])
    assert upload.state == Upload.State.DRAFT and upload.uploader == alice
    assert set(body["receipt"]["removed"]) >= {
        "GPS location",
        "camera make and model",
        "1 comment",
    }
    with upload.file.open("rb") as stored:
        data = stored.read()
    assert b"PhoneMaker" not in data and b"ward 7" not in data
    assert Image.open(io.BytesIO(data)).getexif() == {}
    # A random name, unrelated to the file's name or content.
    assert upload.file.name.startswith("images/") and "IMG_0001" not in upload.file.name


def test_the_same_photo_twice_gets_two_unrelated_names(upload_as, alice):
    data = photo()
    first = Upload.objects.get(pk=upload_as(alice, data).json()["id"])
    second = Upload.objects.get(pk=upload_as(alice, data).json()["id"])
    assert first.file.name != second.file.name


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"></svg>',
            "not an image we accept",
        ),
        ("scan.pdf", b"%PDF-1.7\n%%EOF", "not an image we accept"),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 40, "not an image we accept"),
        ("video.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 40, "not an image we accept"),
        ("dicom.dcm", b"\x00" * 128 + b"DICM" + b"\x00" * 40, "not an image we accept"),
        ("page.jpg", photo()[:200] + b"<script>alert(1)</script>" + photo()[200:], "web-page code"),
        ("cut.jpg", photo()[: len(photo()) // 2], "damaged or incomplete"),
        ("empty.jpg", b"", "empty"),
    ],
)
def test_bad_files_are_refused_with_a_reason_and_leave_nothing(
    upload_as, alice, name, data, message
):
    before = stored_names()
    response = upload_as(alice, data, name=name)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert "JPEG, PNG, WebP, HEIC/HEIF, AVIF, TIFF and GIF" in response.json()["error"] or (
        message != "not an image we accept"
    )
    assert not Upload.objects.exists()
    assert stored_names() == before


def test_a_pixel_bomb_is_refused_before_decoding(upload_as, alice):
    # 9000 x 9000 of one colour: a few KB of PNG, 81 megapixels once decoded.
    out = io.BytesIO()
    Image.new("L", (9000, 9000)).save(out, "PNG", optimize=True)
    assert len(out.getvalue()) < 200_000
    response = upload_as(alice, out.getvalue(), name="bomb.png")
    assert response.status_code == 400
    assert "more than 50 million pixels" in response.json()["error"]


def test_an_oversized_file_is_refused_without_being_kept(upload_as, alice, settings):
    settings.SCRUBROOM_UPLOAD_LIMITS = {**settings.SCRUBROOM_UPLOAD_LIMITS, "max_bytes": 50_000}
    response = upload_as(alice, photo((1600, 1200), quality=100))
    assert response.status_code == 400
    assert response.json()["error"] == "The file is larger than 48 KB."


def test_too_many_frames_is_refused(upload_as, alice, settings):
    settings.SCRUBROOM_UPLOAD_LIMITS = {**settings.SCRUBROOM_UPLOAD_LIMITS, "max_frames": 3}
    colours = ["red", "green", "blue", "yellow", "white"]
    frames = [Image.new("RGB", (32, 32), colour) for colour in colours]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    response = upload_as(alice, out.getvalue(), name="anim.gif")
    assert response.status_code == 400
    assert "5 frames" in response.json()["error"]


def test_a_multi_frame_file_keeps_the_first_frame_and_says_so(upload_as, alice):
    frames = [Image.new("RGB", (32, 32), color) for color in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    body = upload_as(alice, out.getvalue(), name="anim.gif").json()
    assert "only the first was kept" in " ".join(body["receipt"]["notes"])


def test_originals_never_touch_the_disk(upload_as, alice, settings, tmp_path, monkeypatch):
    # The upload handler keeps files in memory; nothing appears in the temporary folder,
    # whether the file is accepted or refused. The folder is this test's own, empty one:
    # the machine's /tmp also sees other processes (a browser, another suite) come and go.
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setenv("TMPDIR", str(temp))  # and the scrubbing worker's
    settings.FILE_UPLOAD_TEMP_DIR = str(temp)
    noise = Image.frombytes("RGB", (1600, 1200), os.urandom(1600 * 1200 * 3))
    out = io.BytesIO()
    noise.save(out, "JPEG", quality=100)
    big = out.getvalue()  # well over Django's 2.5 MB spill threshold
    assert len(big) > 2_600_000
    assert upload_as(alice, big).status_code == 201
    assert upload_as(alice, big[: len(big) // 2]).status_code == 400
    assert list(temp.iterdir()) == []
    assert settings.FILE_UPLOAD_HANDLERS == ["uploads.handlers.MemoryOnlyUploadHandler"]


def test_uploading_is_post_only_and_for_members(client_for, carol, alice):
    assert client_for(alice).get("/uploads/").status_code == 405
    response = client_for(carol).post("/uploads/", {})
    assert response.status_code == 302 and response["Location"] == "/membership/"


# Redaction --------------------------------------------------------------------------------


def test_redaction_blacks_out_crops_and_rotates_the_pixels(
    upload_as, client_for, alice, committing
):
    upload = Upload.objects.get(pk=upload_as(alice, photo((320, 240))).json()["id"])
    old_name = upload.file.name
    with committing():
        response = client_for(alice).post(
            f"/uploads/{upload.pk}/redact/",
            json.dumps({"rotate": 90, "rectangles": [[10, 10, 50, 40]], "crop": [0, 0, 200, 300]}),
            content_type="application/json",
        )
    assert response.status_code == 200
    upload.refresh_from_db()
    assert (upload.width, upload.height) == (200, 300)  # rotated to 240 x 320, then cropped
    with upload.file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read())).convert("RGB")
    assert image.getpixel((30, 30)) == (0, 0, 0) or max(image.getpixel((30, 30))) < 8
    assert max(image.getpixel((150, 150))) > 30  # elsewhere untouched
    # The pre-redaction file is gone: no way back to the unredacted pixels.
    assert old_name not in stored_names()
    assert upload.edited


def test_only_the_uploader_redacts_a_draft(upload_as, client_for, alice, bob):
    upload_id = upload_as(alice, photo()).json()["id"]
    response = client_for(bob).post(
        f"/uploads/{upload_id}/redact/", json.dumps({"rotate": 90}), content_type="application/json"
    )
    assert response.status_code == 404  # bob cannot know the draft exists


def test_bad_edits_are_refused(upload_as, client_for, alice):
    upload_id = upload_as(alice, photo()).json()["id"]
    for body in ("not json", json.dumps({"rotate": 45}), json.dumps({"rectangles": "x"})):
        response = client_for(alice).post(
            f"/uploads/{upload_id}/redact/", body, content_type="application/json"
        )
        assert response.status_code == 400


# Attachment, review and access --------------------------------------------------------------


@pytest.fixture
def posted_image(upload_as, alice, client_for, hernia):
    upload_id = upload_as(alice, photo()).json()["id"]
    response = client_for(alice).post(
        "/cases/new/", case_form_data(specialty=hernia.pk, uploads=str(upload_id))
    )
    assert response.status_code == 302
    return Upload.objects.get(pk=upload_id)


def status_for(client_for, user, upload) -> int:
    return client_for(user).get(f"/uploads/{upload.pk}/").status_code


def test_a_posted_image_waits_for_review_and_only_its_uploader_and_moderators_see_it(
    posted_image, client_for, alice, bob, dave, carol
):
    assert posted_image.state == Upload.State.PENDING and posted_image.case is not None
    assert status_for(client_for, alice, posted_image) == 200  # the uploader
    assert status_for(client_for, dave, posted_image) == 200  # the specialty's moderator
    assert status_for(client_for, bob, posted_image) == 404  # another member, before approval
    assert client_for(carol).get(f"/uploads/{posted_image.pk}/").status_code == 302  # applicant
    assert client_for(None).get(f"/uploads/{posted_image.pk}/").status_code == 302  # outsider
    page = client_for(bob).get(posted_image.case.get_absolute_url()).content.decode()
    assert f"/uploads/{posted_image.pk}/" not in page
    page = client_for(alice).get(posted_image.case.get_absolute_url()).content.decode()
    assert "Awaiting moderator review" in page


def test_after_approval_every_member_sees_it(posted_image, client_for, bob, dave, committing):
    with committing():
        response = client_for(dave).post(f"/uploads/{posted_image.pk}/approve/", {"version": 1})
    assert response.status_code == 302
    assert status_for(client_for, bob, posted_image) == 200
    assert AuditEntry.objects.filter(action="image.approve", target_id=posted_image.pk).count() == 1


def test_a_moderator_without_a_second_factor_is_sent_to_enrol(posted_image, client_for, grace):
    response = client_for(grace).post(f"/uploads/{posted_image.pk}/approve/", {"version": 1})
    assert response["Location"] == "/accounts/2fa/"
    posted_image.refresh_from_db()
    assert posted_image.state == Upload.State.PENDING


def test_members_cannot_approve(posted_image, client_for, alice, bob):
    assert client_for(alice).post(f"/uploads/{posted_image.pk}/approve/").status_code == 403
    assert client_for(bob).post(f"/uploads/{posted_image.pk}/approve/").status_code == 404


def test_rejection_deletes_the_file_and_keeps_the_reason(
    posted_image, client_for, alice, dave, committing
):
    name = posted_image.file.name
    with committing():
        response = client_for(dave).post(
            f"/uploads/{posted_image.pk}/reject/",
            {"reason": "face", "note": "Crop above the chin, then upload again.", "version": 1},
        )
    assert response.status_code == 302
    posted_image.refresh_from_db()
    assert posted_image.state == Upload.State.REJECTED
    assert posted_image.rejection_reason == "face"
    assert name not in stored_names()
    assert status_for(client_for, alice, posted_image) == 404
    assert status_for(client_for, dave, posted_image) == 404
    entry = AuditEntry.objects.get(action="image.reject")
    assert entry.details == {"rejection": "face"}


def test_the_uploader_reads_the_rejection_on_the_case_and_nobody_else_does(
    posted_image, client_for, alice, bob, dave
):
    client_for(dave).post(
        f"/uploads/{posted_image.pk}/reject/",
        {"reason": "face", "note": "Crop above the chin, then upload again.", "version": 1},
    )
    url = posted_image.case.get_absolute_url()
    page = client_for(alice).get(url).content.decode()
    assert "did not approve an image you posted here" in page
    assert "An identifiable face" in page and "Crop above the chin" in page
    edit = f'<a href="/cases/{posted_image.case.pk}/edit/">Upload a corrected image with the case'
    assert edit in page
    for other in (bob, dave):
        assert "Crop above the chin" not in client_for(other).get(url).content.decode()


def test_a_rejection_needs_a_policy_reason(posted_image, client_for, dave):
    response = client_for(dave).post(f"/uploads/{posted_image.pk}/reject/", {"reason": "meh"})
    assert response.status_code == 400


def test_deleting_the_post_deletes_the_image(posted_image, client_for, alice, committing):
    name = posted_image.file.name
    with committing():
        client_for(alice).post(f"{posted_image.case.get_absolute_url()}delete/")
    assert not Upload.objects.filter(pk=posted_image.pk).exists()
    assert name not in stored_names()


def test_deleting_the_account_deletes_every_image(upload_as, alice, committing):
    from privacy.erasure import delete_own_account

    names = {
        Upload.objects.get(pk=upload_as(alice, photo()).json()["id"]).file.name for _ in range(2)
    }
    with committing():
        delete_own_account(alice, posts="anonymise")
    assert not names & stored_names()


def test_serving_is_inert_private_and_sandboxed(posted_image, client_for, alice):
    response = client_for(alice).get(f"/uploads/{posted_image.pk}/")
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == (
        f'inline; filename="scrubroom-image-{posted_image.pk}.jpg"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    csp = response["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp


def test_unknown_images_are_404_and_wrong_methods_405(client_for, alice, posted_image):
    assert client_for(alice).get("/uploads/999999/").status_code == 404
    assert client_for(alice).post(f"/uploads/{posted_image.pk}/").status_code == 405
    assert client_for(alice).get(f"/uploads/{posted_image.pk}/approve/").status_code == 405


def test_images_sent_with_the_form_are_scrubbed_and_attached(client_for, bob, alices_case):
    response = client_for(bob).post(
        f"/cases/{alices_case.pk}/replies/",
        {"body": "Here is my similar case.", "images": [SimpleUploadedFile("x.jpg", gps_photo())]},
    )
    assert response.status_code == 302
    upload = Upload.objects.get()
    assert upload.reply is not None and upload.state == Upload.State.PENDING
    assert "GPS location" in upload.receipt["removed"]


def test_a_refused_file_in_the_form_keeps_the_text_and_the_good_files(client_for, bob, alices_case):
    response = client_for(bob).post(
        f"/cases/{alices_case.pk}/replies/",
        {
            "body": "Two images attached.",
            "images": [
                SimpleUploadedFile("good.jpg", photo()),
                SimpleUploadedFile("notes.pdf", b"%PDF-1.7"),
            ],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "notes.pdf: This is not an image we accept" in page
    assert "Two images attached." in page
    draft = Upload.objects.get()
    assert draft.state == Upload.State.DRAFT
    assert f'value="{draft.pk}"' in page  # kept for the next submit


def test_someone_elses_draft_cannot_be_attached(upload_as, client_for, alice, bob, alices_case):
    upload_id = upload_as(alice, photo()).json()["id"]
    client_for(bob).post(
        f"/cases/{alices_case.pk}/replies/", {"body": "Stealing it", "uploads": str(upload_id)}
    )
    assert Upload.objects.get(pk=upload_id).state == Upload.State.DRAFT


def test_store_refuses_empty_data(alice):
    with pytest.raises(Refused):
        actions.store(alice, b"")
    assert forum_actions  # the forum verbs attach uploads (used above through the views)


def test_a_file_that_needs_too_much_memory_is_stopped_by_the_limit(monkeypatch, alice):
    # The worker's own memory limit, not a check in our code, stops this decode.
    from uploads import pipeline

    monkeypatch.setattr(pipeline, "MEMORY_LIMIT", 160 * 1024 * 1024)
    out = io.BytesIO()
    Image.new("RGB", (7000, 6000), (90, 90, 90)).save(out, "PNG", compress_level=1)
    with pytest.raises(Refused, match="could not be read safely"):
        actions.store(alice, out.getvalue())
    assert not Upload.objects.exists()


def test_a_file_that_takes_too_long_is_stopped_and_the_next_one_goes_through(monkeypatch):
    from uploads import pipeline

    out = io.BytesIO()
    Image.new("RGB", (7000, 6000), (90, 90, 90)).save(out, "PNG", compress_level=1)
    slow = out.getvalue()
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "WALL_SECONDS", 0.05)  # far less than decoding 42 MP takes
        with pytest.raises(Refused, match="took too long"):
            pipeline.scrub(slow)
    assert pipeline.scrub(photo()).receipt.width == 320


def test_a_dead_fork_server_is_replaced(monkeypatch):
    # Each file's process is forked by one long-lived server; if that server dies (killed,
    # out of memory), the next file starts a new one instead of failing.
    from uploads import pipeline

    pipeline.scrub(photo())
    first = pipeline._server.process
    assert first is not None
    first.kill()
    first.wait()
    assert pipeline.scrub(photo()).receipt.width == 320
    assert pipeline._server.process is not first
    assert pipeline._server.process.poll() is None
