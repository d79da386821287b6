"""The no-network guard (tests/network_guard.py) fires, fails the test, and lets
multiprocessing and Unix sockets through."""

from __future__ import annotations

import multiprocessing as mp
import os
import socket
import subprocess
import sys
import textwrap
from multiprocessing.connection import Client, Listener
from pathlib import Path

import pytest

from tests.network_guard import NetworkBlockedError, expect_blocked

ROOT = Path(__file__).resolve().parents[1]


def test_a_tcp_connect_is_refused_and_recorded():
    with expect_blocked() as blocked:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        with sock, pytest.raises(NetworkBlockedError, match="offline"):
            sock.connect(("127.0.0.1", 9))
    assert blocked == ["connect to ('127.0.0.1', 9)"]


def test_udp_sendto_and_remote_name_lookups_are_refused():
    with expect_blocked() as blocked:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        with sock, pytest.raises(NetworkBlockedError):
            sock.sendto(b"x", ("192.0.2.1", 53))
        with pytest.raises(NetworkBlockedError):
            socket.getaddrinfo("example.org", 443)
    assert blocked == ["sendto to ('192.0.2.1', 53)", "name lookup of 'example.org'"]


def test_a_test_that_swallows_the_error_still_fails(tmp_path):
    """Run a tiny suite with the guard in a fresh pytest: the sneaky test fails, the
    honest ones (multiprocessing, a Unix socket) pass."""
    (tmp_path / "conftest.py").write_text("from tests.network_guard import *  # noqa\n", encoding="utf-8")
    (tmp_path / "test_inner.py").write_text(textwrap.dedent("""
        import socket, threading

        def test_sneaky():
            try:
                socket.create_connection(("127.0.0.1", 9), timeout=1)
            except Exception:
                pass  # a library that hides its failure

        def test_in_a_thread():
            def reach_out():
                try:
                    socket.socket().connect(("127.0.0.1", 9))
                except Exception:
                    pass
            t = threading.Thread(target=reach_out)
            t.start()
            t.join()

        def test_honest():
            a, b = socket.socketpair()
            a.sendall(b"ok")
            assert b.recv(2) == b"ok"
    """), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 failed, 1 passed" in run.stdout
    assert "FAILED test_inner.py::test_sneaky" in run.stdout
    assert "FAILED test_inner.py::test_in_a_thread" in run.stdout
    assert "the test used the network during the test: connect to ('127.0.0.1', 9)" in run.stdout


def _echo(conn) -> None:  # noqa: ANN001 - a multiprocessing Connection
    conn.send(conn.recv() * 2)
    conn.close()


def test_multiprocessing_pipes_and_unix_sockets_still_work(tmp_path):
    ctx = mp.get_context("spawn")  # as the analysis service starts its process
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_echo, args=(child,))
    proc.start()
    parent.send(21)
    assert parent.recv() == 42
    proc.join(30)
    assert proc.exitcode == 0
    address = str(tmp_path / "medgui.sock")
    with Listener(address, family="AF_UNIX") as listener:
        client = Client(address, family="AF_UNIX")
        server = listener.accept()
        client.send("ping")
        assert server.recv() == "ping"
        client.close()
        server.close()
