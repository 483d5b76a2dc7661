"""The project's own pages: the load balancer's probe, the policies, and where the data lives."""

from __future__ import annotations

import asyncio
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from members.permissions import applicant_allowed
from scrubroom import residency

# Observing a store's region is a network call; the page shows a report up to 5 minutes old.
RESIDENCY_CACHE_KEY = "scrubroom:residency-report"


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


async def _channel_layer_roundtrip() -> bool:
    layer = get_channel_layer()
    channel = await layer.new_channel(prefix="healthz")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz", "token": token})
    message = await layer.receive(channel)
    return message.get("token") == token


async def _channel_layer_roundtrip_within(seconds: float) -> bool:
    # A dropped packet must give the load balancer a quick 503, not a hung probe.
    return await asyncio.wait_for(_channel_layer_roundtrip(), timeout=seconds)


def _channel_layer_ok() -> bool:
    try:
        return async_to_sync(_channel_layer_roundtrip_within)(2.0)
    except Exception:
        return False


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: reachability only, no versions, hosts or counts."""
    checks = {"database": _database_ok(), "channel_layer": _channel_layer_ok()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "unavailable",
        "region": settings.SCRUBROOM_REGION,
        **{name: "ok" if ok else "unreachable" for name, ok in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
@login_not_required
def policy(request: HttpRequest, page: str) -> HttpResponse:
    return render(request, f"scrubroom/policies/{page}.html")


@require_GET
@applicant_allowed
def data_residency(request: HttpRequest) -> HttpResponse:
    """Where your data lives: the residency report in plain words, for anyone signed in."""
    verdicts = cache.get(RESIDENCY_CACHE_KEY)
    if verdicts is None:
        verdicts = residency.report()
        cache.set(RESIDENCY_CACHE_KEY, verdicts, timeout=300)
    return render(
        request,
        "scrubroom/data_residency.html",
        {
            "region": settings.SCRUBROOM_REGION,
            "verdicts": verdicts,
            "all_ok": all(verdict.ok for verdict in verdicts),
        },
    )
