"""The model registry against hostile archives and cards (issue 12, model registry part).

No TensorFlow: every refusal here comes before a model would be loaded, so the safety
check passed to ``import_model`` is one that accepts anything (``ACCEPT``). Letters
refer to the defects of the issue: A model file outside the archive, B hashed files
outside the folder, C zip bombs, D leftovers of a killed import, E hostile card fields,
F tracebacks instead of one-line errors.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from medgui.core.errors import ModelLoadError
from medgui.core.models.card import (
    MAX_NAME_CHARS,
    ModelCard,
    card_problems,
    printable,
    verify_files,
)
from medgui.core.models.registry import MAX_ENTRIES, MAX_IMPORT_BYTES, MAX_RATIO, Registry
from tests.core.model_archives import (
    DROP,
    MODEL_BYTES,
    card_dict,
    forge,
    sha256,
    tree,
    write_archive,
    write_version,
)

REPO = Path(__file__).resolve().parents[2]


def ACCEPT(card: ModelCard, folder: Path) -> None:  # noqa: N802 - reads as a constant
    """A safety check that passes: these archives are refused before it would run."""


def _registry(tmp_path: Path) -> Registry:
    return Registry(root=tmp_path / "registry", builtin=None)


def _refused(reg: Registry, archive: Path, rule: str) -> ModelLoadError:
    """Import ``archive``: one ``ModelLoadError`` naming the archive and matching ``rule``,
    and nothing new under the registry root."""
    before = tree(reg.root)
    with pytest.raises(ModelLoadError, match=rule) as info:
        reg.import_model(archive, check_model=ACCEPT)
    error = info.value
    assert error.path == archive and str(error).startswith(f"{archive}: ")
    assert "\n" not in str(error) and ".incoming" not in str(error) and str(reg.root) not in str(error)
    assert tree(reg.root) == before
    return error


# -- A: the model file must be inside the archive, and hashed ------------------------------

def test_a_model_file_outside_the_archive_is_refused(tmp_path):
    reg = _registry(tmp_path)
    outside = tmp_path / "elsewhere" / "model.keras"
    outside.parent.mkdir()
    outside.write_bytes(MODEL_BYTES)
    for model_file in (str(outside), "../elsewhere/model.keras", "sub/../../elsewhere/model.keras"):
        archive = write_archive(tmp_path / "outside.zip", card_dict(model_file=model_file))
        _refused(reg, archive, r"'model_file' .* inside the model's folder")
    assert reg.list() == []


def test_a_the_model_file_must_be_one_of_the_hashed_files(tmp_path):
    reg = _registry(tmp_path)
    archive = write_archive(tmp_path / "unhashed.zip", card_dict(model_file="weights.keras"))
    _refused(reg, archive, r"'model_file' \(\"weights.keras\"\) is not listed in 'files'")


def test_a_a_stored_card_whose_model_is_elsewhere_is_broken_and_never_verified(tmp_path):
    reg = _registry(tmp_path)
    outside = tmp_path / "elsewhere.keras"
    outside.write_bytes(MODEL_BYTES)
    folder = write_version(reg.root, "chest", "1", card_dict(model_file=str(outside)))
    assert reg.list() == []
    [problem] = reg.problems()
    assert (problem.ref, problem.path) == ("chest@1", folder) and "'model_file'" in problem.reason
    with pytest.raises(ModelLoadError, match="chest@1 cannot be used: .*'model_file'"):
        reg.get("chest@1")
    # Before: verification hashed only model.keras in the folder, so swapping the file
    # actually loaded changed readings with no integrity error.
    card = ModelCard.from_json(card_dict(model_file=str(outside)), folder)
    outside.write_bytes(b"swapped")
    with pytest.raises(ModelLoadError, match="'model_file'"):
        verify_files(card)


# -- B: hashed files stay inside the folder; no oracle ---------------------------------------

@pytest.mark.parametrize("key", ["C:/secret.txt", "C:secret.txt", "c:\\secret.txt", "sub\\..\\secret.txt"])
def test_b_a_files_key_with_a_drive_or_backslash_is_refused(tmp_path, key):
    """On Windows these name a file outside the folder; the archive even holds them."""
    reg = _registry(tmp_path)
    files = {"model.keras": sha256(MODEL_BYTES), key: sha256(b"s3cret")}
    archive = write_archive(tmp_path / "drive.zip", card_dict(files=files),
                            [("model.keras", MODEL_BYTES), (key, b"s3cret")])
    # The entry's name is refused before the card is read; the card would be too.
    error = _refused(reg, archive, r"(unsafe file name|'files' names) .*(drive letter or colon|backslash)")
    assert "integrity" not in str(error)
    assert "'files' names" in card_problems(card_dict(files=files))[0]


@pytest.mark.parametrize("digest", ["right", "wrong"])
def test_b_an_absolute_files_key_is_refused_without_reading_it(tmp_path, digest):
    reg = _registry(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cret")
    files = {"model.keras": sha256(MODEL_BYTES), str(secret): sha256(b"s3cret") if digest == "right" else "00" * 32}
    error = _refused(reg, write_archive(tmp_path / "abs.zip", card_dict(files=files)), r"'files' names")
    # The answer is the same whether the file exists and whatever it holds: no oracle.
    assert "integrity" not in str(error) and "missing" not in str(error)
    folder = write_version(reg.root, "chest", "1", card_dict(files=files))
    assert reg.list() == [] and "'files'" in reg.problems()[0].reason
    with pytest.raises(ModelLoadError, match="'files' names"):
        verify_files(ModelCard.from_json(card_dict(files=files), folder))


# -- C: zip bombs ----------------------------------------------------------------------------

def test_c_an_entry_compressed_beyond_the_ratio_is_refused_before_extraction(tmp_path):
    reg = _registry(tmp_path)
    bomb = bytes(64 << 20)  # 64 MiB of zeros: about 1000:1
    files = {"model.keras": sha256(MODEL_BYTES), "weights.bin": sha256(bomb)}
    archive = write_archive(tmp_path / "bomb.zip", card_dict(files=files),
                            [("model.keras", MODEL_BYTES), ("weights.bin", bomb)])
    assert archive.stat().st_size < (1 << 20)
    _refused(reg, archive, rf"weights.bin is compressed more than {MAX_RATIO}:1")


def test_c_many_small_entries_are_refused_by_the_overall_ratio(tmp_path):
    reg = _registry(tmp_path)
    chunk = bytes(1 << 20)  # each entry stays under the per-entry threshold
    entries = [("model.keras", MODEL_BYTES)] + [(f"part{i}.bin", chunk) for i in range(24)]
    files = {name: sha256(data) for name, data in entries}
    archive = write_archive(tmp_path / "spread.zip", card_dict(files=files), entries)
    _refused(reg, archive, rf"compressed more than {MAX_RATIO}:1 overall")


def test_c_an_archive_declaring_more_than_the_size_limit_is_refused(tmp_path):
    reg = _registry(tmp_path)
    data = os.urandom(4 << 20)
    files = {"model.keras": sha256(MODEL_BYTES), "weights.bin": sha256(data)}
    archive = write_archive(tmp_path / "huge.zip", card_dict(files=files),
                            [("model.keras", MODEL_BYTES), ("weights.bin", data)], zipfile.ZIP_STORED)
    forge(archive, "weights.bin", size=MAX_IMPORT_BYTES + 1)
    _refused(reg, archive, r"unpacks to 513 MB, more than the 512 MB allowed")


# -- F: lying headers, odd names and entries: one line each --------------------------------

def test_f_a_size_header_smaller_than_the_data_is_one_line(tmp_path):
    reg = _registry(tmp_path)
    data = bytes(range(256)) * 800
    files = {"model.keras": sha256(data)}
    archive = write_archive(tmp_path / "lying.zip", card_dict(files=files), [("model.keras", data)])
    forge(archive, "model.keras", size=1000)
    _refused(reg, archive, r"is damaged or crafted: model.keras: Bad CRC-32")


def test_f_a_size_header_larger_than_the_data_is_one_line(tmp_path):
    reg = _registry(tmp_path)
    archive = write_archive(tmp_path / "short.zip", card_dict())
    forge(archive, "model.keras", size=len(MODEL_BYTES) + 5000)
    _refused(reg, archive, r"is damaged or crafted: model.keras holds .* not the .* its header declares")


def test_f_an_encrypted_entry_is_refused(tmp_path):
    reg = _registry(tmp_path)
    archive = forge(write_archive(tmp_path / "locked.zip", card_dict()), "model.keras", encrypted=True)
    _refused(reg, archive, r"'model.keras' is encrypted")


@pytest.mark.parametrize(("entries", "rule"), [
    ([("a", b"x"), ("a/b", b"y")], r"holds 'a' both as a file and as a folder"),
    ([("a/b", b"y"), ("a", b"x")], r"holds 'a' both as a file and as a folder"),
    ([("model.keras", MODEL_BYTES), ("model.keras", MODEL_BYTES)], r"holds 'model.keras' twice"),
    ([("Model.keras", MODEL_BYTES), ("model.keras", MODEL_BYTES)], r"holds 'model.keras' twice"),
    ([("x" * 300, b"x")], r"unsafe file name 'x{40}.*': a part is longer than 255 bytes"),
    ([("d/" * 520 + "x", b"x")], r"unsafe file name .*: longer than 1024 bytes"),
    ([("../outside.txt", b"x")], r"unsafe file name '../outside.txt': .*inside"),
    ([("/abs.txt", b"x")], r"unsafe file name '/abs.txt'"),
    ([("ok\x1b[2J.txt", b"x")], r"unsafe file name 'ok\\x1b\[2J.txt': .*control characters"),
])
@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_f_entries_that_cannot_be_unpacked_safely_are_one_line(tmp_path, entries, rule):
    reg = _registry(tmp_path)
    files = {"model.keras": sha256(MODEL_BYTES)}
    for name, data in entries:
        if name not in files and "/" not in name[:1]:
            files[name] = sha256(data)
    archive = write_archive(tmp_path / "odd.zip", card_dict(files=files), entries)
    _refused(reg, archive, rule)
    assert not (tmp_path / "outside.txt").exists()


def test_f_too_many_entries_are_refused(tmp_path):
    reg = _registry(tmp_path)
    entries = [("model.keras", MODEL_BYTES)] + [(f"v/{i}.txt", b"") for i in range(MAX_ENTRIES)]
    archive = write_archive(tmp_path / "many.zip", card_dict(), entries)
    _refused(reg, archive, rf"holds {MAX_ENTRIES + 2} entries, more than the {MAX_ENTRIES} allowed")


def test_f_a_file_the_card_does_not_list_or_lists_but_lacks_is_refused(tmp_path):
    reg = _registry(tmp_path)
    extra = write_archive(tmp_path / "extra.zip", card_dict(),
                          [("model.keras", MODEL_BYTES), ("run.sh", b"rm -rf ~")])
    _refused(reg, extra, r"holds files its card does not list \(run.sh\)")
    files = {"model.keras": sha256(MODEL_BYTES), "vocabulary.txt": sha256(b"a")}
    lacking = write_archive(tmp_path / "lacking.zip", card_dict(files=files))
    _refused(reg, lacking, r"lacks files its card lists \(vocabulary.txt\)")


def test_f_wrong_hashes_are_caught_and_name_the_archive(tmp_path):
    reg = _registry(tmp_path)
    archive = write_archive(tmp_path / "tampered.zip", card_dict(files={"model.keras": "00" * 32}))
    _refused(reg, archive, r"failed its integrity check: model.keras does not match")


# -- E: the card schema, on import -----------------------------------------------------------

HOSTILE_CARDS = [
    ({"version": "../../../x"}, r"'version' must be a whole number from 1"),
    ({"version": 2.5}, r"'version' must be a whole number from 1 .*, not 2.5"),
    ({"version": 0}, r"'version' must be a whole number from 1"),
    ({"version": True}, r"'version' must be a whole number"),
    ({"version": DROP}, r"has no 'version'"),
    ({"created": 12345}, r"'created' must be text, not 12345"),
    ({"architecture": None}, r"'architecture' must be text, not null"),
    ({"threshold": "high"}, r"'threshold' must be a number from 0 to 1, or null, not \"high\""),
    ({"threshold": 1.5}, r"'threshold' must be a number from 0 to 1, or null, not 1.5"),
    ({"threshold": float("nan")}, r"'threshold' must be a number from 0 to 1, or null, not NaN"),
    ({"classes": ["only"]}, r"'classes' must be a list of at least 2 names"),
    ({"classes": ["a", "a"]}, r"'classes' names \"a\" twice"),
    ({"classes": ["a", ""]}, r"'classes' must be a list of at least 2 names, each non-empty text"),
    ({"classes": "ab"}, r"'classes' must be a list"),
    ({"positive_class": "OTHER"}, r"'positive_class' must be one of 'classes'"),
    ({"task": "audio"}, r"'task' must be one of image, text, not \"audio\""),
    ({"name": "x" * 300}, rf"'name' .*longer than {MAX_NAME_CHARS} characters"),
    ({"name": "evil\x1b[2J\nfake"}, r"'name' .*control characters"),
    ({"name": "../../x"}, r"'name' .*/"),
    ({"name": DROP}, r"has no 'name'"),
    ({"metrics": [1, 2]}, r"'metrics' must be an object"),
    ({"preprocessing": {"size": "224"}}, r"'preprocessing.size' must be a whole number >= 0, not \"224\""),
    ({"preprocessing": {"reliability": [5]}}, r"'preprocessing.reliability' must be an object"),
    ({"preprocessing": {"reliability": {"max_oov_fraction": "a lot"}}},
     r"'preprocessing.reliability.max_oov_fraction' must be a number from 0 to 1"),
    ({"files": []}, r"'files' must be an object"),
    ({"files": {}}, r"'files' lists no files"),
    ({"files": {"model.keras": "not a hash"}}, r"'files' gives .* sha256"),
    ({"files": {"model.keras": sha256(MODEL_BYTES), "card.json": "00" * 32}}, r"'files' names card.json"),
    ({"model_file": "model.h5", "files": {"model.h5": sha256(MODEL_BYTES)}}, r"'model_file' must be a .keras file"),
    ({"schema": 99}, r"written by a newer medgui \(card schema 99\)"),
]


@pytest.mark.parametrize(("overrides", "rule"), HOSTILE_CARDS)
def test_e_hostile_card_fields_are_refused_on_import(tmp_path, overrides, rule):
    reg = _registry(tmp_path)
    card = card_dict(**overrides)
    entries = [(name, MODEL_BYTES) for name in (card.get("files") or {}) if name != "card.json"] \
        if isinstance(card.get("files"), dict) and card["files"] else [("model.keras", MODEL_BYTES)]
    archive = write_archive(tmp_path / "card.zip", card, entries)
    error = _refused(reg, archive, rf"card.json is not a valid model card: .*{rule}")
    assert "\x1b" not in str(error)


@pytest.mark.parametrize(("raw", "rule"), [
    (b"{not json", r"card.json is not valid JSON"),
    (b"[1, 2]", r"card.json is a list, not an object"),
    (b"[" * 100_000, r"card.json is not valid JSON"),
    (b"\xff\xfe{}", r"card.json is not UTF-8"),
    (json.dumps({"notes": os.urandom(600_000).hex()}).encode(), r"card.json is larger than 1 MB"),
])
def test_e_a_card_that_is_not_a_json_object_is_one_line(tmp_path, raw, rule):
    reg = _registry(tmp_path)
    _refused(reg, write_archive(tmp_path / "raw.zip", raw), rule)


def test_e_an_archive_without_a_card_or_not_a_zip_is_one_line(tmp_path):
    reg = _registry(tmp_path)
    _refused(reg, write_archive(tmp_path / "nocard.zip", None), r"has no card.json")
    (tmp_path / "plain.txt").write_text("hello")
    _refused(reg, tmp_path / "plain.txt", r"is not a medgui model export")
    (tmp_path / "folder.zip").mkdir()
    _refused(reg, tmp_path / "folder.zip", r"could not be imported: is a folder, not a file")
    _refused(reg, tmp_path / "absent.zip", r"could not be imported: No such file or directory")


def test_e_the_schema_accepts_the_shipped_cards_and_lists_every_problem():
    for card_file in (REPO / "resources" / "models").glob("*/*/card.json"):
        assert card_problems(json.loads(card_file.read_text())) == [], card_file
    problems = card_problems(card_dict(created=1, threshold="x", version=2.5))
    assert len(problems) == 3 and all("\n" not in p for p in problems)


# -- E: listing survives whatever one version holds ---------------------------------------

def test_e_hostile_stored_cards_are_listed_as_broken_and_skipped(tmp_path):
    reg = _registry(tmp_path)
    good = write_version(reg.root, "chest", "1", card_dict())
    write_version(reg.root, "created", "1", card_dict(name="created", created=12345))
    write_version(reg.root, "arch", "1", card_dict(name="arch", architecture=None))
    write_version(reg.root, "thresh", "1", card_dict(name="thresh", threshold="high"))
    write_version(reg.root, "frac", "2.5", card_dict(name="frac", version=2.5))
    write_version(reg.root, "evil", "1", card_dict(name="evil\x1b]0;owned\x07\nfake"))
    write_version(reg.root, "moved", "1", card_dict(name="elsewhere"))
    write_version(reg.root, "json", "1", b"{oops")
    (reg.root / "nocard" / "1").mkdir(parents=True)
    assert [c.ref for c in reg.list()] == ["chest@1"] and reg.get("chest").path == good
    assert reg.active("image").ref == "chest@1"
    broken = {p.ref: p.reason for p in reg.problems()}
    assert set(broken) == {"created@1", "arch@1", "thresh@1", "frac@2.5", "evil@1", "moved@1", "json@1",
                           "nocard@1"}
    assert "'created' must be text" in broken["created@1"]
    assert "'threshold' must be a number" in broken["thresh@1"]
    assert "its card names elsewhere@1, but it is stored as moved@1" in broken["moved@1"]
    assert "card.json is not valid JSON" in broken["json@1"] and "has no card.json" in broken["nocard@1"]
    assert printable(broken["evil@1"]) == broken["evil@1"]  # reasons come escaped
    with pytest.raises(ModelLoadError, match=r"thresh@1 cannot be used: .*'threshold'"):
        reg.get("thresh@1")
    # A broken version can be deleted by the name it is listed under; its number stays retired.
    assert reg.delete("frac@2.5").ref == "frac@2.5"
    reg.delete("thresh@1")
    assert not (reg.root / "frac" / "2.5").exists() and not (reg.root / "thresh" / "1").exists()
    assert "thresh@1" not in {p.ref for p in reg.problems()}
    # A new version never lands on a broken one's folder.
    assert reg.next_version("created") == 2 and reg.next_version("thresh") == 2


def test_e_the_activated_model_turning_broken_falls_back_and_is_listed(tmp_path):
    reg = _registry(tmp_path)
    write_version(reg.root, "chest", "1", card_dict())
    write_version(reg.root, "chest", "2", card_dict(version=2))
    reg.activate("chest@2")
    card_file = reg.root / "chest" / "2" / "card.json"
    card_file.write_text(json.dumps(card_dict(version=2, threshold="high")))
    assert reg.active("image").ref == "chest@1"
    assert [p.ref for p in reg.problems()] == ["chest@2"]


# -- D: leftovers of killed imports and deletions -----------------------------------------

def _stalled(tmp_path: Path, code: str) -> tuple[subprocess.Popen, Path]:
    """Run ``code`` in a new interpreter until it writes the folder it stalls in to ``ready``."""
    ready = tmp_path / f"ready-{time.monotonic_ns()}"
    proc = subprocess.Popen([sys.executable, "-c", code.replace("READY", repr(str(ready)))], cwd=REPO)
    deadline = time.monotonic() + 120
    while not ready.exists() or not ready.read_text():
        assert proc.poll() is None, "the importing process ended before it stalled"
        assert time.monotonic() < deadline, "the importing process never stalled"
        time.sleep(0.05)
    return proc, Path(ready.read_text())


def test_d_a_killed_import_is_cleaned_at_the_next_start_but_not_while_it_runs(tmp_path):
    root = tmp_path / "registry"
    data = os.urandom(8 << 20)  # a large-ish model: the import is killed while it holds it
    archive = write_archive(tmp_path / "big.zip", card_dict(files={"model.keras": sha256(data)}),
                            [("model.keras", data)])
    code = f"""
import time
from pathlib import Path
from medgui.core.models.registry import Registry

def stall(card, folder):  # the safety check runs on the unpacked copy: be killed there
    Path(READY).write_text(str(folder))
    time.sleep(600)

Registry(Path({str(root)!r}), builtin=None).import_model(Path({str(archive)!r}), check_model=stall)
"""
    proc, incoming = _stalled(tmp_path, code)
    try:
        assert incoming.parent == root and incoming.name.startswith(".incoming-")
        assert (incoming / "model.keras").stat().st_size == len(data)
        Registry(root, builtin=None)  # another process starts while the import runs
        assert incoming.is_dir(), "an import in progress was removed"
    finally:
        proc.kill()
        proc.wait()
    reg = Registry(root, builtin=None)
    assert not incoming.exists() and tree(root) == set() and reg.list() == []


def test_d_a_killed_deletion_is_finished_at_the_next_start(tmp_path):
    root = tmp_path / "registry"
    folder = write_version(root, "chest", "1", card_dict())
    code = f"""
import shutil, time
from pathlib import Path
from medgui.core.models.registry import Registry

def stall(path, *args, **kwargs):  # killed after the rename, before the removal
    Path(READY).write_text(str(path))
    time.sleep(600)

shutil.rmtree = stall
Registry(Path({str(root)!r}), builtin=None).delete("chest@1")
"""
    proc, trash = _stalled(tmp_path, code)
    proc.kill()
    proc.wait()
    assert trash.parent == root and trash.name.startswith(".deleting-") and (trash / "card.json").is_file()
    assert not folder.exists()
    reg = Registry(root, builtin=None)
    assert not trash.exists() and reg.list() == [] and reg.problems() == []
    assert reg.next_version("chest") == 2  # the deleted number stays retired


def test_d_old_leftovers_without_an_owner_are_removed_fresh_ones_kept(tmp_path):
    root = tmp_path / "registry"
    old = root / ".incoming-abc123"  # named by an older medgui: no owner recorded
    fresh = root / ".deleting-chest-1-999999999"
    for folder in (old, fresh):
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "model.keras").write_bytes(b"x")
    hours_ago = time.time() - 2 * 3600
    for path in (old, old / "sub", old / "sub" / "model.keras"):
        os.utime(path, (hours_ago, hours_ago))
    Registry(root, builtin=None)
    assert not old.exists() and fresh.is_dir()
