from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from members import actions
from members.forms import ApplicationForm
from members.models import Application, User
from members.permissions import MemberRequest, applicant_allowed, get_visible_member_or_404


@require_GET
@applicant_allowed
def membership_status(request: MemberRequest) -> HttpResponse:
    """Where every signed-in non-member lands: what happens next, and why."""
    user = request.user
    if user.is_verified_member:
        return redirect("home")
    application = Application.objects.filter(user=user).first()
    return render(request, "members/status.html", {"application": application, "member": user})


@require_http_methods(["GET", "POST"])
@applicant_allowed
def apply(request: MemberRequest) -> HttpResponse:
    user = request.user
    if user.status != User.Status.APPLICANT:
        return redirect("membership_status")
    application = Application.objects.filter(user=user).first()
    if application is not None and not application.can_be_edited_by_applicant:
        messages.info(request, _("Your application is waiting for an admin."))
        return redirect("membership_status")
    profile = getattr(user, "profile", None)
    form = ApplicationForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        actions.submit_application(
            user, profile=form.profile_data(), documents=form.cleaned_data["documents"]
        )
        messages.success(request, _("Thank you. An admin will review your application."))
        return redirect("membership_status")
    return render(request, "members/apply.html", {"form": form, "application": application})


@require_GET
def profile(request: MemberRequest, pk: int) -> HttpResponse:
    member = get_visible_member_or_404(request.user, pk)
    return render(request, "members/profile.html", {"member": member})
