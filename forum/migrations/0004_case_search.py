"""The search index over Case.search_text, in each database's own full-text engine.

SQLite: an FTS5 table with external content, kept in step by triggers. PostgreSQL: a GIN
index on the same expression forum/search.py queries, so searches use it.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE forum_case_search USING fts5("
    "search_text, content='forum_case', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER forum_case_search_insert AFTER INSERT ON forum_case BEGIN "
    "INSERT INTO forum_case_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER forum_case_search_delete AFTER DELETE ON forum_case BEGIN "
    "INSERT INTO forum_case_search(forum_case_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER forum_case_search_update AFTER UPDATE OF search_text ON forum_case BEGIN "
    "INSERT INTO forum_case_search(forum_case_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO forum_case_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO forum_case_search(forum_case_search) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS forum_case_search_update",
    "DROP TRIGGER IF EXISTS forum_case_search_delete",
    "DROP TRIGGER IF EXISTS forum_case_search_insert",
    "DROP TABLE IF EXISTS forum_case_search",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX forum_case_search ON forum_case USING gin "
    "(to_tsvector('english'::regconfig, COALESCE(search_text, '')))"
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS forum_case_search"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("forum", "0003_cases")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE}),
            run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
