"""The home page: every specialty with its activity and its moderators."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from forum.models import Specialty
from members.models import ModeratorScope, User


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    specialties = Specialty.objects.active().with_activity()
    scopes = ModeratorScope.objects.filter(user__in=User.objects.verified()).select_related(
        "user__profile", "specialty"
    )
    moderators: dict[int, list] = {}
    for scope in scopes:
        moderators.setdefault(scope.specialty_id, []).append(scope.user)
    rows = [(specialty, moderators.get(specialty.pk, [])) for specialty in specialties]
    # The member's own specialty first: it is where they will go nine times in ten.
    own = getattr(getattr(request.user, "profile", None), "specialty_id", None)
    rows.sort(key=lambda row: row[0].pk != own)
    return render(request, "forum/home.html", {"rows": rows, "own_specialty_id": own})
