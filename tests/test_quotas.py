"""Hourly quotas per member (issue 17): images, replies, flags and searches, and open live
connections per member; each answers with a clear message, and nothing typed is lost."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile

from forum.models import Reply
from live.sockets import CLOSE_TOO_MANY_SOCKETS
from review.models import Flag
from scrubroom.routing import websocket_urlpatterns
from tests.test_uploads import photo


@pytest.fixture
def quotas(settings):
    settings.SCRUBROOM_QUOTAS = {"upload": 2, "reply": 2, "flag": 1, "search": 2}
    return settings.SCRUBROOM_QUOTAS


def reply(client, case, body: str, **extra):
    return client.post(f"/cases/{case.pk}/replies/", {"body": body, **extra})


def test_replies_stop_at_the_hourly_limit_and_the_text_comes_back(
    quotas, client_for, alices_case, bob
):
    client = client_for(bob)
    assert reply(client, alices_case, "First thought: mesh overlap of 5 cm.").status_code == 302
    assert reply(client, alices_case, "Second: fix it with tackers.").status_code == 302
    response = reply(client, alices_case, "Third, with a long and careful argument.")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Replies: you have reached this hour&#x27;s limit of 2." in page
    assert "Third, with a long and careful argument." in page  # nothing lost
    assert Reply.objects.filter(author=bob).count() == 2


def test_a_reply_the_screen_sends_back_does_not_use_the_allowance(
    quotas, client_for, alices_case, bob
):
    client = client_for(bob)
    blocked = reply(client, alices_case, "Mrs Patricia Jones, MRN 12345678, had this too.")
    assert blocked.status_code == 400  # the PHI screen's findings, with the text
    assert reply(client, alices_case, "First clean reply.").status_code == 302
    assert reply(client, alices_case, "Second clean reply.").status_code == 302


def test_images_stop_at_the_hourly_limit_and_say_why(quotas, client_for, bob):
    client = client_for(bob)

    def send():
        image = SimpleUploadedFile("scan.jpg", photo(), content_type="image/jpeg")
        return client.post("/uploads/", {"file": image})

    assert send().status_code == 201
    assert send().status_code == 201
    refused = send()
    assert refused.status_code == 429
    assert "Images: you have reached this hour's limit of 2." in refused.json()["error"]


def test_an_image_sent_with_a_reply_past_the_limit_is_refused_with_the_reply_kept(
    quotas, client_for, alices_case, bob, settings
):
    settings.SCRUBROOM_QUOTAS = {**quotas, "upload": 0}
    client = client_for(bob)
    image = SimpleUploadedFile("scan.jpg", photo(), content_type="image/jpeg")
    response = reply(client, alices_case, "See the scan.", images=image)
    assert response.status_code == 400
    page = response.content.decode()
    assert "scan.jpg: Images: you have reached this hour&#x27;s limit of 0." in page
    assert "See the scan." in page


def test_flags_stop_at_the_hourly_limit(quotas, client_for, alices_case, make_reply, bob, carol):
    client = client_for(bob)
    first, second = make_reply(alices_case, carol, "One"), make_reply(alices_case, carol, "Two")
    client.post(f"/replies/{first.pk}/flag/", {"reason": "unprofessional", "note": "Rude"})
    response = client.post(
        f"/replies/{second.pk}/flag/", {"reason": "unprofessional", "note": "Rude"}, follow=True
    )
    assert "Flags: you have reached this hour&#x27;s limit of 1." in response.content.decode()
    assert Flag.objects.filter(reporter=bob).count() == 1


def test_searches_stop_at_the_hourly_limit(quotas, client_for, alices_case, bob):
    client = client_for(bob)
    assert client.get("/search/", {"q": "mesh"}).status_code == 200
    assert client.get("/search/", {"q": "hernia"}).status_code == 200
    response = client.get("/search/", {"q": "overlap"})
    assert response.status_code == 429
    assert "Searches: you have reached this hour&#x27;s limit of 2." in response.content.decode()
    assert client.get("/search/").status_code == 200  # the empty form costs nothing


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_open_sockets_are_capped_per_member(settings, alices_case, bob):
    settings.SCRUBROOM_SOCKETS_PER_MEMBER = 2

    def socket(path: str) -> WebsocketCommunicator:
        communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), path)
        communicator.scope["user"] = bob
        return communicator

    async def scenario():
        thread, header = socket(f"/ws/cases/{alices_case.pk}/"), socket("/ws/me/")
        assert (await thread.connect())[0] and (await header.connect())[0]
        third = socket("/ws/me/")
        connected, code = await third.connect()
        assert (connected, code) == (False, CLOSE_TOO_MANY_SOCKETS)
        await header.disconnect()
        again = socket("/ws/me/")
        assert (await again.connect())[0]  # a closed tab gives its place back
        assert json.loads(await again.receive_from())["type"] == "counts"
        await again.disconnect()
        await thread.disconnect()

    async_to_sync(scenario)()
