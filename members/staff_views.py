"""Admin pages for verifying applications and managing members and roles."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEntry
from members import actions
from members.forms import MemberStatusForm, RoleForm
from members.models import Application, User
from members.permissions import (
    MemberRequest,
    get_application_for_admin_or_404,
    get_visible_member_or_404,
    has_second_factor,
    staff_page,
)


@require_GET
@staff_page(admin=True)
def application_list(request: MemberRequest) -> HttpResponse:
    applications = (
        Application.objects.pending()
        .select_related("user__profile__specialty")
        .annotate(document_count=Count("documents"))
    )
    return render(request, "members/staff/application_list.html", {"applications": applications})


@require_GET
@staff_page(admin=True)
def application_document(request: MemberRequest, pk: int, document_pk: int) -> FileResponse:
    application = get_application_for_admin_or_404(request.user, pk)
    document = get_object_or_404(application.documents, pk=document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_page(admin=True)
def member_list(request: MemberRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    members = User.objects.select_related("profile__specialty").order_by("pk")
    if status in User.Status.values:
        members = members.filter(status=status)
    return render(
        request,
        "members/staff/member_list.html",
        {"members": members, "status": status, "statuses": User.Status.choices},
    )


def _render_member_detail(
    request: HttpRequest, member: User, *, status: int = 200, **forms: object
) -> HttpResponse:
    context = {
        "member": member,
        "status_form": MemberStatusForm(),
        "role_form": RoleForm(),
        "scopes": member.moderator_scopes.select_related("specialty"),
        "history": AuditEntry.objects.filter(
            target_type=member._meta.label_lower, target_id=member.pk
        ),
        **forms,
    }
    return render(request, "members/staff/member_detail.html", context, status=status)


@require_GET
@staff_page(admin=True)
def member_detail(request: MemberRequest, pk: int) -> HttpResponse:
    return _render_member_detail(request, get_visible_member_or_404(request.user, pk))


@require_POST
@staff_page(admin=True)
def member_status(request: MemberRequest, pk: int) -> HttpResponse:
    member = get_visible_member_or_404(request.user, pk)
    form = MemberStatusForm(request.POST)
    if not form.is_valid():
        return _render_member_detail(request, member, status=400, status_form=form)
    verb = {
        "suspend": actions.suspend_member,
        "reinstate": actions.reinstate_member,
        "deactivate": actions.deactivate_member,
    }[form.cleaned_data["action"]]
    try:
        verb(member, by=request.user, reason=form.cleaned_data["reason"])
    except actions.InvalidTransition as error:
        form.add_error(None, str(error))
        return _render_member_detail(request, member, status=400, status_form=form)
    messages.success(request, _("Done. The change is in the audit log."))
    return redirect("staff_member_detail", pk=pk)


@require_POST
@staff_page(admin=True)
def member_roles(request: MemberRequest, pk: int) -> HttpResponse:
    member = get_visible_member_or_404(request.user, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _render_member_detail(request, member, status=400, role_form=form)
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    specialty = form.cleaned_data["specialty"]
    try:
        if action == "grant_moderator":
            actions.grant_moderator(member, specialty, by=request.user, reason=reason)
        elif action == "revoke_moderator":
            actions.revoke_moderator(member, specialty, by=request.user, reason=reason)
        elif action == "grant_admin":
            actions.grant_admin(member, by=request.user, reason=reason)
        else:
            actions.revoke_admin(member, by=request.user, reason=reason)
    except actions.InvalidTransition as error:
        form.add_error(None, str(error))
        return _render_member_detail(request, member, status=400, role_form=form)
    messages.success(request, _("Role updated. The change is in the audit log."))
    if action.startswith("grant") and not has_second_factor(member):
        # The role waits: has_staff_powers gives nothing without a second factor.
        messages.warning(
            request,
            _(
                "%(name)s has no second factor yet: the role stays inactive, and they see "
                "the forum as any member does, until they set one up. Ask them to."
            )
            % {"name": member.display_name},
        )
    return redirect("staff_member_detail", pk=pk)
