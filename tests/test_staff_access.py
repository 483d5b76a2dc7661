"""Each role's access to each staff page: members 403, staff without a second factor are
sent to enrol, admins with one get in. Unknown ids are 404, wrong methods 405."""

from __future__ import annotations

import pytest

STAFF_GET_PAGES = [
    "/staff/applications/",
    "/staff/members/",
    "/staff/audit/",
    "/admin/",
    "/admin/audit/auditentry/",
]


@pytest.fixture
def pages(carol, alice):
    return [
        *STAFF_GET_PAGES,
        f"/staff/applications/{carol.application.pk}/",
        f"/staff/members/{alice.pk}/",
    ]


def test_admins_with_a_second_factor_reach_every_staff_page(client_for, erin, pages):
    client = client_for(erin)
    assert {url: client.get(url).status_code for url in pages} == {url: 200 for url in pages}


def test_admins_without_a_second_factor_are_sent_to_enrol(client_for, frank, pages):
    client = client_for(frank)
    for url in pages:
        response = client.get(url)
        assert (url, response.status_code, response["Location"]) == (url, 302, "/accounts/2fa/")
    page = client.get("/accounts/2fa/").content.decode()
    assert "Staff pages need two-factor authentication" in page


def test_verified_members_are_refused_admin_pages(client_for, alice, bob, carol):
    client = client_for(bob)
    for url in STAFF_GET_PAGES[:3]:
        assert client.get(url).status_code == 403, url
    # Django admin refuses non-staff at its login, which allauth guards.
    assert client.get("/admin/", follow=True).status_code == 403
    # The same 403 whether or not the object exists, so ids cannot be probed.
    assert client.get(f"/staff/applications/{carol.application.pk}/").status_code == 403
    assert client.get("/staff/applications/999999/").status_code == 403
    assert client.get(f"/staff/members/{alice.pk}/").status_code == 403


def test_moderators_are_not_admins(client_for, dave, carol):
    client = client_for(dave)
    for url in [*STAFF_GET_PAGES[:3], f"/staff/applications/{carol.application.pk}/"]:
        assert client.get(url).status_code == 403, url


def test_a_moderator_without_a_second_factor_is_refused_before_being_asked_to_enrol(
    client_for, grace
):
    # Admin pages are not theirs at all, enrolled or not.
    assert client_for(grace).get("/staff/audit/").status_code == 403


def test_staff_post_endpoints_reject_get_and_unknown_ids(client_for, erin, alice):
    client = client_for(erin)
    assert client.get(f"/staff/members/{alice.pk}/status/").status_code == 405
    assert client.get(f"/staff/members/{alice.pk}/roles/").status_code == 405
    assert client.post("/staff/audit/").status_code == 405
    assert client.get("/staff/members/999999/").status_code == 404
    assert (
        client.post(
            "/staff/members/999999/status/", {"action": "suspend", "reason": "x"}
        ).status_code
        == 404
    )


def test_the_staff_mfa_rule_applies_to_the_admin_login_path_too(client_for, frank):
    response = client_for(frank).get("/admin/members/user/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/")


def test_django_admin_is_read_only_for_accounts_and_the_audit_log(client_for, erin, alice):
    client = client_for(erin)
    assert client.get(f"/admin/members/user/{alice.pk}/change/").status_code == 200
    response = client.post(f"/admin/members/user/{alice.pk}/change/", {"is_admin": "on"})
    assert response.status_code == 403
    alice.refresh_from_db()
    assert not alice.is_admin
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    page = client.get("/admin/members/user/").content.decode()
    assert alice.email not in page
