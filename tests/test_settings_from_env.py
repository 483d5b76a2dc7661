"""Settings come from the environment: every variable they read is documented in
.env.example, and the database URL keeps (or refuses) what its query string says."""

from __future__ import annotations

import ast
import re

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from scrubroom.settings import database_from_url

ROOT = settings.BASE_DIR
ENV_READERS = {"env_str", "env_bool", "env_int", "env_list", "get", "getenv"}


def variables_the_settings_read() -> set[str]:
    tree = ast.parse((ROOT / "scrubroom" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        function = node.func
        name = getattr(function, "id", None) or getattr(function, "attr", None)
        first = node.args[0]
        if name in ENV_READERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def test_the_scan_finds_what_the_settings_read():
    # The test below is only as good as this scan: it must see the production refusals.
    read = variables_the_settings_read()
    assert {"SCRUBROOM_SECRET_KEY", "SCRUBROOM_REGION", "SCRUBROOM_BACKUP_REGION"} <= read
    assert len(read) >= 40


def test_every_variable_the_settings_read_is_in_env_example():
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert sorted(variables_the_settings_read() - documented) == []


def test_env_example_documents_nothing_the_settings_ignore():
    documented = set(
        re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert sorted(documented - variables_the_settings_read()) == []


def test_a_postgres_url_passes_its_query_string_to_the_driver():
    database = database_from_url(
        "postgres://scrub:p%40ss@db.internal:5433/forum"
        "?sslmode=verify-full&sslrootcert=/run/secrets/ca.pem&connect_timeout=5"
    )
    assert database["OPTIONS"] == {
        "sslmode": "verify-full",
        "sslrootcert": "/run/secrets/ca.pem",
        "connect_timeout": "5",
    }
    assert (database["USER"], database["PASSWORD"], database["HOST"], database["PORT"]) == (
        "scrub",
        "p@ss",
        "db.internal",
        "5433",
    )


def test_a_postgres_url_without_a_query_string_has_no_options():
    assert database_from_url("postgres://scrub@db/forum")["OPTIONS"] == {}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sqlite:///var/test.sqlite3?mode=ro", "SQLite takes no options"),
        ("postgres://scrub@db/forum?sslmode=require&sslmode=disable", "twice"),
        ("postgres://scrub@db/forum?sslmode", "malformed"),
        ("mysql://scrub@db/forum", "unsupported scheme"),
        ("postgres://scrub@db/forum?pool=false", "pool configure Django"),
        ("postgres://scrub@db/forum?server_side_binding=true", "server_side_binding"),
    ],
)
def test_a_database_url_it_cannot_honour_is_refused_with_the_reason(url, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        database_from_url(url)
