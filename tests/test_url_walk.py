"""Deny by default: walk every URL the project defines, as an anonymous visitor and as an
applicant, and check that each one redirects to sign-in or the status page, never content,
except the pages listed here on purpose."""

from __future__ import annotations

import itertools
import re

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

# Reachable without signing in: the ways in, the policies, and the load balancer's probe.
PUBLIC = {
    "healthz",
    "policy_privacy",
    "policy_guidelines",
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_confirm_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "mfa_authenticate",
    "account_deleted",
}
# Also reachable by a signed-in applicant: their status and application, and the pages that
# manage their own account (password, email, two-factor, sessions).
APPLICANT = PUBLIC | {
    "membership_status",
    "membership_apply",
    "member_data",
    "member_data_export",
    "member_delete_account",
    "data_residency",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "account_email",
    "account_change_password",
    "account_set_password",
    "mfa_index",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_list_webauthn",
    "mfa_add_webauthn",
    "mfa_reauthenticate_webauthn",
    "mfa_remove_webauthn",
    "mfa_edit_webauthn",
    "usersessions_list",
}
SAMPLE_VALUES = ["1", "abc", "members", "1-abc"]


def all_urls() -> list[tuple[str, str]]:
    """(name, url) for every pattern, with sample values filled in for its parameters."""
    found: list[tuple[str, str]] = []

    def walk(patterns, namespace: str | None, prefix: str, groups: list[str]) -> None:
        for pattern in patterns:
            own_groups = groups + list(pattern.pattern.regex.groupindex)
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    pattern.namespace or namespace,
                    prefix + str(pattern.pattern),
                    own_groups,
                )
                continue
            assert isinstance(pattern, URLPattern)
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            url = reverse_with_samples(pattern, name, prefix, own_groups)
            assert url, f"could not build a URL for {prefix}{pattern.pattern}"
            found.append((name or f"unnamed {prefix}{pattern.pattern}", url))

    walk(get_resolver().url_patterns, None, "", [])
    return found


def reverse_with_samples(
    pattern: URLPattern, name: str | None, prefix: str, groups: list[str]
) -> str | None:
    for values in itertools.product(SAMPLE_VALUES, repeat=len(groups)):
        kwargs = dict(zip(groups, values, strict=True))
        if name:
            try:
                return reverse(name, kwargs={**kwargs, **pattern.default_args})
            except NoReverseMatch:
                continue
        # Unnamed (admin's object redirect, catch-all): build from the regex by hand.
        route = prefix + str(pattern.pattern)
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, kwargs=kwargs: kwargs[m.group(1)], route)
        url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m, kwargs=kwargs: kwargs[m.group(1)], url)
        return "/" + url.replace("^", "").replace("$", "")
    return None


URLS = all_urls()


def test_the_walk_covers_the_whole_project():
    names = {name for name, _ in URLS}
    assert {"home", "member_profile", "staff_application_list", "admin:index"} <= names
    assert len(URLS) > 90


def leaks(client, names: set[str], allowed_targets: tuple[str, ...]) -> list[str]:
    """Every URL outside `names` that answers anything but a bodiless redirect to a target."""
    found = []
    for name, url in URLS:
        if name in names:
            continue
        response = client.get(url)
        location = response.get("Location", "")
        if (
            response.status_code not in {301, 302}
            or not location.startswith(allowed_targets)
            or response.content
        ):
            found.append(f"{name} {url} -> {response.status_code} {location}")
    return found


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert leaks(client, PUBLIC, ("/accounts/login/", "/admin/login/")) == []


@pytest.mark.django_db
def test_applicants_are_sent_to_their_status_page(client_for, carol):
    # Django admin pages send non-admins to the admin login, which (admin:login is walked
    # too) sends an applicant on to the status page.
    assert leaks(client_for(carol), APPLICANT, ("/membership/", "/admin/login/")) == []


@pytest.mark.django_db
def test_a_suspended_member_holding_a_session_is_signed_out_everywhere(client, alice):
    from members.models import User

    client.force_login(alice)
    User.objects.filter(pk=alice.pk).update(status=User.Status.SUSPENDED, is_active=False)
    assert leaks(client, PUBLIC, ("/accounts/login/", "/admin/login/")) == []


def test_the_walk_would_catch_a_page_left_open(client_for, alice):
    # The walk itself must be able to fail: a verified member does reach content.
    found = leaks(client_for(alice), APPLICANT, ("/membership/", "/admin/login/"))
    assert any(entry.startswith("home ") for entry in found)


def test_every_allowlisted_name_exists():
    # A renamed or removed page must be taken off the allowlist, not left to open a hole.
    names = {name for name, _ in URLS}
    assert APPLICANT - names == set()
