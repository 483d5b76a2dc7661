"""The live-thread journey over real servers, shared by the single-process test
(tests/test_live_daphne.py) and the two-process one (tests/test_scaled.py)."""

from __future__ import annotations

from django.conf import settings

from tests.servers import Browser, Viewer


def browser_for(session: str) -> Browser:
    browser = Browser()
    browser.cookies[settings.SESSION_COOKIE_NAME] = session
    return browser


def run_live_thread(*, post_port: int, watch_port: int, case_id: int, sessions: dict) -> None:
    """Alice posts over HTTP (on `post_port`); Bob, watching on `watch_port`, receives the
    event and fetches the fragment; Chen connects late with an old id and gets exactly the
    replies he missed, in order."""
    alice, bob_http = browser_for(sessions["alice"]), browser_for(sessions["bob"])
    bob = Viewer(watch_port, case_id, sessions["bob"])
    assert bob.receive("presence")["viewers"] >= 1
    bob.send({"type": "resume", "after": 0})
    already = [event["id"] for event in bob.receive("events")["events"]]

    status, _, _ = alice.get(post_port, f"/cases/{case_id}/")  # the page, and its CSRF cookie
    assert status == 200

    def post(body: str) -> None:
        status, _, _ = alice.post(post_port, f"/cases/{case_id}/replies/", {"body": body})
        assert status == 302, f"posting failed with {status}"

    post("First live reply, about the mesh overlap.")
    first = bob.receive("event")["event"]
    assert first["kind"] == "reply" and first["id"] > max(already, default=0)
    status, _, fragment = bob_http.get(watch_port, f"/replies/{first['reply']}/fragment/")
    assert status == 200
    assert b"First live reply, about the mesh overlap." in fragment
    assert f'id="reply-{first["reply"]}"'.encode() in fragment

    post("Second reply, while Chen was away.")
    post("Third reply, also missed.")
    second, third = bob.receive("event")["event"], bob.receive("event")["event"]
    assert [second["kind"], third["kind"]] == ["reply", "reply"]
    assert first["id"] < second["id"] < third["id"]

    chen = Viewer(watch_port, case_id, sessions["chen"])
    chen.send({"type": "resume", "after": first["id"]})
    missed = chen.receive("events")["events"]
    assert [event["id"] for event in missed] == [second["id"], third["id"]]
    assert [event["reply"] for event in missed] == [second["reply"], third["reply"]]
    bob.close()
    chen.close()
