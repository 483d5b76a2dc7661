"""Case discussion pages: lists, the thread, posting and editing, outcomes, follows.

Thin views: a permission helper from forum/permissions.py, one verb from forum/actions.py,
then render or redirect. A post blocked by the PHI screen comes back as the same form, its
text intact, with each finding highlighted and its reason given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

import phi
from forum import actions, events, markdown
from forum.forms import CaseForm, OutcomeForm, ReplyForm
from forum.inputs import parse_id, parse_ids, parse_int
from forum.models import Case, Follow, Notification, PostState, Specialty
from forum.permissions import (
    can_see_image,
    can_see_outcome,
    can_see_reply,
    cases_visible_to,
    check_can_read_revisions,
    check_can_reply,
    check_is_author,
    get_case_or_404,
    get_reply_or_404,
    is_moderator_of,
    replies_visible_to,
)
from members.models import User
from members.permissions import MemberRequest
from members.quotas import QuotaReached, spend, spend_burst, spending
from review import queue
from review.models import Flag
from uploads import actions as upload_actions
from uploads.handlers import contents
from uploads.models import Upload
from uploads.scrub import Refused

CASES_PER_PAGE = 25


def _labels(form) -> dict[str, str]:
    return {name: str(field.label) for name, field in form.fields.items()}


class FieldFindings(list):
    """The fields with findings, and whether any blocks the post or only asks the author."""

    has_identifiers: bool = False
    has_warnings: bool = False


def findings_context(form, findings: dict[str, list[phi.Finding]]) -> FieldFindings:
    """Per field with findings: its label, its text cut into highlighted pieces, the reasons."""
    labels = _labels(form)
    context = FieldFindings(
        {
            "field": name,
            "label": labels.get(name, name),
            "pieces": phi.highlight(form.cleaned_data.get(name) or "", found),
            "findings": found,
            # Which occurrence of its text each finding is, for the page's one-click
            # replacement (offsets differ between Python and the browser's strings).
            "entries": [
                {
                    "finding": f,
                    "occurrence": (form.cleaned_data.get(name) or "")[: f.start].count(f.text),
                }
                for f in found
            ],
        }
        for name, found in findings.items()
    )
    every = [finding for found in findings.values() for finding in found]
    context.has_identifiers = bool(phi.blocking(every))
    context.has_warnings = bool(phi.warnings(every))
    return context


def take_images(request: MemberRequest):
    """Scrub the files sent with the form into drafts now, so that nothing is lost if the
    form comes back: their ids join the widget's in the hidden `uploads` field.

    Returns (form data, refusals as "name: reason")."""
    data = request.POST.copy()
    refusals: list[str] = []
    ids = [str(item) for item in parse_ids(data.get("uploads", ""))]
    for uploaded in request.FILES.getlist("images"):
        try:
            with contents(uploaded) as content:
                draft = upload_actions.store(
                    request.user, content, too_large=getattr(uploaded, "too_large", False)
                )
        except (Refused, QuotaReached) as refusal:
            refusals.append(f"{uploaded.name}: {refusal}")
        else:
            ids.append(str(draft.pk))
    data["uploads"] = ",".join(ids)
    return data, refusals


def drafts_for(request: MemberRequest, form) -> list[Upload]:
    value = form.data.get("uploads", "") if form.is_bound else ""
    ids = parse_ids(value)
    return upload_actions.drafts_of(request.user, ids)


def _refuse_images(form, refusals: list[str]) -> None:
    for refusal in refusals:
        form.add_error("images", refusal)


def save_screened[T](form, save: Callable[[], T]) -> tuple[T | None, dict[str, list[phi.Finding]]]:
    """`save()` if the bound form is valid: (what it saved, {}); or, when the PHI screen
    stopped it, (None, the findings) so the form comes back with its text intact."""
    if not form.is_bound or not form.is_valid():
        return None, {}
    try:
        return save(), {}
    except actions.IdentifiersFound as found:
        return None, found.findings


def _case_data(form: CaseForm) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in actions.CASE_CONTENT}


# Lists ------------------------------------------------------------------------------------


def _case_list(request: MemberRequest, cases, template: str, context: dict) -> HttpResponse:
    page = Paginator(cases.for_list(), CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, template, {"page": page, "cases": page.object_list, **context})


@require_GET
def specialty_cases(request: MemberRequest, slug: str) -> HttpResponse:
    specialty = get_object_or_404(Specialty.objects.active(), slug=slug)
    return _case_list(
        request,
        Case.objects.listed().filter(specialty=specialty),
        "forum/case_list.html",
        {"specialty": specialty, "heading": specialty.name},
    )


@require_GET
def my_cases(request: MemberRequest) -> HttpResponse:
    return _case_list(
        request,
        Case.objects.by_author(request.user),
        "forum/case_list.html",
        {"heading": _("My cases"), "mine": True},
    )


@require_GET
def following(request: MemberRequest) -> HttpResponse:
    return _case_list(
        request,
        Case.objects.followed_by(request.user),
        "forum/case_list.html",
        {"heading": _("Cases I follow"), "following_list": True},
    )


@require_GET
def search(request: MemberRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    context: dict[str, Any] = {"query": query, "heading": _("Search")}
    cases = Case.objects.none()
    if query:
        try:
            spend(request.user.pk, "search")
            cases = Case.objects.listed().search(query)
        except QuotaReached as reached:
            context["quota_reached"] = str(reached)
    response = _case_list(request, cases, "forum/search.html", context)
    if "quota_reached" in context:
        response.status_code = 429
    return response


@require_GET
def notifications(request: MemberRequest) -> HttpResponse:
    items = (
        Notification.objects.filter(user=request.user, case__in=cases_visible_to(request.user))
        .select_related("case", "reply__case", "reply__author__profile")
        .prefetch_related("reply__author__moderator_scopes__specialty")
    )
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "forum/notifications.html", {"page": page})


@require_POST
def notifications_read(request: MemberRequest) -> HttpResponse:
    actions.mark_notifications_read(request.user)
    return redirect("notifications")


# Cases ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def case_new(request: MemberRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    specialty = Specialty.objects.active().filter(slug=request.GET.get("specialty", "")).first()
    if specialty is None and hasattr(request.user, "profile"):
        specialty = request.user.profile.specialty
    if specialty is not None:
        initial["specialty"] = specialty.pk
    data, refusals = take_images(request) if request.method == "POST" else (None, [])
    form = CaseForm(data, initial=initial)
    _refuse_images(form, refusals)
    case, findings = save_screened(
        form,
        lambda: actions.create_case(
            request.user,
            specialty=form.cleaned_data["specialty"],
            data=_case_data(form),
            tags=form.cleaned_data["tags"],
            justification=form.cleaned_data["justification"],
            acknowledged=form.cleaned_data["acknowledge_warnings"],
            images=drafts_for(request, form),
        ),
    )
    if case is not None:
        if case.is_held:
            messages.warning(request, _("Your case waits for a moderator before it appears."))
        else:
            messages.success(request, _("Your case is published."))
        return redirect(case)
    return _case_form(request, form, findings, case=None)


def _case_form(request, form, findings, *, case: Case | None) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "forum/case_form.html",
        {
            "form": form,
            "case": case,
            "findings": findings_context(form, findings),
            "drafts": drafts_for(request, form),
        },
        status=status,
    )


@require_GET
def case_detail(request: MemberRequest, pk: int) -> HttpResponse:
    case = get_case_or_404(request.user, pk)
    return _thread(request, case, ReplyForm(initial=_quote_initial(request, case)))


def _quote_initial(request: MemberRequest, case: Case) -> dict[str, Any]:
    quoted_pk = parse_id(request.GET.get("quote", ""))
    if quoted_pk is None:
        return {}
    quoted = case.replies.filter(pk=quoted_pk, state=PostState.PUBLISHED).first()
    if quoted is None:
        return {}
    author = quoted.author.display_name if quoted.author else _("Former member")
    return {"body": markdown.quote(quoted.body, attribution=author), "quotes": quoted.pk}


def _add_review_versions(images: list[Upload]) -> None:
    """Each pending image's review version, for the inline Approve and Reject forms: they
    decide on the version the moderator saw, as the queue does (one query)."""
    pending = [image for image in images if image.is_pending]
    versions = queue.open_versions(Upload, [image.pk for image in pending])
    for image in pending:
        image.review_version = versions.get(image.pk)  # type: ignore[attr-defined]


def _visible_images(images: list[Upload], user: User, case: Case) -> list[Upload]:
    """The images of this thread the viewer may see (can_see_image), with the case they
    belong to already known, so the check costs no query per image."""
    for image in images:
        if image.case_id == case.pk:
            image.case = case
        elif image.reply is not None:
            image.reply.case = case
    return [image for image in images if can_see_image(user, image)]


def _thread(
    request: MemberRequest,
    case: Case,
    reply_form: ReplyForm,
    findings: dict[str, list[phi.Finding]] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    moderator = is_moderator_of(user, case)
    replies = list(
        replies_visible_to(user, case.replies.for_thread()).prefetch_related(
            Prefetch("uploads", queryset=Upload.objects.shown(), to_attr="shown_images")
        )
    )
    for reply in replies:
        reply.case = case
        reply.images = _visible_images(reply.shown_images, user, case)  # type: ignore[attr-defined]
    tags = list(case.tags.all())
    # One query for the case's images and the viewer's own rejected ones anywhere in the
    # thread: the uploader learns a rejection where they look for the image, not only in a
    # notification.
    rejected = Upload.State.REJECTED
    images = Upload.objects.filter(
        Q(case=case, state__in=[Upload.State.PENDING, Upload.State.APPROVED])
        | Q(Q(case=case) | Q(reply__case=case), uploader=user, state=rejected)
    ).order_by("pk")
    case_images = _visible_images([i for i in images if i.state != rejected], user, case)
    rejected_images = [image for image in images if image.state == rejected]
    if moderator:
        _add_review_versions([*case_images, *(i for r in replies for i in r.images)])  # type: ignore[attr-defined]
    outcome = case.follow_up
    context = {
        "outcome": outcome if outcome is not None and can_see_outcome(user, outcome) else None,
        "rejected_images": rejected_images,
        "last_event": events.last_event_id(case),
        "case_images": case_images,
        "drafts": drafts_for(request, reply_form),
        "rejection_reasons": Upload.RejectionReason.choices,
        "flag_reasons": Flag.Reason.choices,
        "case": case,
        "tags": tags,
        "replies": replies,
        "is_author": case.author_id == user.pk,
        "is_moderator": moderator,
        "following": Follow.objects.filter(user=user, case=case).exists(),
        "reply_form": reply_form,
        "findings": findings_context(reply_form, findings) if findings else [],
    }
    return render(request, "forum/case_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def case_edit(request: MemberRequest, pk: int) -> HttpResponse:
    case = get_case_or_404(request.user, pk)
    check_is_author(request.user, case)
    data, refusals = take_images(request) if request.method == "POST" else (None, [])
    form = CaseForm(data, initial=CaseForm.initial_for(case))
    _refuse_images(form, refusals)
    saved, findings = save_screened(
        form,
        lambda: actions.edit_case(
            case,
            by=request.user,
            specialty=form.cleaned_data["specialty"],
            data=_case_data(form),
            tags=form.cleaned_data["tags"],
            justification=form.cleaned_data["justification"],
            acknowledged=form.cleaned_data["acknowledge_warnings"],
            images=drafts_for(request, form),
        ),
    )
    if saved is not None:
        messages.success(request, _("Your changes are saved."))
        return redirect(saved)
    return _case_form(request, form, findings, case=case)


@require_POST
def case_delete(request: MemberRequest, pk: int) -> HttpResponse:
    case = get_case_or_404(request.user, pk)
    actions.delete_case(case, by=request.user)
    messages.success(request, _("Your case was deleted. Replies stay, under a tombstone."))
    return redirect(case)


@require_http_methods(["GET", "POST"])
def case_outcome(request: MemberRequest, pk: int) -> HttpResponse:
    case = get_case_or_404(request.user, pk)
    check_is_author(request.user, case)
    outcome = case.follow_up
    form = OutcomeForm(request.POST or None, initial={"outcome": outcome.body if outcome else ""})
    saved, findings = save_screened(
        form,
        lambda: actions.post_outcome(
            case,
            by=request.user,
            text=form.cleaned_data["outcome"],
            justification=form.cleaned_data["justification"],
            acknowledged=form.cleaned_data["acknowledge_warnings"],
        ),
    )
    if saved is not None:
        messages.success(request, _("The outcome is posted. Thank you for closing the loop."))
        return redirect(saved)
    return render(
        request,
        "forum/outcome_form.html",
        {"form": form, "case": case, "findings": findings_context(form, findings)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def case_follow(request: MemberRequest, pk: int) -> HttpResponse:
    case = get_case_or_404(request.user, pk)
    if request.POST.get("follow") == "0":
        actions.unfollow(case, user=request.user)
    else:
        actions.follow(case, user=request.user)
    return redirect(case)


@require_GET
def case_revisions(request: MemberRequest, pk: int) -> HttpResponse:
    case = get_case_or_404(request.user, pk)
    check_can_read_revisions(request.user, case)
    revisions = case.revisions.select_related("edited_by__profile")
    return render(
        request, "forum/revisions.html", {"case": case, "post": case, "revisions": revisions}
    )


# Replies ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def reply_create(request: MemberRequest, pk: int) -> HttpResponse:
    case = get_case_or_404(request.user, pk)
    if request.method == "GET":
        # Back or reload after a reply came back with findings: the thread, at the form.
        return redirect(f"{case.get_absolute_url()}#reply-form")
    check_can_reply(request.user, case)
    data, refusals = take_images(request)
    form = ReplyForm(data)
    _refuse_images(form, refusals)

    def create():
        quoted = None
        if form.cleaned_data["quotes"]:
            quoted = case.replies.filter(pk=form.cleaned_data["quotes"]).first()
        with spending(request.user.pk, "reply"):  # given back if the screen holds it back
            return actions.create_reply(
                case,
                author=request.user,
                body=form.cleaned_data["body"],
                quotes=quoted,
                coi_disclosure=form.cleaned_data["coi_disclosure"],
                justification=form.cleaned_data["justification"],
                acknowledged=form.cleaned_data["acknowledge_warnings"],
                images=drafts_for(request, form),
            )

    try:
        reply, findings = save_screened(form, create)
    except QuotaReached as reached:
        form.add_error(None, str(reached))  # the form comes back with its words
        return _thread(request, case, form, {}, status=429)
    if reply is not None:
        if request.headers.get("X-Requested-With") == "fetch":
            # The page posted it without reloading: it inserts the reply itself, once.
            return JsonResponse(
                {"id": reply.pk, "held": reply.is_held, "state": reply.state}, status=201
            )
        if reply.is_held:
            messages.warning(request, _("Your reply waits for a moderator before it appears."))
        return redirect(reply)
    return _thread(request, case, form, findings, status=400)


@require_http_methods(["GET", "POST"])
def reply_edit(request: MemberRequest, pk: int) -> HttpResponse:
    reply = get_reply_or_404(request.user, pk)
    check_is_author(request.user, reply)
    form = ReplyForm(
        request.POST or None,
        initial={"body": reply.body, "coi_disclosure": reply.coi_disclosure},
    )
    saved, findings = save_screened(
        form,
        lambda: actions.edit_reply(
            reply,
            by=request.user,
            body=form.cleaned_data["body"],
            coi_disclosure=form.cleaned_data["coi_disclosure"],
            justification=form.cleaned_data["justification"],
            acknowledged=form.cleaned_data["acknowledge_warnings"],
        ),
    )
    if saved is not None:
        messages.success(request, _("Your changes are saved."))
        return redirect(saved)
    return render(
        request,
        "forum/reply_form.html",
        {"form": form, "reply": reply, "findings": findings_context(form, findings)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def reply_delete(request: MemberRequest, pk: int) -> HttpResponse:
    reply = get_reply_or_404(request.user, pk)
    actions.delete_reply(reply, by=request.user)
    return redirect(reply)


@require_POST
def reply_helpful(request: MemberRequest, pk: int) -> HttpResponse:
    reply = get_reply_or_404(request.user, pk)
    actions.mark_helpful(reply, by=request.user, helpful=request.POST.get("helpful") != "0")
    return redirect(reply)


@require_GET
def reply_revisions(request: MemberRequest, pk: int) -> HttpResponse:
    reply = get_reply_or_404(request.user, pk)
    check_can_read_revisions(request.user, reply.case)
    if not can_see_reply(request.user, reply):
        raise Http404
    revisions = reply.revisions.select_related("edited_by__profile")
    return render(
        request,
        "forum/revisions.html",
        {"case": reply.case, "post": reply, "revisions": revisions},
    )


# Live: the fallback for blocked websockets, and the fragments the page fetches ------------


@require_GET
def case_events(request: MemberRequest, pk: int) -> JsonResponse:
    """What changed after `after` (ids and kinds): the same catch-up as the websocket's."""
    case = get_case_or_404(request.user, pk)
    after = parse_int(request.GET.get("after", "0"))
    if after is None:
        return JsonResponse({"error": "after must be a whole number, 0 or more"}, status=400)
    missed = events.events_after(case, after)
    return JsonResponse(
        {"events": missed[: events.MAX_REPLAY], "reload": len(missed) > events.MAX_REPLAY}
    )


@require_GET
def reply_fragment(request: MemberRequest, pk: int) -> HttpResponse:
    """One reply as the thread shows it to this viewer (404 if they may not see it now)."""
    reply = get_reply_or_404(request.user, pk)
    case = reply.case
    moderator = is_moderator_of(request.user, case)
    reply = (
        case.replies.for_thread()
        .prefetch_related(
            Prefetch("uploads", queryset=Upload.objects.shown(), to_attr="shown_images")
        )
        .get(pk=reply.pk)
    )
    reply.images = _visible_images(reply.shown_images, request.user, case)  # type: ignore[attr-defined]
    if moderator:
        _add_review_versions(reply.images)  # type: ignore[attr-defined]
    return render(
        request,
        "forum/_reply.html",
        {
            "reply": reply,
            "case": case,
            "is_author": case.author_id == request.user.pk,
            "is_moderator": moderator,
            "rejection_reasons": Upload.RejectionReason.choices,
            "flag_reasons": Flag.Reason.choices,
        },
    )


# Hints while typing -----------------------------------------------------------------------

HINT_LIMIT = 20_000  # the longest text field of any form


async def screen_hints(request: MemberRequest) -> HttpResponse:
    """The screen's findings on a text being typed, for the page to mark before Publish.

    Nothing is stored or logged. The screen runs in a worker thread, never on the event loop
    (at the size limit it takes a few hundred milliseconds).
    """
    if request.method != "POST":
        return JsonResponse({"error": _("Send the text with POST.")}, status=405)
    text = request.POST.get("text", "")
    if len(text) > HINT_LIMIT:
        return JsonResponse({"error": _("Too long to check while typing.")}, status=413)
    try:
        await sync_to_async(spend_burst)(request.user.pk, "screen", settings.SCRUBROOM_SCREEN_BURST)
        await sync_to_async(spend)(request.user.pk, "screen")
    except QuotaReached as reached:
        # The page stops hinting; the screen still runs when the post is sent.
        return JsonResponse({"error": str(reached)}, status=429)
    colleagues = await sync_to_async(actions.colleague_surnames)({"text": text})
    found = await sync_to_async(phi.scan, thread_sensitive=False)(text, colleagues)
    return JsonResponse(
        {
            "findings": [
                {
                    "text": f.text,
                    "kind": f.kind,
                    "level": f.level,
                    "reason": f.reason,
                    "replacement": f.replacement,
                    "occurrence": text[: f.start].count(f.text),
                }
                for f in found
                if f.level != phi.COLLEAGUE
            ]
        }
    )
