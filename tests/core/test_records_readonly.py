"""A record database on a read-only drive, or where its folder cannot be made."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from medgui.core.errors import RecordStoreError
from medgui.core.records.store import RecordStore

# Runs in a private mount namespace: a tmpfs with a database on it, remounted read-only.
CHILD = textwrap.dedent(
    """
    import json, subprocess, sys
    from pathlib import Path
    from medgui.core.errors import RecordStoreError
    from medgui.core.records.store import RecordStore

    mnt = Path(sys.argv[1])
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(mnt)], check=True)
    with RecordStore(mnt / "records.sqlite3") as store:
        store.create("Note", "written before the drive became read-only", "P-1")
    subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
    out = {}
    for name in ("records.sqlite3", "new.sqlite3", "sub/new.sqlite3"):
        try:
            RecordStore(mnt / name).close()
            out[name] = "opened"
        except RecordStoreError as exc:
            out[name] = str(exc)
    print(json.dumps(out))
    """
)


def _private_mounts_work() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _private_mounts_work(), reason="needs Linux mount namespaces (unshare -rm)")
def test_read_only_drive_is_named_as_such(tmp_path):
    mnt = tmp_path / "drive"
    mnt.mkdir()
    repo = Path(__file__).resolve().parents[2]
    done = subprocess.run(["unshare", "-rm", sys.executable, "-c", CHILD, str(mnt)],
                          capture_output=True, text=True, timeout=120, cwd=repo)
    assert done.returncode == 0, done.stderr
    errors = json.loads(done.stdout)
    for name in ("records.sqlite3", "new.sqlite3"):
        assert "read-only" in errors[name], errors[name]
        assert "read-only drive" in errors[name] and str(mnt / name) in errors[name]
    assert "could not create the folder" in errors["sub/new.sqlite3"]
    assert "Read-only file system" in errors["sub/new.sqlite3"]


def test_folder_that_cannot_be_made_is_a_record_store_error(tmp_path):
    blocker = tmp_path / "home"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    with pytest.raises(RecordStoreError, match="could not create the folder") as info:
        RecordStore(blocker / "records.sqlite3")
    assert info.value.path == blocker / "records.sqlite3"
