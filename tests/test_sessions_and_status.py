"""Suspension, reinstatement and deactivation: each ends or restores access at once, is
refused from the wrong state, and is audited."""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from members import actions
from members.models import ModeratorScope, User
from tests.conftest import PASSWORD, signed_in


def post_status(client, member, action: str, reason: str = "Left the trust"):
    return client.post(f"/staff/members/{member.pk}/status/", {"action": action, "reason": reason})


def test_suspending_signs_the_member_out_on_every_device(client_for, erin, alice, committing):
    phone, laptop = signed_in(alice), signed_in(alice)
    assert UserSession.objects.filter(user=alice).count() == 2
    with committing():
        response = post_status(client_for(erin), alice, "suspend", "Shared a patient photo")
    assert response.status_code == 302
    for device in (phone, laptop):
        assert device.get("/")["Location"].startswith("/accounts/login/")
    assert not UserSession.objects.filter(user=alice).exists()
    alice.refresh_from_db()
    assert (alice.status, alice.is_active) == (User.Status.SUSPENDED, False)
    entry = AuditEntry.objects.get(action="member.suspended")
    assert (entry.actor_id, entry.target_id, entry.reason) == (
        erin.pk,
        alice.pk,
        "Shared a patient photo",
    )


def test_a_suspended_member_cannot_sign_in_again(client, erin, alice):
    actions.suspend_member(alice, by=erin, reason="Review")
    response = client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/inactive/"
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_reinstating_restores_access(erin, alice):
    actions.suspend_member(alice, by=erin, reason="Review")
    actions.reinstate_member(alice, by=erin, reason="Cleared")
    assert signed_in(alice).get("/").status_code == 200
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == [
        "member.suspended",
        "member.verified",
    ]


def test_deactivating_a_member_who_left_ends_sessions_and_roles(client_for, erin, dave, committing):
    device = signed_in(dave)
    with committing():
        post_status(client_for(erin), dave, "deactivate")
    assert device.get("/")["Location"].startswith("/accounts/login/")
    dave.refresh_from_db()
    assert dave.status == User.Status.DEACTIVATED and not dave.is_active
    assert not ModeratorScope.objects.filter(user=dave).exists()


@pytest.mark.parametrize(
    ("verb", "from_status"),
    [
        (actions.reinstate_member, User.Status.VERIFIED),
        (actions.suspend_member, User.Status.APPLICANT),
        (actions.suspend_member, User.Status.DEACTIVATED),
        (actions.deactivate_member, User.Status.DEACTIVATED),
    ],
)
def test_transitions_from_the_wrong_state_are_refused(erin, make_member, verb, from_status):
    member = make_member("Wrong State", status=from_status)
    with pytest.raises(actions.InvalidTransition):
        verb(member, by=erin, reason="test")
    member.refresh_from_db()
    assert member.status == from_status
    assert not AuditEntry.objects.exists()


def test_the_staff_page_explains_a_refused_transition(client_for, erin, alice):
    response = post_status(client_for(erin), alice, "reinstate", "Not suspended")
    assert response.status_code == 400
    assert "Cannot go from verified to verified" in response.content.decode()


def test_a_reason_is_required(client_for, erin, alice):
    response = post_status(client_for(erin), alice, "suspend", "")
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.status == User.Status.VERIFIED


def test_admins_cannot_change_their_own_status(erin):
    with pytest.raises(actions.InvalidTransition):
        actions.suspend_member(erin, by=erin, reason="oops")


def test_only_admins_change_membership_status(dave, alice):
    with pytest.raises(PermissionDenied):
        actions.suspend_member(alice, by=dave, reason="I am only a moderator")


def test_an_idle_session_ends_sooner_for_staff_than_for_members(client_for, alice, dave):
    from members.middleware import LAST_SEEN

    member, moderator = client_for(alice), client_for(dave)
    for client in (member, moderator):
        assert client.get("/").status_code == 200
        session = client.session
        session[LAST_SEEN] -= 31 * 60  # away for 31 minutes
        session.save()
    assert moderator.get("/")["Location"].startswith("/accounts/login/")
    assert moderator.get("/")["Location"].startswith("/accounts/login/")  # signed out for good
    assert member.get("/").status_code == 200  # members have 12 hours
    session = member.session
    session[LAST_SEEN] -= 13 * 60 * 60
    session.save()
    assert member.get("/")["Location"].startswith("/accounts/login/")


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(client_for, alice):
    """Django moves a session's expiry forward at each save; the limit from sign-in holds."""
    from members.middleware import LAST_SEEN, SIGNED_IN_AT

    member = client_for(alice)
    assert member.get("/").status_code == 200
    session = member.session
    session[SIGNED_IN_AT] -= 12 * 60 * 60 + 60  # signed in 12 hours ago, used all along
    session[LAST_SEEN] -= 60
    session.save()
    response = member.get("/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "a session ends 12 hours after signing in" in response.content.decode()


def test_the_pages_own_background_fetches_do_not_keep_a_session_alive(
    client_for, alices_case, dave
):
    from members.middleware import LAST_SEEN

    moderator = client_for(dave)
    assert moderator.get("/").status_code == 200
    session = moderator.session
    session[LAST_SEEN] -= 29 * 60
    session.save()
    before = moderator.session[LAST_SEEN]
    events = f"/cases/{alices_case.pk}/events/?after=0"
    for _ in range(3):  # a case page left open, polling
        assert moderator.get(events, headers={"X-Scrubroom-Background": "1"}).status_code == 200
    assert moderator.session[LAST_SEEN] == before
    session = moderator.session
    session[LAST_SEEN] -= 2 * 60  # 31 minutes with nobody there
    session.save()
    assert moderator.get(events, headers={"X-Scrubroom-Background": "1"}).status_code == 302
    # A person's own request does count.
    other = client_for(dave)
    session = other.session
    session[LAST_SEEN] -= 29 * 60
    session.save()
    assert other.get("/").status_code == 200
    assert other.session[LAST_SEEN] > session[LAST_SEEN]


def test_the_session_key_changes_on_reauthentication(alice):
    from django.conf import settings

    from tests.conftest import PASSWORD, signed_in

    client = signed_in(alice)
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get("/").status_code == 200  # still signed in, on the new key


def test_a_reply_sent_after_the_idle_limit_comes_back_with_its_words(client_for, alices_case, dave):
    from forum.models import Reply
    from members.middleware import LAST_SEEN

    client = client_for(dave)
    client.get("/")
    session = client.session
    session[LAST_SEEN] -= 31 * 60
    session.save()
    words = "A long considered reply, typed over thirty-one minutes <b>between cases</b>."
    response = client.post(f"/cases/{alices_case.pk}/replies/", {"body": words})
    assert response.status_code == 401
    page = response.content.decode()
    assert "A long considered reply, typed over thirty-one minutes &lt;b&gt;" in page
    assert "csrfmiddlewaretoken" not in page
    assert not Reply.objects.exists()
    assert client.get("/")["Location"].startswith("/accounts/login/")  # signed out
