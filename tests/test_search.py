"""Search over case titles and text: SQLite FTS5 on the embedded default, PostgreSQL
full-text search in the scaled suite (the same tests run on both)."""

from __future__ import annotations

import pytest
from django.db import connection

from forum import actions
from forum.models import Case
from tests.conftest import CASE_DATA


@pytest.fixture
def cases(make_case, alice, bob, vascular):
    return {
        "tar": make_case(alice, title="Transversus abdominis release for a giant hernia"),
        "evar": make_case(
            bob,
            specialty=vascular,
            title="Type II endoleak after EVAR",
            presentation="Sac growth of 8 mm at two years; embolisation considered.",
            tags=("evar",),
        ),
        "chole": make_case(
            alice,
            title="Difficult cholecystectomy",
            plan="Subtotal fenestrating cholecystectomy planned after failed critical view.",
            tags=("lap-chole",),
        ),
    }


def titles(client, query: str) -> list[str]:
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return [case.title for case in response.context["cases"]]


def test_the_engine_matches_the_database(cases):
    sql = str(Case.objects.search("endoleak").query)
    if connection.vendor == "postgresql":
        assert "to_tsvector" in sql and "forum_case_search" not in sql
    else:
        assert "forum_case_search MATCH" in sql


def test_search_finds_titles_and_text(cases, client_for, alice):
    client = client_for(alice)
    assert titles(client, "endoleak") == ["Type II endoleak after EVAR"]
    assert titles(client, "embolisation") == ["Type II endoleak after EVAR"]  # body text
    assert titles(client, "fenestrating") == ["Difficult cholecystectomy"]


def test_every_word_must_match_and_prefixes_count(cases, client_for, alice):
    client = client_for(alice)
    assert titles(client, "cholecyst subtotal") == ["Difficult cholecystectomy"]
    assert titles(client, "cholecystectomy endoleak") == []


def test_tags_are_searchable(cases, client_for, alice):
    assert titles(client_for(alice), "chole") == ["Difficult cholecystectomy"]


def test_held_and_deleted_cases_are_not_found(cases, client_for, alice, bob):
    actions.delete_case(cases["evar"], by=bob)
    actions.create_case(
        alice,
        specialty=cases["tar"].specialty,
        data={**CASE_DATA, "title": "Endoleak in Mr Brown"},
        justification="Brown is the device's name.",
    )
    assert titles(client_for(alice), "endoleak") == []


def test_edits_are_reindexed(cases, client_for, alice):
    actions.edit_case(
        cases["tar"],
        by=alice,
        data={**CASE_DATA, "title": "Progressive pneumoperitoneum before TAR"},
        tags=["tar"],
    )
    client = client_for(alice)
    assert titles(client, "pneumoperitoneum") == ["Progressive pneumoperitoneum before TAR"]
    assert titles(client, "giant") == []


@pytest.mark.parametrize(
    "query", ['"unbalanced', "endoleak OR 1=1", "NEAR(a b)", "a:*", "!&|()", "' ; DROP", "*"]
)
def test_query_syntax_is_never_interpreted(cases, client_for, alice, query):
    response = client_for(alice).get("/search/", {"q": query})
    assert response.status_code == 200


def test_operators_are_plain_words(cases, client_for, alice):
    assert titles(client_for(alice), "endoleak OR cholecystectomy") == []


def test_an_empty_query_shows_the_form(client_for, alice):
    response = client_for(alice).get("/search/")
    assert response.status_code == 200 and list(response.context["cases"]) == []


def test_postgresql_searches_use_the_gin_index(cases):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: runs in the scaled suite (make test-scaled)")
    # Only the text condition, so the GIN index is the one index that can serve it.
    queryset = Case.objects.search("endoleak")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The index expression (migration 0004) and the query's must be the same to match.
    assert "forum_case_search" in plan, plan


def test_sqlite_triggers_dropped_by_a_table_rebuild_are_restored(cases, client_for, alice):
    # A later migration that rebuilds forum_case on SQLite drops its triggers; the
    # post_migrate hook (forum/apps.py) puts them back and reindexes.
    from forum.search import ensure_index

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        for trigger in ("insert", "delete", "update"):
            cursor.execute(f"DROP TRIGGER forum_case_search_{trigger}")
    actions.edit_case(
        cases["tar"], by=alice, data={**CASE_DATA, "title": "Rives-Stoppa sublay"}, tags=["tar"]
    )
    assert titles(client_for(alice), "stoppa") == []  # the index missed the edit
    restored = ensure_index(connection)
    assert sorted(restored) == [
        "forum_case_search_delete",
        "forum_case_search_insert",
        "forum_case_search_update",
    ]
    assert titles(client_for(alice), "stoppa") == ["Rives-Stoppa sublay"]
    assert ensure_index(connection) == []
