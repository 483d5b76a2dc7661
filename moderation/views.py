from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.chain import verify
from audit.models import AuditEntry
from members.permissions import staff_page


@require_GET
@staff_page(admin=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.all()
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    # The whole chain is walked on each visit: the log of one community stays small enough,
    # and an admin should see at once if it no longer holds.
    return render(
        request,
        "moderation/audit_log.html",
        {"page": page, "action": action, "chain": verify()},
    )
