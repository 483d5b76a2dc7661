"""Live threads in real Chromium against a real Daphne: two colleagues on one case see
presence, typing and each other's replies without reloading; the author sees their own reply
once; a page that lost its connection catches up in order; a moderator's hide shows live;
a suspended member's page stops following."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser import shot, signed_in_context

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def cookies(session_cookie, alice, bob) -> dict:
    return {"alice": session_cookie(alice), "bob": session_cookie(bob)}


@pytest.fixture
def case_url(alices_case) -> str:
    return f"/cases/{alices_case.pk}/"


def open_page(chromium, live_daphne, cookie, url):
    context = signed_in_context(chromium, live_daphne, cookie)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    return context, page, errors


def post_reply(page, text: str) -> None:
    page.fill("#reply-form textarea[name=body]", text)
    page.locator("#reply-form button[type=submit]").click()


def test_two_colleagues_see_each_other_live(cookies, case_url, chromium, live_daphne):
    a_context, alice, a_errors = open_page(chromium, live_daphne, cookies["alice"], case_url)
    b_context, bob, b_errors = open_page(chromium, live_daphne, cookies["bob"], case_url)
    try:
        alice.get_by_text("1 colleague viewing").wait_for()
        bob.get_by_text("1 colleague viewing").wait_for()
        bob.locator("#reply-form textarea[name=body]").press_sequentially("Botox", delay=20)
        alice.get_by_text("Bob Tanaka is typing…").wait_for()
        shot(alice, "live-1-colleague-typing")
        post_reply(bob, "Botox 4 weeks before, then TAR.")
        alice.locator(".reply", has_text="Botox 4 weeks before, then TAR.").wait_for()
        bob.locator(".reply", has_text="Botox 4 weeks before, then TAR.").wait_for()
        shot(alice, "live-2-reply-arrived")
        # Once on the author's page, and neither page reloaded.
        assert bob.locator(".reply", has_text="Botox 4 weeks before").count() == 1
        assert alice.locator(".reply", has_text="Botox 4 weeks before").count() == 1
        assert bob.evaluate("window.__sameDocument") and alice.evaluate("window.__sameDocument")
        # Cleared once its own post returns (the live event may have shown the reply first).
        expect(bob.locator("#reply-form textarea[name=body]")).to_have_value("")
        # Typing stops showing once the reply is in.
        alice.get_by_text("is typing").wait_for(state="detached")
        assert a_errors == [] and b_errors == []
    finally:
        a_context.close()
        b_context.close()


class Network:
    """Bob's websockets go through the test (Playwright's route_web_socket), so the test can
    drop them, refuse new ones, and let them through again."""

    def __init__(self, page) -> None:
        self.down = False
        self.blocked = False
        self.sockets: list = []
        page.route_web_socket("**/ws/cases/**", self.route)

    def route(self, socket) -> None:
        if self.down or self.blocked:
            socket.close(code=1011, reason="unreachable")
            return
        socket.connect_to_server()
        self.sockets.append(socket)

    def drop(self) -> None:
        self.down = True
        for socket in self.sockets:
            socket.close(code=1011, reason="network drop")
        self.sockets.clear()


def open_routed_page(chromium, live_daphne, cookie, url, *, blocked: bool = False):
    context = signed_in_context(chromium, live_daphne, cookie)
    page = context.new_page()
    network = Network(page)
    network.blocked = blocked
    page.goto(url)
    page.evaluate("window.__sameDocument = true")
    return context, page, network


def test_a_page_that_lost_its_connection_catches_up_in_order(
    cookies, case_url, chromium, live_daphne
):
    a_context, alice, _ = open_page(chromium, live_daphne, cookies["alice"], case_url)
    b_context, bob, network = open_routed_page(chromium, live_daphne, cookies["bob"], case_url)
    try:
        bob.get_by_text("1 colleague viewing").wait_for()
        network.drop()
        b_context.set_offline(True)  # and no HTTP either: no polling while away
        bob.get_by_text("Reconnecting…").wait_for()
        shot(bob, "offline-1-reconnecting")
        for number in (1, 2, 3):
            post_reply(alice, f"Missed reply number {number}.")
            alice.locator(".reply", has_text=f"Missed reply number {number}.").wait_for()
        assert bob.locator(".reply", has_text="Missed reply").count() == 0  # nothing came in
        network.down = False
        b_context.set_offline(False)  # the browser fires "online"; the page reconnects
        bob.locator(".reply", has_text="Missed reply number 3.").wait_for(timeout=30000)
        texts = bob.locator(".reply .prose").all_inner_texts()
        missed = [text for text in texts if text.startswith("Missed reply")]
        assert missed == [f"Missed reply number {n}." for n in (1, 2, 3)]
        shot(bob, "offline-2-caught-up")
        assert bob.evaluate("window.__sameDocument")
    finally:
        a_context.close()
        b_context.close()


def test_a_reply_says_sending_and_a_failed_send_keeps_the_text(
    cookies, case_url, chromium, live_daphne
):
    context, bob, errors = open_page(chromium, live_daphne, cookies["bob"], case_url)
    button = bob.locator("#reply-form button[type=submit]")
    in_flight: list = []

    def look_while_in_flight(route) -> None:
        # Runs while the reply is on its way: the button must say so and refuse a second press.
        in_flight.append((button.inner_text(), button.is_disabled()))
        route.continue_()

    try:
        # Offline, the send fails: the text stays, the page says what happened, no reload.
        context.set_offline(True)
        post_reply(bob, "Mesh explant first, then a staged repair.")
        alert = bob.get_by_role("alert")
        alert.wait_for()
        assert "Not sent: the connection dropped" in alert.inner_text()
        assert bob.input_value("#reply-form textarea[name=body]") == (
            "Mesh explant first, then a staged repair."
        )
        expect(button).to_be_enabled()
        expect(button).to_have_text("Post reply")
        shot(bob, "sending-1-offline-text-kept")

        context.set_offline(False)
        bob.route(f"**{case_url}replies/", look_while_in_flight)
        button.click()
        bob.locator(".reply", has_text="Mesh explant first").wait_for()
        # The reply may arrive by the live event before the post's own answer: wait for that.
        expect(button).to_be_enabled()
        expect(button).to_have_text("Post reply")
        expect(bob.locator("#reply-form textarea[name=body]")).to_have_value("")
        assert in_flight == [("Sending…", True)]
        assert bob.get_by_role("alert").count() == 0  # the old warning went with the retry
        assert bob.evaluate("window.__sameDocument") and not errors
        bob.reload()  # the server's own view: the failed send left nothing, the retry one reply
        assert bob.locator(".reply", has_text="Mesh explant first").count() == 1
    finally:
        context.close()


def test_without_websockets_the_page_polls(cookies, case_url, chromium, live_daphne):
    a_context, alice, _ = open_page(chromium, live_daphne, cookies["alice"], case_url)
    b_context, bob, _ = open_routed_page(
        chromium, live_daphne, cookies["bob"], case_url, blocked=True
    )
    try:
        bob.get_by_text("checking every few seconds").wait_for(timeout=30000)
        post_reply(alice, "Seen by polling.")
        bob.locator(".reply", has_text="Seen by polling.").wait_for(timeout=30000)
        assert bob.evaluate("window.__sameDocument")
    finally:
        a_context.close()
        b_context.close()


@pytest.fixture
def flagged(alices_case, make_reply, bob, alice):
    from moderation.actions import flag
    from review.models import Flag

    reply = make_reply(alices_case, bob, "Questionable advice about mesh.")
    item = flag(reply, by=alice, reason=Flag.Reason.UNSAFE).item
    return reply, item.pk


@pytest.fixture
def daves_cookie(session_cookie, dave) -> dict:
    return session_cookie(dave)


def test_a_hidden_reply_turns_into_a_tombstone_live(
    flagged, cookies, daves_cookie, case_url, chromium, live_daphne
):
    from tests.servers import Browser

    flagged, item_id = flagged
    moderator = Browser()
    moderator.cookies[settings.SESSION_COOKIE_NAME] = daves_cookie["value"]
    a_context, alice, _ = open_page(chromium, live_daphne, cookies["alice"], case_url)
    try:
        alice.locator(f"#reply-{flagged.pk}", has_text="Questionable advice").wait_for()
        # The moderator decides through the queue, in the same server, while Alice reads.
        status, _, _ = moderator.get(live_daphne.port, f"/moderation/items/{item_id}/")
        assert status == 200
        status, _, _ = moderator.post(
            live_daphne.port,
            f"/moderation/items/{item_id}/decide/",
            {"version": "1", "action": "hide", "message": "Contrary to the guideline."},
        )
        assert status == 302
        alice.locator(
            f"#reply-{flagged.pk}",
            has_text="A moderator hid this reply: Contrary to the guideline.",
        ).wait_for()
        assert "Questionable advice" not in alice.locator(f"#reply-{flagged.pk}").inner_text()
        assert alice.evaluate("window.__sameDocument")
    finally:
        a_context.close()


@pytest.fixture
def busy_thread(alices_case, make_reply, alice, bob, session_cookie, dave):
    """Two replies by Bob and a pending image on the case, made before the browser opens."""
    import io

    from PIL import Image

    from uploads import actions as upload_actions

    edited = make_reply(alices_case, bob, "First thought: sublay.")
    deleted = make_reply(alices_case, bob, "Second thought, to be deleted.")
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 60)).save(out, "JPEG")
    image = upload_actions.store(alice, out.getvalue())
    upload_actions.attach([image], case=alices_case)
    return {
        "edited": edited.pk,
        "deleted": deleted.pk,
        "image": image.pk,
        "bob": session_cookie(bob)["value"],
        "alice": session_cookie(alice)["value"],
        "dave": session_cookie(dave)["value"],
    }


def test_edits_deletions_helpful_marks_outcomes_images_and_badges_arrive_live(
    busy_thread, cookies, case_url, chromium, live_daphne
):
    from tests.servers import Browser

    def as_member(name: str) -> Browser:
        browser = Browser()
        browser.cookies[settings.SESSION_COOKIE_NAME] = busy_thread[name]
        browser.get(live_daphne.port, case_url)  # the CSRF cookie
        return browser

    bob, alice_http, dave = as_member("bob"), as_member("alice"), as_member("dave")
    viewer_context, viewer, errors = open_page(chromium, live_daphne, cookies["bob"], case_url)
    a_context, alice, _ = open_page(chromium, live_daphne, cookies["alice"], case_url)
    port = live_daphne.port
    try:
        edited, deleted, image = busy_thread["edited"], busy_thread["deleted"], busy_thread["image"]
        assert viewer.locator(f"#image-{image}").count() == 0  # not approved yet
        status, _, _ = bob.post(
            port, f"/replies/{edited}/edit/", {"body": "Sublay, on reflection."}
        )
        assert status == 302
        viewer.locator(f"#reply-{edited}", has_text="Sublay, on reflection.").wait_for()
        viewer.locator(f"#reply-{edited}", has_text="edited").wait_for()
        assert bob.post(port, f"/replies/{deleted}/delete/", {})[0] == 302
        viewer.locator(f"#reply-{deleted}", has_text="deleted by its author").wait_for()
        assert alice_http.post(port, f"/replies/{edited}/helpful/", {})[0] == 302
        viewer.locator(f"#reply-{edited}", has_text="Marked helpful by the author").wait_for()
        outcome = {"outcome": "TAR after botox: no recurrence at a year."}
        assert alice_http.post(port, f"{case_url}outcome/", outcome)[0] == 302
        viewer.get_by_text("no recurrence at a year").wait_for()
        assert dave.post(port, f"/uploads/{image}/approve/", {"version": "1"})[0] == 302
        viewer.locator(f"#image-{image} img").wait_for()
        # Alice follows her case: Bob's new reply lights her header badge, live.
        before = int(alice.locator("[data-unread-count]").inner_text() or 0)
        assert bob.post(port, f"{case_url}replies/", {"body": "One more idea."})[0] == 302
        alice.locator("[data-unread-count]", has_text=str(before + 1)).wait_for()
        assert viewer.evaluate("window.__sameDocument") and alice.evaluate("window.__sameDocument")
        assert errors == []
    finally:
        viewer_context.close()
        a_context.close()


def test_signing_out_in_another_tab_stops_the_thread_page_following(
    cookies, case_url, chromium, live_daphne
):
    """The sign-out closes the session's sockets at once (4001); the page comes back, is
    refused as signed out, and says so, instead of showing a live thread it may not see."""
    a_context, alice, a_errors = open_page(chromium, live_daphne, cookies["alice"], case_url)
    b_context, bob, b_errors = open_page(chromium, live_daphne, cookies["bob"], case_url)
    try:
        alice.get_by_text("1 colleague viewing").wait_for()
        bob.get_by_text("1 colleague viewing").wait_for()
        other_tab = a_context.new_page()
        other_tab.goto("/")
        other_tab.get_by_text("Account", exact=True).click()  # the header's menu
        other_tab.get_by_role("button", name="Sign out").click()
        other_tab.wait_for_url("**/accounts/login/**")
        alice.get_by_text("You are no longer connected to this case. Reload the page.").wait_for()
        bob.get_by_text("1 colleague viewing").wait_for(state="detached")  # she left
        shot(alice, "live-signed-out-elsewhere")
        assert alice.evaluate("window.__sameDocument")
        assert a_errors == [] and b_errors == []
    finally:
        a_context.close()
        b_context.close()
