"""Following a case, and the in-app notifications of its replies and outcome. No case
content leaves by email."""

from __future__ import annotations

import pytest

from forum import actions
from forum.models import Follow, Notification


def test_authors_follow_their_own_cases_and_repliers_follow_the_thread(
    alices_case, make_reply, alice, bob
):
    assert Follow.objects.filter(user=alice, case=alices_case).exists()
    make_reply(alices_case, bob)
    assert Follow.objects.filter(user=bob, case=alices_case).exists()


def test_followers_are_notified_of_replies_but_not_of_their_own(
    alices_case, make_reply, make_member, alice, bob, mailoutbox
):
    erik = make_member("Erik Berg")
    onlooker = make_member("Olga Onlooker")
    actions.follow(alices_case, user=erik)
    reply = make_reply(alices_case, bob)
    notified = set(Notification.objects.values_list("user__email", "kind", "reply"))
    assert notified == {(alice.email, "reply", reply.pk), (erik.email, "reply", reply.pk)}
    assert not Notification.objects.filter(user__in=[bob, onlooker]).exists()
    assert mailoutbox == []  # in-app only: nothing about the case goes by email


def test_an_outcome_notifies_followers_once(alices_case, make_reply, alice, bob):
    make_reply(alices_case, bob)
    Notification.objects.all().delete()
    actions.post_outcome(alices_case, by=alice, text="Healed well.")
    actions.post_outcome(alices_case, by=alice, text="Healed well, no recurrence at 1 year.")
    assert list(Notification.objects.values_list("user", "kind")) == [(bob.pk, "outcome")]


def test_unfollowing_stops_notifications(alices_case, make_reply, client_for, alice, bob):
    response = client_for(alice).post(f"/cases/{alices_case.pk}/follow/", {"follow": "0"})
    assert response.status_code == 302
    make_reply(alices_case, bob)
    assert not Notification.objects.filter(user=alice).exists()
    client_for(alice).post(f"/cases/{alices_case.pk}/follow/")
    make_reply(alices_case, bob, "Another thought")
    assert Notification.objects.filter(user=alice).count() == 1


def test_a_suspended_follower_is_not_notified(alices_case, make_reply, alice, bob, erin):
    from members.actions import suspend_member

    suspend_member(alice, by=erin, reason="Licence under review")
    make_reply(alices_case, bob)
    assert not Notification.objects.filter(user=alice).exists()


def test_the_notification_page_lists_and_clears(alices_case, make_reply, client_for, alice, bob):
    make_reply(alices_case, bob)
    client = client_for(alice)
    page = client.get("/notifications/").content.decode()
    assert "Bob Tanaka" in page and "replied to" in page and alices_case.title in page
    assert "data-unread-count>1<" in client.get("/").content.decode()  # the header badge
    assert client.post("/notifications/read/").status_code == 302
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    assert "data-unread-count hidden>0<" in client.get("/").content.decode()
    assert client.get("/notifications/read/").status_code == 405


def test_following_and_my_pages(make_case, alice, bob, client_for):
    followed = make_case(alice, title="Followed case")
    make_case(alice, title="Not followed case")
    actions.follow(followed, user=bob)
    page = client_for(bob).get("/cases/following/").content.decode()
    assert "Followed case" in page and "Not followed case" not in page


@pytest.mark.parametrize("path", ["/cases/following/", "/cases/mine/", "/notifications/"])
def test_personal_pages_need_membership(client_for, carol, path):
    assert client_for(carol).get(path)["Location"] == "/membership/"
