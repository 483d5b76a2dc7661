"""Loaded with `-p tests.network_guard`: the server connects to its declared stores only.

Every name lookup and every socket connection made in the test process is checked against
loopback and the hosts of the declared data stores (`scrubroom.residency.declared_hosts()`). Any
other is refused with `UndeclaredConnection` and recorded, and the test that made it fails
at teardown even if the code under test swallowed the error.
"""

from __future__ import annotations

import ipaddress
import socket
import threading

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo

LOOPBACK_NAMES = {"localhost", "testserver"}

_violations: list[str] = []
_lock = threading.Lock()


class UndeclaredConnection(OSError):
    """A connection to a host that is not a declared data store."""


def _declared_hosts() -> set[str]:
    from django.apps import apps

    if not apps.ready:
        return set()
    from scrubroom import residency

    return residency.declared_hosts()


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _declared_addresses(hosts: set[str]) -> set[str]:
    addresses = set()
    for host in hosts:
        try:
            for *_, sockaddr in _real_getaddrinfo(host, None):
                addresses.add(str(sockaddr[0]))
        except OSError:
            continue  # a declared host that does not resolve here (smtp.invalid) is never reached
    return addresses


def check(host: str) -> None:
    if not host or _is_loopback(host):
        return
    declared = _declared_hosts()
    if host in declared or host in _declared_addresses(declared):
        return
    message = f"connection to undeclared host {host!r}"
    with _lock:
        _violations.append(message)
    raise UndeclaredConnection(message)


def _host_of(address: object) -> str:
    if isinstance(address, tuple) and address:
        return str(address[0])
    return ""  # AF_UNIX paths and other local families


def _guarded_connect(self: socket.socket, address: object) -> None:
    check(_host_of(address))
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    check(_host_of(address))
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if isinstance(host, bytes):
        host = host.decode()
    if host is not None:
        check(str(host))
    return _real_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo


def take_violations() -> list[str]:
    with _lock:
        taken = list(_violations)
        _violations.clear()
    return taken


install()


@pytest.fixture(autouse=True)
def _no_undeclared_connections():
    take_violations()
    yield
    violations = take_violations()
    if violations:
        pytest.fail("The server connected outside its declared stores: " + "; ".join(violations))
