"""Error pages (400, 403, CSRF, 404, 500) say what happened and what to do next, in the site's
own layout, and reveal nothing: no traceback, no exception text, no setting."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import include, path

from forum import urls as forum_urls


def explode(request):
    raise RuntimeError("secret-internal-detail: SELECT * FROM members_user")


urlpatterns = [path("explode/", explode), path("", include(forum_urls))]
FORBIDDEN_IN_ERRORS = ["Traceback", "secret-internal-detail", "members_user", "RuntimeError"]


def assert_reveals_nothing(html: str) -> None:
    for text in FORBIDDEN_IN_ERRORS:
        assert text not in html


@pytest.mark.urls(__name__)
def test_a_server_error_page_is_calm_and_reveals_nothing(client_for, alice):
    client = client_for(alice)
    client.raise_request_exception = False
    response = client.get("/explode/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "your text is usually still in the form" in html
    assert "/static/css/scrubroom.css" in html  # styled, from our own origin
    assert_reveals_nothing(html)


def test_not_found_offers_a_way_back_to_a_member(client_for, alice):
    response = client_for(alice).get("/cases/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is nothing here, or nothing you can see." in html
    assert 'href="/search/"' in html and "Back to the specialties" in html


def test_not_found_for_a_stranger_shows_no_member_links(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Not found" in html
    assert 'href="/search/"' not in html and 'href="/notifications/"' not in html


def test_forbidden_says_what_is_missing_and_who_can_help(client_for, alice):
    response = client_for(alice).get("/moderation/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Only moderators and admins can do this." in html
    assert "ask an admin" in html


def test_an_expired_form_says_nothing_was_saved(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/cases/new/", {"title": "Kept by the browser, not by us"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html and "Nothing was saved." in html
    assert "CSRF" not in html  # Django's own page names the mechanism and its settings


def test_a_request_for_another_host_gets_a_plain_bad_request(client):
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "We could not read that request" in html
    assert "evil.example" not in html and "ALLOWED_HOSTS" not in html
