"""``medgui models ...`` against hostile archives and registry folders (issue 12).

Every refusal is one line, ``medgui: error: ARCHIVE: RULE``, with exit status 1, no
traceback, nothing new under the registry (or anywhere in the test's folder) and nothing
written above it. All of these are refused before a model would be loaded, so no
TensorFlow is needed; the archives' model file is a placeholder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from medgui.cli import main
from medgui.core.models.registry import Registry
from tests.core.model_archives import (
    MODEL_BYTES,
    card_dict,
    forge,
    sha256,
    tree,
    write_archive,
    write_version,
)

REPO = Path(__file__).resolve().parents[2]
M = sha256(MODEL_BYTES)


@pytest.fixture(autouse=True)
def no_shipped_models(tmp_path, monkeypatch):
    """The registry sees only this test's models, whatever resources/models holds."""
    monkeypatch.setenv("MEDGUI_BUILTIN_MODELS", str(tmp_path / "builtin"))


def _with(name: str, data: bytes, **card) -> tuple[dict, list[tuple[str, bytes]]]:
    """A card and entries: model.keras plus ``name`` holding ``data``, both listed."""
    return (card_dict(files={"model.keras": M, name: sha256(data)}, **card),
            [("model.keras", MODEL_BYTES), (name, data)])


def hostile_archives(folder: Path, escape: Path) -> list[tuple[str, Path, str]]:
    """(id, archive, rule the one-line error must name), one per hostile case."""
    cases: list[tuple[str, Path, str]] = []

    def add(case: str, rule: str, card, entries=None, compression=zipfile.ZIP_DEFLATED) -> Path:
        path = write_archive(folder / f"{case}.medgui-model", card, entries, compression)
        cases.append((case, path, rule))
        return path

    outside = folder / "outside-model.keras"
    outside.write_bytes(MODEL_BYTES)
    add("model-file-absolute", r"'model_file' .* inside the model's folder", card_dict(model_file=str(outside)))
    add("model-file-dotdot", r"'model_file' .* inside the model's folder",
        card_dict(model_file="../outside-model.keras"))
    add("model-file-unhashed", r"'model_file' .* is not listed in 'files'", card_dict(model_file="other.keras"))
    secret = folder / "secret.txt"
    secret.write_text("s3cret")
    add("files-absolute", r"'files' names .* inside the model's folder",
        card_dict(files={"model.keras": M, str(secret): sha256(b"s3cret")}))
    add("files-drive", r"unsafe file name 'C:/secret.txt': it has a drive letter", *_with("C:/secret.txt", b"s"))
    bomb = bytes(64 << 20)
    add("zip-bomb", r"weights.bin is compressed more than 200:1", *_with("weights.bin", bomb))
    big = add("declared-huge", r"unpacks to \d+ MB, more than the 512 MB allowed",
              *_with("weights.bin", os.urandom(4 << 20)), compression=zipfile.ZIP_STORED)
    forge(big, "weights.bin", size=(512 << 20) + 1)
    lying = add("lying-size", r"is damaged or crafted: model.keras: Bad CRC-32",
                card_dict(files={"model.keras": sha256(bytes(200_000))}), [("model.keras", bytes(200_000))])
    forge(lying, "model.keras", size=1000)
    forge(add("encrypted", r"'model.keras' is encrypted", card_dict()), "model.keras", encrypted=True)
    add("file-and-folder", r"holds 'a' both as a file and as a folder",
        card_dict(files={"model.keras": M, "a": sha256(b"x"), "a/b": sha256(b"y")}),
        [("model.keras", MODEL_BYTES), ("a", b"x"), ("a/b", b"y")])
    add("duplicate", r"holds 'model.keras' twice", card_dict(),
        [("model.keras", MODEL_BYTES), ("model.keras", MODEL_BYTES)])
    add("long-entry", r"a part is longer than 255 bytes", *_with("e" * 300, b"x"))
    add("too-many", r"holds 1002 entries, more than the 1000 allowed", card_dict(),
        [("model.keras", MODEL_BYTES)] + [(f"v/{i}", b"") for i in range(1000)])
    up = "../" * (len(escape.parts) + 2)
    add("zip-slip", r"unsafe file name '\.\./", *_with(f"{up}{escape.relative_to(escape.anchor)}", b"x"))
    add("unlisted-file", r"holds files its card does not list \(run.sh\)", card_dict(),
        [("model.keras", MODEL_BYTES), ("run.sh", b"rm -rf ~")])
    add("tampered", r"failed its integrity check: model.keras does not match",
        card_dict(files={"model.keras": "00" * 32}))
    add("version-path", r"'version' must be a whole number from 1", card_dict(version="../../../x"))
    add("version-fraction", r"'version' must be a whole number from 1 .*not 2.5", card_dict(version=2.5))
    add("name-long", r"'name' is longer than 100 characters", card_dict(name="n" * 300))
    add("name-escapes", r"'name' has control characters", card_dict(name="evil\x1b[2J\r\nfake"))
    add("threshold-text", r"'threshold' must be a number from 0 to 1", card_dict(threshold="high"))
    add("created-number", r"'created' must be text, not 12345", card_dict(created=12345))
    add("architecture-null", r"'architecture' must be text, not null", card_dict(architecture=None))
    add("one-class", r"'classes' must be a list of at least 2 names", card_dict(classes=["x"]))
    add("card-not-json", r"card.json is not valid JSON", b"{oops")
    add("card-deep", r"card.json is not valid JSON \(nested too deeply\)", b"[" * 100_000)
    add("no-card", r"has no card.json", None)
    not_zip = folder / "not-a-zip.medgui-model"
    not_zip.write_bytes(b"not a zip at all")
    cases.append(("not-a-zip", not_zip, r"is not a medgui model export"))
    return cases


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_every_hostile_archive_is_refused_on_one_line(tmp_path, capsys):
    archives = tmp_path / "archives"
    archives.mkdir()
    escape = tmp_path.parent / f"escaped-{tmp_path.name}.txt"
    cases = hostile_archives(archives, escape)
    assert len(cases) >= 20
    root = Registry().root
    above = set(os.listdir(tmp_path.parent))
    for case, archive, rule in cases:
        before = tree(tmp_path)
        status = main(["models", "import", str(archive)])
        out, err = capsys.readouterr()
        assert status == 1 and out == "", case
        assert err.count("\n") == 1 and err.startswith(f"medgui: error: {archive}: "), (case, err)
        assert re.search(rule, err), (case, rule, err)
        assert "Traceback" not in err and "\x1b" not in err and "\r" not in err, case
        assert ".incoming" not in err and str(root) not in err, case
        assert tree(tmp_path) == before, case
    assert Registry().list() == [] and Registry().problems() == []
    assert not escape.exists() and set(os.listdir(tmp_path.parent)) == above


def test_a_write_error_during_import_is_one_line(tmp_path):
    """A file-size limit makes writing the unpacked model fail (EFBIG), as a full disk
    would (ENOSPC): one line naming the archive, and nothing left behind."""
    data = os.urandom(256 << 10)
    archive = write_archive(tmp_path / "big.medgui-model", card_dict(files={"model.keras": sha256(data)}),
                            [("model.keras", data)])
    home = tmp_path / "home"
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))\n"
        "from medgui.cli import main\n"
        f"sys.exit(main(['models', 'import', {str(archive)!r}]))\n"
    )
    env = {**os.environ, "MEDGUI_HOME": str(home), "MEDGUI_BUILTIN_MODELS": str(tmp_path / "builtin")}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"medgui: error: {archive}: could not be imported: File too large; nothing was added\n"
    assert tree(home / "models") == set()


def test_list_show_and_delete_survive_hostile_stored_cards(tmp_path, capsys):
    root = Registry().root
    write_version(root, "chest", "1", card_dict())
    write_version(root, "notes", "1", card_dict(name="notes", notes="ok\x1b[31m\r\nFAKE LINE\x07"))
    write_version(root, "created", "1", card_dict(name="created", created=12345))
    write_version(root, "arch", "1", card_dict(name="arch", architecture=None))
    write_version(root, "thresh", "1", card_dict(name="thresh", threshold="high"))
    write_version(root, "frac", "2.5", card_dict(name="frac", version=2.5))
    write_version(root, "evil", "1", card_dict(name="evil\x1b]0;owned\x07\nfake"))
    write_version(root, "three", "1", card_dict(name="three", classes=["a", "b", "a"]))

    status = main(["models", "list"])
    out, err = capsys.readouterr()
    assert status == 0 and err == ""
    assert not any(ch in out for ch in "\x1b\x07\r")
    lines = out.splitlines()
    assert lines[0][2:].startswith("chest@1 ") and lines[1][2:].startswith("notes@1 ")
    broken = {line.split()[1]: line for line in lines[2:]}
    assert set(broken) == {"arch@1", "created@1", "evil@1", "frac@2.5", "three@1", "thresh@1"}
    assert all(line.startswith("! ") and "broken: card.json is not a valid model card" in line
               for line in broken.values())
    assert "'created' must be text, not 12345" in broken["created@1"]
    assert "'name' has control characters" in broken["evil@1"]

    status = main(["models", "list", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert [r["ref"] for r in rows if r["broken"] is None] == ["chest@1", "notes@1"]
    assert {r["ref"] for r in rows if r["broken"]} == set(broken)

    status = main(["models", "show", "notes@1"])
    out, _ = capsys.readouterr()
    assert status == 0 and "notes: ok\\x1b[31m\\x0d\\x0aFAKE LINE\\x07" in out.splitlines()

    for ref, rule in (("thresh@1", "'threshold' must be a number"), ("frac@2.5", "'version' must be"),
                      ("created", "'created' must be text")):
        status = main(["models", "show", ref])
        out, err = capsys.readouterr()
        assert status == 1 and out == "" and err.count("\n") == 1, (ref, err)
        assert f"model {ref.split('@')[0]}" in err and "cannot be used" in err and rule in err, err
        assert "Traceback" not in err

    status = main(["models", "delete", "frac@2.5"])
    out, err = capsys.readouterr()
    assert status == 0 and out == "deleted frac@2.5\n"
    assert not (root / "frac" / "2.5").exists()
    status = main(["models", "delete", "evil@1"])
    assert status == 0 and capsys.readouterr().out == "deleted evil@1\n"
    assert {b.ref for b in Registry().problems()} == {"arch@1", "created@1", "three@1", "thresh@1"}


def test_export_to_a_missing_folder_is_one_line(tmp_path, capsys):
    write_version(Registry().root, "chest", "1", card_dict())
    dest = tmp_path / "no" / "such" / "chest.medgui-model"
    status = main(["models", "export", "chest@1", str(dest)])
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert err == f"medgui: error: {dest}: could not be written (No such file or directory)\n"


def test_a_registry_folder_that_cannot_be_made_is_one_line(tmp_path, capsys, monkeypatch):
    home = tmp_path / "home-is-a-file"
    home.write_text("not a folder")
    monkeypatch.setenv("MEDGUI_HOME", str(home))
    status = main(["models", "list"])
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert err == f"medgui: error: {home}: the model registry folder cannot be created (File exists)\n"
