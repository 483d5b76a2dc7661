"""Outcomes written as fields of their case before forum 0009 become Outcome rows, each held
one with an open review item of its own (issue 16, defect 2), and the way back restores them."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from forum.models import Case, Outcome, PostState
from review.models import ReviewItem

BEFORE = [("forum", "0008_hide_owner")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # The review app stays migrated; its models are read as they are at that point.
    return executor.loader.project_state(
        [*targets, ("review", "0002_reviewitem_content_version")]
    ).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def old_case(apps, alice, hernia, **fields):
    defaults = {
        "specialty_id": hernia.pk,
        "author_id": alice.pk,
        "title": "Incisional hernia",
        "age_band": "40-64",
        "presentation": "p",
        "investigations": "i",
        "plan": "pl",
        "question": "q",
        "consent_basis": "consented",
    }
    return apps.get_model("forum", "Case").objects.create(**(defaults | fields))


def old_item(apps, case, **fields):
    content_types = apps.get_model("contenttypes", "ContentType")
    return apps.get_model("review", "ReviewItem").objects.create(
        kind="held_post",
        target_type=content_types.objects.get_or_create(app_label="forum", model="case")[0],
        target_id=case.pk,
        specialty_id=case.specialty_id,
        evidence={"post": "case", "text": {"outcome": case.outcome}, "part": "outcome"},
        **fields,
    )


OUTCOME_FINDING = {"field": "outcome", "kind": "name", "text": "Mr Hartmann"}
CASE_FINDING = {"field": "presentation", "kind": "name", "text": "Mrs Jones"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outcomes_become_rows_and_every_held_one_has_its_own_item(alice, hernia):
    try:
        old = migrate(BEFORE)
        published = old_case(
            old,
            alice,
            hernia,
            outcome="Recovered.",
            outcome_state="published",
            rendered={"outcome": "<p>Recovered.</p>"},
        )
        # The defect: a held case and its held outcome shared one item.
        both = old_case(
            old,
            alice,
            hernia,
            state="held",
            outcome="Seen by Mr Hartmann.",
            outcome_state="held",
            held_findings=[CASE_FINDING, OUTCOME_FINDING],
            held_justification="Eponyms.",
        )
        shared = old_item(old, both)
        # An outcome held alone: its case's item was about the outcome only.
        alone = old_case(
            old,
            alice,
            hernia,
            outcome="Seen by Mr Hartmann.",
            outcome_state="held",
            held_findings=[OUTCOME_FINDING],
            held_justification="An eponym.",
        )
        alone_item = old_item(old, alone)
        # The other half of the defect: an outcome left held with no open item at all.
        orphan = old_case(old, alice, hernia, outcome="Seen by Mr Hartmann.", outcome_state="held")
        none = old_case(old, alice, hernia)
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()

    outcome_type = ContentType.objects.get_for_model(Outcome)
    case_type = ContentType.objects.get_for_model(Case)
    assert Case.objects.get(pk=none.pk).follow_up is None
    first = Case.objects.get(pk=published.pk).follow_up
    assert (first.body, first.body_html, first.state) == (
        "Recovered.",
        "<p>Recovered.</p>",
        PostState.PUBLISHED,
    )
    for case in (both, alone, orphan):
        outcome = Case.objects.get(pk=case.pk).follow_up
        assert outcome.state == PostState.HELD
        items = ReviewItem.objects.open().filter(target_type=outcome_type, target_id=outcome.pk)
        assert items.count() == 1, case
        assert items.get().evidence["text"] == {"body": "Seen by Mr Hartmann."}
    # The held case keeps its own item and its own findings; the outcome took its own.
    both_case = Case.objects.get(pk=both.pk)
    assert ReviewItem.objects.get(pk=shared.pk).target_type == case_type
    assert both_case.held_findings == [CASE_FINDING]
    assert both_case.follow_up.held_findings == [OUTCOME_FINDING]
    # The item that was only about the outcome now is the outcome's.
    moved = ReviewItem.objects.get(pk=alone_item.pk)
    assert (moved.target_type, moved.target_id) == (
        outcome_type,
        Case.objects.get(pk=alone.pk).follow_up.pk,
    )
    assert Case.objects.get(pk=alone.pk).held_findings == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_way_back_puts_the_outcome_on_its_case(alice, hernia):
    from forum import actions

    case = Case.objects.create(
        specialty=hernia,
        author=alice,
        title="t",
        age_band="40-64",
        presentation="p",
        investigations="i",
        plan="pl",
        question="q",
        consent_basis="consented",
    )
    actions.post_outcome(case, by=alice, text="Recovered well.")
    try:
        old = migrate(BEFORE)
        back = old.get_model("forum", "Case").objects.get(pk=case.pk)
        assert (back.outcome, back.outcome_state) == ("Recovered well.", "published")
        assert back.outcome_posted_at is not None
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()
    assert Case.objects.get(pk=case.pk).follow_up.body == "Recovered well."
