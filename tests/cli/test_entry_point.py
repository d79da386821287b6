"""``medgui`` with no display explains how to run it instead of crashing in Qt."""

from __future__ import annotations

import os
import subprocess
import sys


def run_medgui(*args: str, **env_changes: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "medgui", *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


def test_without_a_display_the_app_says_how_to_run_it():
    done = run_medgui(DISPLAY=None, WAYLAND_DISPLAY=None, QT_QPA_PLATFORM=None)
    assert done.returncode == 2
    assert "no display found" in done.stderr
    assert "xvfb-run -a medgui" in done.stderr
    assert "medgui classify-image" in done.stderr
    assert "Traceback" not in done.stderr


def test_commands_run_without_a_display():
    done = run_medgui("--help", DISPLAY=None, WAYLAND_DISPLAY=None, QT_QPA_PLATFORM=None)
    assert done.returncode == 0
    for command in ("classify-image", "classify-text", "records", "train", "evaluate", "models"):
        assert command in done.stdout


def test_version():
    from medgui import __version__

    done = run_medgui("--version")
    assert done.returncode == 0 and __version__ in done.stdout
