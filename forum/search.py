"""Full-text search over cases: SQLite FTS5 on the embedded default, PostgreSQL's tsvector on
the scaled deployment. Both index `Case.search_text`, which the case verbs keep current; the
index itself is kept by the database (FTS5 triggers, a GIN expression index), see
migrations/0004_case_search.py.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

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
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

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


def document(case: Case) -> str:
    """The text search indexes for `case`: title, sections, outcome and tags."""
    parts = [case.title]
    parts += [getattr(case, name) for name, _label in case.SECTIONS]
    if case.outcome and case.outcome_state == "published":
        parts.append(case.outcome)
    if case.pk:
        parts += [tag.name for tag in case.tags.all()]
    return "\n".join(part for part in parts if part)
