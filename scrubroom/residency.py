"""Data residency: every data store declares its region, and Scrubroom proves they agree.

One deployment serves one region (SCRUBROOM_REGION). Each store (database, private media,
Redis, email relay, backups) declares the region it lives in; where the store can tell us
its region itself (an S3 bucket's location, a PostgreSQL server's `scrubroom.region`
setting), we ask it and compare. The system checks, the `residency_report` command and the
members' "Where your data lives" page all read the same `stores()` list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.files.storage import storages
from django.core.management.base import SystemCheckError
from django.db import connections
from django.utils.translation import gettext_lazy as _


class ObservationFailed(Exception):
    """The store could not be asked for its region (unreachable, no permission)."""


@dataclass(frozen=True)
class Store:
    key: str
    name: str
    holds: str  # in plain words, for members
    backend: str
    host: str  # network host the server connects to; "" when on this server
    setting: str  # the variable that declares the region
    declared: str
    observe: Callable[[], str | None] | None = None  # the region the store reports
    observed_how: str = ""

    @property
    def on_this_server(self) -> bool:
        return not self.host


@dataclass(frozen=True)
class Verdict:
    key: str
    name: str
    holds: str
    backend: str
    location: str
    declared: str
    observed: str
    verdict: str  # ok | missing | mismatch | unverified
    detail: str

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    def as_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


# --- the stores ----------------------------------------------------------------------------


def _database_store() -> Store:
    database = settings.DATABASES["default"]
    engine = database["ENGINE"]
    declared = settings.SCRUBROOM_STORE_REGIONS["database"]
    if engine.endswith("sqlite3"):
        return Store(
            key="database",
            name="Database",
            holds=str(_("accounts, profiles, applications, cases, replies and moderation records")),
            backend="SQLite file",
            host="",
            setting="SCRUBROOM_DATABASE_REGION",
            declared=declared,
        )
    return Store(
        key="database",
        name="Database",
        holds=str(_("accounts, profiles, applications, cases, replies and moderation records")),
        backend="PostgreSQL" if "postgresql" in engine else engine.rsplit(".", 1)[-1],
        host=database.get("HOST") or "",
        setting="SCRUBROOM_DATABASE_REGION",
        declared=declared,
        observe=_postgresql_region if "postgresql" in engine else None,
        observed_how="the server's scrubroom.region setting",
    )


def _postgresql_region() -> str | None:
    """The server's own `scrubroom.region` (postgresql.conf, `-c`, or ALTER DATABASE SET)."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT current_setting('scrubroom.region', true)")
            row = cursor.fetchone()
    except Exception as error:
        raise ObservationFailed(f"could not query the database: {type(error).__name__}") from None
    return (row[0] or None) if row else None


def _media_store() -> Store:
    declared = settings.SCRUBROOM_STORE_REGIONS["media"]
    backend = settings.STORAGES["private"]["BACKEND"]
    holds = str(_("credential documents and case images"))
    if backend.endswith("S3Storage"):
        options = settings.STORAGES["private"]["OPTIONS"]
        return Store(
            key="media",
            name="Private files",
            holds=holds,
            backend="S3-compatible object storage",
            host=_host(options.get("endpoint_url") or "https://s3.amazonaws.com"),
            setting="SCRUBROOM_MEDIA_REGION",
            declared=declared,
            observe=lambda: bucket_region(options["bucket_name"]),
            observed_how="the bucket's location",
        )
    return Store(
        key="media",
        name="Private files",
        holds=holds,
        backend="Folder on the application server",
        host="",
        setting="SCRUBROOM_MEDIA_REGION",
        declared=declared,
    )


def _redis_store() -> Store:
    holds = str(_("live-update messages, rate-limit counters and cached pages"))
    if settings.REDIS_URL:
        return Store(
            key="redis",
            name="Cache and live updates",
            holds=holds,
            backend="Redis",
            host=_host(settings.REDIS_URL),
            setting="SCRUBROOM_REDIS_REGION",
            declared=settings.SCRUBROOM_STORE_REGIONS["redis"],
        )
    # In-process memory lives wherever the application runs, by construction.
    return Store(
        key="redis",
        name="Cache and live updates",
        holds=holds,
        backend="Memory of the application process",
        host="",
        setting="SCRUBROOM_REGION",
        declared=settings.SCRUBROOM_REGION,
    )


def _email_store() -> Store:
    mailer: dict[str, Any] = settings.MAILERS["default"]
    options = mailer.get("OPTIONS", {})
    host = options.get("host", "")
    return Store(
        key="email",
        name="Email relay",
        holds=str(_("sign-in and notification emails, which carry links but never case content")),
        backend="SMTP relay" if host else "Console (development)",
        host=host,
        setting="SCRUBROOM_EMAIL_REGION",
        declared=settings.SCRUBROOM_STORE_REGIONS["email"],
    )


def _backup_store() -> Store:
    target = settings.SCRUBROOM_BACKUP_TARGET
    declared = settings.SCRUBROOM_STORE_REGIONS["backups"]
    holds = str(_("copies of the database and private files"))
    parts = urlsplit(target)
    if parts.scheme == "s3":
        return Store(
            key="backups",
            name="Backups",
            holds=holds,
            backend="S3-compatible object storage",
            host=_host(settings.STORAGES["private"].get("OPTIONS", {}).get("endpoint_url") or "")
            or "s3.amazonaws.com",
            setting="SCRUBROOM_BACKUP_REGION",
            declared=declared,
            observe=(lambda: bucket_region(parts.netloc)) if settings.S3_BUCKET else None,
            observed_how="the bucket's location",
        )
    return Store(
        key="backups",
        name="Backups",
        holds=holds,
        backend="Folder" if target else "Not declared",
        host="",
        setting="SCRUBROOM_BACKUP_REGION",
        declared=declared if target else "",
    )


def stores() -> list[Store]:
    return [_database_store(), _media_store(), _redis_store(), _email_store(), _backup_store()]


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def bucket_region(bucket: str) -> str:
    """The region an S3 bucket reports. AWS reports none for us-east-1, its first region."""
    storage: Any = storages["private"]  # S3Storage: boto3 resource behind .connection
    client = storage.connection.meta.client
    try:
        location = client.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    except Exception as error:
        raise ObservationFailed(
            f"could not read the location of bucket {bucket!r}: {type(error).__name__}"
        ) from None
    return location or "us-east-1"


# --- verdicts ------------------------------------------------------------------------------


def judge(store: Store, *, observe: bool = True) -> Verdict:
    region = settings.SCRUBROOM_REGION
    location = store.host or "this server"
    observed = ""
    if not store.declared:
        verdict, detail = "missing", f"{store.setting} is not set"
    elif store.declared != region:
        verdict = "mismatch"
        detail = f"declared {store.declared!r}, but the deployment is in {region!r}"
    else:
        verdict, detail = "ok", "declared in the deployment's region"
    if observe and store.observe is not None and verdict != "missing":
        try:
            observed = store.observe() or ""
        except ObservationFailed as error:
            if verdict == "ok":
                verdict, detail = "unverified", str(error)
        else:
            if not observed:
                detail += f"; {store.observed_how} is not set, so only the declaration counts"
            elif observed != store.declared:
                verdict = "mismatch"
                detail = f"{store.observed_how} says {observed!r}, declared {store.declared!r}"
            elif verdict == "ok":
                detail = f"{store.observed_how} confirms it"
    elif store.on_this_server and verdict == "ok":
        detail = "kept on the application server, in the deployment's region"
    return Verdict(
        key=store.key,
        name=store.name,
        holds=store.holds,
        backend=store.backend,
        location=location,
        declared=store.declared,
        observed=observed,
        verdict=verdict,
        detail=detail,
    )


def report(*, observe: bool = True) -> list[Verdict]:
    return [judge(store, observe=observe) for store in stores()]


def declared_hosts() -> set[str]:
    """Every host the server may connect to: the declared stores, nothing else."""
    return {store.host for store in stores() if store.host}


def refuse_to_start_on_errors() -> None:
    """Run every system check, the store observations included; raise on any error."""
    messages = checks.run_checks(databases=["default"])
    errors = [message for message in messages if message.is_serious()]
    if errors:
        lines = "\n".join(f"{message.id}: {message.msg} {message.hint or ''}" for message in errors)
        raise SystemCheckError(f"Scrubroom refuses to start:\n{lines}")
