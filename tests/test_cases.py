"""Cases: the structured template, both attestations, editing with history, deletion to a
tombstone, the outcome follow-up, and who may see and do what."""

from __future__ import annotations

import re

import pytest

from forum.models import Case, PostState, Revision
from tests.conftest import CASE_DATA, case_form_data


@pytest.fixture
def post_case(client_for, hernia):
    def post(user, **overrides):
        return client_for(user).post(
            "/cases/new/", case_form_data(specialty=hernia.pk, **overrides)
        )

    return post


def test_a_member_publishes_a_case_through_the_template(post_case, alice, client_for):
    response = post_case(alice)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.pk}/"
    assert case.author == alice and case.state == PostState.PUBLISHED
    assert case.status == Case.Status.OPEN
    assert case.age_band == "65-89" and case.sex == "female"
    assert [tag.name for tag in case.tags.all()] == ["botox", "tar"]
    # Rendered on save, stored beside the source.
    assert case.rendered["presentation"].startswith("<p>Third recurrence of a <strong>midline")
    page = client_for(alice).get(response["Location"]).content.decode()
    for label in ("Presentation and relevant history", "The question for colleagues"):
        assert label in page
    assert "Would you pre-habilitate with botulinum toxin first?" in page
    assert "not medical advice to patients" in page
    assert "Intra-operative findings" not in page  # optional and empty: not shown


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("question", ""),
        ("title", ""),
        ("presentation", ""),
        ("age_band", "67"),  # an exact age is not a choice
        ("age_band", ""),
        ("sex", "unknown"),
        ("consent_basis", ""),
    ],
)
def test_the_template_refuses_incomplete_cases_and_keeps_the_text(post_case, alice, field, value):
    response = post_case(alice, **{field: value})
    assert response.status_code == 400
    assert not Case.objects.exists()
    page = response.content.decode()
    assert "This field is required" in page or "Select a valid choice" in page
    # Everything else the member wrote comes back.
    assert "Considering posterior component separation" in page


def test_publishing_needs_the_de_identification_attestation(post_case, alice):
    response = post_case(alice, attest_deidentified="")
    assert response.status_code == 400
    assert not Case.objects.exists()
    assert "This case is de-identified" in response.content.decode()


def test_consent_not_required_needs_a_reason(post_case, alice):
    response = post_case(alice, consent_basis="not_required", consent_reason="  ")
    assert response.status_code == 400
    assert "Say why consent is not required." in response.content.decode()
    post_case(alice, consent_basis="not_required", consent_reason="Imaging only, no features")
    case = Case.objects.get()
    assert case.attested_deidentified
    assert case.consent_reason == "Imaging only, no features"


def test_attestations_are_shown_to_moderators_only(alices_case, client_for, dave, bob):
    url = f"/cases/{alices_case.pk}/"
    assert "Attestations (shown to moderators)" in client_for(dave).get(url).content.decode()
    assert "Attestations" not in client_for(bob).get(url).content.decode()


def test_a_disclosure_is_shown_with_the_case(make_case, alice, client_for, bob):
    case = make_case(alice, coi_disclosure="Paid speaker for a mesh manufacturer.")
    page = client_for(bob).get(f"/cases/{case.pk}/").content.decode()
    assert "Conflict of interest" in page and "Paid speaker for a mesh manufacturer." in page


def test_tags_are_checked(post_case, alice):
    response = post_case(alice, tags="tar, <script>")
    assert response.status_code == 400
    assert "Tags use letters" in response.content.decode()


# Who sees what ----------------------------------------------------------------------------


def test_an_applicant_cannot_reach_a_case(alices_case, client_for, carol):
    response = client_for(carol).get(f"/cases/{alices_case.pk}/")
    assert response.status_code == 302 and response["Location"] == "/membership/"


def test_an_unknown_case_is_404(client_for, alice):
    assert client_for(alice).get("/cases/999999/").status_code == 404


def test_another_member_cannot_edit_delete_or_post_an_outcome(alices_case, client_for, bob):
    client = client_for(bob)
    pk = alices_case.pk
    assert client.get(f"/cases/{pk}/edit/").status_code == 403
    assert client.post(f"/cases/{pk}/edit/", case_form_data()).status_code == 403
    assert client.post(f"/cases/{pk}/delete/").status_code == 403
    assert client.post(f"/cases/{pk}/outcome/", {"outcome": "x"}).status_code == 403
    alices_case.refresh_from_db()
    assert alices_case.state == PostState.PUBLISHED and alices_case.follow_up is None


def test_wrong_methods_are_405(alices_case, client_for, alice):
    client = client_for(alice)
    assert client.get(f"/cases/{alices_case.pk}/delete/").status_code == 405
    assert client.post(f"/cases/{alices_case.pk}/").status_code == 405
    assert client.get(f"/cases/{alices_case.pk}/follow/").status_code == 405
    # GET on the reply address opens the thread (Back after findings): other verbs are 405.
    assert client.put(f"/cases/{alices_case.pk}/replies/").status_code == 405


# Editing ----------------------------------------------------------------------------------


def test_an_edit_keeps_the_earlier_version_and_shows_edited(
    alices_case, client_for, alice, bob, dave, hernia
):
    response = client_for(alice).post(
        f"/cases/{alices_case.pk}/edit/",
        case_form_data(specialty=hernia.pk, question="Botox first, or straight to TAR?"),
    )
    assert response.status_code == 302
    alices_case.refresh_from_db()
    assert alices_case.question == "Botox first, or straight to TAR?"
    assert alices_case.edited_at is not None
    revision = Revision.objects.get(case=alices_case)
    assert revision.content["question"] == CASE_DATA["question"]
    assert revision.edited_by == alice
    assert "edited" in client_for(bob).get(f"/cases/{alices_case.pk}/").content.decode()
    # The earlier text is for moderators.
    assert client_for(bob).get(f"/cases/{alices_case.pk}/revisions/").status_code == 403
    page = client_for(dave).get(f"/cases/{alices_case.pk}/revisions/").content.decode()
    assert CASE_DATA["question"] in page


def test_every_edit_adds_a_revision(alices_case, alice):
    from forum import actions

    for question in ("First rewording?", "Second rewording?"):
        actions.edit_case(
            alices_case, by=alice, data={**CASE_DATA, "question": question}, tags=["tar"]
        )
    contents = [r.content["question"] for r in Revision.objects.order_by("pk")]
    assert contents == [CASE_DATA["question"], "First rewording?"]


# Deletion and the outcome -----------------------------------------------------------------


def test_deleting_a_case_leaves_a_tombstone_and_keeps_replies(
    alices_case, make_reply, bob, client_for, alice
):
    reply = make_reply(alices_case, bob, "Consider botox first.")
    from forum import actions

    actions.edit_case(alices_case, by=alice, data={**CASE_DATA, "question": "Reworded?"})
    response = client_for(alice).post(f"/cases/{alices_case.pk}/delete/")
    assert response.status_code == 302
    alices_case.refresh_from_db()
    assert alices_case.state == PostState.DELETED
    assert alices_case.title == alices_case.presentation == alices_case.question == ""
    assert alices_case.search_text == "" and alices_case.rendered == {}
    assert not Revision.objects.filter(case=alices_case).exists()  # the history goes too
    page = client_for(bob).get(f"/cases/{alices_case.pk}/").content.decode()
    assert "This case was deleted by its author" in page
    assert "Recurrent incisional hernia" not in page
    assert "Consider botox first." in page and f'id="reply-{reply.pk}"' in page
    assert "Post reply" not in page


def test_the_author_posts_an_outcome_at_any_time(alices_case, client_for, alice, bob):
    response = client_for(alice).post(
        f"/cases/{alices_case.pk}/outcome/",
        {"outcome": "TAR after botox; no recurrence at 1 year.", "justification": ""},
    )
    assert response.status_code == 302
    alices_case.refresh_from_db()
    assert alices_case.status == Case.Status.OUTCOME
    assert alices_case.follow_up.posted_at is not None
    page = client_for(bob).get(f"/cases/{alices_case.pk}/").content.decode()
    assert "Outcome follow-up" in page and "no recurrence at 1 year" in page
    # Updating it keeps the first version.
    client_for(alice).post(
        f"/cases/{alices_case.pk}/outcome/", {"outcome": "No recurrence at 2 years."}
    )
    assert Revision.objects.get(case=alices_case, part="outcome").content == {
        "outcome": "TAR after botox; no recurrence at 1 year."
    }


# Lists ------------------------------------------------------------------------------------


def test_the_specialty_list_shows_newest_activity_first(
    make_case, make_reply, alice, bob, client_for, hernia, vascular
):
    older = make_case(alice, title="Older case")
    newer = make_case(alice, title="Newer case")
    elsewhere = make_case(alice, title="Vascular case", specialty=vascular)
    page = client_for(bob).get(f"/s/{hernia.slug}/").content.decode()
    assert page.index("Newer case") < page.index("Older case")
    assert "Vascular case" not in page
    make_reply(older, bob)  # activity moves it up
    page = client_for(bob).get(f"/s/{hernia.slug}/").content.decode()
    assert page.index("Older case") < page.index("Newer case")
    assert newer and elsewhere


def test_the_list_is_paginated(make_case, alice, client_for, hernia):
    for number in range(27):
        make_case(alice, title=f"Case number {number:02d}")
    client = client_for(alice)
    first = client.get(f"/s/{hernia.slug}/").content.decode()
    second = client.get(f"/s/{hernia.slug}/?page=2").content.decode()
    assert "Case number 26" in first and "Case number 01" not in first
    assert "Case number 01" in second and "Page 2 of 2" in second


def test_an_unknown_specialty_is_404(client_for, alice):
    assert client_for(alice).get("/s/no-such-specialty/").status_code == 404


def test_my_cases_lists_mine_including_held_ones(make_case, alice, bob, client_for):
    make_case(alice, title="Alice's published case")
    make_case(bob, title="Bob's case")
    from forum import actions

    actions.create_case(
        alice,
        specialty=bob.profile.specialty,
        data={**CASE_DATA, "title": "Held case of Mr Dawson"},
        justification="Dawson is the name of a hernia classification, not a person.",
    )
    page = client_for(alice).get("/cases/mine/").content.decode()
    assert "Alice&#x27;s published case" in page and "Held case of Mr Dawson" in page
    assert "Waiting for review" in page
    assert "Bob&#x27;s case" not in page


def test_home_puts_the_members_specialty_first_with_its_published_activity(
    client_for, alice, bob, make_case, vascular, django_assert_max_num_queries
):
    make_case(alice)
    for state in (PostState.HELD, PostState.DELETED):
        Case.objects.filter(pk=make_case(alice, title=f"Now {state}").pk).update(state=state)
    make_case(bob, specialty=vascular, title="An endoleak after EVAR")
    client = client_for(bob)
    with django_assert_max_num_queries(12):
        page = client.get("/").content.decode()
    cards = re.findall(r'<li class="card( own-specialty)?">\s*<h2><a href="/s/([^/]+)/', page)
    assert cards[0] == (" own-specialty", vascular.slug)  # bob's specialty leads
    assert [slug for own, slug in cards[1:] if own] == []
    hernia_card = page.split('href="/s/hernia-and-abdominal-wall/"')[1].split("</li>")[0]
    assert "1 case ·" in hernia_card  # held and deleted cases are not counted
    assert "No cases yet" in page.split('href="/s/colorectal/"')[1].split("</li>")[0]


@pytest.mark.parametrize(
    ("path", "says", "next_step"),
    [
        ("/cases/mine/", "You have not posted a case yet.", 'href="/cases/new/"'),
        ("/cases/following/", "You are not following any case.", 'href="/"'),
        (
            "/s/vascular/",
            "No cases here yet.",
            'href="/cases/new/?specialty=vascular"',
        ),
        ("/search/?q=zzzz", "No case matches all of these words.", "Try fewer words"),
    ],
)
def test_empty_lists_say_what_to_do_next(client_for, alice, path, says, next_step):
    page = client_for(alice).get(path).content.decode()
    empty = page[page.index('class="empty"') :]
    assert says in empty and next_step in empty
