from __future__ import annotations

import csv

import pytest

from medgui.core.errors import RecordStoreError
from medgui.core.records import transfer as record_io
from medgui.core.records.store import RecordStore

TRICKY = [
    ("P-1", 'Quotes "and", commas', 'He said "no pain", then, later:\nline two\n\nline four'),
    ("P-2", "胸痛 三天", "患者主诉胸痛三天，无发热。\n既往史：高血压。"),
    ("", "Trailing spaces  ", "  leading and trailing  \r\nwindows newline"),
]


@pytest.fixture
def store():
    with RecordStore() as s:
        yield s


def test_csv_round_trip_keeps_commas_quotes_newlines_and_cjk(store, tmp_path):
    for ref, title, body in TRICKY:
        rec = store.create(title, record_io.normalise_newlines(body), ref)
    store.add_classification(rec.id, "Cardiology", {"Cardiology": 0.9}, "m", "1")
    out = tmp_path / "out.csv"
    assert record_io.export_records(store, out) == 3
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8

    with RecordStore(tmp_path / "other.sqlite3") as other:
        ids = record_io.import_files(other, [out])
        assert len(ids) == 3
        before = {r.title: r for r in store.records()}
        after = {r.title: r for r in other.records()}
        assert before.keys() == after.keys()
        for title, old in before.items():
            new = after[title]
            assert (new.patient_ref, new.body, new.created, new.modified) == (
                old.patient_ref, old.body, old.created, old.modified)
            assert new.latest_label == old.latest_label
    assert after["Trailing spaces  "].latest.model_name == "imported"
    assert after["Trailing spaces  "].latest.probabilities == {}


def test_csv_written_by_a_spreadsheet(tmp_path, store):
    path = tmp_path / "sheet.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(["Title", "Body", "Patient_Ref", "created"])  # any order, any case
        w.writerow(["A", "body, with comma", "P-5", "not a date"])
        w.writerow(["", "", "", ""])  # blank trailing row
        w.writerow(["B", "x" * 200_000, "P-6", "2023-05-01T12:00:00+02:00"])
    drafts = record_io.read_csv(path)
    assert [(d.title, d.patient_ref) for d in drafts] == [("A", "P-5"), ("B", "P-6")]
    assert drafts[0].body == "body, with comma" and drafts[0].created is None
    assert len(drafts[1].body) == 200_000 and drafts[1].created == "2023-05-01T10:00:00.000000+00:00"
    # --patient overrides the column.
    assert {d.patient_ref for d in record_io.read_csv(path, patient_ref="P-X")} == {"P-X"}


def test_csv_without_body_column_is_rejected(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,notes\na,b\n", encoding="utf-8")
    with pytest.raises(RecordStoreError, match="no 'body' column") as info:
        record_io.read_csv(path)
    assert info.value.path == path


def test_text_files_import_title_from_stem_and_encodings(tmp_path, store):
    utf8 = tmp_path / "Discharge note.txt"
    utf8.write_text("Patient 患者 stable.\r\nGo home.\n", encoding="utf-8")
    utf16 = tmp_path / "utf16.txt"
    utf16.write_text("Café – naïve 患者", encoding="utf-16")  # with a byte order mark
    ids = record_io.import_files(store, [utf8, utf16], patient_ref="P-3")
    first, second = (store.get(i) for i in ids)
    assert (first.title, first.body, first.patient_ref) == (
        "Discharge note", "Patient 患者 stable.\nGo home.", "P-3")
    assert second.body == "Café – naïve 患者"


def test_import_is_all_or_nothing_when_a_file_is_bad(tmp_path, store):
    good = tmp_path / "good.txt"
    good.write_text("fine", encoding="utf-8")
    with pytest.raises(RecordStoreError, match="could not read") as info:
        record_io.import_files(store, [good, tmp_path / "missing.txt"])
    assert info.value.path == tmp_path / "missing.txt"
    assert store.records() == []


def test_text_export_one_file_per_record_with_safe_unique_names(tmp_path, store):
    store.create("a/b: c?", "first")
    store.create("a/b: c?", "second")
    store.create("", "untitled")
    trashed = store.create("gone", "deleted one")
    store.delete(trashed.id)
    out = tmp_path / "export"
    assert record_io.export_records(store, out) == 3
    files = sorted(p.name for p in out.iterdir())
    assert files == ["a_b_ c-2.txt", "a_b_ c.txt", "record-3.txt"]
    assert {p.read_text(encoding="utf-8") for p in out.iterdir()} == {"first", "second", "untitled"}
    assert record_io.export_records(store, tmp_path / "all.csv", include_deleted=True) == 4


def test_failed_export_keeps_the_previous_file(tmp_path, store):
    store.create("a", "b")
    out = tmp_path / "out.csv"
    out.write_text("previous good export", encoding="utf-8")

    def broken():
        yield store.records()[0]
        raise OSError(28, "No space left on device")

    with pytest.raises(RecordStoreError, match="No space left"):
        record_io.write_csv(out, broken())
    assert out.read_text(encoding="utf-8") == "previous good export"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_shipped_sample_records_import(store):
    from medgui.core.paths import SAMPLES

    ids = record_io.import_files(store, [SAMPLES / "records.csv"])
    assert len(ids) >= 5
    assert all(r.title and r.body and r.patient_ref for r in store.records())
