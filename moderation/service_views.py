"""Pages about moderation as service: the moderators, a moderator's service record and its
printable statement, the audit log as CSV, and the published moderation policy."""

from __future__ import annotations

import calendar
import csv
import json
import re
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit.models import AuditEntry
from members.permissions import (
    MemberRequest,
    enrol_for_staff_powers,
    has_staff_powers,
    staff_page,
)
from moderation import service_record
from moderation.permissions import check_can_see_service, get_moderator_or_404
from review import timing

# Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = [
    "time",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "reason",
    "details",
]
MONTH = re.compile(r"(\d{4})-(\d{2})")


# Moderators and their service ----------------------------------------------------------------


@require_GET
def moderators(request: MemberRequest) -> HttpResponse:
    return render(
        request,
        "moderation/moderators.html",
        {"roster": service_record.moderator_roster()},
    )


@require_GET
def moderator_service(request: MemberRequest, pk: int) -> HttpResponse:
    moderator = get_moderator_or_404(pk)
    check_can_see_service(request.user, moderator)
    if not has_staff_powers(request.user):
        return enrol_for_staff_powers(request)
    return render(
        request,
        "moderation/service.html",
        {"moderator": moderator, "record": service_record.service_record(moderator)},
    )


def _month(value: str) -> tuple[int, int] | None:
    match = MONTH.fullmatch(value)
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    return (year, month) if year >= 1970 and 1 <= month <= 12 else None


def statement_period(
    query: dict[str, str], *, first_day: date, today: date
) -> tuple[date, date, bool]:
    """The period a statement covers: (start, end, asked), `asked` when ?from=YYYY-MM and/or
    ?to=YYYY-MM were given and valid. Otherwise, or if the months given are not a period
    ending by today, the whole service: `first_day` to `today`. The end never passes today.
    """
    start, end = first_day, today
    asked_from, asked_to = _month(query.get("from", "")), _month(query.get("to", ""))
    if asked_from is None and asked_to is None:
        return start, end, False
    if asked_from is not None:
        start = date(*asked_from, 1)
    if asked_to is not None:
        year, month = asked_to
        end = min(date(year, month, calendar.monthrange(year, month)[1]), today)
    if start > end:
        return first_day, today, False
    return start, end, True


@require_GET
def moderator_statement(request: MemberRequest, pk: int) -> HttpResponse:
    moderator = get_moderator_or_404(pk)
    check_can_see_service(request.user, moderator)
    if not has_staff_powers(request.user):
        return enrol_for_staff_powers(request)
    today = timezone.localdate()
    first_scope = moderator.moderator_scopes.order_by("granted_at").first()
    first_day = timezone.localdate(first_scope.granted_at) if first_scope else today
    start, end, asked = statement_period(request.GET, first_day=first_day, today=today)
    return render(
        request,
        "moderation/statement.html",
        {
            "moderator": moderator,
            "record": service_record.service_record(moderator, start=start, end=end),
            "start": start,
            "end": end,
            "asked": asked,
            "ignored": not asked and bool(request.GET.get("from") or request.GET.get("to")),
            "issued": today,
        },
    )


# The audit log as CSV -----------------------------------------------------------------------


class _Echo:
    """csv.writer's file: hands each formatted row back instead of storing it."""

    def write(self, value: str) -> str:
        return value


# A spreadsheet that splits on ";" (or tab, or "|") rather than "," starts a new cell after
# each such separator, so a trigger there is a formula too ("Dr Q;=HYPERLINK(...)").
_TRIGGER_AFTER_SEPARATOR = re.compile(r"([,;\t|])(\s*)(?=[=+\-@\r])")


def csv_safe(value: Any) -> str:
    """The cell as text with no formula in any position a spreadsheet would run one: a
    quote before a leading trigger, and before a trigger after any separator (OWASP's
    CSV-injection guidance)."""
    text = "" if value is None else str(value)
    text = _TRIGGER_AFTER_SEPARATOR.sub(r"\1\2'", text)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def csv_row(entry: AuditEntry) -> list[str]:
    cells = [
        entry.created_at.isoformat(),
        entry.actor_id,
        entry.actor_label,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.target_label,
        entry.reason,
        json.dumps(entry.details, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True),
    ]
    return [csv_safe(cell) for cell in cells]


def _csv_lines(entries: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(csv_row(entry))


async def _csv_lines_async(entries: Any) -> AsyncIterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    async for entry in entries.aiterator(chunk_size=2000):
        yield writer.writerow(csv_row(entry))


def _day(value: str) -> date | None:
    """A YYYY-MM-DD query value: None if absent; ValueError if malformed."""
    return date.fromisoformat(value) if value else None


@require_GET
@staff_page(admin=True)
def audit_log_csv(request: MemberRequest) -> HttpResponse | StreamingHttpResponse:
    """The audit log, oldest first, streamed. A malformed filter is a 400, not a quietly
    unfiltered (larger) export."""
    try:
        actor = request.GET.get("actor", "")
        entries = service_record.audit_entries(
            action=request.GET.get("action", ""),
            actor_id=int(actor) if actor else None,
            start=_day(request.GET.get("from", "")),
            end=_day(request.GET.get("to", "")),
        )
    except ValueError:
        return HttpResponseBadRequest(
            _("Filters: actor is a member number, from and to are dates (YYYY-MM-DD).")
        )
    # Under Daphne only an async iterator streams: Django buffers a sync one whole.
    lines = _csv_lines_async(entries) if isinstance(request, ASGIRequest) else _csv_lines(entries)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"scrubroom-audit-log-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# The published moderation policy -------------------------------------------------------------


@require_GET
def moderation_policy(request: MemberRequest) -> HttpResponse:
    median = timing.median_image_review_seconds(days=30)
    return render(
        request,
        "moderation/policy.html",
        {
            "median_image_review": None if median is None else timing.format_duration(median),
            "identifier_flags_to_hide": settings.SCRUBROOM_IDENTIFIER_FLAGS_TO_HIDE,
        },
    )
