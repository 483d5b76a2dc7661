"""The app's database role on real PostgreSQL: it appends to the audit log and reads it, but
cannot rewrite, delete or empty it, while the ordinary tables stay open to it.

deploy/test-scaled.sh makes the owner and app roles with deploy/postgres-init.sh, as
docker-compose.yml's PostgreSQL does, in template1, so the test database starts with the
deployment's default privileges. The suite creates and migrates the test database as the owner,
and audit/migrations/0003 revokes UPDATE, DELETE and TRUNCATE on the log from the role named by
SCRUBROOM_DATABASE_APP_ROLE. These tests then connect to that test database as the app role
(SCRUBROOM_TEST_APP_DATABASE_URL). They grant nothing themselves: what the role may do comes
from the init script and the migrations alone. Whatever the role writes is rolled back.

Elsewhere they are skipped; with SCRUBROOM_TEST_SCALED=1 a missing piece is a failure.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from types import SimpleNamespace

import psycopg
import pytest
from django.db import connection
from psycopg.conninfo import make_conninfo

revoke_migration = importlib.import_module("audit.migrations.0003_app_role_privileges")
# The mark makes pytest-django create (and migrate) the test database these tests connect to.
pytestmark = pytest.mark.django_db

INSERT_ENTRY = """
    INSERT INTO moderation_auditentry (created_at, actor_label, action, target_type,
        target_label, reason, details, previous_hash, entry_hash)
    VALUES (now(), 'system', 'test.role_check', 'tests.role', 'role check', '', '{}', '', '')
    RETURNING id
"""


def require_roles() -> str:
    """The app role's URL, or a skip (a failure in the scaled suite)."""
    url = os.environ.get("SCRUBROOM_TEST_APP_DATABASE_URL", "")
    missing = [
        what
        for what, present in {
            "PostgreSQL": connection.vendor == "postgresql",
            "SCRUBROOM_TEST_APP_DATABASE_URL": bool(url),
            "SCRUBROOM_DATABASE_APP_ROLE": bool(os.environ.get("SCRUBROOM_DATABASE_APP_ROLE")),
        }.items()
        if not present
    ]
    if missing:
        message = f"needs {', '.join(missing)}: run `make test-scaled`"
        if os.environ.get("SCRUBROOM_TEST_SCALED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return url


@pytest.fixture
def as_app() -> Iterator[psycopg.Connection]:
    """A connection to the migrated test database as the app role, rolled back at the end."""
    url = require_roles()
    app = psycopg.connect(make_conninfo(url, dbname=connection.settings_dict["NAME"]))
    try:
        yield app
    finally:
        app.rollback()
        app.close()


def one(app: psycopg.Connection, sql: str, params: tuple = ()):
    row = app.execute(sql, params).fetchone()
    assert row is not None
    return row[0]


def test_the_app_role_is_not_a_superuser_and_owns_no_table(as_app):
    role = one(as_app, "SELECT current_user")
    assert role == os.environ["SCRUBROOM_DATABASE_APP_ROLE"]
    assert role != connection.settings_dict["USER"], "the suite's own role (the owner)"
    flags = as_app.execute(
        "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles "
        "WHERE rolname = current_user"
    ).fetchone()
    assert flags == (False, False, False, False)
    assert one(as_app, "SELECT count(*) FROM pg_tables WHERE tableowner = current_user") == 0
    audit_owner = "SELECT tableowner FROM pg_tables WHERE tablename = 'moderation_auditentry'"
    assert one(as_app, audit_owner) == connection.settings_dict["USER"]


def test_the_app_role_appends_to_the_audit_log_and_reads_it(as_app):
    # INSERT ... RETURNING also needs the id sequence, granted by the default privileges.
    entry = one(as_app, INSERT_ENTRY)
    assert one(as_app, "SELECT action FROM moderation_auditentry WHERE id = %s", (entry,)) == (
        "test.role_check"
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE moderation_auditentry SET reason = 'rewritten' WHERE id = %s",
        "DELETE FROM moderation_auditentry WHERE id = %s",
        "TRUNCATE moderation_auditentry",
    ],
    ids=["update", "delete", "truncate"],
)
def test_the_app_role_cannot_rewrite_delete_or_empty_the_audit_log(as_app, statement):
    entry = one(as_app, INSERT_ENTRY)
    params = (entry,) if "%s" in statement else ()
    # The append-only trigger would refuse UPDATE and DELETE too, but with RaiseException:
    # InsufficientPrivilege says the role lacks the right itself (audit/migrations/0003).
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        as_app.execute(statement, params)


def test_the_app_role_updates_and_deletes_ordinary_rows(as_app):
    # The refusals above are the audit log's alone: the same role changes a forum table.
    specialty = one(
        as_app,
        "INSERT INTO forum_specialty (name, slug, position, is_active) "
        "VALUES ('Role check', 'role-check', 99, true) RETURNING id",
    )
    updated = as_app.execute(
        "UPDATE forum_specialty SET name = 'Role check, renamed' WHERE id = %s", (specialty,)
    )
    assert updated.rowcount == 1
    deleted = as_app.execute("DELETE FROM forum_specialty WHERE id = %s", (specialty,))
    assert deleted.rowcount == 1


# --- the migration itself, on any database --------------------------------------------------


class RecordingSchemaEditor:
    def __init__(self, vendor: str) -> None:
        self.connection = SimpleNamespace(vendor=vendor)
        self.statements: list[str] = []

    def quote_name(self, name: str) -> str:
        return f'"{name}"'

    def execute(self, sql: str) -> None:
        self.statements.append(sql)


def test_the_migration_revokes_from_public_and_the_named_role(monkeypatch):
    monkeypatch.setenv("SCRUBROOM_DATABASE_APP_ROLE", "scrubroom_app")
    editor = RecordingSchemaEditor("postgresql")
    revoke_migration.revoke(None, editor)
    assert editor.statements == [
        'REVOKE UPDATE, DELETE, TRUNCATE ON "moderation_auditentry" FROM PUBLIC, "scrubroom_app"'
    ]


def test_the_migration_does_nothing_on_sqlite(monkeypatch):
    monkeypatch.setenv("SCRUBROOM_DATABASE_APP_ROLE", "scrubroom_app")
    editor = RecordingSchemaEditor("sqlite")
    revoke_migration.revoke(None, editor)
    assert editor.statements == []


def test_the_migration_refuses_a_role_name_that_is_not_a_plain_identifier(monkeypatch):
    monkeypatch.setenv("SCRUBROOM_DATABASE_APP_ROLE", 'app", PUBLIC; DROP TABLE x; --')
    with pytest.raises(ValueError, match="SCRUBROOM_DATABASE_APP_ROLE"):
        revoke_migration.revoke(None, RecordingSchemaEditor("postgresql"))
