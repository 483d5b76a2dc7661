"""The upload widget and the redaction tool in real Chromium: choose a photo, see its
receipt, black out part of it, post the case, and the stored pixels are black there."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser import signed_in_context

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def gps_photo() -> bytes:
    image = Image.new("RGB", (400, 300), (200, 180, 150))
    for x in range(0, 400, 20):
        image.paste((60, 120, 200), (x, 150, x + 10, 300))
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


# Reads a pixel of an image as the browser decodes it (served through the permission view).
PIXEL = """
async ([url, x, y]) => {
  const image = new Image();
  image.src = url;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return [canvas.width, canvas.height, Array.from(context.getImageData(x, y, 1, 1).data)];
}
"""


@pytest.fixture
def alices_cookie(session_cookie, alice) -> dict:
    return session_cookie(alice)


def test_upload_black_out_and_post(alices_cookie, chromium, live_server):
    context = signed_in_context(chromium, live_server, alices_cookie)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto("/cases/new/")
        progress = page.get_by_role("progressbar", name="Uploading IMG_2041.jpg")
        while_uploading: list[bool] = []

        def look_while_uploading(route) -> None:
            # The request is on its way: the file's own progress bar shows, no receipt yet.
            while_uploading.append(progress.is_visible())
            while_uploading.append(page.locator(".draft .receipt").count() == 0)
            route.continue_()

        page.route("**/uploads/", look_while_uploading)
        page.set_input_files(
            "input[name=images]",
            files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": gps_photo()}],
        )
        receipt = page.locator(".draft .receipt")
        receipt.wait_for()
        assert while_uploading == [True, True]
        assert progress.count() == 0  # gone once the receipt is in
        assert "GPS location" in receipt.inner_text()
        assert "camera make and model" in receipt.inner_text()
        draft_id = page.locator("input[name=uploads]").input_value()
        assert draft_id.isdigit()
        # Black out the top-left quarter.
        page.get_by_role("button", name="Black out, crop or rotate").click()
        canvas = page.locator(".editor canvas")
        # A locator wait, not wait_for_function: that one compiles its predicate with eval,
        # which the page's CSP (rightly) refuses.
        page.locator(".editor canvas[width='400']").wait_for()
        box = canvas.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 2, box["y"] + 2)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
        page.mouse.up()
        page.get_by_role("button", name="Apply").click()
        page.locator(".editor").wait_for(state="detached")
        width, height, pixel = page.evaluate(PIXEL, [f"/uploads/{draft_id}/", 50, 40])
        assert (width, height) == (400, 300)
        assert max(pixel[:3]) < 10, pixel  # black, in the stored file
        _, _, untouched = page.evaluate(PIXEL, [f"/uploads/{draft_id}/", 350, 50])
        assert min(untouched[:3]) > 100
        # Post the case with the image.
        page.select_option("#id_age_band", "40-64")
        page.fill("#id_title", "Parastomal hernia with a prolapsing stoma")
        page.fill("#id_presentation", "End colostomy after an APR, bulge for 8 months.")
        page.fill("#id_investigations", "CT: 6 cm parastomal defect.")
        page.fill("#id_plan", "Considering a Sugarbaker repair.")
        page.fill("#id_question", "Keyhole or Sugarbaker in your hands?")
        page.check("#id_attest_deidentified")
        page.check("input[name=consent_basis][value=consented]")
        page.locator(".case-form button[type=submit]").click()
        page.wait_for_url("**/cases/*/")
        image = page.locator(f"#image-{draft_id}")
        assert "Awaiting moderator review" in image.inner_text()
        assert "GPS location" in image.inner_text()  # the receipt, for the uploader
        # The live server here is WSGI: the header's live socket cannot connect; nothing else
        # may fail.
        assert [e for e in errors if "WebSocket" not in e] == []
    finally:
        context.close()


def test_a_refused_file_says_why_in_the_widget(alices_cookie, chromium, live_server):
    context = signed_in_context(chromium, live_server, alices_cookie)
    page = context.new_page()
    try:
        page.goto("/cases/new/")
        page.set_input_files(
            "input[name=images]",
            files=[{"name": "notes.pdf", "mimeType": "image/jpeg", "buffer": b"%PDF-1.7 x"}],
        )
        error = page.locator(".draft .error")
        error.wait_for()
        assert "not an image we accept" in error.inner_text()
        assert page.locator("input[name=uploads]").input_value() == ""
    finally:
        context.close()


def test_a_busy_scrubber_is_retried_by_the_page(alices_cookie, chromium, live_server, settings):
    # The live server runs in this process: holding its only scrub slot here makes the real
    # view answer "busy" (503, Retry-After), and the page must send the file again itself.
    from uploads import pipeline

    settings.SCRUBROOM_SCRUBS_PER_PROCESS = 1
    settings.SCRUBROOM_SCRUB_WAIT_SECONDS = 0
    context = signed_in_context(chromium, live_server, alices_cookie)
    page = context.new_page()
    try:
        page.goto("/cases/new/")
        slot = pipeline.slots.hold()
        slot.__enter__()
        try:
            page.set_input_files(
                "input[name=images]",
                files=[{"name": "IMG_2042.jpg", "mimeType": "image/jpeg", "buffer": gps_photo()}],
            )
            retrying = page.locator(".draft .retrying")
            retrying.wait_for()
            assert retrying.inner_text() == pipeline.BUSY
            assert page.locator(".draft .receipt").count() == 0
        finally:
            slot.__exit__(None, None, None)
        page.locator(".draft .receipt").wait_for()  # the retry went through by itself
        assert page.locator(".draft .retrying, .draft .error").count() == 0
        assert page.locator("input[name=uploads]").input_value().isdigit()
    finally:
        context.close()
