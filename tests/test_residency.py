"""Data residency: every store declares its region, the checks refuse a store that is missing,
declared elsewhere or reports elsewhere, and the report and members' page say the same."""

from __future__ import annotations

import json

import pytest
from django.core import checks
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError

from scrubroom import residency
from scrubroom.views import RESIDENCY_CACHE_KEY
from tests.test_deploy_settings import finish_all, production_env, start

STORE_KEYS = ["database", "media", "redis", "email", "backups"]


def residency_messages(databases=("default",)) -> list[checks.CheckMessage]:
    return checks.run_checks(tags=["residency"], databases=list(databases))


def ids(messages) -> list[str]:
    return sorted(message.id for message in messages)


@pytest.fixture
def with_redis(settings):
    """Redis declared (the checks read settings; nothing connects)."""
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer"}}


# --- declarations --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_test_deployment_is_in_region(with_redis):
    assert residency_messages() == []
    assert [verdict.verdict for verdict in residency.report()] == ["ok"] * 5


@pytest.mark.django_db
@pytest.mark.parametrize("key", STORE_KEYS)
def test_a_store_without_a_region_refuses_to_start(settings, with_redis, key):
    settings.SCRUBROOM_STORE_REGIONS = {**settings.SCRUBROOM_STORE_REGIONS, key: ""}
    messages = residency_messages()
    assert ids(messages) == ["scrubroom.E010"]
    assert messages[0].is_serious()


@pytest.mark.django_db
@pytest.mark.parametrize("key", STORE_KEYS)
def test_a_store_in_another_region_refuses_to_start(settings, with_redis, key):
    settings.SCRUBROOM_STORE_REGIONS = {**settings.SCRUBROOM_STORE_REGIONS, key: "us-west"}
    messages = residency_messages()
    # A store that reports its own region (scaled suite) also contradicts the declaration.
    assert "scrubroom.E011" in ids(messages)
    assert set(ids(messages)) <= {"scrubroom.E011", "scrubroom.E012"}
    e011 = next(message for message in messages if message.id == "scrubroom.E011")
    assert "us-west" in e011.msg and "test-region" in e011.msg


@pytest.mark.django_db
def test_a_backup_target_that_is_not_declared_refuses_to_start(settings, with_redis):
    settings.SCRUBROOM_BACKUP_TARGET = ""
    assert ids(residency_messages()) == ["scrubroom.E010"]


@pytest.mark.django_db
def test_without_redis_the_in_process_stores_are_in_region_by_construction(settings):
    settings.REDIS_URL = ""
    settings.SCRUBROOM_STORE_REGIONS = {**settings.SCRUBROOM_STORE_REGIONS, "redis": ""}
    assert "scrubroom.E010" not in ids(residency_messages())


@pytest.mark.django_db
def test_the_in_memory_channel_layer_warns_in_production(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    messages = residency_messages()
    assert ids(messages) == ["scrubroom.W010"]
    assert not messages[0].is_serious()
    settings.DEBUG = True
    assert residency_messages() == []


# --- observed regions: S3 buckets ----------------------------------------------------------


@pytest.mark.django_db
def test_a_bucket_in_the_declared_region_is_confirmed(use_s3, in_region, with_redis):
    in_region("eu-central-1")
    use_s3(bucket_region="eu-central-1")
    assert residency_messages() == []
    media = residency.report()[1]
    assert (media.observed, media.verdict) == ("eu-central-1", "ok")
    assert "confirms" in media.detail


@pytest.mark.django_db
def test_a_bucket_reporting_another_region_refuses_to_start(use_s3, in_region, with_redis):
    in_region("eu-central-1")
    use_s3(bucket_region="eu-west-1", declared="eu-central-1")
    messages = residency_messages()
    assert ids(messages) == ["scrubroom.E012"]
    assert "'eu-west-1'" in messages[0].msg


@pytest.mark.django_db
def test_a_us_east_1_bucket_reports_no_region_and_still_counts(use_s3, in_region, with_redis):
    in_region("us-east-1")
    use_s3(bucket_region="us-east-1")
    assert residency_messages() == []
    assert residency.report()[1].observed == "us-east-1"


@pytest.mark.django_db
def test_a_us_east_1_bucket_is_refused_for_a_european_deployment(use_s3, in_region, with_redis):
    in_region("eu-central-1")
    use_s3(bucket_region="us-east-1", declared="eu-central-1")
    messages = residency_messages()
    assert ids(messages) == ["scrubroom.E012"]
    assert "'us-east-1'" in messages[0].msg


@pytest.mark.django_db
def test_a_bucket_that_cannot_be_asked_refuses_to_start(use_s3, in_region, with_redis):
    in_region("eu-central-1")
    use_s3(bucket_region="eu-central-1", create=False)
    assert ids(residency_messages()) == ["scrubroom.E013"]


@pytest.mark.django_db
def test_bucket_observation_runs_with_the_database_checks_only(use_s3, in_region, with_redis):
    # `manage.py check` without --database stays offline; migrate and start-up ask the store.
    in_region("eu-central-1")
    use_s3(bucket_region="eu-west-1", declared="eu-central-1")
    assert residency_messages(databases=()) == []


@pytest.mark.django_db
def test_an_s3_backup_target_is_observed_too(settings, use_s3, in_region, with_redis):
    in_region("eu-central-1")
    backups = use_s3(bucket_region="eu-north-1", declared="eu-central-1")
    media = use_s3(bucket_region="eu-central-1")
    settings.SCRUBROOM_BACKUP_TARGET = f"s3://{backups}/nightly"
    messages = residency_messages()
    assert ids(messages) == ["scrubroom.E012"]
    assert messages[0].msg.startswith("Backups")
    assert media == settings.S3_BUCKET


@pytest.mark.django_db
def test_private_files_round_trip_through_s3(use_s3, in_region):
    in_region("eu-central-1")
    use_s3(bucket_region="eu-central-1")
    storage = storages["private"]
    name = storage.save("credentials/roundtrip", ContentFile(b"%PDF-1.7 scan"))
    with storage.open(name) as stored:
        assert stored.read() == b"%PDF-1.7 scan"
    storage.delete(name)
    assert not storage.exists(name)


# --- observed regions: PostgreSQL ----------------------------------------------------------


@pytest.mark.django_db
def test_postgresql_reporting_another_region_refuses_to_start(settings, with_redis):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: runs in the scaled suite (make test-scaled)")
    with connection.cursor() as cursor:
        cursor.execute("SET scrubroom.region = 'elsewhere'")
    try:
        messages = residency_messages()
        assert ids(messages) == ["scrubroom.E012"]
        assert "'elsewhere'" in messages[0].msg
        with connection.cursor() as cursor:
            cursor.execute("SET scrubroom.region = %s", [settings.SCRUBROOM_REGION])
        assert residency_messages() == []
        assert residency.report()[0].observed == settings.SCRUBROOM_REGION
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET scrubroom.region")


# --- the report and the page ---------------------------------------------------------------


@pytest.mark.django_db
def test_residency_report_json_lists_every_store(capsys):
    call_command("residency_report", "--json")
    document = json.loads(capsys.readouterr().out)
    assert document["region"] == "test-region"
    assert document["ok"] is True
    assert [store["key"] for store in document["stores"]] == STORE_KEYS
    assert {store["verdict"] for store in document["stores"]} == {"ok"}
    assert set(document["stores"][0]) == {
        "key",
        "name",
        "holds",
        "backend",
        "location",
        "declared",
        "observed",
        "verdict",
        "detail",
    }


@pytest.mark.django_db
def test_residency_report_fails_on_a_mismatch(settings, capsys):
    settings.SCRUBROOM_STORE_REGIONS = {**settings.SCRUBROOM_STORE_REGIONS, "email": "us-west"}
    with pytest.raises(CommandError) as raised:
        call_command("residency_report")
    assert raised.value.returncode == 1
    assert "Email relay" in str(raised.value)
    table = capsys.readouterr().out
    assert "Email relay" in table and "mismatch" in table and "us-west" in table


@pytest.mark.django_db
def test_the_page_says_where_data_lives(client_for, alice):
    cache.delete(RESIDENCY_CACHE_KEY)
    page = client_for(alice).get("/data/where-it-lives/").content.decode()
    assert "test-region" in page
    for name in ("Database", "Private files", "Cache and live updates", "Email relay", "Backups"):
        assert name in page
    assert page.count("In region") == 5
    assert "smtp.invalid" not in page  # hosts are for operators, not members


@pytest.mark.django_db
def test_the_page_shows_a_failing_store(client_for, alice, settings):
    cache.delete(RESIDENCY_CACHE_KEY)
    settings.SCRUBROOM_STORE_REGIONS = {**settings.SCRUBROOM_STORE_REGIONS, "media": "us-west"}
    page = client_for(alice).get("/data/where-it-lives/").content.decode()
    assert page.count("In region") == 4
    assert "Problem" in page and "failing right now" in page


# --- real processes: start-up refusal and exit status ---------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    database = f"sqlite:///{tmp_path_factory.mktemp('residency') / 'db.sqlite3'}"
    good = production_env(SCRUBROOM_DATABASE_URL=database)
    elsewhere = production_env(SCRUBROOM_DATABASE_URL=database, SCRUBROOM_MEDIA_REGION="us-west")
    daphne = ["-m", "daphne", "-b", "127.0.0.1", "-p", "0", "scrubroom.asgi:application"]
    processes = {
        "report ok": start(["manage.py", "residency_report", "--json"], good),
        "report mismatch": start(["manage.py", "residency_report", "--json"], elsewhere),
        "daphne mismatch": start(daphne, elsewhere),
    }
    return finish_all(processes)


@pytest.mark.daphne
def test_residency_report_exits_0_when_all_agree(runs):
    result = runs["report ok"]
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True


@pytest.mark.daphne
def test_residency_report_exits_1_on_a_mismatch(runs):
    result = runs["report mismatch"]
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is False
    media = next(store for store in document["stores"] if store["key"] == "media")
    assert (media["declared"], media["verdict"]) == ("us-west", "mismatch")


@pytest.mark.daphne
def test_daphne_refuses_to_start_with_a_store_in_another_region(runs):
    result = runs["daphne mismatch"]
    assert result.returncode != 0
    assert "refuses to start" in result.stderr
    assert "scrubroom.E011" in result.stderr
