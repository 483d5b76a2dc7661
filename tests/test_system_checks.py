"""The project's own system checks: each one fires on the setting it guards, and stays quiet on
the real settings."""

from __future__ import annotations

import pytest
from django.core.checks import registry
from django.utils.csp import CSP

from members.checks import check_cache_for_rate_limits, check_mfa_keys
from scrubroom.checks import check_allowed_hosts, check_content_security_policy

GOOD_CSP = {
    "default-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}


def ids(errors) -> list[str]:
    return [error.id for error in errors]


def test_the_real_settings_pass_every_project_check():
    assert check_allowed_hosts(None) == []
    assert check_content_security_policy(None) == []
    assert check_cache_for_rate_limits(None) == []
    assert check_mfa_keys(None) == []


def test_the_checks_are_registered_so_manage_py_check_runs_them():
    deploy = registry.registry.get_checks(include_deployment_checks=True)
    always = registry.registry.get_checks(include_deployment_checks=False)
    assert check_allowed_hosts in deploy
    assert check_content_security_policy in always
    assert check_cache_for_rate_limits in always
    assert check_mfa_keys in always


def test_wildcard_allowed_host_in_production_is_forum_e001(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["forum.example.org", "*"]
    assert ids(check_allowed_hosts(None)) == ["scrubroom.E001"]


def test_wildcard_allowed_host_is_tolerated_while_debugging(settings):
    settings.DEBUG = True
    settings.ALLOWED_HOSTS = ["*"]
    assert check_allowed_hosts(None) == []


def test_named_allowed_hosts_in_production_pass(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["forum.example.org", ".forum.example.org"]
    assert check_allowed_hosts(None) == []


def test_csp_without_default_src_is_forum_e002(settings):
    settings.SECURE_CSP = {"form-action": [CSP.SELF]}
    assert ids(check_content_security_policy(None)) == ["scrubroom.E002"]


def test_missing_csp_is_forum_e002(settings):
    settings.SECURE_CSP = {}
    assert ids(check_content_security_policy(None)) == ["scrubroom.E002"]


def test_default_src_with_more_than_self_is_forum_e002(settings):
    # 'none' is an allowed source on its own, so only E002 (not E003) fires here.
    settings.SECURE_CSP = {**GOOD_CSP, "default-src": [CSP.SELF, CSP.NONE]}
    assert ids(check_content_security_policy(None)) == ["scrubroom.E002"]


def test_default_src_with_a_cdn_is_both_e002_and_e003(settings):
    settings.SECURE_CSP = {**GOOD_CSP, "default-src": [CSP.SELF, "https://cdn.example.com"]}
    assert sorted(ids(check_content_security_policy(None))) == ["scrubroom.E002", "scrubroom.E003"]


@pytest.mark.parametrize(
    ("directive", "source"),
    [
        ("script-src", "https://cdn.example.com"),
        ("style-src", "https://fonts.example.com"),
        ("font-src", "https:"),
        ("img-src", "data:"),
        ("script-src", CSP.UNSAFE_INLINE),
        ("connect-src", "*"),
    ],
)
def test_any_directive_with_a_source_other_than_self_or_none_is_forum_e003(
    settings, directive, source
):
    settings.SECURE_CSP = {**GOOD_CSP, directive: [CSP.SELF, source]}
    errors = check_content_security_policy(None)
    assert ids(errors) == ["scrubroom.E003"]
    assert directive in errors[0].msg
    assert source in errors[0].msg


def test_dummy_cache_is_members_e001(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert ids(check_cache_for_rate_limits(None)) == ["members.E001"]


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.redis.RedisCache",
    ],
)
def test_real_caches_pass_the_rate_limit_check(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "redis://127.0.0.1:1/0"}}
    assert check_cache_for_rate_limits(None) == []


GOOD_KEY = "u22rN5xtYQycznvkFZuJeg34kVL5LcCdMZUWEtfNQVI="
OTHER_KEY = "h743c7nSJj-Ojb7JjcEsnxIrGNaEzQL5mguRywOoxXA="


def test_no_mfa_key_in_production_is_members_e002(settings):
    settings.DEBUG = False
    settings.SCRUBROOM_MFA_KEYS = []
    errors = check_mfa_keys(None)
    assert ids(errors) == ["members.E002"]
    assert "SCRUBROOM_MFA_KEYS is not set" in errors[0].msg


@pytest.mark.parametrize(
    ("keys", "position"),
    [
        (["not-a-fernet-key"], "1"),
        ([GOOD_KEY[:-2]], "1"),  # cut short
        (["é" * 44], "1"),
        ([GOOD_KEY, "c2hvcnQ="], "2"),  # the old key, mistyped
    ],
)
def test_a_malformed_mfa_key_in_production_is_members_e002_without_printing_it(
    settings, keys, position
):
    settings.DEBUG = False
    settings.SCRUBROOM_MFA_KEYS = keys
    errors = check_mfa_keys(None)
    assert ids(errors) == ["members.E002"]
    assert f"key number {position} is not a Fernet key" in errors[0].msg
    assert not any(key in errors[0].msg + errors[0].hint for key in keys)


def test_well_formed_mfa_keys_pass(settings):
    settings.DEBUG = False
    settings.SCRUBROOM_MFA_KEYS = [GOOD_KEY, OTHER_KEY]
    assert check_mfa_keys(None) == []
