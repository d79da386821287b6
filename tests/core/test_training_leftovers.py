"""Training working folders left behind by a crash or a kill are cleaned at the next start."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from medgui.core.models import leftovers


def _folder(root, name, age_s=0.0):
    folder = root / name
    folder.mkdir()
    (folder / "model.keras").write_bytes(b"weights")
    then = time.time() - age_s
    for path in (folder / "model.keras", folder):
        os.utime(path, (then, then))
    return folder


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_old_unclaimed_and_dead_owners_go_fresh_and_claimed_stay(tmp_path):
    hour = 3600
    crashed = _folder(tmp_path, "medgui-train-crashed", hour)
    fresh = _folder(tmp_path, "medgui-train-running", 5)  # a run writing its model now
    mine = _folder(tmp_path, "medgui-train-awaiting-save", hour)
    leftovers.claim(mine)  # this process holds it: the user has not saved it yet
    killed = _folder(tmp_path, "medgui-train-killed", 5)
    (tmp_path / "medgui-train-killed.owner").write_text(f"{leftovers._HOST}-{_dead_pid()}")
    wanted = _folder(tmp_path, "medgui-train-wanted", hour)
    (tmp_path / "medgui-train-gone.owner").write_text(f"{leftovers._HOST}-{os.getpid()}")
    other = _folder(tmp_path, "somebody-else", hour)

    removed = leftovers.clean_training(tmp_path, keep=[wanted])

    assert sorted(p.name for p in removed) == ["medgui-train-crashed", "medgui-train-killed"]
    assert not crashed.exists() and not killed.exists()
    assert not (tmp_path / "medgui-train-killed.owner").exists()
    assert not (tmp_path / "medgui-train-gone.owner").exists()  # its folder was saved
    for folder in (fresh, mine, wanted, other):
        assert (folder / "model.keras").read_bytes() == b"weights"
    assert (tmp_path / "medgui-train-awaiting-save.owner").exists()
    # The claimed folder goes once its owner is gone.
    (tmp_path / "medgui-train-awaiting-save.owner").write_text(f"{leftovers._HOST}-{_dead_pid()}")
    assert leftovers.clean_training(tmp_path, keep=[wanted]) == [mine]
