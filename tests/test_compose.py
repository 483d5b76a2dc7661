"""docker-compose.yml describes the scaled deployment, and it validates.

No Docker engine runs here, so the file is judged by Debian's `docker-compose config` (which
resolves variables, anchors and merges exactly as `up` would) and by reading what it resolves
to. In CI the package is installed; elsewhere a missing docker-compose skips these tests.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings

ROOT = settings.BASE_DIR
STORE_REGION_VARIABLES = [
    "SCRUBROOM_DATABASE_REGION",
    "SCRUBROOM_MEDIA_REGION",
    "SCRUBROOM_REDIS_REGION",
    "SCRUBROOM_EMAIL_REGION",
    "SCRUBROOM_BACKUP_REGION",
]
APP_SERVICES = ("app1", "app2", "migrate")
# A variable whose name says it holds a credential. MinIO's root user and an access key id are
# one half of a login each, so they are credentials too; role names and hosts are not.
CREDENTIAL_NAME = re.compile(r"PASSWORD|SECRET|KEY|TOKEN|MINIO_ROOT_USER", re.IGNORECASE)
# What the images and the old file fall back to, and what gets typed in a hurry.
KNOWN_DEFAULTS = {
    "",
    "minioadmin",
    "postgres",
    "scrubroom",
    "password",
    "changeme",
    "secret",
    "admin",
    "root",
    "redis",
}


def compose_config(**environment: str) -> dict:
    if shutil.which("docker-compose") is None:
        message = "needs Debian's docker-compose (apt-get install docker-compose)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SCRUBROOM_", "COMPOSE_", "DOCKER_"))
    }
    result = subprocess.run(
        ["docker-compose", "--project-directory", str(ROOT), "-f", "docker-compose.yml", "config"],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


@pytest.fixture(scope="module")
def compose() -> dict:
    return compose_config(SCRUBROOM_REGION="eu-central", SCRUBROOM_HOST="forum.example.eu")


def test_the_topology_is_complete(compose):
    services = compose["services"]
    assert {"db", "redis", "objects", "nginx", "migrate"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["image"].startswith("redis:")
    assert services["objects"]["image"].startswith("minio/minio")
    apps = [name for name in services if name.startswith("app")]
    assert len(apps) >= 2, "at least two Daphne processes"
    nginx_needs = set(services["nginx"]["depends_on"])
    assert set(apps) <= nginx_needs


def test_every_app_process_declares_every_store_in_the_deployment_region(compose):
    for name in ("app1", "app2", "migrate"):
        environment = compose["services"][name]["environment"]
        assert environment["SCRUBROOM_REGION"] == "eu-central", name
        for variable in STORE_REGION_VARIABLES:
            assert environment[variable] == "eu-central", f"{name}: {variable}"
        # The scaled stores, not the embedded defaults.
        assert environment["SCRUBROOM_DATABASE_URL_FILE"].startswith("/run/secrets/")
        assert environment["SCRUBROOM_REDIS_URL_FILE"].startswith("/run/secrets/")
        assert environment["SCRUBROOM_S3_BUCKET"]
        assert environment["SCRUBROOM_BACKUP_TARGET"].startswith("s3://")
        assert "SCRUBROOM_DEBUG" not in environment


def test_moving_the_deployment_moves_every_store_and_the_bucket():
    compose = compose_config(SCRUBROOM_REGION="us-east-2")
    services = compose["services"]
    environment = services["app1"]["environment"]
    assert {environment[variable] for variable in STORE_REGION_VARIABLES} == {"us-east-2"}
    assert services["objects"]["environment"]["MINIO_REGION"] == "us-east-2"
    assert "scrubroom.region=us-east-2" in services["db"]["command"]
    assert '--region "us-east-2"' in " ".join(services["buckets"]["command"])


def test_every_variable_the_app_is_given_is_one_settings_reads(compose):
    # A misspelt variable would silently leave a production default (or nothing) in place.
    source = (ROOT / "scrubroom" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"(SCRUBROOM_\w+)"', source))
    for name in ("app1", "app2"):
        for variable in compose["services"][name]["environment"]:
            base = variable.removesuffix("_FILE")
            assert base in read, f"{name} sets {variable}, which settings.py never reads"


def test_the_stores_are_not_reachable_from_outside(compose):
    networks = compose["networks"]
    assert networks["backend"].get("internal") is True
    for store in ("db", "redis", "objects"):
        assert "ports" not in compose["services"][store], f"{store} publishes a port"
        assert set(compose["services"][store]["networks"]) == {"backend"}
    # Only nginx faces the outside, and only on the web port.
    published = [str(port["published"]) for port in compose["services"]["nginx"]["ports"]]
    assert published == ["80"]
    exposed = [name for name, service in compose["services"].items() if "ports" in service]
    assert exposed == ["nginx"]


def test_access_logs_never_carry_query_strings():
    # A search for a patient's name must not end up in a log file.
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    log_format = re.search(r"log_format scrubroom (.*?);", conf, re.S)
    assert log_format and "$uri" in log_format.group(1)
    for variable in ("$request ", '$request"', "$args", "$query_string", "$request_uri"):
        assert variable not in log_format.group(1)
    assert re.search(r"access_log \S+ scrubroom;", conf)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert '"--access-log", "/dev/null"' in dockerfile


def test_nginx_upgrades_websockets_and_limits_request_size():
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"proxy_set_header Upgrade \$http_upgrade;", conf)
    assert re.search(r"proxy_set_header Connection \$connection_upgrade;", conf)
    size = re.search(r"client_max_body_size (\d+)m;", conf)
    assert size and 25 <= int(size.group(1)) <= 50
    assert "server app1:8000" in conf and "server app2:8000" in conf
    assert "location /static/" in conf


# --- credentials -----------------------------------------------------------------------------


def secrets_of(service: dict) -> set[str]:
    """The Docker secrets a service is given (docker-compose writes them as {"source": name})."""
    return {
        item["source"] if isinstance(item, dict) else item for item in service.get("secrets", [])
    }


def secret_named_by(service: dict, variable: str) -> str:
    """The secret a `*_FILE` variable points at; it must be one the service is given."""
    path = service["environment"][variable]
    assert path.startswith("/run/secrets/"), f"{variable} is {path!r}"
    name = path.removeprefix("/run/secrets/")
    assert name in secrets_of(service), f"{variable} names {name}, which is not mounted"
    return name


def shell_text(service: dict) -> str:
    """Everything a service runs: its entrypoint, command and health check, as one text."""
    parts: list[str] = []
    for key in ("entrypoint", "command"):
        value = service.get(key) or []
        parts += [value] if isinstance(value, str) else value
    parts += (service.get("healthcheck") or {}).get("test") or []
    return "\n".join(parts)


def secret_files(compose: dict, names: set[str]) -> set[Path]:
    return {Path(compose["secrets"][name]["file"]).resolve() for name in names}


def test_no_service_is_given_a_credential_inline(compose):
    for name, service in compose["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            if CREDENTIAL_NAME.search(variable):
                assert variable.endswith("_FILE"), f"{name}: {variable} is given inline"
                secret_named_by(service, variable)
            # A URL with a password in it is a credential, whatever its variable is called.
            assert not re.search(r"://[^/@\s]*:[^/@\s]*@", str(value)), f"{name}: {variable}"
        # A password on a command line comes from a secret file, never the file itself.
        text = shell_text(service)
        assert not re.search(r"://[^/@\s]*:[^/@\s]*@", text), name
        argument = r"(\"[^\"]*\"|'[^']*'|\S+)"
        given = [
            *re.findall(rf"--requirepass\s+{argument}", text),
            *(
                login
                for pair in re.findall(rf"mc alias set \S+ \S+ {argument} {argument}", text)
                for login in pair
            ),
            *re.findall(rf"mc admin user add \S+ \S+ {argument}", text),
        ]
        for value in given:
            assert "/run/secrets/" in value, f"{name}: {value} is given inline"


def test_redis_requires_a_password_and_the_app_has_it(compose):
    redis = compose["services"]["redis"]
    text = shell_text(redis)
    requirepass = re.search(r'--requirepass\s+"\$\$?\(cat /run/secrets/(\w+)\)"', text)
    assert requirepass, "redis-server runs without --requirepass"
    assert requirepass.group(1) in secrets_of(redis)
    # The health check must sign in too, or it would report a server nobody can use.
    assert f'REDISCLI_AUTH="$$(cat /run/secrets/{requirepass.group(1)})"' in text
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert "SCRUBROOM_REDIS_URL" not in service["environment"], name
        secret_named_by(service, "SCRUBROOM_REDIS_URL_FILE")


def test_minio_root_credentials_are_not_the_apps(compose):
    services = compose["services"]
    objects = services["objects"]
    # Without both, MinIO starts with its default root login (minioadmin).
    root = {
        secret_named_by(objects, "MINIO_ROOT_USER_FILE"),
        secret_named_by(objects, "MINIO_ROOT_PASSWORD_FILE"),
    }
    holders = {name for name, service in services.items() if secrets_of(service) & root}
    assert holders == {"objects", "buckets"}, "only MinIO and the bucket set-up hold root"
    buckets = services["buckets"]
    for name in APP_SERVICES:
        service = services[name]
        app = {
            secret_named_by(service, "SCRUBROOM_S3_ACCESS_KEY_ID_FILE"),
            secret_named_by(service, "SCRUBROOM_S3_SECRET_ACCESS_KEY_FILE"),
        }
        # Not the same secret, nor another name for the same file.
        assert not app & root, name
        assert not secret_files(compose, app) & secret_files(compose, root), name
        # The one-shot service makes the app's key from the same two secrets.
        assert app <= secrets_of(buckets), name
    command = shell_text(buckets)
    assert "mc admin user add" in command
    assert "mc admin policy attach local scrubroom-app" in command


def test_the_apps_key_reaches_its_buckets_only(compose):
    command = shell_text(compose["services"]["buckets"])
    policy = re.search(r"<<'POLICY'\n(.*?)\nPOLICY\n", command, re.S)
    assert policy, "the buckets service writes no policy for the app's key"
    statements = json.loads(policy.group(1))["Statement"]
    buckets = ("scrubroom-private", "scrubroom-backups")
    for statement in statements:
        assert statement["Effect"] == "Allow"
        for action in statement["Action"]:
            assert action.startswith("s3:") and "*" not in action, action
        for resource in statement["Resource"]:
            bucket = resource.removeprefix("arn:aws:s3:::").split("/")[0]
            assert bucket in buckets, resource
    # The backups are out of the app's reach: it may ask where they are, not read or delete.
    on_backups = {
        action
        for statement in statements
        for action in statement["Action"]
        if any("scrubroom-backups" in resource for resource in statement["Resource"])
    }
    assert on_backups == {"s3:GetBucketLocation"}


def test_the_app_connects_as_neither_the_owner_nor_the_superuser(compose):
    services = compose["services"]
    db = services["db"]["environment"]
    superuser, owner, app = (
        db["POSTGRES_USER"],
        db["SCRUBROOM_DATABASE_OWNER_ROLE"],
        db["SCRUBROOM_DATABASE_APP_ROLE"],
    )
    assert len({superuser, owner, app}) == 3
    # docker-compose writes a bind mount as "source:target:mode".
    mounts = [volume.split(":")[:2] for volume in services["db"]["volumes"]]
    init = [
        source for source, target in mounts if target.startswith("/docker-entrypoint-initdb.d/")
    ]
    assert init == [str(ROOT / "deploy" / "postgres-init.sh")], "the roles' script is not mounted"
    database_passwords = secrets_of(services["db"])
    assert len(database_passwords) == 3
    migrate = services["migrate"]
    owner_url = secret_named_by(migrate, "SCRUBROOM_DATABASE_URL_FILE")
    # The migration that narrows the app role's rights on the audit log names it.
    assert migrate["environment"]["SCRUBROOM_DATABASE_APP_ROLE"] == app
    for name in ("app1", "app2"):
        service = services[name]
        app_url = secret_named_by(service, "SCRUBROOM_DATABASE_URL_FILE")
        assert app_url != owner_url
        assert secret_files(compose, {app_url}).isdisjoint(secret_files(compose, {owner_url}))
        # A web process holds no other database login.
        assert not secrets_of(service) & (database_passwords | {owner_url}), name


def test_every_secret_is_a_file_in_the_secrets_folder(compose):
    folder = (ROOT / "secrets").resolve()
    declared = compose["secrets"]
    for name, secret in declared.items():
        assert set(secret) == {"file"}, f"{name} is not a file secret"
        assert Path(secret["file"]).resolve() == folder / name, name
    for name, service in compose["services"].items():
        given = secrets_of(service)
        assert given <= set(declared), f"{name} is given an undeclared secret"
        read = set(re.findall(r"/run/secrets/(\w+)", json.dumps(service)))
        assert read <= given, f"{name} reads {read - given}, which it is not given"


def test_known_default_credentials_are_rejected(compose):
    services = compose["services"]
    for name, service in services.items():
        for variable, value in (service.get("environment") or {}).items():
            if CREDENTIAL_NAME.search(variable) or variable.endswith("_USER"):
                if variable == "POSTGRES_USER":
                    continue  # a role's name, checked below against the roles
                assert str(value).strip().lower() not in KNOWN_DEFAULTS, f"{name}: {variable}"
        text = shell_text(service).lower()
        for default in KNOWN_DEFAULTS - {""}:
            for pattern in (
                rf"--requirepass\s+\"?{default}\b",
                rf"mc alias set \S+ \S+ {default}\b",
            ):
                assert not re.search(pattern, text), f"{name}: {pattern}"
        assert not re.search(r"--requirepass\s+(\"\"|''|$)", text), f"{name}: empty password"
    # PostgreSQL: a password for the superuser, and no trust (the image's way to run without).
    db = services["db"]["environment"]
    assert "POSTGRES_PASSWORD_FILE" in db
    assert db.get("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256") not in {"trust", "password", "md5"}
    # The roles the app and migrations log in as are not the image's or the old file's names.
    roles = {db["SCRUBROOM_DATABASE_OWNER_ROLE"], db["SCRUBROOM_DATABASE_APP_ROLE"]}
    assert not roles & KNOWN_DEFAULTS


def header_commands() -> str:
    """The shell lines of docker-compose.yml's header, up to `docker-compose up`."""
    lines = []
    for line in (ROOT / "docker-compose.yml").read_text().splitlines():
        if not line.startswith("#"):
            break
        if "docker-compose up" in line:
            break
        if line.startswith("#   "):
            lines.append(line.removeprefix("#   "))
    return "\n".join(lines)


def test_the_header_makes_every_secret_a_fresh_random_value(compose, tmp_path):
    # Run the header's commands as written, in an empty folder, with python3 on the path.
    environment = {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", header_commands()],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "secrets"
    assert folder.stat().st_mode & 0o077 == 0, "secrets/ is open to other users"
    made = {path.name: path.read_text().strip() for path in folder.iterdir()}
    assert set(made) == set(compose["secrets"]), "the header and the secrets differ"
    urls = {name for name, value in made.items() if "://" in value}
    values = [value for name, value in made.items() if name not in urls]
    assert len(set(values)) == len(values), "two secrets share a value"
    for value in values:
        assert value.lower() not in KNOWN_DEFAULTS and len(value) >= 20
    # The URLs carry the password made for their own role, and name the roles PostgreSQL has.
    db = compose["services"]["db"]["environment"]
    app_url = urlsplit(made["database_url"])
    owner_url = urlsplit(made["database_owner_url"])
    assert (app_url.username, app_url.password) == (
        db["SCRUBROOM_DATABASE_APP_ROLE"],
        made["db_app_password"],
    )
    assert (owner_url.username, owner_url.password) == (
        db["SCRUBROOM_DATABASE_OWNER_ROLE"],
        made["db_owner_password"],
    )
    assert app_url.hostname == owner_url.hostname == "db"
    redis_url = urlsplit(made["redis_url"])
    assert (redis_url.hostname, redis_url.password) == ("redis", made["redis_password"])
    # Two runs never make the same value.
    subprocess.run(
        ["bash", "-euo", "pipefail", "-c", header_commands()],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert (folder / "db_app_password").read_text().strip() != made["db_app_password"]
