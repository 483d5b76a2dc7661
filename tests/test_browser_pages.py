"""The main pages in real Chromium at desktop and phone sizes: each renders without script
errors, fits the screen, and has no serious or critical accessibility violation (axe-core).
Screenshots are saved as artifacts (var/artifacts/screenshots/, or $SCRUBROOM_ARTIFACTS)."""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, SIZES, signed_in_context

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def scene(make_case, make_reply, alice, bob, dave, erin, session_cookie, carol):
    """A lived-in forum: a case with replies, a flag in the queue, cookies for each role."""
    from moderation.actions import flag
    from review.models import Flag

    case = make_case(alice, coi_disclosure="Paid faculty for a mesh company.")
    make_reply(case, dave, "Botox **4 weeks** before, then TAR.\n\n- 300 units\n- 3 points a side")
    reply = make_reply(case, bob, "From the vascular side: mind the epigastrics.")
    item = flag(reply, by=alice, reason=Flag.Reason.OTHER, note="Off topic?").item
    return {
        "case": case.pk,
        "item": item.pk,
        "application": carol.application.pk,
        "member_id": bob.pk,
        "cookies": {
            "member": session_cookie(alice),
            "moderator": session_cookie(dave),
            "applicant": session_cookie(carol),
            "admin": session_cookie(erin),
        },
    }


def pages(scene) -> list[tuple[str, str | None, str]]:
    """(name, role, path)"""
    return [
        ("sign-in", None, "/accounts/login/"),
        ("sign-up", None, "/accounts/signup/"),
        ("password-reset", None, "/accounts/password/reset/"),
        ("status", "applicant", "/membership/"),
        ("home", "member", "/"),
        ("specialty", "member", "/s/hernia-and-abdominal-wall/"),
        ("case", "member", f"/cases/{scene['case']}/"),
        ("new-case", "member", "/cases/new/"),
        ("search", "member", "/search/?q=hernia"),
        ("empty-specialty", "member", "/s/vascular/"),
        ("search-no-match", "member", "/search/?q=zzzz"),
        ("notifications", "member", "/notifications/"),
        ("my-data", "member", "/membership/my-data/"),
        ("where-data-lives", "member", "/data/where-it-lives/"),
        ("moderators", "member", "/moderators/"),
        ("moderation-policy", "member", "/policies/moderation/"),
        ("profile", "member", f"/members/{scene['member_id']}/"),
        ("security", "member", "/accounts/2fa/"),
        ("not-found", "member", "/cases/999999/"),
        ("forbidden", "member", "/moderation/"),
        ("queue", "moderator", "/moderation/"),
        ("queue-item", "moderator", f"/moderation/items/{scene['item']}/"),
        ("applications", "admin", "/staff/applications/"),
        ("application", "admin", f"/staff/applications/{scene['application']}/"),
        ("members", "admin", "/staff/members/"),
        ("member", "admin", f"/staff/members/{scene['member_id']}/"),
        ("audit-log", "admin", "/staff/audit/"),
    ]


# (viewport, colour scheme, run axe): axe's rules do not depend on the width, but contrast
# does depend on the scheme, so the dark one is checked too.
VARIANTS = {
    "desktop": (SIZES["desktop"], "light", True),
    "phone": (SIZES["phone"], "light", False),
    "desktop-dark": (SIZES["desktop"], "dark", True),
}


def test_main_pages_render_fit_and_pass_axe(scene, chromium, live_daphne):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems: list[str] = []
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for size, (viewport, scheme, check_axe) in VARIANTS.items():
        contexts = {}
        for name, role, path in pages(scene):
            if role not in contexts:
                options = {"viewport": viewport, "color_scheme": scheme}
                if role is None:
                    contexts[role] = chromium.new_context(base_url=live_daphne.url, **options)
                else:
                    contexts[role] = signed_in_context(
                        chromium, live_daphne, scene["cookies"][role], **options
                    )
            page = contexts[role].new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            page.goto(path, wait_until="load")
            page.screenshot(path=folder / f"{name}-{size}.png", full_page=True)
            if errors:
                problems.append(f"{name} ({size}): script errors {errors}")
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 1:
                problems.append(f"{name} ({size}): {overflow}px wider than the screen")
            if check_axe:
                results = axe.run(page)
                for violation in results.response["violations"]:
                    if violation["impact"] in {"serious", "critical"}:
                        targets = [node["target"] for node in violation["nodes"]][:3]
                        problems.append(f"{name} ({size}): {violation['id']} {targets}")
            page.close()
        for context in contexts.values():
            context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def members_cookie(session_cookie, alice) -> dict:
    return session_cookie(alice)


def test_the_account_menu_opens_on_screen_with_the_keyboard_and_signs_out(
    members_cookie, chromium, live_daphne
):
    for size, viewport in SIZES.items():
        context = signed_in_context(chromium, live_daphne, members_cookie, viewport=viewport)
        try:
            page = context.new_page()
            page.goto("/")
            sign_out = page.get_by_role("button", name="Sign out")
            assert not sign_out.is_visible()
            page.locator(".account-menu summary").focus()
            page.keyboard.press("Enter")
            sign_out.wait_for()
            for link in ("My profile", "Security", "My data"):
                box = page.get_by_role("link", name=link).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (
                    f"{link} off screen at {size}: {box}"
                )
            if size == "phone":
                sign_out.click()
                page.wait_for_url("**/accounts/login/**")
        finally:
            context.close()


FOCUS_STYLE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    body: element === document.body,
    text: (element.innerText || element.getAttribute("aria-label") || element.name || "").trim(),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def test_the_keyboard_reaches_everything_with_a_visible_focus(scene, chromium, live_daphne):
    """From the top of a case page, Tab first offers "Skip to content", then walks the
    page; every stop shows a focus ring at least 2px wide (WCAG 2.4.7)."""
    context = signed_in_context(chromium, live_daphne, scene["cookies"]["member"])
    try:
        page = context.new_page()
        page.goto(f"/cases/{scene['case']}/")
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUS_STYLE)
        assert first["text"] == "Skip to content" and first["outline"]
        assert page.get_by_role("link", name="Skip to content").is_visible()
        stops = []
        for _ in range(40):
            page.keyboard.press("Tab")
            stops.append(page.evaluate(FOCUS_STYLE))
        # Past the last stop, focus leaves the page (body) before it wraps around.
        unringed = [stop["text"] for stop in stops if not stop["outline"] and not stop["body"]]
        assert not unringed, f"no visible focus on: {unringed}"
        reached = {stop["text"] for stop in stops}
        assert {"Account", "Unfollow", "Quote", "Post reply"} <= reached
    finally:
        context.close()
