"""An admin's decision on a membership application: the staff page, deciding through the
one decision verb (moderation/actions.py decide), like every other decision."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from audit.models import AuditEntry
from forum.inputs import parse_int
from members.forms import DecisionForm
from members.permissions import MemberRequest, get_application_for_admin_or_404, staff_page
from moderation import actions
from moderation.actions import Decision
from review import queue

DONE = {
    "approve": gettext_lazy("Approved. The member has been told by email."),
    "reject": gettext_lazy("Rejected. The applicant has been told why."),
    "more_info": gettext_lazy("The applicant has been asked for more information."),
}


@require_http_methods(["GET", "POST"])
@staff_page(admin=True)
def application_detail(request: MemberRequest, pk: int) -> HttpResponse:
    application = get_application_for_admin_or_404(request.user, pk)
    item = queue.open_item_for(application)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not application.is_open or item is None:
            messages.error(request, _("This application has already been handled."))
            return redirect("staff_application_detail", pk=pk)
        if form.is_valid():
            # A form from before versions, or a forged one: refused as out of date below.
            version = parse_int(request.POST.get("version", "")) or 0
            action = form.cleaned_data["decision"]
            try:
                actions.decide(
                    item,
                    by=request.user,
                    version=version,
                    decision=Decision(action, message=form.cleaned_data["note"]),
                )
            except (actions.Conflict, ValueError) as refusal:
                messages.error(request, str(refusal))
                return redirect("staff_application_detail", pk=pk)
            messages.success(request, DONE[action])
            return redirect("staff_application_list")
    history = AuditEntry.objects.filter(
        target_type=application._meta.label_lower, target_id=application.pk
    )
    return render(
        request,
        "members/staff/application_detail.html",
        {
            "application": application,
            "item": item,
            "documents": application.documents.all(),
            "form": form,
            "history": history,
        },
    )
