"""Roles: only admins grant them, every change is audited, and badges show everywhere."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEntry
from members import actions
from members.models import ModeratorScope


def post_role(client, member, action: str, specialty=None, reason: str = "Runs the hernia M&M"):
    data = {"action": action, "reason": reason}
    if specialty is not None:
        data["specialty"] = specialty.pk
    return client.post(f"/staff/members/{member.pk}/roles/", data)


def test_an_admin_makes_a_member_moderator_of_a_specialty(client_for, erin, alice, hernia):
    response = post_role(client_for(erin), alice, "grant_moderator", hernia)
    assert response.status_code == 302
    assert alice.moderates(hernia) and alice.is_moderator
    entry = AuditEntry.objects.get(action="role.grant_moderator")
    assert (entry.actor_id, entry.target_id, entry.details) == (
        erin.pk,
        alice.pk,
        {"specialty": hernia.slug},
    )
    assert "Erin Okafor" in entry.actor_label and "admin" in entry.actor_label


def test_moderator_scope_is_per_specialty(dave, hernia, vascular):
    assert dave.moderates(hernia) and not dave.moderates(vascular)


def test_moderators_and_members_cannot_grant_any_role(dave, alice, bob, hernia):
    for granter in (dave, alice):
        with pytest.raises(PermissionDenied):
            actions.grant_moderator(bob, hernia, by=granter, reason="please")
        with pytest.raises(PermissionDenied):
            actions.grant_admin(bob, by=granter, reason="please")
    assert not ModeratorScope.objects.filter(user=bob).exists()
    assert not AuditEntry.objects.exists()


def test_a_moderator_cannot_use_the_roles_page(client_for, dave, bob, hernia):
    assert post_role(client_for(dave), bob, "grant_moderator", hernia).status_code == 403


def test_roles_are_for_verified_members_only(erin, carol, hernia):
    with pytest.raises(actions.InvalidTransition):
        actions.grant_moderator(carol, hernia, by=erin, reason="eager")


def test_granting_and_revoking_admin_is_audited_and_self_removal_refused(erin, alice):
    actions.grant_admin(alice, by=erin, reason="Second admin for holidays")
    alice.refresh_from_db()
    assert alice.is_admin
    with pytest.raises(actions.InvalidTransition):
        actions.revoke_admin(erin, by=erin, reason="leaving")
    actions.revoke_admin(alice, by=erin, reason="Holidays over")
    alice.refresh_from_db()
    assert not alice.is_admin
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "role.grant_admin",
        "role.revoke_admin",
    ]


def test_revoking_a_scope_that_was_never_granted_is_an_error(client_for, erin, alice, hernia):
    response = post_role(client_for(erin), alice, "revoke_moderator", hernia)
    assert response.status_code == 400
    assert "Not a moderator of this specialty" in response.content.decode()


def test_the_moderator_badge_shows_next_to_their_name(client_for, alice, dave, hernia):
    client = client_for(alice)
    home = client.get("/").content.decode()
    assert "Dave Lindqvist" in home and "badge-moderator" in home
    profile = client.get(f"/members/{dave.pk}/").content.decode()
    assert "badge-moderator" in profile and hernia.name in profile
    own = client.get(f"/members/{alice.pk}/").content.decode()
    assert "badge-moderator" not in own and "badge-verified" in own


def test_the_staff_forms_preselect_no_action_and_refuse_a_blank_one(client_for, erin, alice):
    client = client_for(erin)
    page = client.get(f"/staff/members/{alice.pk}/").content.decode()
    assert page.count('<option value="" selected>Choose…</option>') == 2
    for url in (f"/staff/members/{alice.pk}/status/", f"/staff/members/{alice.pk}/roles/"):
        response = client.post(url, {"action": "", "reason": "Clicked by mistake"})
        assert response.status_code == 400
        assert "Choose what to do." in response.content.decode()
    alice.refresh_from_db()
    assert alice.status == alice.Status.VERIFIED and not alice.is_moderator
    assert not AuditEntry.objects.exists()


def test_a_role_granted_without_a_second_factor_waits_and_the_admin_is_warned(
    client_for, erin, alice, hernia
):
    from django.contrib.messages import get_messages

    from forum.permissions import is_moderator_of
    from members.permissions import has_staff_powers

    client = client_for(erin)
    response = post_role(client, alice, "grant_moderator", hernia)
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert any("the role stays inactive" in warning for warning in warnings)
    alice.refresh_from_db()
    assert alice.is_moderator and not has_staff_powers(alice)
    case = type("Case", (), {"specialty": hernia})()
    assert not is_moderator_of(alice, case)  # no staff view until she enrols
