"""Production settings: a minimal production environment passes `check --deploy`, bad or
missing values fail loudly at start-up, and the responses carry the security headers."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR
TIMEOUT = 180  # generous: a loaded machine needs tens of seconds to import Django


def production_env(**overrides: str | None) -> dict[str, str]:
    """PATH and HOME from this process and a production deployment's variables; nothing from
    the test environment. A None override removes the variable."""
    env = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    env.update(
        SCRUBROOM_SECRET_KEY="".join(
            secrets.choice(string.ascii_letters + string.digits) for _ in range(60)
        ),
        SCRUBROOM_ALLOWED_HOSTS="forum.example.org",
        SCRUBROOM_REGION="eu-central",
        # Without a mail host the console backend is used, which `check --deploy` rejects
        # (mail.E001): a production site must send its verification emails.
        SCRUBROOM_EMAIL_HOST="smtp.example.org",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


DEPLOY_CHECK = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]


@pytest.fixture(scope="module")
def deploy_checks():
    """Both `check --deploy` runs, started together: each imports the whole project."""
    processes = {
        "production": start(DEPLOY_CHECK, production_env()),
        "wildcard host": start(DEPLOY_CHECK, production_env(SCRUBROOM_ALLOWED_HOSTS="*")),
    }
    return {name: finish(process) for name, process in processes.items()}


def load_settings(env: dict[str, str], code: str = "settings.DEBUG"):
    """Import the settings module the way any entry point does (no app loading needed)."""
    env = {**env, "DJANGO_SETTINGS_MODULE": "forum.settings"}
    return finish(start(["-c", f"from django.conf import settings; {code}"], env))


def test_minimal_production_environment_passes_check_deploy(deploy_checks):
    result = deploy_checks["production"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_wildcard_allowed_hosts_fails_check_deploy_with_forum_e001(deploy_checks):
    result = deploy_checks["wildcard host"]
    assert result.returncode != 0
    assert "forum.E001" in result.stdout + result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    result = load_settings(production_env(SCRUBROOM_SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SCRUBROOM_SECRET_KEY" in result.stderr


def test_production_without_a_region_refuses_to_start():
    result = load_settings(production_env(SCRUBROOM_REGION=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SCRUBROOM_REGION" in result.stderr


def test_a_debug_value_that_is_not_a_boolean_refuses_to_start():
    result = load_settings(production_env(SCRUBROOM_DEBUG="maybe"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SCRUBROOM_DEBUG must be a boolean" in result.stderr
    assert "'maybe'" in result.stderr


def test_secret_key_is_read_from_the_file_named_by_secret_key_file(tmp_path):
    key = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))
    key_file = tmp_path / "secret_key"
    key_file.write_text(key + "\n")  # as `echo` or a secrets mount would write it

    env = production_env(SCRUBROOM_SECRET_KEY=None, SCRUBROOM_SECRET_KEY_FILE=str(key_file))
    result = load_settings(env, "print(settings.SECRET_KEY)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == key


# In-process: the test suite itself runs on the production defaults (DEBUG off).


def test_suite_runs_with_production_cookie_and_hsts_settings():
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_HTTPONLY is True
    assert settings.SECURE_HSTS_SECONDS >= 365 * 24 * 60 * 60
    assert settings.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert settings.SECURE_HSTS_PRELOAD is True


def test_login_page_carries_the_security_headers(client, db):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("default-src 'self'")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_login_page_sets_a_secure_httponly_csrf_cookie(client, db):
    response = client.get("/accounts/login/")

    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    header = cookie.OutputString().lower()
    assert "; secure" in header
    assert "; httponly" in header
    assert "samesite=lax" in header


def test_https_responses_carry_hsts_with_preload(client, db):
    response = client.get("/accounts/login/", secure=True)

    assert response["Strict-Transport-Security"] == (
        f"max-age={settings.SECURE_HSTS_SECONDS}; includeSubDomains; preload"
    )
