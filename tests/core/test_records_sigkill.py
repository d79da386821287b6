"""Killing the process mid-typing loses at most what was not yet committed."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from medgui.core.records.store import RecordStore

pytestmark = pytest.mark.slow

# What the editor's autosave does: append what was typed, commit, carry on typing.
CHILD = textwrap.dedent(
    """
    import sys, time
    from medgui.core.records.store import RecordStore

    store = RecordStore()
    record_id = int(sys.argv[1])
    body = store.get(record_id).body
    while True:
        body += "x"
        store.update(record_id, body=body)
        print(len(body), flush=True)  # only after the commit returned
        time.sleep(float(sys.argv[2]))
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
# 50 ms between saves is typing speed; 0 makes the kill likely to land inside a commit.
@pytest.mark.parametrize("pause", ["0.05", "0"])
def test_sigkill_during_autosave_loses_nothing_committed(medgui_home, pause):
    with RecordStore() as store:
        record_id = store.create("Typing", "start", "P-1").id
    env = dict(os.environ, MEDGUI_HOME=str(medgui_home))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(record_id), pause], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        reported = []
        for _ in range(15):
            line = child.stdout.readline()
            assert line, f"the child died early: {child.stderr.read()}"
            reported.append(int(line))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    assert reported == list(range(6, 21))

    # A fresh open of the killed database: intact, and every reported commit is there.
    raw = sqlite3.connect(medgui_home / "records.sqlite3")
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
    with RecordStore() as store:
        body = store.get(record_id).body
        assert body.startswith("start")
        assert set(body[5:]) <= {"x"}
        assert len(body) >= reported[-1]
        store.update(record_id, body=body + "!")  # and it is writable again
        assert store.get(record_id).body.endswith("!")
