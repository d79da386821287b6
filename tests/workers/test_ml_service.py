from __future__ import annotations

import os
import signal

import pytest

from medgui.core.ml import service
from medgui.workers import jobs
from medgui.workers.jobs import Latest
from medgui.workers.ml_service import MLService

pytestmark = pytest.mark.slow

# Jobs for these tests live in an importable module so the spawned process finds them.
SLEEP = "tests.workers.jobs_for_tests:sleep_steps"
BOOM = "tests.workers.jobs_for_tests:boom"
FAIL = "tests.workers.jobs_for_tests:fail"
TRAIN = "tests.workers.jobs_for_tests:train"
READ_GLOBAL = "tests.workers.jobs_for_tests:read_global"


@pytest.fixture(scope="module")
def ml_service():
    svc = MLService()
    svc.start()
    yield svc
    svc.shutdown()


@pytest.fixture
def reports():
    """What reached the app's reporter of unhandled errors (title, JobError)."""
    seen = []
    previous = jobs.set_error_reporter(lambda title, error: seen.append((title, error)))
    yield seen
    jobs.set_error_reporter(previous)


def collect(job):
    seen = {"events": []}
    job.sig_started.connect(lambda: seen["events"].append("started"))
    job.sig_progress.connect(lambda p: seen["events"].append(("progress", p)))
    job.sig_result.connect(lambda r: seen.update(result=r) or seen["events"].append("result"))
    job.sig_errored.connect(lambda e: seen.update(error=e) or seen["events"].append("error"))
    job.sig_cancelled.connect(lambda: seen["events"].append("cancelled"))
    job.sig_finished.connect(lambda: seen["events"].append("finished"))
    return seen


def run(qtbot, job, timeout=60000):
    seen = collect(job)
    with qtbot.waitSignal(job.sig_finished, timeout=timeout):
        pass
    return seen


def test_ping_runs_in_another_process(qtbot, ml_service):
    seen = run(qtbot, ml_service.submit("ping", {"x": 1}))
    assert seen["result"]["pong"] == {"x": 1}
    assert seen["result"]["pid"] == ml_service.pid() != os.getpid()
    assert seen["events"][0] == "started" and seen["events"][-1] == "finished"


def test_progress_then_result(qtbot, ml_service):
    seen = run(qtbot, ml_service.submit(SLEEP, {"steps": 3, "delay": 0.01}))
    progress = [e[1]["done"] for e in seen["events"] if isinstance(e, tuple)]
    assert progress == [1, 2, 3]
    assert seen["result"] == 3


def test_expected_errors_are_reported_not_raised(qtbot, ml_service):
    seen = run(qtbot, ml_service.submit(BOOM, {}))
    assert seen["error"].type == "ImageLoadError" and seen["error"].expected
    assert "scan.png" in seen["error"].message
    assert "result" not in seen
    assert seen["events"][-2:] == ["error", "finished"]


def test_unexpected_errors_carry_the_traceback(qtbot, ml_service):
    seen = run(qtbot, ml_service.submit(FAIL, {}))
    error = seen["error"]
    assert error.type == "ZeroDivisionError" and not error.expected
    assert "in the analysis process" in error.message
    assert "Traceback" in error.details and "jobs_for_tests.py" in error.details


def test_an_error_nobody_handles_reaches_the_reporter(qtbot, ml_service, reports):
    job = ml_service.submit(FAIL, {})
    with qtbot.waitSignal(job.sig_finished, timeout=30000):
        pass
    assert len(reports) == 1
    title, error = reports[0]
    assert FAIL in title and error.type == "ZeroDivisionError"


def test_the_latest_request_supersedes_the_one_in_flight(qtbot, ml_service):
    latest = Latest()
    first = latest.replace(ml_service.submit(SLEEP, {"steps": 200, "delay": 0.01}))
    s1 = collect(first)
    with qtbot.waitSignal(first.sig_progress, timeout=30000):
        pass  # the older one is running, not merely queued
    second = latest.replace(ml_service.submit(SLEEP, {"steps": 2, "delay": 0.0}))
    s2 = collect(second)
    assert latest.current is second
    with qtbot.waitSignals([first.sig_finished, second.sig_finished], timeout=30000):
        pass
    assert s1["events"][-2:] == ["cancelled", "finished"] and "result" not in s1
    assert len([e for e in s1["events"] if isinstance(e, tuple)]) < 200
    assert s2["result"] == 2
    assert latest.current is None and not latest.busy


def test_cancel_stops_a_running_job(qtbot, ml_service):
    job = ml_service.submit(SLEEP, {"steps": 500, "delay": 0.01})
    seen = collect(job)
    with qtbot.waitSignal(job.sig_progress, timeout=30000):
        pass
    job.cancel()
    with qtbot.waitSignal(job.sig_finished, timeout=30000):
        pass
    assert seen["events"][-2:] == ["cancelled", "finished"]
    assert "result" not in seen and "error" not in seen
    assert len([e for e in seen["events"] if isinstance(e, tuple)]) < 500


def test_a_killed_process_is_reported_and_the_next_job_restarts_it(qtbot, reports):
    svc = MLService()
    crashes = []
    svc.sig_crashed.connect(crashes.append)
    try:
        first_pid = run(qtbot, svc.submit("ping", {}))["result"]["pid"]
        job = svc.submit(SLEEP, {"steps": 3000, "delay": 0.01})
        seen = collect(job)
        with qtbot.waitSignal(job.sig_progress, timeout=30000):
            pass
        os.kill(first_pid, signal.SIGKILL)
        with qtbot.waitSignal(job.sig_finished, timeout=30000):
            pass
        assert seen["events"][-2:] == ["error", "finished"] and "result" not in seen
        assert seen["error"].type == "ServiceProcessError"
        assert "killed by signal 9" in seen["error"].message
        # The crash itself is reported once, with what was running.
        assert len(reports) == 1 and "analysis process stopped" in reports[0][0]
        assert SLEEP in reports[0][1].details
        assert len(crashes) == 1 and not svc.running

        again = run(qtbot, svc.submit("ping", {"after": "crash"}))
        assert again["result"]["pong"] == {"after": "crash"}
        assert again["result"]["pid"] not in (first_pid, os.getpid())
        assert svc.running and svc.pid() == again["result"]["pid"]
        assert len(reports) == 1
    finally:
        svc.shutdown()


def test_training_runs_in_its_own_process_and_readings_do_not_wait(qtbot, ml_service):
    assert service.role_for("train") == service.TRAINING
    assert service.role_for("classify_image") == service.ANALYSIS
    training = ml_service.submit(TRAIN, {"seed": 7, "steps": 3000, "delay": 0.01},
                                 role=service.TRAINING)
    seen = collect(training)
    with qtbot.waitSignal(training.sig_progress, timeout=60000):
        pass
    assert ml_service.is_running(service.TRAINING)
    assert ml_service.pid(service.TRAINING) not in (None, ml_service.pid(), os.getpid())

    # A reading while the model trains: answered at once, and no training setting in it.
    reading = run(qtbot, ml_service.submit(READ_GLOBAL, {}), timeout=30000)
    assert not training.done
    assert reading["result"] == {"seed": None, "pid": ml_service.pid()}

    training.cancel()
    with qtbot.waitSignal(training.sig_finished, timeout=30000):
        pass
    assert seen["events"][-2:] == ["cancelled", "finished"]
    # Stopped once its last job ended: the next training starts from a clean process.
    qtbot.waitUntil(lambda: not ml_service.is_running(service.TRAINING), timeout=10000)
    assert ml_service.running


def test_the_analysis_process_refuses_a_training_job(qtbot, ml_service):
    seen = run(qtbot, ml_service.submit("train", {"config": {}}, role=service.ANALYSIS))
    assert not seen["error"].expected
    assert "runs in the training process" in seen["error"].message
    assert not ml_service.is_running(service.TRAINING)


def test_warmup_without_any_model_reports_the_failure(qtbot, tmp_path, monkeypatch):
    # No shipped models and an empty registry: the engine must say so, not hang "loading".
    monkeypatch.setenv("MEDGUI_BUILTIN_MODELS", str(tmp_path / "none"))
    svc = MLService(warmup_tasks=("image",))
    try:
        with qtbot.waitSignal(svc.sig_warmup_failed, timeout=120000) as blocker:
            svc.start()
        error = blocker.args[0]
        assert error.type == "ModelLoadError" and error.expected
        assert "no image model is installed" in error.message
    finally:
        svc.shutdown()
