"""No network in the tests: an audit hook refuses every socket connection that is not a
Unix-domain socket, and the test that tried fails, even if its code caught the error.

medgui promises to work offline; a test that reaches out (a model hub, a font server, a
telemetry ping, DNS for a remote name) is a defect this catches. Installed by
``tests/conftest.py`` (its hooks are imported there). ``sys.addaudithook`` sees every
``socket.connect``/``connect_ex``/``sendto``/``sendmsg`` and name lookup in this process,
in every thread; AF_UNIX (multiprocessing's listeners, D-Bus) is allowed, and
multiprocessing's pipes are socketpairs or OS pipes, which never connect.
Processes the tests spawn (the analysis service) run their own interpreter without the
hook; they are covered only through what they are asked to do.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

__all__ = ["NetworkBlockedError", "expect_blocked", "pytest_runtest_call", "pytest_runtest_setup",
           "pytest_runtest_teardown"]


class NetworkBlockedError(RuntimeError):
    """Raised inside the code that tried to open a network connection during a test."""


_LOCAL_NAMES = {None, "", "localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}
_OWN_NAMES: set[str] = set()
_violations: list[str] = []
_lock = threading.Lock()
_installed = False


def _local_name(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    return host in _LOCAL_NAMES or (isinstance(host, str) and host.lower() in _OWN_NAMES)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not event.startswith("socket."):
        return
    what = ""
    if event == "socket.connect" or (event in ("socket.sendto", "socket.sendmsg") and args[1] is not None):
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) != socket.AF_UNIX:
            what = f"{event.split('.')[1]} to {address!r}"
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                   "socket.gethostbyaddr") and not _local_name(args[0]):
        what = f"name lookup of {args[0]!r}"
    if what:
        with _lock:
            _violations.append(what)
        raise NetworkBlockedError(f"tests run offline: {what} refused (tests/network_guard.py)")


def install() -> None:
    """Install the audit hook once per process (audit hooks cannot be removed)."""
    global _installed
    if not _installed:
        with contextlib.suppress(OSError):
            _OWN_NAMES.add(socket.gethostname().lower())  # this machine's own name resolves locally
        sys.addaudithook(_hook)
        _installed = True


@contextlib.contextmanager
def expect_blocked() -> Iterator[list[str]]:
    """For the guard's own tests: collect (and forgive) what is blocked inside the block."""
    with _lock:
        before = len(_violations)
    caught: list[str] = []
    try:
        yield caught
    finally:
        with _lock:
            caught += _violations[before:]
            del _violations[before:]


def _check(phase: str) -> None:
    with _lock:
        found, _violations[:] = list(_violations), []
    if found:
        pytest.fail(f"the test used the network during {phase}: " + "; ".join(found), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Any:
    install()
    with _lock:
        _violations.clear()
    result = yield
    _check("setup")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    result = yield
    _check("the test")
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Any:
    result = yield
    _check("teardown")
    return result
