"""The suite's outbound guard (tests/network_guard.py): the server may connect to loopback
and its declared stores, and any other connection is refused and fails the test."""

from __future__ import annotations

import contextlib
import socket
import urllib.error
import urllib.request

import pytest

from tests import network_guard


def test_a_connection_to_an_undeclared_address_is_refused():
    with pytest.raises(network_guard.UndeclaredConnection):
        socket.create_connection(("192.0.2.10", 443), timeout=1)
    assert network_guard.take_violations() == ["connection to undeclared host '192.0.2.10'"]


def test_a_third_party_name_is_refused_before_it_is_looked_up():
    with pytest.raises(urllib.error.URLError) as raised:
        urllib.request.urlopen("https://fonts.example-cdn.net/css", timeout=1)
    assert isinstance(raised.value.reason, network_guard.UndeclaredConnection)
    assert network_guard.take_violations() == [
        "connection to undeclared host 'fonts.example-cdn.net'"
    ]


def test_a_swallowed_refusal_is_still_recorded_for_the_teardown_check():
    # Code under test that hides the error does not hide the attempt.
    with contextlib.suppress(OSError):
        socket.create_connection(("198.51.100.7", 80), timeout=1)
    assert network_guard.take_violations() == ["connection to undeclared host '198.51.100.7'"]


@pytest.mark.django_db
def test_a_declared_store_host_is_allowed(settings):
    settings.REDIS_URL = "redis://192.0.2.20:6379/0"
    with socket.socket() as sock:
        sock.setblocking(False)
        # Allowed by the guard; the network itself then does what it does (nothing answers).
        assert sock.connect_ex(("192.0.2.20", 6379)) != 0
    assert network_guard.take_violations() == []


def test_loopback_is_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
    assert network_guard.take_violations() == []
