"""Journeys end to end in Chromium against a real Daphne, with screenshots (desktop and
phone) saved as artifacts: a case with two photos through redaction and moderation, and a
post blocked by the PHI screen that goes through once edited."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser import SIZES, shot, signed_in_context

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def photo(colour) -> bytes:
    image = Image.new("RGB", (400, 300), colour)
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 12.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def cookies(session_cookie, alice, bob, dave) -> dict:
    return {
        name: session_cookie(user)
        for name, user in (("alice", alice), ("bob", bob), ("dave", dave))
    }


def fill_case(page, *, presentation: str) -> None:
    page.select_option("#id_age_band", "40-64")
    page.fill("#id_title", "Infected mesh after an onlay repair")
    page.fill("#id_presentation", presentation)
    page.fill("#id_investigations", "CT: collection around the mesh, 6 cm.")
    page.fill("#id_plan", "Explant, then staged repair.")
    page.fill("#id_question", "Single-stage biosynthetic, or staged?")
    page.check("#id_attest_deidentified")
    page.check("input[name=consent_basis][value=consented]")


def test_two_photos_through_redaction_and_moderation(cookies, chromium, live_daphne):
    author = signed_in_context(chromium, live_daphne, cookies["alice"])
    other = signed_in_context(chromium, live_daphne, cookies["bob"])
    moderator = signed_in_context(chromium, live_daphne, cookies["dave"])
    try:
        page = author.new_page()
        page.goto("/cases/new/")
        page.set_input_files(
            "input[name=images]",
            files=[
                {"name": "IMG_1.jpg", "mimeType": "image/jpeg", "buffer": photo((200, 150, 120))},
                {"name": "IMG_2.jpg", "mimeType": "image/jpeg", "buffer": photo((90, 120, 200))},
            ],
        )
        receipts = page.locator(".draft .receipt")
        receipts.nth(1).wait_for()
        assert all("GPS location" in text for text in receipts.all_inner_texts())
        # Black out part of the first photo.
        page.get_by_role("button", name="Black out, crop or rotate").first.click()
        # A locator wait, not wait_for_function: that one compiles its predicate with eval,
        # which the page's CSP (rightly) refuses.
        page.locator(".editor canvas[width='400']").wait_for()
        box = page.locator(".editor canvas").bounding_box()
        page.mouse.move(box["x"] + 5, box["y"] + 5)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] / 3, box["y"] + box["height"] / 3, steps=4)
        page.mouse.up()
        shot(page, "photos-1-redacting")
        page.get_by_role("button", name="Apply").click()
        page.locator(".editor").wait_for(state="detached")
        fill_case(page, presentation="Onlay repair two years ago, now a discharging sinus.")
        page.locator(".case-form button[type=submit]").click()
        page.wait_for_url("**/cases/*/")
        case_url = page.url
        images = page.locator(".post-image")
        assert images.count() == 2
        assert all("Awaiting moderator review" in t for t in images.all_inner_texts())
        shot(page, "photos-2-awaiting-review")

        bobs = other.new_page()
        bobs.goto(case_url)
        assert bobs.locator(".post-image").count() == 0  # not before a moderator approves

        daves = moderator.new_page()
        daves.goto(case_url)
        daves.locator(".post-image").first.get_by_role("button", name="Approve").click()
        daves.wait_for_url("**/cases/*/**")
        second = daves.locator(".post-image.pending")
        second.locator("select[name=reason]").select_option("mark")
        second.locator("input[name=note]").fill(
            "A tattoo shows at the edge: crop it and upload again."
        )
        second.get_by_role("button", name="Reject").click()
        daves.wait_for_url("**/cases/*/**")
        shot(daves, "photos-3-moderator")

        bobs.locator(".post-image img").wait_for()  # the approved one appears, live
        assert bobs.locator(".post-image").count() == 1
        shot(bobs, "photos-4-member-sees-approved")
        # The author sees both outcomes: on the case, the approved image without its
        # "awaiting" badge and the rejected one's reason; in notifications, the same reason.
        page.goto(case_url)
        assert page.locator(".post-image").count() == 1
        assert "Awaiting moderator review" not in page.locator(".post-image").inner_text()
        rejected = page.locator(".rejected-images")
        assert "A tattoo, birthmark or other unique feature" in rejected.inner_text()
        assert "A tattoo shows at the edge" in rejected.inner_text()
        shot(page, "photos-5-author-sees-both-outcomes")
        page.goto("/notifications/")
        assert "A tattoo shows at the edge" in page.content()
        shot(page, "photos-6-author-told-why")
        bobs.reload()  # another member never learns that a rejected image existed
        assert bobs.locator(".rejected-images").count() == 0
    finally:
        for context in (author, other, moderator):
            context.close()


# The submit button's label and state at the moment the page is left for the response,
# kept in sessionStorage (same tab, same origin) for the next page to read back.
RECORD_AT_UNLOAD = """
addEventListener("beforeunload", () => {
  const button = document.querySelector(".case-form button[type=submit]");
  sessionStorage.setItem("atUnload", JSON.stringify([button.textContent, button.disabled]));
})
"""
AT_UNLOAD = "JSON.parse(sessionStorage.getItem('atUnload'))"


def record_button_as_the_page_leaves(page) -> None:
    page.evaluate("sessionStorage.removeItem('atUnload')")
    page.evaluate(RECORD_AT_UNLOAD)


def test_a_patient_name_and_date_are_blocked_then_the_edit_goes_through(
    cookies, chromium, live_daphne
):
    # Typed once on a desktop and once on a phone: the highlights must work on both.
    for size, viewport in SIZES.items():
        context = signed_in_context(chromium, live_daphne, cookies["alice"], viewport=viewport)
        try:
            page = context.new_page()
            page.goto("/cases/new/")
            blocked = "Mrs Okafor came back on 14 March with a discharging sinus."
            fill_case(page, presentation=blocked)
            record_button_as_the_page_leaves(page)
            page.locator(".case-form button[type=submit]").click()
            page.get_by_text("Possible patient identifiers: nothing was posted").wait_for()
            # While it was on its way, the button said so and took no second press.
            assert page.evaluate(AT_UNLOAD) == ["Publishing…", True]
            assert page.input_value("#id_presentation") == blocked  # nothing lost
            marks = page.locator(".findings p.highlighted mark").all_inner_texts()
            assert marks == ["Mrs Okafor", "14 March"]
            if size == "desktop":
                shot(page, "phi-1-blocked")
            page.fill("#id_presentation", "Came back in the spring with a discharging sinus.")
            page.check("#id_attest_deidentified")
            record_button_as_the_page_leaves(page)
            page.locator(".case-form button[type=submit]").click()
            page.wait_for_url("**/cases/*/")
            page.get_by_text("Your case is published.").wait_for()
            assert page.evaluate(AT_UNLOAD) == ["Publishing…", True]  # the new form was ready
            if size == "desktop":
                shot(page, "phi-2-published")
        finally:
            context.close()


@pytest.fixture
def threaded(make_case, make_reply, alice, bob):
    case = make_case(alice, title="Port-site hernia after a lap chole")
    reply = make_reply(case, bob, "Just use any mesh the rep has, it's all the same.")
    return case.pk, reply.pk


def test_a_flag_goes_to_a_moderator_who_hides_the_post_live(
    threaded, cookies, chromium, live_daphne
):
    case_id, reply_id = threaded
    member = signed_in_context(chromium, live_daphne, cookies["alice"])
    moderator = signed_in_context(chromium, live_daphne, cookies["dave"])
    try:
        page = member.new_page()
        page.goto(f"/cases/{case_id}/")
        reply = page.locator(f"#reply-{reply_id}")
        reply.locator("summary", has_text="Flag").click()
        reply.locator("select[name=reason]").select_option("unsafe")
        reply.locator("input[name=citation]").fill("EHS guideline 2023, mesh choice")
        reply.get_by_role("button", name="Send to a moderator").click()
        page.get_by_text("A moderator will look at it.").wait_for()
        shot(page, "flag-1-flagged")

        queue = moderator.new_page()
        queue.goto("/moderation/")
        shot(queue, "flag-2-queue")
        queue.locator("table.queue a", has_text="Flagged post").click()
        queue.wait_for_url("**/moderation/items/*/")
        queue.get_by_text("EHS guideline 2023, mesh choice").wait_for()
        queue.get_by_label("Hide the post").check()
        queue.get_by_label("Message to the author: why, and how to fix it").fill(
            "Mesh choice matters; please cite evidence."
        )
        queue.get_by_role("button", name="Decide").click()
        queue.get_by_text("Decided: hide.").wait_for()
        shot(queue, "flag-3-moderator-decided")

        page.locator(f"#reply-{reply_id}", has_text="A moderator hid this reply").wait_for()
        assert "any mesh the rep has" not in page.locator(f"#reply-{reply_id}").inner_text()
        shot(page, "flag-4-tombstone-live")
    finally:
        member.close()
        moderator.close()


def test_a_blocked_reply_stays_beside_the_reply_box_and_is_mended_in_one_click(
    threaded, cookies, chromium, live_daphne
):
    case_id, _reply_id = threaded
    context = signed_in_context(chromium, live_daphne, cookies["bob"])
    try:
        page = context.new_page()
        page.goto(f"/cases/{case_id}/")
        body = page.locator("#id_body")
        typed = "Mr Dawson had the same on 14 March; a Lichtenstein held."
        body.fill(typed)
        # Hints while typing: the same screen, before Publish is pressed.
        hints = page.locator("[data-screen-hints] li")
        hints.first.wait_for()
        assert hints.locator("mark").all_inner_texts() == ["Mr Dawson", "14 March"]
        page.locator("#reply-form button[type=submit]").click()
        findings = page.locator("#reply-form .findings")
        findings.get_by_text("Possible patient identifiers: nothing was posted").wait_for()
        # Where the author is: the thread's own address, focus on the findings, text kept.
        assert page.url.endswith(f"/cases/{case_id}/")
        assert page.evaluate("document.activeElement.classList.contains('findings')")
        assert body.input_value() == typed
        findings.get_by_role("button", name="Replace with “[name]”").click()
        findings.get_by_role("button", name="Replace with “[date]”").click()
        assert body.input_value() == "[name] had the same on [date]; a Lichtenstein held."
        shot(page, "phi-3-reply-mended")
        page.locator("#reply-form button[type=submit]").click()
        page.locator(".reply-list").get_by_text("[name] had the same on [date]").wait_for()
        # A reload (or Back) opens a page, never the POST-only address's error.
        page.goto(f"/cases/{case_id}/replies/")
        assert page.url.endswith(f"/cases/{case_id}/#reply-form")
    finally:
        context.close()
