from __future__ import annotations

import pytest

from medgui.workers.ml_service import MLService

pytestmark = pytest.mark.slow

# Jobs for these tests live in an importable module so the spawned process finds them.
SLEEP = "tests.workers.jobs_for_tests:sleep_steps"
BOOM = "tests.workers.jobs_for_tests:boom"


@pytest.fixture(scope="module")
def ml_service():
    svc = MLService()
    svc.start()
    yield svc
    svc.shutdown()


def collect(qtbot, job):
    seen = {"events": []}
    job.sig_started.connect(lambda: seen["events"].append("started"))
    job.sig_progress.connect(lambda p: seen["events"].append(("progress", p)))
    job.sig_result.connect(lambda r: seen.update(result=r) or seen["events"].append("result"))
    job.sig_errored.connect(lambda e: seen.update(error=e) or seen["events"].append("error"))
    job.sig_cancelled.connect(lambda: seen["events"].append("cancelled"))
    job.sig_finished.connect(lambda: seen["events"].append("finished"))
    return seen


def test_ping_runs_in_another_process(qtbot, ml_service):
    import os

    job = ml_service.submit("ping", {"x": 1})
    seen = collect(qtbot, job)
    with qtbot.waitSignal(job.sig_finished, timeout=60000):
        pass
    assert seen["result"]["pong"] == {"x": 1}
    assert seen["result"]["pid"] != os.getpid()
    assert seen["events"][0] == "started" and seen["events"][-1] == "finished"


def test_progress_then_result(qtbot, ml_service):
    job = ml_service.submit(SLEEP, {"steps": 3, "delay": 0.01})
    seen = collect(qtbot, job)
    with qtbot.waitSignal(job.sig_finished, timeout=30000):
        pass
    progress = [e[1]["done"] for e in seen["events"] if isinstance(e, tuple)]
    assert progress == [1, 2, 3]
    assert seen["result"] == 3


def test_errors_are_reported_not_raised(qtbot, ml_service):
    job = ml_service.submit(BOOM, {})
    seen = collect(qtbot, job)
    with qtbot.waitSignal(job.sig_finished, timeout=30000):
        pass
    assert seen["error"].type == "ImageLoadError"
    assert "scan.png" in seen["error"].message
    assert "result" not in seen


def test_newer_request_on_channel_supersedes(qtbot, ml_service):
    first = ml_service.submit(SLEEP, {"steps": 200, "delay": 0.01}, channel="image")
    second = ml_service.submit(SLEEP, {"steps": 2, "delay": 0.0}, channel="image")
    s1, s2 = collect(qtbot, first), collect(qtbot, second)
    with qtbot.waitSignals([first.sig_finished, second.sig_finished], timeout=30000):
        pass
    assert "cancelled" in s1["events"] and "result" not in s1
    assert s2["result"] == 2


def test_cancel_stops_a_running_job(qtbot, ml_service):
    job = ml_service.submit(SLEEP, {"steps": 500, "delay": 0.01})
    seen = collect(qtbot, job)
    with qtbot.waitSignal(job.sig_progress, timeout=30000):
        pass
    job.cancel()
    with qtbot.waitSignal(job.sig_finished, timeout=30000):
        pass
    assert "cancelled" in seen["events"]
    steps = [e for e in seen["events"] if isinstance(e, tuple)]
    assert len(steps) < 500


def test_warmup_without_any_model_reports_the_failure(qtbot, tmp_path, monkeypatch):
    # No shipped models and an empty registry: the engine must say so, not hang "loading".
    monkeypatch.setenv("MEDGUI_BUILTIN_MODELS", str(tmp_path / "none"))
    svc = MLService(warmup_tasks=("image",))
    try:
        with qtbot.waitSignal(svc.sig_warmup_failed, timeout=120000) as blocker:
            svc.start()
        error = blocker.args[0]
        assert error.type == "ModelLoadError"
        assert "no image model is installed" in error.message
    finally:
        svc.shutdown()
