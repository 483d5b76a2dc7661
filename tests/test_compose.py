"""docker-compose.yml describes the scaled deployment, and it validates.

No Docker engine runs here, so the file is judged by Debian's `docker-compose config` (which
resolves variables, anchors and merges exactly as `up` would) and by reading what it resolves
to. In CI the package is installed; elsewhere a missing docker-compose skips these tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

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
        assert environment["SCRUBROOM_REDIS_URL"].startswith("redis://redis:")
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
