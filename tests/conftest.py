"""Shared test setup: headless Qt, an isolated medgui home, no network, no shared/ data."""

from __future__ import annotations

import os

# Must be set before any Qt import: there is no display in CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest  # noqa: E402

# No network: any non-AF_UNIX socket connection fails the test that made it.
from tests.network_guard import (  # noqa: E402, F401 - pytest finds the hooks by name here
    install,
    pytest_runtest_call,
    pytest_runtest_setup,
    pytest_runtest_teardown,
)

install()


@pytest.fixture(autouse=True)
def medgui_home(tmp_path, monkeypatch):
    """Every test gets its own empty medgui home (database, registry, settings)."""
    home = tmp_path / "medgui-home"
    monkeypatch.setenv("MEDGUI_HOME", str(home))
    return home
