"""The review queue: the list, one item, and the moderator's actions on it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Count, Min
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from forum.inputs import parse_int
from forum.models import Case, Outcome, Reply
from members.permissions import MemberRequest, staff_page
from moderation import actions
from moderation.permissions import get_item_or_404, is_own_content
from review.models import ReviewItem
from uploads.models import Upload


def _version(request: MemberRequest) -> int:
    version = parse_int(request.POST.get("version", ""))
    if version is None:
        raise PermissionDenied(_("The form is out of date. Reload the item."))
    return version


@require_GET
@staff_page()
def queue(request: MemberRequest) -> HttpResponse:
    """Oldest first, for the moderator's specialties (admins: everything)."""
    items = ReviewItem.objects.open().for_moderator(request.user)
    kind = request.GET.get("kind", "")
    counts = dict(items.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    oldest = items.aggregate(oldest=Min("opened_at"))["oldest"]
    if kind in ReviewItem.Kind.values:
        items = items.filter(kind=kind)
    items = items.select_related("specialty", "claimed_by__profile").annotate(
        flag_count=Count("flags")
    )
    return render(
        request,
        "moderation/queue.html",
        {
            "items": items[:200],
            "kinds": [
                (value, label, counts.get(value, 0)) for value, label in ReviewItem.Kind.choices
            ],
            "kind": kind,
            "total": sum(counts.values()),
            "oldest": oldest,
            "now": timezone.now(),
        },
    )


@require_GET
@staff_page()
def item_detail(request: MemberRequest, pk: int) -> HttpResponse:
    item = get_item_or_404(request.user, pk)
    target = _target_or_none(item)
    return render(
        request,
        "moderation/item.html",
        {
            "item": item,
            "target": target,
            "own": is_own_content(request.user, item, target),
            "evidence_text": _evidence_text(item, "text"),
            "flagged_text": _evidence_text(item, "flagged_text"),
            "author": getattr(target, "author", None),
            "flags": item.flags.select_related("reporter__profile"),
            "events": item.events.select_related("actor__profile"),
            "actions": [
                (action, actions.ACTION_LABELS[action])
                for action in actions.actions_for(item, target)
            ],
            "rejection_reasons": Upload.RejectionReason.choices,
        },
    )


def _evidence_text(item: ReviewItem, key: str) -> list[tuple[str, str]]:
    """A snapshot's text fields under the names members saw on the form."""
    model = {"case": Case, "reply": Reply, "outcome": Outcome}.get(item.evidence.get("post", ""))
    fields = []
    for name, value in (item.evidence.get(key) or {}).items():
        if not value:
            continue
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        label = str(getattr(field, "verbose_name", name))
        fields.append((label[:1].upper() + label[1:], value))
    return fields


def _target_or_none(item: ReviewItem):
    try:
        return item.target
    except item.target_type.model_class().DoesNotExist:  # type: ignore[union-attr]
        return None  # deleted since: the evidence snapshot remains


def _act(request: MemberRequest, pk: int, do) -> HttpResponse:
    item = get_item_or_404(request.user, pk)
    try:
        do(item)
    except actions.Conflict as conflict:
        messages.error(request, str(conflict))
        return redirect("moderation_item", pk=item.pk)
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("moderation_item", pk=item.pk)
    return redirect("moderation_item", pk=item.pk)


@require_POST
@staff_page()
def item_claim(request: MemberRequest, pk: int) -> HttpResponse:
    version = _version(request)
    return _act(request, pk, lambda item: actions.claim(item, by=request.user, version=version))


@require_POST
@staff_page()
def item_release(request: MemberRequest, pk: int) -> HttpResponse:
    version = _version(request)
    return _act(request, pk, lambda item: actions.release(item, by=request.user, version=version))


@require_POST
@staff_page()
def item_note(request: MemberRequest, pk: int) -> HttpResponse:
    note = request.POST.get("note", "").strip()[:5000]
    if not note:
        messages.error(request, _("Write the note first."))
        return redirect("moderation_item", pk=pk)
    return _act(request, pk, lambda item: actions.add_note(item, by=request.user, note=note))


@require_POST
@staff_page()
def item_decide(request: MemberRequest, pk: int) -> HttpResponse:
    version = _version(request)
    decision = actions.Decision(
        action=request.POST.get("action", ""),
        message=request.POST.get("message", "").strip()[:5000],
        note=request.POST.get("note", "").strip()[:5000],
        reason=request.POST.get("reason", ""),
    )

    def decide(item: ReviewItem) -> None:
        actions.decide(item, by=request.user, version=version, decision=decision)
        messages.success(request, _("Decided: %(action)s.") % {"action": decision.action})

    return _act(request, pk, decide)
