"""Thread and list pages issue the same number of queries at 1, 20 and 200 replies (or
cases): nothing is fetched per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum import markdown
from forum.models import Case, Reply
from uploads.models import Upload

SIZES = (1, 20, 200)


def add_replies(case: Case, authors, count: int) -> None:
    """Replies by rotating authors (a moderator among them), some quoting, some helpful."""
    existing = list(case.replies.all())
    replies = []
    for number in range(len(existing), count):
        body = f"Reply number {number} with **markdown**."
        replies.append(
            Reply(
                case=case,
                author=authors[number % len(authors)],
                body=body,
                body_html=markdown.render(body),
                quotes=existing[0] if existing and number % 3 == 0 else None,
                helpful_at=timezone.now() if number % 7 == 0 else None,
                coi_disclosure="Consultant for a device maker." if number % 5 == 0 else "",
                edited_at=timezone.now() if number % 4 == 0 else None,
            )
        )
    created = Reply.objects.bulk_create(replies)
    # Every fifth reply carries an image: approved, or pending (shown to its uploader).
    Upload.objects.bulk_create(
        Upload(
            uploader=reply.author,
            reply=reply,
            file=f"images/test-{reply.pk}",
            content_type="image/jpeg",
            width=640,
            height=480,
            size=1000,
            state=Upload.State.APPROVED if index % 2 else Upload.State.PENDING,
        )
        for index, reply in enumerate(created)
        if index % 5 == 0
    )
    Case.objects.filter(pk=case.pk).update(reply_count=count)


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("viewer", ["member", "author", "moderator"])
def test_the_thread_page_is_constant_in_replies(
    alices_case, alice, bob, dave, make_member, client_for, viewer
):
    authors = [dave, bob, make_member("Chen Wei"), alice]  # a moderator from the first reply
    client = client_for({"member": bob, "author": alice, "moderator": dave}[viewer])
    counts = []
    for size in SIZES:
        add_replies(alices_case, authors, size)
        page = client.get(f"/cases/{alices_case.pk}/").content.decode()
        assert page.count('class="reply') >= size  # the replies really are on the page
        assert size == 1 or 'class="post-image' in page
        counts.append(queries_for(client, f"/cases/{alices_case.pk}/"))
    assert counts[0] == counts[1] == counts[2], counts


@pytest.mark.parametrize(
    "path", ["/s/hernia-and-abdominal-wall/", "/cases/mine/", "/search/?q=hernia"]
)
def test_list_pages_are_constant_in_cases(make_case, alice, dave, client_for, path):
    client = client_for(dave)  # a moderator, and the author of the first case
    counts = []
    made = 0
    for size in (*SIZES[:2], 30):  # a list page shows 25 at most
        while made < size:
            make_case(alice if made % 2 else dave, tags=("tar", f"tag-{made % 4}"))
            made += 1
        counts.append(queries_for(client, path))
    assert counts[0] == counts[1] == counts[2], counts


def test_a_thread_with_200_replies_stays_within_a_small_budget(alices_case, bob, client_for):
    add_replies(alices_case, [bob], 200)
    assert queries_for(client_for(bob), f"/cases/{alices_case.pk}/") <= 15
