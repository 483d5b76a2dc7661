"""Who sees what, on every surface, from one table (issue 16).

Roles by content states by surfaces. Every piece of content carries its own marker word, and
each surface is asked the way a person meets it: the page's HTML, its <title>, a reply's
fragment, the events endpoint, the websocket, search, the notifications page, the member's
own data export, an image's URL. Each cell of the tables below is the answer expected for
that role; the test lists every cell that differs.

The row checks (can_see_*) and their queryset twins (*_visible_to) are also held to each
other for every role and object, so a list can never show what a page refuses, or the
reverse.

Tokens: `302` sent to sign in (or to the membership gate), `404` unknown, `200+` the page
opens and shows the marker, `200-` it opens without it (a tombstone, "Hidden case"); for
surfaces that only show or not: `+` shown, `-` not shown, `0` no entry at all, `.` not
asked (the role has no such surface).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from PIL import Image

from forum import actions
from forum.models import Case, Notification, Outcome, PostState, Reply
from forum.permissions import (
    can_see_case,
    can_see_image,
    can_see_outcome,
    can_see_reply,
    cases_visible_to,
    images_visible_to,
    outcomes_visible_to,
    replies_visible_to,
)
from members.models import User
from moderation import actions as moderation_actions
from moderation.actions import Decision
from privacy.export import build_export
from review.models import Flag
from review.queue import open_item_for
from scrubroom.routing import websocket_urlpatterns
from tests.conftest import CASE_DATA
from uploads import actions as upload_actions
from uploads.models import Upload

ROLES = (
    "anonymous",
    "applicant",
    "suspended",
    "member",  # a verified member of another specialty, not the author
    "author",
    "moderator",  # of the content's specialty, second factor enrolled
    "moderator_no_2fa",  # of the content's specialty, no second factor: no staff power
    "moderator_elsewhere",  # of another specialty, second factor enrolled
    "admin",
    "admin_no_2fa",
)
MEMBERS = ROLES[3:]


def row(tokens: str) -> dict[str, str]:
    values = tokens.split()
    assert len(values) == len(ROLES), tokens
    return dict(zip(ROLES, values, strict=True))


# fmt: off
# Columns:         anon app  susp  memb  auth  mod   mod-  mod@  adm   adm-
CASE_PAGE = {
    "published": "  302  302  302  200+  200+  200+  200+  200+  200+  200+",
    "held":      "  302  302  302  404   200+  200+  404   404   200+  404",
    "returned":  "  302  302  302  404   200+  200+  404   404   200+  404",
    "hidden":    "  302  302  302  200-  200+  200+  200-  200-  200+  200-",
    "deleted":   "  302  302  302  200-  200-  200-  200-  200-  200-  200-",
    "locked":    "  302  302  302  200+  200+  200+  200+  200+  200+  200+",
}
CASE_TITLE = {  # the page's <title>
    "published": "  .    .    .    +     +     +     +     +     +     +",
    "held":      "  .    .    .    .     +     +     .     .     +     .",
    "returned":  "  .    .    .    .     +     +     .     .     +     .",
    "hidden":    "  .    .    .    -     +     +     -     -     +     -",
    "deleted":   "  .    .    .    -     -     -     -     -     -     -",
    "locked":    "  .    .    .    +     +     +     +     +     +     +",
}
CASE_EVENTS = {  # /cases/<pk>/events/ and the websocket share one answer
    "published": "  302  302  302  200   200   200   200   200   200   200",
    "held":      "  302  302  302  404   200   200   404   404   200   404",
    "returned":  "  302  302  302  404   200   200   404   404   200   404",
    "hidden":    "  302  302  302  200   200   200   200   200   200   200",
    "deleted":   "  302  302  302  200   200   200   200   200   200   200",
    "locked":    "  302  302  302  200   200   200   200   200   200   200",
}
CASE_SEARCH = {  # search lists published cases only, for everyone
    "published": "  302  302  302  +     +     +     +     +     +     +",
    "held":      "  302  302  302  -     -     -     -     -     -     -",
    "returned":  "  302  302  302  -     -     -     -     -     -     -",
    "hidden":    "  302  302  302  -     -     -     -     -     -     -",
    "deleted":   "  302  302  302  -     -     -     -     -     -     -",
    "locked":    "  302  302  302  +     +     +     +     +     +     +",
}
CASE_NOTIFICATIONS = {  # a notification about the case, in the role's own list
    "published": "  302  302  302  +     +     +     +     +     +     +",
    "held":      "  302  302  302  0     +     +     0     0     +     0",
    "returned":  "  302  302  302  0     +     +     0     0     +     0",
    "hidden":    "  302  302  302  -     +     +     -     -     +     -",
    "deleted":   "  302  302  302  -     -     -     -     -     -     -",
    "locked":    "  302  302  302  +     +     +     +     +     +     +",
}
CASE_EXPORT = {  # the role's own export, holding their reply on the case (the author's: the case)
    "published": "  .    .    .    +     +     +     +     +     +     +",
    "held":      "  .    .    .    -     +     +     -     -     +     -",
    "returned":  "  .    .    .    -     +     +     -     -     +     -",
    "hidden":    "  .    .    .    -     +     +     -     -     +     -",
    "deleted":   "  .    .    .    -     -     -     -     -     -     -",
    "locked":    "  .    .    .    +     +     +     +     +     +     +",
}
REPLY_PAGE = {  # the reply's words on its (published) thread's page
    "published": "  302  302  302  +     +     +     +     +     +     +",
    "held":      "  302  302  302  -     +     +     -     -     +     -",
    "returned":  "  302  302  302  -     +     +     -     -     +     -",
    "hidden":    "  302  302  302  -     +     +     -     -     +     -",
    "deleted":   "  302  302  302  -     -     -     -     -     -     -",
    "flagged":   "  302  302  302  +     +     +     +     +     +     +",
    "quoted":    "  302  302  302  -     +     +     -     -     +     -",
}
REPLY_FRAGMENT = {
    "published": "  302  302  302  200+  200+  200+  200+  200+  200+  200+",
    "held":      "  302  302  302  404   200+  200+  404   404   200+  404",
    "returned":  "  302  302  302  404   200+  200+  404   404   200+  404",
    "hidden":    "  302  302  302  200-  200+  200+  200-  200-  200+  200-",
    "deleted":   "  302  302  302  200-  200-  200-  200-  200-  200-  200-",
    "flagged":   "  302  302  302  200+  200+  200+  200+  200+  200+  200+",
    "quoted":    "  302  302  302  200-  200+  200+  200-  200-  200+  200-",
}
OUTCOME_PAGE = {  # the outcome's words on its (published) case's page
    "published": "  302  302  302  +     +     +     +     +     +     +",
    "held":      "  302  302  302  -     +     +     -     -     +     -",
    "returned":  "  302  302  302  -     +     +     -     -     +     -",
    "hidden":    "  302  302  302  -     +     +     -     -     +     -",
    "on_hidden": "  302  302  302  -     +     +     -     -     +     -",
}
OUTCOME_SEARCH = {
    "published": "  302  302  302  +     +     +     +     +     +     +",
    "held":      "  302  302  302  -     -     -     -     -     -     -",
    "returned":  "  302  302  302  -     -     -     -     -     -     -",
    "hidden":    "  302  302  302  -     -     -     -     -     -     -",
    "on_hidden": "  302  302  302  -     -     -     -     -     -     -",
}
IMAGE_URL = {  # /uploads/<pk>/
    "draft":          "  302  302  302  404   200   404   404   404   404   404",
    "pending":        "  302  302  302  404   200   200   404   404   200   404",
    "approved":       "  302  302  302  200   200   200   200   200   200   200",
    "rejected":       "  302  302  302  404   404   404   404   404   404   404",
    "on_hidden_case": "  302  302  302  404   200   200   404   404   200   404",
    "on_held_reply":  "  302  302  302  404   200   200   404   404   200   404",
}
IMAGE_PAGE = {  # the image on its thread's page
    "draft":          "  302  302  302  -     -     -     -     -     -     -",
    "pending":        "  302  302  302  -     +     +     -     -     +     -",
    "approved":       "  302  302  302  +     +     +     +     +     +     +",
    "rejected":       "  302  302  302  -     -     -     -     -     -     -",
    "on_hidden_case": "  302  302  302  -     +     +     -     -     +     -",
    "on_held_reply":  "  302  302  302  -     +     +     -     -     +     -",
}
# fmt: on


@dataclass
class World:
    users: dict[str, User | None]
    cases: dict[str, Case] = field(default_factory=dict)
    replies: dict[str, Reply] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    images: dict[str, Upload] = field(default_factory=dict)
    host: Case | None = None  # the published thread that holds the replies and images

    def client(self, role: str) -> Client:
        client = Client()
        user = self.users[role]
        if user is not None:
            client.force_login(user)
        return client


def marker(kind: str, state: str) -> str:
    return f"zq{kind}{state.replace('_', '')}marker"  # one word: search and HTML alike


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (160, 110, 90)).save(out, "JPEG")
    return out.getvalue()


def set_state(post, state: str, **fields) -> None:
    type(post).objects.filter(pk=post.pk).update(state=state, **fields)
    post.refresh_from_db()


@pytest.fixture
def world(make_member, alice, bob, carol, dave, grace, erin, frank, vascular, hernia) -> World:
    users = {
        "anonymous": None,
        "applicant": carol,
        "suspended": make_member("Sam Suspended", status=User.Status.SUSPENDED),
        "member": bob,
        "author": alice,
        "moderator": dave,
        "moderator_no_2fa": grace,
        "moderator_elsewhere": make_member(
            "Victor Vascular", specialty=vascular, moderates=(vascular,), mfa=True
        ),
        "admin": erin,
        "admin_no_2fa": frank,
    }
    w = World(users)

    def case(state: str, **fields) -> Case:
        made = actions.create_case(
            alice,
            specialty=hernia,
            data={**CASE_DATA, "title": f"Case {marker('case', state)}", **fields},
            tags=[],
        )
        return made

    # Cases in every state; each member has a reply on each (for the export), and a
    # notification about each (for the notifications page).
    for state in CASE_PAGE:
        made = case(state)
        for role in MEMBERS:
            if role != "author":
                Reply.objects.create(case=made, author=users[role], body="A colleague's view.")
            Notification.objects.create(user=users[role], case=made, kind=Notification.Kind.REPLY)
        if state == "locked":
            Case.objects.filter(pk=made.pk).update(locked_at=made.created_at)
        elif state == "deleted":
            actions.delete_case(made, by=alice)
        elif state != "published":
            set_state(made, state, moderation_reason="For the matrix.")
        w.cases[state] = Case.objects.get(pk=made.pk)

    # Replies in every state on one published thread.
    w.host = host = case("host", presentation="The thread that holds the replies.")
    for state in REPLY_PAGE:
        reply = actions.create_reply(host, author=alice, body=f"I would {marker('reply', state)}.")
        if state == "deleted":
            actions.delete_reply(reply, by=alice)
        elif state == "flagged":
            moderation_actions.flag(reply, by=bob, reason=Flag.Reason.UNPROFESSIONAL)
        elif state == "quoted":
            # Hidden by a moderator, and quoted by another member before that: the quote
            # must not carry the hidden words back onto the page.
            quoting = actions.create_reply(
                host, author=bob, body="> I would " + marker("reply", state) + ".\n\nAgreed."
            )
            Reply.objects.filter(pk=quoting.pk).update(quotes=reply)
            actions.hide_post(reply, by=dave, reason="For the matrix.")
        elif state == "hidden":
            actions.hide_post(reply, by=dave, reason="For the matrix.")
        elif state != "published":
            set_state(reply, state)
        w.replies[state] = Reply.objects.get(pk=reply.pk)

    # Outcomes in every state, each on a published case of its own (one on a hidden case).
    for state in OUTCOME_PAGE:
        on = case(f"outcomehost{state}")
        words = f"Healed {marker('outcome', state)}."
        if state in {"held", "returned"}:  # through the screen, as an author would
            words += " Seen by Mr Hartmann on the ward."
        outcome = actions.post_outcome(on, by=alice, text=words, justification="An eponym.")
        if state == "returned":
            item = open_item_for(outcome)
            assert item is not None
            moderation_actions.decide(
                item, by=dave, version=item.version, decision=Decision("return", message="No.")
            )
        elif state == "hidden":
            actions.hide_post(outcome, by=dave, reason="For the matrix.")
        elif state == "on_hidden":
            set_state(on, PostState.HIDDEN, moderation_reason="For the matrix.")
        w.outcomes[state] = Outcome.objects.get(pk=outcome.pk)

    # Images in every state; the host's, but for one on a hidden case and one on a held reply.
    held_reply = actions.create_reply(host, author=alice, body="Held, with its image.")
    set_state(held_reply, PostState.HELD)
    hidden_case = case("imagehost", presentation="Hidden, with its image.")
    for state in IMAGE_URL:
        upload = upload_actions.store(alice, jpeg())
        where = {"case": host}
        if state == "on_hidden_case":
            where = {"case": hidden_case}
        elif state == "on_held_reply":
            where = {"reply": held_reply}
        if state != "draft":
            kept = {
                "pending": Upload.State.PENDING,
                "rejected": Upload.State.REJECTED,
            }.get(state, Upload.State.APPROVED)
            Upload.objects.filter(pk=upload.pk).update(state=kept, **where)
        if state == "rejected":
            Upload.objects.filter(pk=upload.pk).update(file="")
        w.images[state] = Upload.objects.get(pk=upload.pk)
    set_state(hidden_case, PostState.HIDDEN, moderation_reason="For the matrix.")
    return w


def check(table: dict[str, str], observe) -> None:
    """Every cell of `table` against what `observe(thing, role)` finds; all differences."""
    wrong = []
    for thing, tokens in table.items():
        for role, expected in row(tokens).items():
            seen = observe(thing, role)
            if seen != expected:
                wrong.append(f"{thing} as {role}: expected {expected}, saw {seen}")
    assert not wrong, "\n".join(wrong)


def page(w: World, role: str, url: str) -> tuple[int, str]:
    response = w.client(role).get(url)
    return response.status_code, response.content.decode() if response.status_code == 200 else ""


def shown(status: int, html: str, word: str) -> str:
    if status != 200:
        return str(status)
    return "+" if word in html else "-"


def case_page_token(w: World, role: str, case: Case, word: str) -> str:
    status, html = page(w, role, case.get_absolute_url())
    body = re.sub(r"<title>.*?</title>", "", html, flags=re.S)
    return f"{status}{'+' if word in body else '-'}" if status == 200 else str(status)


def test_case_pages_and_titles(world):
    check(
        CASE_PAGE,
        lambda state, role: case_page_token(world, role, world.cases[state], marker("case", state)),
    )

    def title(state: str, role: str) -> str:
        status, html = page(world, role, world.cases[state].get_absolute_url())
        if status != 200:
            return "."
        found = re.search(r"<title>(.*?)</title>", html, flags=re.S)
        assert found is not None
        return "+" if marker("case", state) in found.group(1) else "-"

    check(CASE_TITLE, title)


def test_the_events_endpoint_and_search(world):
    def events(state: str, role: str) -> str:
        return str(world.client(role).get(f"/cases/{world.cases[state].pk}/events/").status_code)

    check(CASE_EVENTS, events)

    def found(role: str, word: str, case: Case) -> str:
        # The query is echoed in the search box: a result is the case's link.
        return shown(*page(world, role, f"/search/?q={word}"), f'href="/cases/{case.pk}/"')

    check(CASE_SEARCH, lambda state, role: found(role, marker("case", state), world.cases[state]))
    # An outcome's words find its case only while they are published.
    check(
        OUTCOME_SEARCH,
        lambda state, role: found(role, marker("outcome", state), world.outcomes[state].case),
    )


def test_notifications_and_exports(world):
    def notifications(state: str, role: str) -> str:
        status, html = page(world, role, "/notifications/")
        if status != 200:
            return str(status)
        entry = f'href="/cases/{world.cases[state].pk}/'
        if entry not in html:
            return "0"
        return "+" if marker("case", state) in html else "-"

    check(CASE_NOTIFICATIONS, notifications)
    exports: dict[str, str] = {}

    def export(state: str, role: str) -> str:
        user = world.users[role]
        if role not in MEMBERS or user is None:
            return "."
        if role not in exports:
            with build_export(user) as output, zipfile.ZipFile(output) as archive:
                exports[role] = "\n".join(
                    archive.read(name).decode() for name in ("cases.json", "replies.json")
                )
                json.loads(archive.read("replies.json"))  # well-formed
        return "+" if marker("case", state) in exports[role] else "-"

    check(CASE_EXPORT, export)


def test_replies_on_the_page_and_in_fragments(world):
    host_url = world.host.get_absolute_url()
    pages = {role: page(world, role, host_url) for role in ROLES}
    check(REPLY_PAGE, lambda state, role: shown(*pages[role], marker("reply", state)))
    check(
        REPLY_FRAGMENT,
        lambda state, role: _fragment(world, role, world.replies[state], marker("reply", state)),
    )


def _fragment(w: World, role: str, reply: Reply, word: str) -> str:
    status, html = page(w, role, f"/replies/{reply.pk}/fragment/")
    return f"{status}{'+' if word in html else '-'}" if status == 200 else str(status)


def test_outcomes_on_their_case_page(world):
    def outcome(state: str, role: str) -> str:
        return shown(
            *page(world, role, world.outcomes[state].case.get_absolute_url()),
            marker("outcome", state),
        )

    check(OUTCOME_PAGE, outcome)


def test_image_urls_and_images_on_the_page(world):
    check(
        IMAGE_URL,
        lambda state, role: str(
            world.client(role).get(f"/uploads/{world.images[state].pk}/").status_code
        ),
    )
    pages: dict[tuple[str, int], tuple[int, str]] = {}

    def on_page(state: str, role: str) -> str:
        image = world.images[state]
        case = image.the_case or world.host
        key = (role, case.pk)
        if key not in pages:
            pages[key] = page(world, role, case.get_absolute_url())
        return shown(*pages[key], f"/uploads/{image.pk}/")

    check(IMAGE_PAGE, on_page)


def test_row_checks_and_querysets_agree_for_every_role_and_object(world):
    wrong = []
    for role in MEMBERS:
        user = world.users[role]
        assert user is not None
        pairs = [
            (can_see_case, cases_visible_to, [*world.cases.values(), world.host]),
            (can_see_reply_in_case, replies_visible_to, list(world.replies.values())),
            (can_see_outcome, outcomes_visible_to, list(world.outcomes.values())),
            (can_see_image, images_visible_to, list(world.images.values())),
        ]
        for row_check, queryset, objects in pairs:
            listed = set(
                queryset(user).filter(pk__in=[o.pk for o in objects]).values_list("pk", flat=True)
            )
            for obj in objects:
                obj = type(obj).objects.get(pk=obj.pk)  # fresh, as a request would load it
                if row_check(user, obj) != (obj.pk in listed):
                    wrong.append(f"{role}: {row_check.__name__} vs {queryset.__name__} on {obj!r}")
    assert not wrong, "\n".join(wrong)


def can_see_reply_in_case(user: User, reply: Reply) -> bool:
    return can_see_case(user, reply.case) and can_see_reply(user, reply)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_websocket_answers_as_the_events_endpoint(world):
    def socket(state: str, role: str) -> str:
        user = world.users[role] or AnonymousUser()

        async def connect() -> bool:
            communicator = WebsocketCommunicator(
                URLRouter(websocket_urlpatterns), f"/ws/cases/{world.cases[state].pk}/"
            )
            communicator.scope["user"] = user
            connected, _code = await communicator.connect()
            if connected:
                await communicator.disconnect()
            return connected

        if async_to_sync(connect)():
            return "200"
        # Refused: for a non-member that is the door the page's 302 is; for a member, the
        # case is unknown to them.
        return "404" if role in MEMBERS else "302"

    check(CASE_EVENTS, socket)
