"""The member's own data page: download everything, or delete the account."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from members.actions import InvalidTransition
from members.permissions import MemberRequest, applicant_allowed
from privacy import erasure, export
from privacy.forms import DeleteAccountForm


@require_GET
@applicant_allowed
def my_data(request: MemberRequest) -> HttpResponse:
    """Download everything, or delete the account: for members and applicants alike."""
    return render(request, "privacy/my_data.html", {"delete_form": DeleteAccountForm()})


@require_POST
@applicant_allowed
@reauthentication_required
@never_cache
def my_data_export(request: MemberRequest) -> FileResponse:
    archive = export.build_export(request.user)
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
        return render(request, "privacy/my_data.html", {"delete_form": form}, status=400)
    try:
        erasure.delete_own_account(request.user, posts=form.cleaned_data["posts"])
    except InvalidTransition as error:
        form.add_error(None, str(error))
        return render(request, "privacy/my_data.html", {"delete_form": form}, status=409)
    logout(request)
    return redirect("account_deleted")


@require_GET
@login_not_required
def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/account_deleted.html")
