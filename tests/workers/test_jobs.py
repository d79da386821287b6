"""The thread runner, "latest request wins" and the reporting of unhandled job errors."""

from __future__ import annotations

import threading

import pytest

from medgui.core.errors import Cancelled, DatasetError
from medgui.workers import jobs
from medgui.workers.jobs import JobError, Latest, ThreadRunner


@pytest.fixture
def runner():
    r = ThreadRunner()
    yield r
    r.wait(10000)


@pytest.fixture
def reports():
    seen = []
    previous = jobs.set_error_reporter(lambda title, error: seen.append((title, error)))
    yield seen
    jobs.set_error_reporter(previous)


def collect(job):
    events = []
    job.sig_started.connect(lambda: events.append("started"))
    job.sig_progress.connect(lambda p: events.append(("progress", p)))
    job.sig_result.connect(lambda r: events.append(("result", r)))
    job.sig_errored.connect(lambda e: events.append(("error", e)))
    job.sig_cancelled.connect(lambda: events.append("cancelled"))
    job.sig_finished.connect(lambda: events.append("finished"))
    return events


def test_result_and_progress_arrive_in_order(qtbot, runner):
    def work(progress, cancelled):
        for i in range(3):
            progress({"done": i + 1})
        return "done"

    job = runner.submit(work, kind="count")
    events = collect(job)
    with qtbot.waitSignal(job.sig_finished, timeout=10000):
        pass
    assert events == ["started", ("progress", {"done": 1}), ("progress", {"done": 2}),
                      ("progress", {"done": 3}), ("result", "done"), "finished"]
    assert job.done


def test_errors_become_job_errors_expected_or_not(qtbot, runner):
    def bad_data(progress, cancelled):
        raise DatasetError("no classes found", path="/data")

    def defect(progress, cancelled):
        return {}["missing"]

    first, second = runner.submit(bad_data), runner.submit(defect)
    e1, e2 = collect(first), collect(second)
    with qtbot.waitSignals([first.sig_finished, second.sig_finished], timeout=10000):
        pass
    error = e1[1][1]
    assert error == JobError("DatasetError", "/data: no classes found", "", expected=True)
    assert e1[-1] == "finished"
    defect_error = e2[1][1]
    assert defect_error.type == "KeyError" and not defect_error.expected
    assert defect_error.message == "Unexpected error: KeyError: 'missing'"
    assert "Traceback" in defect_error.details


def test_cancel_ends_with_cancelled_then_finished_and_no_result(qtbot, runner):
    started = threading.Event()

    def work(progress, cancelled):
        started.set()
        while not cancelled():
            threading.Event().wait(0.005)
        raise Cancelled

    job = runner.submit(work)
    events = collect(job)
    assert started.wait(10)
    job.cancel()
    with qtbot.waitSignal(job.sig_finished, timeout=10000):
        pass
    assert events == ["started", "cancelled", "finished"]


def test_latest_wins_the_older_result_is_dropped(qtbot, runner):
    release = threading.Event()

    def slow(progress, cancelled):
        release.wait(10)
        return "old"  # ignores the cancel: its result must still not be delivered

    latest = Latest()
    first = latest.replace(runner.submit(slow, kind="load"))
    old = collect(first)
    second = latest.replace(runner.submit(lambda progress, cancelled: "new", kind="load"))
    new = collect(second)
    assert first.cancel_requested and latest.current is second
    release.set()
    with qtbot.waitSignals([first.sig_finished, second.sig_finished], timeout=10000):
        pass
    assert ("result", "old") not in old and old[-2:] == ["cancelled", "finished"]
    assert ("result", "new") in new and new[-1] == "finished"
    assert latest.current is None


def test_a_superseded_job_that_fails_reports_nothing(qtbot, runner, reports):
    release = threading.Event()

    def fails_late(progress, cancelled):
        release.wait(10)
        raise ValueError("too late to matter")

    latest = Latest()
    first = latest.replace(runner.submit(fails_late))  # no error handler either
    events = collect(first)
    first.sig_errored.disconnect()
    latest.replace(runner.submit(lambda progress, cancelled: None))
    release.set()
    with qtbot.waitSignal(first.sig_finished, timeout=10000):
        pass
    assert events[-2:] == ["cancelled", "finished"]
    assert reports == []


def test_an_error_with_no_handler_is_reported_not_dropped(qtbot, runner, reports):
    def defect(progress, cancelled):
        raise RuntimeError("nobody listens")

    job = runner.submit(defect, kind="preload")
    with qtbot.waitSignal(job.sig_finished, timeout=10000):
        pass
    assert len(reports) == 1
    title, error = reports[0]
    assert "preload" in title
    assert error.type == "RuntimeError" and "nobody listens" in error.message
    assert "Traceback" in error.details


def test_without_a_reporter_the_error_is_logged(qtbot, runner, caplog):
    previous = jobs.set_error_reporter(None)
    try:
        job = runner.submit(lambda progress, cancelled: 1 / 0, kind="orphan")
        with qtbot.waitSignal(job.sig_finished, timeout=10000):
            pass
    finally:
        jobs.set_error_reporter(previous)
    logged = [r for r in caplog.records if r.name == "medgui.workers"]
    assert len(logged) == 1 and "orphan" in logged[0].getMessage()
    assert "ZeroDivisionError" in logged[0].getMessage()
