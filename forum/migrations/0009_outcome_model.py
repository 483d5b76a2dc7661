"""Outcomes become posts of their own (issue 16, defect 2).

Before, an outcome was three fields on its case sharing the case's one review item: a case
and its outcome both held left the outcome waiting with no item once the case was published,
and a flag on a case whose outcome was held joined the outcome's item. Each outcome now has
its own row, state and review item:

- every outcome's text, state and first-posted time move to an Outcome row, with the
  findings the screen made on the outcome (those on the case stay with the case);
- a held outcome whose case's open item was only about the outcome takes that item over;
  a held outcome with no item of its own (the defect) gets one, so a moderator finds it.

Reversible: going back puts the text and state on the case again (an outcome item is
pointed back at its case when the case has none open).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

HELD = "held"


def _evidence(case, outcome) -> dict:
    return {
        "post": "outcome",
        "post_id": outcome.pk,
        "case_id": case.pk,
        "case_title": case.title,
        "author_id": case.author_id,
        "state": outcome.state,
        "text": {"body": outcome.body},
        "taken_at": timezone.now().isoformat(),
        "part": "post",
        "findings": outcome.held_findings,
        "justification": outcome.held_justification,
    }


def outcomes_to_rows(apps, schema_editor):
    Case = apps.get_model("forum", "Case")
    Outcome = apps.get_model("forum", "Outcome")
    ReviewItem = apps.get_model("review", "ReviewItem")
    ItemEvent = apps.get_model("review", "ItemEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type, _ = ContentType.objects.get_or_create(app_label="forum", model="case")
    outcome_type, _ = ContentType.objects.get_or_create(app_label="forum", model="outcome")
    for case in Case.objects.exclude(outcome="", outcome_state="").iterator():
        state = case.outcome_state or "published"
        held = state == HELD
        findings = [f for f in case.held_findings if f.get("field") == "outcome"]
        outcome = Outcome.objects.create(
            case=case,
            body=case.outcome,
            body_html=(case.rendered or {}).get("outcome", ""),
            state=state,
            held_findings=findings if held else [],
            held_justification=case.held_justification if held else "",
            moderation_reason=case.moderation_reason if state == "returned" else "",
            created_at=case.outcome_posted_at or case.edited_at or case.created_at,
            posted_at=case.outcome_posted_at,
        )
        rest = [f for f in case.held_findings if f.get("field") != "outcome"]
        if rest != case.held_findings:
            case.held_findings = rest
            case.save(update_fields=["held_findings"])
        if not held:
            continue
        item = ReviewItem.objects.filter(
            target_type=case_type, target_id=case.pk, state="open"
        ).first()
        only_outcome = (
            item is not None
            and item.kind == "held_post"
            and case.state != HELD
            and not item.flags.exists()
        )
        if only_outcome:
            item.target_type = outcome_type
            item.target_id = outcome.pk
            item.evidence = _evidence(case, outcome)
            item.version += 1
            item.content_version = item.version
            item.claimed_by = None
            item.save()
        else:
            item = ReviewItem.objects.create(
                kind="held_post",
                target_type=outcome_type,
                target_id=outcome.pk,
                specialty_id=case.specialty_id,
                evidence=_evidence(case, outcome),
            )
            ItemEvent.objects.create(item=item, action="opened")


def rows_to_outcomes(apps, schema_editor):
    Outcome = apps.get_model("forum", "Outcome")
    ReviewItem = apps.get_model("review", "ReviewItem")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type, _ = ContentType.objects.get_or_create(app_label="forum", model="case")
    outcome_type, _ = ContentType.objects.get_or_create(app_label="forum", model="outcome")
    for outcome in Outcome.objects.select_related("case").iterator():
        case = outcome.case
        case.outcome = outcome.body
        case.outcome_state = outcome.state
        case.outcome_posted_at = outcome.posted_at
        case.rendered = {**(case.rendered or {}), "outcome": outcome.body_html}
        case.held_findings = [*case.held_findings, *outcome.held_findings]
        if outcome.state == HELD:
            case.held_justification = outcome.held_justification
        case.save()
        items = ReviewItem.objects.filter(target_type=outcome_type, target_id=outcome.pk)
        for item in items:
            case_has_open = ReviewItem.objects.filter(
                target_type=case_type, target_id=case.pk, state="open"
            ).exists()
            if item.state == "open" and case_has_open:
                item.state = "closed"
                item.decision = "merged"
            item.target_type = case_type
            item.target_id = case.pk
            item.save()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("forum", "0008_hide_owner"),
        ("review", "0002_reviewitem_content_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Outcome",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("body", models.TextField(verbose_name="outcome follow-up")),
                ("body_html", models.TextField(editable=False)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("published", "Published"),
                            ("held", "Waiting for moderator review"),
                            ("deleted", "Deleted"),
                            ("hidden", "Hidden by a moderator"),
                            ("returned", "Returned to its author"),
                        ],
                        default="published",
                        max_length=10,
                    ),
                ),
                ("held_justification", models.TextField(blank=True)),
                ("held_findings", models.JSONField(blank=True, default=list)),
                ("moderation_reason", models.TextField(blank=True)),
                ("hidden_pending", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(default=timezone.now)),
                ("edited_at", models.DateTimeField(blank=True, null=True)),
                ("posted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outcome_row",
                        to="forum.case",
                    ),
                ),
                (
                    "hidden_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.RunPython(outcomes_to_rows, rows_to_outcomes),
        migrations.RemoveField(model_name="case", name="outcome"),
        migrations.RemoveField(model_name="case", name="outcome_posted_at"),
        migrations.RemoveField(model_name="case", name="outcome_state"),
        # With the field gone, the reverse accessor takes its name.
        migrations.AlterField(
            model_name="outcome",
            name="case",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outcome",
                to="forum.case",
            ),
        ),
    ]
