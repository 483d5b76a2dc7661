from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members import actions, portability
from members.forms import ApplicationForm, DeleteAccountForm
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


@require_GET
@applicant_allowed
def my_data(request: MemberRequest) -> HttpResponse:
    """Download everything, or delete the account: for members and applicants alike."""
    return render(request, "members/my_data.html", {"delete_form": DeleteAccountForm()})


@require_POST
@applicant_allowed
@reauthentication_required
@never_cache
def my_data_export(request: MemberRequest) -> FileResponse:
    archive = portability.build_export(request.user)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"scrubroom-my-data-{timezone.now():%Y-%m-%d}.zip",
        content_type="application/zip",
    )


@require_POST
@applicant_allowed
@reauthentication_required
def delete_account(request: MemberRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST)
    if not form.is_valid():
        return render(request, "members/my_data.html", {"delete_form": form}, status=400)
    try:
        actions.delete_own_account(request.user, posts=form.cleaned_data["posts"])
    except actions.InvalidTransition as error:
        form.add_error(None, str(error))
        return render(request, "members/my_data.html", {"delete_form": form}, status=409)
    logout(request)
    return redirect("account_deleted")


@require_GET
@login_not_required
def account_deleted(request) -> HttpResponse:
    return render(request, "members/account_deleted.html")
