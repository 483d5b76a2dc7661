"""Full-text search over cases: SQLite FTS5 on the embedded default, PostgreSQL's tsvector on
the scaled deployment. Both index `Case.search_text`, which the case verbs keep current; the
index itself is kept by the database (FTS5 triggers, a GIN expression index), see
migrations/0004_case_search.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models.expressions import RawSQL

if TYPE_CHECKING:
    from forum.models import Case, CaseQuerySet

MAX_TERMS = 12
CONFIG = "english"


def terms(query: str) -> list[str]:
    """Words only: FTS5 and tsquery operators in the member's text are never interpreted."""
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


def filter_cases(queryset: CaseQuerySet, query: str) -> CaseQuerySet:
    words = terms(query)
    if not words:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        vector = SearchVector("search_text", config=CONFIG)
        # Prefix matching, every word required: "lap chole" finds "laparoscopic cholecystectomy".
        tsquery = SearchQuery(
            " & ".join(f"{word}:*" for word in words), config=CONFIG, search_type="raw"
        )
        return (
            queryset.annotate(document=vector, rank=SearchRank(vector, tsquery))
            .filter(document=tsquery)
            .order_by("-rank", "-last_activity_at", "-pk")
        )
    match = " ".join(f'"{word}"*' for word in words)
    return queryset.filter(
        pk__in=RawSQL(
            "SELECT rowid FROM forum_case_search WHERE forum_case_search MATCH %s", [match]
        )
    )


SQLITE_INDEX = {
    "forum_case_search": (
        "CREATE VIRTUAL TABLE IF NOT EXISTS forum_case_search USING fts5("
        "search_text, content='forum_case', content_rowid='id', tokenize='porter unicode61')"
    ),
    "forum_case_search_insert": (
        "CREATE TRIGGER IF NOT EXISTS forum_case_search_insert AFTER INSERT ON forum_case "
        "BEGIN INSERT INTO forum_case_search(rowid, search_text) "
        "VALUES (new.id, new.search_text); END"
    ),
    "forum_case_search_delete": (
        "CREATE TRIGGER IF NOT EXISTS forum_case_search_delete AFTER DELETE ON forum_case "
        "BEGIN INSERT INTO forum_case_search(forum_case_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    "forum_case_search_update": (
        "CREATE TRIGGER IF NOT EXISTS forum_case_search_update "
        "AFTER UPDATE OF search_text ON forum_case BEGIN "
        "INSERT INTO forum_case_search(forum_case_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO forum_case_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}


def ensure_index(connection) -> list[str]:
    """On SQLite, create whatever part of the FTS5 index is missing and rebuild it.

    SQLite migrations that alter forum_case copy it to a new table and drop the old one,
    and its triggers go with it. Returns the names it had to create.
    """
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'forum_case_search%'")
        present = {row[0] for row in cursor.fetchall()}
        missing = [name for name in SQLITE_INDEX if name not in present]
        if not missing:
            return []
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'forum_case'"
        )
        if cursor.fetchone()[0] == 0:
            return []  # migrated backwards past the cases
        for name in missing:
            cursor.execute(SQLITE_INDEX[name])
        cursor.execute("INSERT INTO forum_case_search(forum_case_search) VALUES ('rebuild')")
    return missing


def ensure_index_after_migrate(sender, using: str = "default", **kwargs) -> None:
    ensure_index(connections[using])


def document(case: Case) -> str:
    """The text search indexes for `case`: title, sections, outcome and tags."""
    parts = [case.title]
    parts += [getattr(case, name) for name, _label in case.SECTIONS]
    outcome = case.follow_up if case.pk else None
    if outcome is not None and outcome.is_published:
        parts.append(outcome.body)
    if case.pk:
        parts += [tag.name for tag in case.tags.all()]
    return "\n".join(part for part in parts if part)
