"""The file's fault or ours: how the scrubbing service fails, and what the uploader is told.

A decoder that crashes on a file, a file that needs too much CPU, a fork server that is
stopped or gone, and every slot of this process taken: each gets its own answer, and only
the file's faults blame the file.
"""

from __future__ import annotations

import io
import os
import signal
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from members import quotas
from uploads import pipeline
from uploads.models import Upload
from uploads.scrub import Refused


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 90, 60)).save(out, "JPEG")
    return out.getvalue()


def test_a_decoder_that_crashes_blames_the_file_not_memory(monkeypatch):
    # The child dies of SIGSEGV, as a decoder bug on a hostile file would make it.
    original = pipeline._server.fork

    def fork_then_crash(job, connection, status):
        pid = original(job, connection, status)
        os.kill(pid, signal.SIGSEGV)
        return pid

    monkeypatch.setattr(pipeline._server, "fork", fork_then_crash)
    with pytest.raises(Refused) as refusal:
        pipeline.scrub(photo())
    assert str(refusal.value) == pipeline.CRASHED
    assert not isinstance(refusal.value, pipeline.ScrubberUnavailable)


def test_a_child_stopped_by_its_cpu_limit_is_too_slow_not_too_big(monkeypatch):
    # SIGXCPU is what the kernel sends at the CPU limit's soft value.
    original = pipeline._server.fork

    def fork_then_limit(job, connection, status):
        pid = original(job, connection, status)
        os.kill(pid, signal.SIGXCPU)
        return pid

    monkeypatch.setattr(pipeline._server, "fork", fork_then_limit)
    with pytest.raises(Refused) as refusal:
        pipeline.scrub(photo())
    assert str(refusal.value) == pipeline.TOO_SLOW


def test_the_cpu_limit_signals_before_it_kills():
    # Soft below hard: SIGXCPU (read as "too slow") comes first. Equal limits would go
    # straight to SIGKILL, which reads as the kernel's memory killer.
    import subprocess
    import sys

    script = (
        "import resource; from uploads.worker import limit; limit(2**31, 5); "
        "print(*resource.getrlimit(resource.RLIMIT_CPU))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    soft, hard = (int(value) for value in result.stdout.split())
    assert soft == 5 and hard > soft


def test_a_stopped_fork_server_is_replaced_within_the_fork_timeout(monkeypatch):
    pipeline.scrub(photo())
    wedged = pipeline._server.process
    assert wedged is not None
    monkeypatch.setattr(pipeline, "FORK_SECONDS", 0.5)
    assert pipeline._server.control is not None
    pipeline._server.control.settimeout(0.5)
    os.kill(wedged.pid, signal.SIGSTOP)  # alive but answering nothing
    try:
        assert pipeline.scrub(photo()).receipt.width == 320
    finally:
        if wedged.poll() is None:
            os.kill(wedged.pid, signal.SIGCONT)
    assert wedged.poll() is not None  # killed and reaped, not left stopped
    assert pipeline._server.process is not wedged


def test_a_fork_server_that_cannot_start_is_our_fault(monkeypatch):
    def broken_start():
        raise OSError("no processes left")

    pipeline._server.stop()
    monkeypatch.setattr(pipeline._server, "_start", broken_start)
    with pytest.raises(pipeline.ScrubberUnavailable) as refusal:
        pipeline.scrub(photo())
    assert str(refusal.value) == pipeline.UNAVAILABLE
    assert "our fault, not your file" in pipeline.UNAVAILABLE


def test_a_silent_child_is_told_apart_by_how_it_ended():
    assert str(pipeline._silent_child(f"signal {int(signal.SIGXCPU)}")) == pipeline.TOO_SLOW
    assert str(pipeline._silent_child(f"signal {int(signal.SIGKILL)}")) == pipeline.TOO_BIG
    assert str(pipeline._silent_child(f"signal {int(signal.SIGABRT)}")) == pipeline.CRASHED
    assert isinstance(pipeline._silent_child("exit 1"), pipeline.ScrubberUnavailable)
    assert isinstance(pipeline._silent_child(""), pipeline.ScrubberUnavailable)


def test_a_full_process_says_busy_retrying_and_keeps_the_quota(client_for, alice, settings):
    settings.SCRUBROOM_SCRUBS_PER_PROCESS = 1
    settings.SCRUBROOM_SCRUB_WAIT_SECONDS = 0
    client = client_for(alice)
    url = reverse("upload_create")
    hour = int(time.time() // quotas.HOUR)

    def used() -> int:
        return cache.get(quotas._key(alice.pk, "upload", hour), 0)

    with pipeline.slots.hold():  # another upload is being scrubbed
        response = client.post(url, {"file": io.BytesIO(photo())})
    assert response.status_code == 503
    assert response["Retry-After"] == str(pipeline.ScrubberBusy.retry_after)
    body = response.json()
    assert body == {"error": pipeline.BUSY, "ours": True, "retry": True}
    assert not Upload.objects.exists()
    assert used() == 0  # our fault costs the member nothing
    # The slot is free again: the same file goes through.
    again = client.post(url, {"file": io.BytesIO(photo())})
    assert again.status_code == 201


def test_ours_is_503_and_not_retried_blindly(client_for, alice, monkeypatch):
    def unavailable(data):
        raise pipeline.ScrubberUnavailable(pipeline.UNAVAILABLE)

    monkeypatch.setattr(pipeline, "scrub", unavailable)
    response = client_for(alice).post(reverse("upload_create"), {"file": io.BytesIO(photo())})
    assert response.status_code == 503
    assert response.json() == {"error": pipeline.UNAVAILABLE, "ours": True, "retry": False}


def test_the_files_fault_is_400_and_says_why(client_for, alice):
    response = client_for(alice).post(
        reverse("upload_create"), {"file": io.BytesIO(b"not an image at all")}
    )
    assert response.status_code == 400
    assert "not an image we accept" in response.json()["error"]


def test_a_process_without_scrub_slots_does_not_start(settings):
    from django.core.checks import run_checks

    settings.SCRUBROOM_SCRUBS_PER_PROCESS = 0
    assert "uploads.E001" in {message.id for message in run_checks()}
    settings.SCRUBROOM_SCRUBS_PER_PROCESS = 2
    assert not [message for message in run_checks() if message.id.startswith("uploads.")]
