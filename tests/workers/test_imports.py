"""Slow imports on a thread: started from the event loop, reported on the GUI thread."""

from __future__ import annotations

import sys
import threading

import pytest

from medgui.workers.imports import BackgroundImport, import_in_background


@pytest.fixture
def module_dir(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("medgui_test_slow_")]:
        del sys.modules[name]


def test_the_import_runs_on_a_thread_once_the_event_loop_runs(qtbot, module_dir):
    (module_dir / "medgui_test_slow_a.py").write_text(
        "import threading\nIMPORTED_ON = threading.current_thread().name\n")
    job = import_in_background("medgui_test_slow_a")
    assert "medgui_test_slow_a" not in sys.modules and not job.done  # not before the loop
    seen = []
    job.sig_imported.connect(lambda: seen.append(threading.current_thread().name))
    with qtbot.waitSignal(job.sig_imported, timeout=10000):
        pass
    module = sys.modules["medgui_test_slow_a"]
    assert module.IMPORTED_ON == "medgui-import-medgui_test_slow_a"
    assert seen == [threading.main_thread().name]  # the signal arrives on the GUI thread
    assert job.done
    assert import_in_background("medgui_test_slow_a") is job  # one import per module


def test_a_failed_import_still_reports_and_reaches_the_excepthook(qtbot, module_dir, monkeypatch):
    (module_dir / "medgui_test_slow_b.py").write_text("raise RuntimeError('broken module')\n")
    caught = []
    monkeypatch.setattr(threading, "excepthook", lambda args: caught.append(args.exc_value))
    job = BackgroundImport("medgui_test_slow_b")
    with qtbot.waitSignal(job.sig_imported, timeout=10000):
        job.start()
    qtbot.waitUntil(lambda: bool(caught), timeout=5000)
    assert job.done and "medgui_test_slow_b" not in sys.modules
    assert isinstance(caught[0], RuntimeError) and str(caught[0]) == "broken module"
