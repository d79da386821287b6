from __future__ import annotations

import csv
import json

from medgui.cli import main
from medgui.core.records.store import RecordStore


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["patient_ref", "title", "body"])
        writer.writerows(rows)


def test_import_text_and_csv_then_list_json(tmp_path, capsys):
    note = tmp_path / "Admission note.txt"
    note.write_text("Fever and productive cough for 3 days.", encoding="utf-8")
    table = tmp_path / "batch.csv"
    write_csv(table, [["P-1", "Follow-up", 'Better, "much" better\nno fever'],
                      ["P-2", "头痛", "头痛两天"]])
    assert main(["records", "import", str(note), str(table), "--patient", "P-9"]) == 0
    assert "imported 3 record(s)" in capsys.readouterr().err

    assert main(["records", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["records"]
    assert {r["title"] for r in rows} == {"Admission note", "Follow-up", "头痛"}
    assert {r["patient_ref"] for r in rows} == {"P-9"}  # --patient overrides the column
    follow = next(r for r in rows if r["title"] == "Follow-up")
    assert follow["body"] == 'Better, "much" better\nno fever'

    assert main(["records", "list", "--search", "头痛"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "头痛" in out[0] and "P-9" in out[0]


def test_import_failure_exits_1_and_imports_nothing(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("ok", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,notes\nx,y\n", encoding="utf-8")
    assert main(["records", "import", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "no 'body' column" in err and "bad.csv" in err and "Traceback" not in err
    assert main(["records", "import", str(tmp_path / "nope.txt")]) == 1
    assert "no such file" in capsys.readouterr().err
    with RecordStore() as store:
        assert store.records() == []


def test_export_csv_with_and_without_trash(tmp_path, capsys):
    with RecordStore() as store:
        keep = store.create("Keep", "kept, with comma", "P-1")
        store.add_classification(keep.id, "Cardiology", {"Cardiology": 0.8}, "m", "1")
        store.delete(store.create("Gone", "in the trash", "P-2").id)
    out = tmp_path / "out" / "records.csv"
    assert main(["records", "export", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["title"], r["body"], r["label"]) for r in rows] == [
        ("Keep", "kept, with comma", "Cardiology")]
    assert main(["records", "export", str(out), "--include-deleted"]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert {r["title"] for r in csv.DictReader(handle)} == {"Keep", "Gone"}
    assert "exported 2 record(s)" in capsys.readouterr().err


def test_export_to_a_folder_of_text_files(tmp_path):
    with RecordStore() as store:
        store.create("Note one", "first body")
    folder = tmp_path / "txt"
    assert main(["records", "export", str(folder)]) == 0
    assert (folder / "Note one.txt").read_text(encoding="utf-8") == "first body"
