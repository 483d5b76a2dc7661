"""Profiles: verified members see each other's professional details, never email or licence."""

from __future__ import annotations


def test_a_member_sees_a_colleagues_professional_profile(client_for, alice, bob):
    response = client_for(alice).get(f"/members/{bob.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("Bob Tanaka", "Consultant", "Vascular", "Royal Infirmary", "badge-verified"):
        assert shown in page
    assert bob.verified_at.strftime("%-d %B %Y") in page
    assert bob.email not in page
    assert bob.profile.licence_number not in page
    assert "GMC" not in page


def test_applicants_and_former_members_are_unknown_to_members(
    client_for, alice, carol, make_member
):
    from members.models import User

    gone = make_member("Gone Member", status=User.Status.DEACTIVATED)
    client = client_for(alice)
    assert client.get(f"/members/{carol.pk}/").status_code == 404
    assert client.get(f"/members/{gone.pk}/").status_code == 404
    assert client.get("/members/999999/").status_code == 404


def test_profiles_are_read_only(client_for, alice, bob):
    assert client_for(alice).post(f"/members/{bob.pk}/").status_code == 405


def test_no_page_a_member_sees_shows_an_email_address(client_for, alice, bob, dave):
    client = client_for(alice)
    for url in ("/", f"/members/{bob.pk}/", f"/members/{dave.pk}/"):
        page = client.get(url).content.decode()
        for other in (bob, dave):
            assert other.email not in page, url
