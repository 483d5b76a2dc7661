"""Journey 1 in Chromium: an applicant signs up, confirms the address from the email, applies
with a credential document and waits; an admin signs in with password and TOTP and approves;
the new member sees the forum. Screenshots at desktop and phone widths.

The server is pytest-django's live server, in this process, so the mail the server sends
lands in Django's test outbox, where the applicant "reads" it.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.browser import shot
from tests.conftest import PASSWORD, TOTP_SECRET, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

APPLICANT_EMAIL = "nina.petrova@charite.example"
APPLICANT_PASSWORD = "Scalpel-and-suture-42"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def link_in(message, pattern: str) -> str:
    (url,) = re.findall(pattern, message.body)
    return url


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()


def test_an_applicant_is_verified_by_an_admin_with_totp_and_sees_the_forum(
    erin, alices_case, chromium, live_server
):
    mail.outbox.clear()
    applicant_context = chromium.new_context(base_url=live_server.url)
    admin_context = chromium.new_context(base_url=live_server.url)
    try:
        page = applicant_context.new_page()
        page.goto("/")
        page.wait_for_url("**/accounts/login/**")  # nothing is public
        page.get_by_role("link", name="Apply").first.click()
        page.fill("input[name=email]", APPLICANT_EMAIL)
        page.fill("input[name=password1]", APPLICANT_PASSWORD)
        page.fill("input[name=password2]", APPLICANT_PASSWORD)
        shot(page, "signup-1-form")
        page.locator("form button[type=submit]").click()
        page.wait_for_url("**/accounts/confirm-email/")
        shot(page, "signup-2-check-your-email")

        (confirmation,) = mail.outbox
        assert confirmation.to == [APPLICANT_EMAIL]
        page.goto(link_in(confirmation, r"https?://\S+/accounts/confirm-email/[^/\s]+/"))
        page.get_by_role("button", name="Confirm").click()
        sign_in(page, APPLICANT_EMAIL, APPLICANT_PASSWORD)
        page.wait_for_url("**/membership/")
        shot(page, "signup-3-confirmed-apply")
        page.get_by_role("link", name="Complete your application").click()
        page.get_by_label("Full name").fill("Nina Petrova")
        page.get_by_label("Professional role").select_option("trainee")
        page.get_by_label("Specialty").select_option(label="Hernia and abdominal wall")
        page.get_by_label("Institution").fill("Charité")
        page.get_by_label("Country").fill("Germany")
        page.get_by_label("Registration body").fill("Ärztekammer Berlin")
        page.get_by_label("Licence").fill("AEK-553201")
        page.set_input_files(
            "input[name=documents]",
            files=[{"name": "approbation.pdf", "mimeType": "application/pdf", "buffer": PDF}],
        )
        shot(page, "signup-4-application")
        page.get_by_role("button", name="Submit application").click()
        page.locator("[data-status=pending]").wait_for()
        shot(page, "signup-5-waiting")
        page.goto("/cases/new/")
        assert page.url.endswith("/membership/")  # no content while waiting

        admin = admin_context.new_page()
        sign_in(admin, erin.email, PASSWORD)
        admin.wait_for_url("**/accounts/2fa/authenticate/")
        shot(admin, "signup-6-admin-totp")
        admin.fill("input[name=code]", totp_code(TOTP_SECRET))
        admin.locator("form button[type=submit]").click()
        admin.wait_for_url(f"{live_server.url}/")
        admin.get_by_role("link", name="Applications").click()
        admin.get_by_role("link", name="Nina Petrova").click()
        admin.locator("a[href*=documents]", has_text=".pdf").wait_for()  # renamed: no PHI
        shot(admin, "signup-7-admin-reviews")
        admin.get_by_label("Approve").check()
        admin.get_by_label("Reason or request").fill("Registration checked with the Ärztekammer.")
        admin.get_by_role("button", name="Record decision").click()
        admin.get_by_text("Approved. The member has been told by email.").wait_for()
        assert admin.get_by_text("No application is waiting.").is_visible()

        approved = mail.outbox[-1]
        assert approved.to == [APPLICANT_EMAIL]
        page.goto("/")
        page.get_by_role("link", name="Hernia and abdominal wall").wait_for()
        page.get_by_role("link", name="Hernia and abdominal wall").click()
        page.get_by_role("link", name=alices_case.title).click()
        page.get_by_role("heading", name=alices_case.title).wait_for()
        shot(page, "signup-8-member-sees-a-case")
    finally:
        applicant_context.close()
        admin_context.close()
