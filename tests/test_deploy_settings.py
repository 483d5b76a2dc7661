"""Production settings: a minimal production environment passes `check --deploy`, bad or
missing values fail loudly at start-up, and the responses carry the security headers."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

ROOT = settings.BASE_DIR
TIMEOUT = 180  # generous: a loaded machine needs tens of seconds to import Django


def random_key() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60))


def production_env(**overrides: str | None) -> dict[str, str]:
    """PATH and HOME from this process and a production deployment's variables; nothing from
    the test environment. A None override removes the variable."""
    env = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    # Each process its own SQLite file: several start at once, and two creating one fresh
    # file can meet on its first lock ("database is locked" while switching it to WAL).
    database = Path(tempfile.gettempdir()) / f"scrubroom-deploy-{uuid.uuid4().hex}.sqlite3"
    env["SCRUBROOM_DATABASE_URL"] = f"sqlite:///{database}"
    env.update(
        SCRUBROOM_SECRET_KEY=random_key(),
        SCRUBROOM_MFA_KEYS=Fernet.generate_key().decode(),
        SCRUBROOM_ALLOWED_HOSTS="forum.example.org",
        SCRUBROOM_REGION="eu-central",
        # Without a mail host the console backend is used, which `check --deploy` rejects
        # (mail.E001): a production site must send its verification emails.
        SCRUBROOM_EMAIL_HOST="smtp.example.org",
        # Every store declares its region (scrubroom/residency.py); the checks do not connect.
        SCRUBROOM_DATABASE_REGION="eu-central",
        SCRUBROOM_MEDIA_REGION="eu-central",
        SCRUBROOM_EMAIL_REGION="eu-central",
        SCRUBROOM_BACKUP_REGION="eu-central",
        SCRUBROOM_BACKUP_TARGET="/srv/backups/scrubroom",
        # Several processes need Redis; without it scrubroom.W010 warns (tested in test_residency).
        SCRUBROOM_REDIS_URL="redis://redis.internal:6379/0",
        SCRUBROOM_REDIS_REGION="eu-central",
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


def finish_all(processes: dict[str, subprocess.Popen]) -> dict[str, subprocess.CompletedProcess]:
    """Each process's result, by name; whichever is still running when one fails is killed."""
    try:
        return {name: finish(process) for name, process in processes.items()}
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()


DEPLOY_CHECK = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]


def load_settings(code: str = "settings.DEBUG") -> list[str]:
    """Import the settings the way any entry point does (apps need not load for this)."""
    return ["-c", f"from django.conf import settings; {code}"]


def settings_env(**overrides: str | None) -> dict[str, str]:
    return {**production_env(**overrides), "DJANGO_SETTINGS_MODULE": "scrubroom.settings"}


@pytest.fixture(scope="module")
def secret_key_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("secrets") / "secret_key"
    path.write_text(random_key() + "\n")  # with the newline `echo` or a secrets mount leaves
    return path


@pytest.fixture(scope="module")
def runs(secret_key_file):
    """Every subprocess scenario, started together (each imports Django), then collected."""
    processes = {
        "production": start(DEPLOY_CHECK, production_env()),
        "wildcard host": start(DEPLOY_CHECK, production_env(SCRUBROOM_ALLOWED_HOSTS="*")),
        "no secret key": start(load_settings(), settings_env(SCRUBROOM_SECRET_KEY=None)),
        "no region": start(load_settings(), settings_env(SCRUBROOM_REGION=None)),
        "no mail relay": start(load_settings(), settings_env(SCRUBROOM_EMAIL_HOST=None)),
        "unreadable key file": start(
            load_settings(),
            settings_env(SCRUBROOM_SECRET_KEY=None, SCRUBROOM_SECRET_KEY_FILE="/nonexistent/key"),
        ),
        "debug maybe": start(load_settings(), settings_env(SCRUBROOM_DEBUG="maybe")),
        "secret key file": start(
            load_settings("print(settings.SECRET_KEY)"),
            settings_env(SCRUBROOM_SECRET_KEY=None, SCRUBROOM_SECRET_KEY_FILE=str(secret_key_file)),
        ),
    }
    return finish_all(processes)


def test_minimal_production_environment_passes_check_deploy(runs):
    result = runs["production"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_wildcard_allowed_hosts_fails_check_deploy_with_forum_e001(runs):
    result = runs["wildcard host"]
    assert result.returncode != 0
    assert "scrubroom.E001" in result.stdout + result.stderr


def test_production_without_a_secret_key_refuses_to_start(runs):
    result = runs["no secret key"]
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SCRUBROOM_SECRET_KEY" in result.stderr


def test_production_without_a_mail_relay_refuses_to_start(runs):
    # The console backend would print confirmation and reset links into production logs.
    result = runs["no mail relay"]
    assert result.returncode != 0
    assert "SCRUBROOM_EMAIL_HOST is required" in result.stderr


def test_an_unreadable_secret_key_file_is_named_in_the_error(runs):
    result = runs["unreadable key file"]
    assert result.returncode != 0
    assert "SCRUBROOM_SECRET_KEY_FILE cannot be read" in result.stderr


def test_production_without_a_region_refuses_to_start(runs):
    result = runs["no region"]
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SCRUBROOM_REGION" in result.stderr


def test_a_debug_value_that_is_not_a_boolean_refuses_to_start(runs):
    result = runs["debug maybe"]
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SCRUBROOM_DEBUG must be a boolean" in result.stderr
    assert "'maybe'" in result.stderr


def test_secret_key_is_read_from_the_file_named_by_secret_key_file(runs, secret_key_file):
    result = runs["secret key file"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == secret_key_file.read_text().strip()
    assert len(result.stdout.strip()) == 60


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


def test_every_model_change_has_its_migration_and_needs_no_deployment_to_check():
    # `makemigrations` reads models only, so it runs with no environment at all; every other
    # command still refuses to start without the deployment's settings.
    bare = {name: os.environ[name] for name in ("PATH", "HOME") if name in os.environ}
    result = finish(start(["manage.py", "makemigrations", "--check", "--dry-run"], bare))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
    refused = finish(start(["manage.py", "check"], bare))
    assert refused.returncode != 0
    assert "SCRUBROOM_SECRET_KEY" in refused.stderr
