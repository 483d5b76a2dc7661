"""/healthz: the load balancer's probe. Public, never cached, and says only whether the stores
answer: no engine, host, version or count."""

from __future__ import annotations

import json

from channels.layers import channel_layers

KEYS = {"status", "region", "database", "channel_layer"}
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [("127.0.0.1", 1)]},
    }
}


def cache_directives(response) -> set[str]:
    return {part.strip().lower() for part in response["Cache-Control"].split(",")}


def test_healthz_answers_anonymous_probe_with_ok_and_region_only(client, db, settings):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert set(body) == KEYS
    assert body == {
        "status": "ok",
        "region": settings.SCRUBROOM_REGION,
        "database": "ok",
        "channel_layer": "ok",
    }
    assert body["region"] == "test-region"


def test_healthz_is_never_cached(client, db):
    response = client.get("/healthz")

    assert {"no-cache", "no-store", "must-revalidate", "max-age=0"} <= cache_directives(response)
    assert "Expires" in response


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


def test_healthz_is_answered_over_plain_http_when_tls_is_enforced(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True

    # The rest of the site is redirected to HTTPS; the probe inside the private network is not.
    assert client.get("/accounts/login/").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_settings_override_replaces_the_cached_channel_layer(settings):
    # The 503 test below relies on this: channels caches layers, and drops them on
    # setting_changed, so overriding CHANNEL_LAYERS takes effect without a manual reset.
    before = channel_layers["default"]
    settings.CHANNEL_LAYERS = UNREACHABLE_REDIS
    after = channel_layers["default"]
    assert after is not before
    assert type(after).__name__ == "RedisChannelLayer"
    assert after.hosts == [{"host": "127.0.0.1", "port": 1}]


def test_healthz_reports_unreachable_channel_layer_with_503(client, db, settings):
    settings.CHANNEL_LAYERS = UNREACHABLE_REDIS

    response = client.get("/healthz")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert set(body) == KEYS
    assert body == {
        "status": "unavailable",
        "region": settings.SCRUBROOM_REGION,
        "database": "ok",
        "channel_layer": "unreachable",
    }
    assert {"no-cache", "no-store"} <= cache_directives(response)
    # Nothing about where the stores live or what they are.
    text = response.content.decode().lower()
    for leak in ("127.0.0.1", "redis", "sqlite", "postgres", "error", "refused"):
        assert leak not in text


def test_healthz_ignores_requests_for_more_detail(client, db):
    response = client.get("/healthz?verbose=1&debug=1&format=full")

    assert response.status_code == 200
    assert set(json.loads(response.content)) == KEYS


def test_a_channel_layer_that_accepts_but_never_answers_gives_a_prompt_503(client, db, settings):
    """A silent store (dropped packets, a hung Redis) must not hang the probe."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": [("127.0.0.1", silent.getsockname()[1])]},
            }
        }
        response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["channel_layer"] == "unreachable"
