"""Replies: flat with quoting, helpful marks by the case author, edits with history, and
deletion to a tombstone."""

from __future__ import annotations

import pytest

from forum.models import Case, PostState, Reply, Revision


@pytest.fixture
def bobs_reply(alices_case, make_reply, bob):
    return make_reply(alices_case, bob, "Botox **first**: 4 weeks before TAR.")


def test_a_member_replies_and_the_page_shows_it(alices_case, client_for, bob, alice):
    response = client_for(bob).post(
        f"/cases/{alices_case.pk}/replies/", {"body": "I would use *botox* first."}
    )
    reply = Reply.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{alices_case.pk}/#reply-{reply.pk}"
    assert reply.body_html == "<p>I would use <em>botox</em> first.</p>\n"
    alices_case.refresh_from_db()
    assert alices_case.reply_count == 1
    page = client_for(alice).get(f"/cases/{alices_case.pk}/").content.decode()
    assert "I would use <em>botox</em> first." in page and "1 reply" in page


def test_an_empty_reply_comes_back_with_an_error(alices_case, client_for, bob):
    response = client_for(bob).post(f"/cases/{alices_case.pk}/replies/", {"body": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Reply.objects.exists()


def test_quoting_prefills_the_reply_and_links_back(alices_case, bobs_reply, client_for, alice):
    client = client_for(alice)
    page = client.get(f"/cases/{alices_case.pk}/?quote={bobs_reply.pk}").content.decode()
    assert "&gt; **Bob Tanaka:**" in page  # inside the textarea, escaped
    assert f'name="quotes" value="{bobs_reply.pk}"' in page
    client.post(
        f"/cases/{alices_case.pk}/replies/",
        {"body": "> Botox first\n\nAgreed, thanks.", "quotes": bobs_reply.pk},
    )
    reply = Reply.objects.latest("pk")
    assert reply.quotes == bobs_reply
    page = client.get(f"/cases/{alices_case.pk}/").content.decode()
    assert f'href="#reply-{bobs_reply.pk}">In reply to Bob Tanaka' in page
    assert "<blockquote>" in page


def test_a_reply_cannot_quote_another_thread(make_case, alice, bob, make_reply, client_for):
    first, second = make_case(alice), make_case(alice, title="Another")
    elsewhere = make_reply(first, bob)
    client_for(bob).post(
        f"/cases/{second.pk}/replies/", {"body": "Quoting across", "quotes": elsewhere.pk}
    )
    assert Reply.objects.get(case=second).quotes is None


def test_only_the_case_author_marks_a_reply_helpful(
    alices_case, bobs_reply, client_for, alice, bob, dave
):
    url = f"/replies/{bobs_reply.pk}/helpful/"
    assert client_for(bob).post(url).status_code == 403
    assert client_for(dave).post(url).status_code == 403  # not even a moderator
    assert client_for(alice).post(url).status_code == 302
    bobs_reply.refresh_from_db()
    alices_case.refresh_from_db()
    assert bobs_reply.helpful_at is not None
    assert alices_case.status == Case.Status.ANSWERED
    page = client_for(dave).get(f"/cases/{alices_case.pk}/").content.decode()
    assert "Marked helpful by the author" in page
    assert "likes" not in page.lower()  # no public like counts
    client_for(alice).post(url, {"helpful": "0"})
    alices_case.refresh_from_db()
    assert alices_case.status == Case.Status.OPEN


def test_an_edited_reply_keeps_its_history(alices_case, bobs_reply, client_for, bob, alice, dave):
    response = client_for(bob).post(
        f"/replies/{bobs_reply.pk}/edit/", {"body": "Botox first, 6 weeks before."}
    )
    assert response.status_code == 302
    bobs_reply.refresh_from_db()
    assert bobs_reply.edited_at and bobs_reply.body == "Botox first, 6 weeks before."
    revision = Revision.objects.get(reply=bobs_reply)
    assert revision.content["body"] == "Botox **first**: 4 weeks before TAR."
    page = client_for(alice).get(f"/cases/{alices_case.pk}/").content.decode()
    assert "edited" in page and "4 weeks before TAR" not in page
    assert client_for(alice).get(f"/replies/{bobs_reply.pk}/revisions/").status_code == 403
    page = client_for(dave).get(f"/replies/{bobs_reply.pk}/revisions/").content.decode()
    assert "Botox **first**: 4 weeks before TAR." in page


def test_only_the_author_edits_or_deletes_a_reply(bobs_reply, client_for, alice):
    client = client_for(alice)
    assert client.get(f"/replies/{bobs_reply.pk}/edit/").status_code == 403
    assert client.post(f"/replies/{bobs_reply.pk}/edit/", {"body": "x"}).status_code == 403
    assert client.post(f"/replies/{bobs_reply.pk}/delete/").status_code == 403
    assert client.get(f"/replies/{bobs_reply.pk}/delete/").status_code == 405
    assert client.get("/replies/999999/edit/").status_code == 404


def test_a_deleted_reply_leaves_a_tombstone(alices_case, bobs_reply, client_for, bob, alice):
    client_for(bob).post(f"/replies/{bobs_reply.pk}/edit/", {"body": "Second thoughts."})
    assert client_for(bob).post(f"/replies/{bobs_reply.pk}/delete/").status_code == 302
    bobs_reply.refresh_from_db()
    alices_case.refresh_from_db()
    assert bobs_reply.state == PostState.DELETED
    assert bobs_reply.body == bobs_reply.body_html == ""
    assert not Revision.objects.filter(reply=bobs_reply).exists()
    assert alices_case.reply_count == 0
    page = client_for(alice).get(f"/cases/{alices_case.pk}/").content.decode()
    assert "This reply was deleted by its author." in page
    assert "Second thoughts" not in page and "Botox" not in page
    # A tombstone is not edited back to life.
    assert client_for(bob).post(f"/replies/{bobs_reply.pk}/edit/", {"body": "x"}).status_code == 403


def test_no_reply_to_a_deleted_case(alices_case, client_for, alice, bob):
    client_for(alice).post(f"/cases/{alices_case.pk}/delete/")
    response = client_for(bob).post(f"/cases/{alices_case.pk}/replies/", {"body": "Late"})
    assert response.status_code == 403
    assert not Reply.objects.exists()


def test_a_nul_byte_is_refused_with_a_message_not_a_crash(alices_case, client_for, bob):
    # PostgreSQL cannot store NUL in text; the form says so instead of failing on save.
    response = client_for(bob).post(
        f"/cases/{alices_case.pk}/replies/", {"body": "<scr\x00ipt>alert(1)</script>"}
    )
    assert response.status_code == 400
    assert "Null characters are not allowed" in response.content.decode()
    assert not Reply.objects.exists()
