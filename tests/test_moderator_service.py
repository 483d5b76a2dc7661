"""Moderation as service: the moderators page, a moderator's service record and printable
statement (theirs and the admins' only), the audit log as CSV (admins only), and the
published moderation policy with its median image review time."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import AsyncClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from forum.models import Specialty
from members.models import ModeratorScope, User
from moderation import service_record
from moderation.service_views import statement_period
from review import timing
from review.models import ReviewItem

SEPT_1 = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
OCT_1 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def decide(hernia):
    """`decide(moderator, opened_at, minutes, kind=...)`: a review item closed by them."""
    target_type = ContentType.objects.get_for_model(Specialty)

    def make(
        by: User | None,
        opened_at: datetime,
        minutes: float,
        *,
        kind: str = ReviewItem.Kind.IMAGE,
        state: str = ReviewItem.State.CLOSED,
    ) -> ReviewItem:
        closed = state == ReviewItem.State.CLOSED
        return ReviewItem.objects.create(
            kind=kind,
            target_type=target_type,
            target_id=hernia.pk,
            specialty=hernia,
            state=state,
            opened_at=opened_at,
            closed_at=opened_at + timedelta(minutes=minutes) if closed else None,
            decided_by=by if closed else None,
            decision="approve" if closed else "",
        )

    return make


def backdate_scopes(user: User, when: datetime) -> None:
    ModeratorScope.objects.filter(user=user).update(granted_at=when)


@pytest.fixture
def daves_record(dave, grace, decide):
    """Dave: two images in September (10 and 30 min), one held post in October (2 h).
    Grace's decision and an open item are not his."""
    backdate_scopes(dave, datetime(2026, 8, 15, tzinfo=UTC))
    decide(dave, SEPT_1, 10)
    decide(dave, SEPT_1 + timedelta(days=3), 30)
    decide(dave, OCT_1, 120, kind=ReviewItem.Kind.HELD_POST)
    decide(grace, OCT_1, 5)
    decide(None, OCT_1, 0, state=ReviewItem.State.OPEN)
    return dave


# The roster -------------------------------------------------------------------------------


def test_the_roster_lists_verified_moderators_by_name_with_specialties_and_since(
    make_member, hernia, vascular, dave, alice, bob
):
    zoe = make_member("Zoe Abara", moderates=(vascular, hernia))
    ModeratorScope.objects.filter(user=zoe, specialty=vascular).update(
        granted_at=datetime(2025, 1, 10, tzinfo=UTC)
    )
    make_member("Sam Suspended", status=User.Status.SUSPENDED, moderates=(hernia,))

    roster = service_record.moderator_roster()

    assert [row["name"] for row in roster] == ["Dave Lindqvist", "Zoe Abara"]
    assert roster[0]["user"] == dave
    assert roster[0]["specialties"] == [hernia.name]
    assert roster[1]["specialties"] == sorted([hernia.name, vascular.name])
    assert roster[1]["since"] == datetime(2025, 1, 10, tzinfo=UTC)


def test_the_roster_costs_two_queries_however_many_moderators(
    make_member, hernia, django_assert_num_queries
):
    for name in ("Ann One", "Ben Two", "Cat Three", "Dan Four"):
        make_member(name, moderates=(hernia,))
    with django_assert_num_queries(2):
        roster = service_record.moderator_roster()
        assert all(row["user"].is_moderator for row in roster)  # from the prefetch


def test_the_moderators_page_lists_each_moderator_and_what_they_do(
    client_for, alice, dave, bob, hernia
):
    page = client_for(alice).get(reverse("moderators")).content.decode()
    assert "Dave Lindqvist" in page
    assert hernia.name in page
    assert timezone.localdate().strftime("%B %Y") in page
    assert "morbidity and mortality" in page
    assert "Bob Tanaka" not in page
    # Service records are linked for admins only (and the moderator's own).
    assert reverse("moderator_service", args=[dave.pk]) not in page


def test_the_moderators_page_links_service_records_for_admins_and_the_moderator(
    client_for, erin, dave
):
    url = reverse("moderator_service", args=[dave.pk])
    assert url in client_for(erin).get(reverse("moderators")).content.decode()
    assert url in client_for(dave).get(reverse("moderators")).content.decode()


def test_the_moderators_page_costs_the_same_queries_for_one_or_many(
    client_for, alice, make_member, hernia
):
    client = client_for(alice)
    make_member("Ann One", moderates=(hernia,))
    client.get(reverse("moderators"))  # warm the session and the specialty cache
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("moderators"))
    for name in ("Ben Two", "Cat Three", "Dan Four", "Eve Five"):
        make_member(name, moderates=(hernia,))
    with CaptureQueriesContext(connection) as five:
        page = client.get(reverse("moderators")).content.decode()
    assert "Eve Five" in page
    assert len(five) == len(one)


def test_the_moderators_page_is_for_members_and_get_only(client_for, alice):
    assert client_for(None).get(reverse("moderators")).status_code == 302
    assert client_for(alice).post(reverse("moderators")).status_code == 405


# The service record -----------------------------------------------------------------------


def test_the_service_record_counts_and_times_the_moderators_own_decisions(daves_record, hernia):
    record = service_record.service_record(daves_record)
    assert record["total"] == 3
    assert record["median_seconds"] == 30 * 60
    assert record["median"] == "30 min"
    assert record["by_kind"] == [
        {"kind": "image", "label": "Image awaiting approval", "count": 2},
        {"kind": "held_post", "label": "Post held by the identifier screen", "count": 1},
    ]
    assert record["specialties"] == [
        {"name": hernia.name, "since": datetime(2026, 8, 15, tzinfo=UTC)}
    ]
    assert record["since"] == datetime(2026, 8, 15, tzinfo=UTC)


def test_the_service_record_groups_decisions_by_calendar_month(daves_record):
    assert service_record.service_record(daves_record)["by_month"] == [
        {"month": "2026-09", "count": 2, "median_seconds": 20 * 60, "median": "20 min"},
        {"month": "2026-10", "count": 1, "median_seconds": 2 * 3600, "median": "2 h"},
    ]


def test_the_service_record_can_cover_a_period(daves_record):
    record = service_record.service_record(
        daves_record, start=date(2026, 10, 1), end=date(2026, 10, 31)
    )
    assert (record["total"], record["median_seconds"]) == (1, 7200)
    assert [row["kind"] for row in record["by_kind"]] == ["held_post"]


def test_a_moderator_with_no_decisions_has_an_empty_record(grace):
    record = service_record.service_record(grace)
    assert (record["total"], record["median"], record["by_month"]) == (0, None, [])


def test_the_service_record_costs_two_queries(daves_record, django_assert_num_queries):
    with django_assert_num_queries(2):
        service_record.service_record(daves_record)


# Who sees a service record and a statement -----------------------------------------------

SERVICE_PAGES = ["moderator_service", "moderator_statement"]


@pytest.mark.parametrize("name", SERVICE_PAGES)
def test_a_moderator_sees_their_own_service(client_for, dave, name):
    assert client_for(dave).get(reverse(name, args=[dave.pk])).status_code == 200


@pytest.mark.parametrize("name", SERVICE_PAGES)
def test_admins_see_any_moderators_service(client_for, erin, dave, name):
    assert client_for(erin).get(reverse(name, args=[dave.pk])).status_code == 200


@pytest.mark.parametrize("name", SERVICE_PAGES)
def test_other_members_and_moderators_are_refused(client_for, alice, grace, dave, name):
    assert client_for(alice).get(reverse(name, args=[dave.pk])).status_code == 403
    # Another moderator without a second factor is refused, not asked to enrol.
    assert client_for(grace).get(reverse(name, args=[dave.pk])).status_code == 403


@pytest.mark.parametrize("name", SERVICE_PAGES)
def test_ids_that_are_not_moderators_are_unknown(
    client_for, erin, alice, make_member, hernia, name
):
    client = client_for(erin)
    suspended = make_member("Sam Suspended", status=User.Status.SUSPENDED, moderates=(hernia,))
    assert client.get(reverse(name, args=[999999])).status_code == 404
    assert client.get(reverse(name, args=[alice.pk])).status_code == 404
    assert client.get(reverse(name, args=[suspended.pk])).status_code == 404


@pytest.mark.parametrize("name", SERVICE_PAGES)
def test_the_service_pages_are_get_only(client_for, dave, name):
    assert client_for(dave).post(reverse(name, args=[dave.pk])).status_code == 405


@pytest.mark.parametrize("name", SERVICE_PAGES)
def test_staff_without_a_second_factor_are_sent_to_enrol(client_for, grace, frank, name):
    for viewer in (grace, frank):
        response = client_for(viewer).get(reverse(name, args=[grace.pk]))
        assert (response.status_code, response["Location"]) == (302, reverse("mfa_index"))


def test_the_service_page_shows_counts_medians_months_and_the_statement_link(
    client_for, daves_record
):
    page = client_for(daves_record).get(reverse("moderator_service", args=[daves_record.pk]))
    text = page.content.decode()
    assert "Items reviewed</dt><dd>3</dd>" in text
    assert "30 min" in text
    assert "2026-09" in text and "20 min" in text and "2026-10" in text
    assert "Image awaiting approval" in text
    assert "15 August 2026" in text
    assert reverse("moderator_statement", args=[daves_record.pk]) in text


# The statement ----------------------------------------------------------------------------


def statement(client, moderator: User, **query: str) -> str:
    response = client.get(reverse("moderator_statement", args=[moderator.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_statement_names_the_moderator_specialties_counts_and_period(
    client_for, daves_record, hernia
):
    page = statement(client_for(daves_record), daves_record)
    assert "Statement of moderation service" in page
    assert "Dave Lindqvist" in page
    assert f"{hernia.name}, since 15 August 2026" in page
    today = timezone.localdate()
    assert f"15 August 2026 to {today:%-d %B %Y}" in page
    assert '<dd class="statement-total">3</dd>' in page
    assert "<td>Image awaiting approval</td><td>2</td>" in page
    assert "<td>Post held by the identifier screen</td><td>1</td>" in page
    assert "30 min" in page
    assert f"Issued on {today:%-d %B %Y}." in page
    assert "Issued by Scrubroom from its moderation records" in page


def test_the_statement_prints_with_its_own_stylesheet_and_nothing_inline(client_for, dave):
    page = statement(client_for(dave), dave)
    assert '<link rel="stylesheet" href="/static/css/print-statement.css">' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script
    assert "style=" not in page and "<style" not in page


def test_the_statement_covers_the_months_asked_for(client_for, daves_record):
    page = statement(client_for(daves_record), daves_record, **{"from": "2026-09", "to": "2026-09"})
    assert "1 September 2026 to 30 September 2026" in page
    assert '<dd class="statement-total">2</dd>' in page
    assert "Post held by the identifier screen" not in page
    assert "20 min" in page


@pytest.mark.parametrize(
    "query",
    [{"from": "2026-13"}, {"from": "September"}, {"from": "2026-10", "to": "2026-09"}],
)
def test_an_invalid_period_falls_back_to_the_whole_service(client_for, daves_record, query):
    page = statement(client_for(daves_record), daves_record, **query)
    assert "15 August 2026 to" in page
    assert '<dd class="statement-total">3</dd>' in page
    assert "was not a valid range of months" in page


def test_a_statement_period_ends_today_at_the_latest():
    today = date(2026, 11, 23)
    assert statement_period({}, first_day=date(2026, 8, 15), today=today) == (
        date(2026, 8, 15),
        today,
        False,
    )
    assert statement_period(
        {"from": "2026-10", "to": "2027-02"}, first_day=date(2026, 8, 15), today=today
    ) == (date(2026, 10, 1), today, True)
    assert statement_period({"to": "2026-09"}, first_day=date(2026, 8, 15), today=today) == (
        date(2026, 8, 15),
        date(2026, 9, 30),
        True,
    )
    assert statement_period({"from": "2027-01"}, first_day=date(2026, 8, 15), today=today)[2] is (
        False
    )


# The audit log as CSV ---------------------------------------------------------------------


def entry(when: datetime, *, actor: int = 1, action: str = "post.hide", **fields) -> AuditEntry:
    defaults = {
        "actor_label": f"Member #{actor}",
        "target_type": "forum.case",
        "target_id": 7,
        "target_label": "Case #7",
        "reason": "Identifier in image",
        "details": {"specialty": "hernia"},
    }
    return AuditEntry.objects.create(
        created_at=when, actor_id=actor, action=action, **{**defaults, **fields}
    )


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_admins_download_the_audit_log_as_csv(client_for, erin):
    entry(SEPT_1, action="post.hide")
    entry(OCT_1, action="image.approve", details={"note": "fine"})
    response = client_for(erin).get(reverse("staff_audit_log_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="scrubroom-audit-log-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    assert response["Cache-Control"] == "no-store"
    rows = csv_rows(response)
    assert rows[0] == [
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
    assert rows[1:] == [
        [
            "2026-09-01T09:00:00+00:00",
            "1",
            "Member #1",
            "post.hide",
            "forum.case",
            "7",
            "Case #7",
            "Identifier in image",
            '{"specialty": "hernia"}',
        ],
        [
            "2026-10-01T09:00:00+00:00",
            "1",
            "Member #1",
            "image.approve",
            "forum.case",
            "7",
            "Case #7",
            "Identifier in image",
            '{"note": "fine"}',
        ],
    ]


def test_the_csv_export_is_for_admins_only(client_for, dave, alice, frank, erin):
    url = reverse("staff_audit_log_csv")
    assert client_for(dave).get(url).status_code == 403
    assert client_for(alice).get(url).status_code == 403
    assert client_for(frank).get(url)["Location"] == reverse("mfa_index")
    assert client_for(erin).post(url).status_code == 405


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "image.approve"}, ["b"]),
        ({"actor": "2"}, ["c"]),
        ({"from": "2026-10-01"}, ["b", "c"]),
        ({"to": "2026-09-30"}, ["a"]),
        ({"from": "2026-10-01", "to": "2026-10-01", "actor": "1"}, ["b"]),
    ],
)
def test_the_csv_export_filters_like_the_audit_log(client_for, erin, query, expected):
    entry(SEPT_1, reason="a")
    entry(OCT_1 + timedelta(hours=14), action="image.approve", reason="b")
    entry(OCT_1 + timedelta(days=1), actor=2, reason="c")
    rows = csv_rows(client_for(erin).get(reverse("staff_audit_log_csv"), query))
    assert [row[7] for row in rows[1:]] == expected


@pytest.mark.parametrize("query", [{"actor": "dave"}, {"from": "2026-13-01"}, {"to": "yesterday"}])
def test_a_malformed_csv_filter_is_refused(client_for, erin, query):
    assert client_for(erin).get(reverse("staff_audit_log_csv"), query).status_code == 400


def test_the_csv_export_defuses_spreadsheet_formulas(client_for, erin):
    entry(
        SEPT_1,
        actor_label="@SUM(1+1)",
        target_label="+44 20 7946 0000",
        reason='=HYPERLINK("http://evil.example","click")',
        details={"note": "=1+1"},
    )
    entry(OCT_1, actor_label="-2+3", target_label="\tTabbed", reason="\r=cmd")
    first, second = csv_rows(client_for(erin).get(reverse("staff_audit_log_csv")))[1:]
    assert first[2] == "'@SUM(1+1)"
    assert first[6] == "'+44 20 7946 0000"
    assert first[7] == '\'=HYPERLINK("http://evil.example","click")'
    assert first[8] == '{"note": "=1+1"}'  # starts with {: inert
    assert (second[2], second[6], second[7]) == ("'-2+3", "'\tTabbed", "'\r=cmd")


def test_a_formula_after_a_separator_is_defused_too(client_for, erin):
    # A spreadsheet that splits on ";" or tabs would start a cell after each.
    entry(SEPT_1, actor_label='Dr Q;=HYPERLINK("http://evil.example")', reason="ok|@SUM(1)")
    entry(OCT_1, actor_label="Dr R; \t-2+3", reason="a,+1 and plain; text")
    first, second = csv_rows(client_for(erin).get(reverse("staff_audit_log_csv")))[1:]
    assert first[2] == 'Dr Q;\'=HYPERLINK("http://evil.example")'
    assert first[7] == "ok|'@SUM(1)"
    assert second[2] == "Dr R; \t'-2+3"
    assert second[7] == "a,'+1 and plain; text"


def test_the_csv_export_streams_asynchronously_under_asgi(erin):
    # Under Daphne a sync iterator would be read whole into memory before sending.
    entry(SEPT_1, reason="a")
    entry(OCT_1, reason="b")

    async def download() -> tuple[bool, str]:
        client = AsyncClient()
        await client.aforce_login(erin)
        response = await client.get(reverse("staff_audit_log_csv"))
        body = b"".join([part async for part in response.streaming_content])
        return response.is_async, body.decode()

    is_async, body = async_to_sync(download)()
    assert is_async
    assert [row[7] for row in csv.reader(io.StringIO(body))] == ["reason", "a", "b"]


# The moderation policy --------------------------------------------------------------------


def test_the_policy_says_when_there_are_not_enough_reviews_yet(client_for, alice):
    page = client_for(alice).get(reverse("policy_moderation")).content.decode()
    assert "Moderation policy" in page
    assert "not enough reviews yet" in page
    assert "tattoos" in page and "conflicts of interest" in page and "contact an admin" in page
    assert "by 2 members, or by one moderator" in page
    assert "append-only audit log" in page


def test_the_policy_shows_the_median_image_review_time(client_for, alice, dave, decide):
    now = timezone.now()
    for minutes in (20, 200, 5):
        decide(dave, now - timedelta(days=2), minutes)
    page = client_for(alice).get(reverse("policy_moderation")).content.decode()
    assert "<strong>20 min</strong>" in page
    assert "not enough reviews yet" not in page


def test_the_policy_is_for_members_and_get_only(client_for, alice):
    assert client_for(None).get(reverse("policy_moderation")).status_code == 302
    assert client_for(alice).post(reverse("policy_moderation")).status_code == 405


def test_the_median_image_review_time_counts_recent_decided_images_only(dave, decide):
    now = timezone.now()
    assert timing.median_image_review_seconds() is None
    decide(dave, now - timedelta(hours=3), 10)
    decide(dave, now - timedelta(hours=5), 30)
    decide(dave, now - timedelta(hours=2), 600, kind=ReviewItem.Kind.HELD_POST)
    decide(dave, now - timedelta(hours=2), 900, kind=ReviewItem.Kind.FLAGGED_POST)
    decide(dave, now - timedelta(days=40), 5000)  # closed long ago
    decide(None, now - timedelta(hours=1), 0, state=ReviewItem.State.OPEN)
    assert timing.median_image_review_seconds() == 20 * 60
    assert timing.median_image_review_seconds(days=60) == 30 * 60


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "under a minute"),
        (59.9, "under a minute"),
        (60, "1 min"),
        (45 * 60 + 30, "45 min"),
        (3600, "1 h"),
        (3 * 3600 + 20 * 60, "3 h 20 min"),
        (86400, "1 day"),
        (86400 + 3600 + 59, "1 day 1 h"),
        (2 * 86400 + 4 * 3600 + 15 * 60, "2 days 4 h"),
        (3 * 86400, "3 days"),
    ],
)
def test_durations_read_like_people_say_them(seconds, text):
    assert timing.format_duration(seconds) == text


def test_the_upload_form_shows_the_median_review_time(client_for, alice, dave, decide):
    from django.utils import timezone

    page = client_for(alice).get("/cases/new/").content.decode()
    assert "Not enough reviews in the last 30 days" in page
    decide(dave, timezone.now() - timezone.timedelta(hours=5), 90, kind="image")
    page = client_for(alice).get("/cases/new/").content.decode()
    assert "Images are reviewed in 1 h 30 min (median over the last 30 days)." in page
