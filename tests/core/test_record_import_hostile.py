"""Record import and export against odd and hostile files (issue 12: H, I, J)."""

from __future__ import annotations

import codecs
import csv
import os
import sys
import threading

import pytest

from medgui.core.errors import RecordStoreError
from medgui.core.records import transfer as record_io
from medgui.core.records.store import RecordStore

NOTE = "患者主诉胸痛三天，无发热。\n既往史：高血压。Café au lait, naïve."
CHINESE = "患者主诉胸痛三天，无发热。\n既往史：高血压，ECG 正常。"


@pytest.fixture
def store():
    with RecordStore() as s:
        yield s


# -- H: encodings, NUL bytes, empty files -----------------------------------------------

@pytest.mark.parametrize(("codec", "bom", "text"), [
    ("utf-16-le", codecs.BOM_UTF16_LE, NOTE),
    ("utf-16-be", codecs.BOM_UTF16_BE, NOTE),
    ("utf-32-le", codecs.BOM_UTF32_LE, NOTE),
    ("utf-32-be", codecs.BOM_UTF32_BE, NOTE),
    ("utf-8", codecs.BOM_UTF8, NOTE),
    ("gb18030", b"", CHINESE),  # what Windows in Chinese saves as "ANSI"
], ids=["utf16le", "utf16be", "utf32le", "utf32be", "utf8-bom", "gb18030"])
def test_text_file_in_any_declared_or_chinese_encoding_is_stored_as_written(
        tmp_path, store, codec, bom, text):
    path = tmp_path / "note.txt"
    path.write_bytes(bom + text.encode(codec))
    [record_id] = record_io.import_files(store, [path])
    assert store.get(record_id).body == text


@pytest.mark.parametrize(("text", "codec"), [
    ("Herr Müller, Straße 5. Café – naïve", "cp1252"),
    ("Müller", "cp1252"),  # decodes "successfully" as GB18030: M黮ler
    ("Жалобы", "cp1251"),  # decodes as GB18030 to three ideographs
    ("患者は胸痛を訴える", "euc-jp"),  # shares GB2312's byte layout
    ("환자는 흉통을 호소한다", "euc-kr"),  # likewise
], ids=["cp1252", "cp1252-short", "cp1251", "euc-jp", "euc-kr"])
def test_text_in_an_undeclared_legacy_encoding_is_refused_not_stored_garbled(
        tmp_path, store, text, codec):
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(codec))
    with pytest.raises(RecordStoreError, match="not UTF-8") as info:
        record_io.import_files(store, [path])
    assert info.value.path == path and "save it as UTF-8" in str(info.value)
    assert store.records() == []


def test_nul_bytes_are_refused_in_text_and_csv_files(tmp_path, store):
    txt = tmp_path / "binary.txt"
    txt.write_bytes(b"first line\nsecond\x00line\n")
    with pytest.raises(RecordStoreError, match=r"NUL character \(line 2\)") as info:
        record_io.import_files(store, [txt])
    assert info.value.path == txt
    table = tmp_path / "table.csv"
    table.write_bytes(b"patient_ref,title,body\nP-1,ok,fine\nP-2,bad,nul\x00inside\n")
    with pytest.raises(RecordStoreError, match=r"NUL character \(line 3\)") as info:
        record_io.import_files(store, [table])
    assert info.value.path == table
    bare_utf16 = tmp_path / "no-bom.txt"  # UTF-16 without a mark: NULs between letters
    bare_utf16.write_bytes("Chest pain".encode("utf-16-le"))
    with pytest.raises(RecordStoreError, match="UTF-16 text without a byte order mark"):
        record_io.import_files(store, [bare_utf16])
    assert store.records() == []


@pytest.mark.parametrize("content", [b"", b"  \r\n\t\n", codecs.BOM_UTF8 + b"\n\n"],
                         ids=["empty", "blank", "bom-only"])
def test_empty_or_blank_text_file_is_refused(tmp_path, store, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(RecordStoreError, match="empty") as info:
        record_io.import_files(store, [path])
    assert info.value.path == path
    assert store.records() == []


def test_csv_in_utf16_or_gb18030_imports_and_legacy_csv_is_refused(tmp_path, store):
    rows = "patient_ref,title,body\r\nP-1,胸痛,\"患者主诉胸痛三天，无发热。\"\r\n"
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(codecs.BOM_UTF16_LE + rows.encode("utf-16-le"))
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(rows.encode("gb18030"))
    drafts = record_io.read_csv(utf16) + record_io.read_csv(gbk)
    assert [(d.patient_ref, d.title, d.body) for d in drafts] == [
        ("P-1", "胸痛", "患者主诉胸痛三天，无发热。")] * 2
    legacy = tmp_path / "excel-ansi.csv"
    legacy.write_bytes("patient_ref,title,body\nP-1,Müller,Schmerz\n".encode("cp1252"))
    with pytest.raises(RecordStoreError, match="not UTF-8"):
        record_io.read_csv(legacy)


def test_csv_with_a_header_but_no_records_is_refused(tmp_path):
    path = tmp_path / "header-only.csv"
    path.write_text("patient_ref,title,body\n\n", encoding="utf-8")
    with pytest.raises(RecordStoreError, match="no records") as info:
        record_io.read_csv(path)
    assert info.value.path == path


# -- I: formulas in exported CSV cells -------------------------------------------------

FORMULAS = [
    ("=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\",\"click\")", "=1+1"),
    ("+P-2", "+41 79", "+SUM(A1:A9)"),
    ("-P-3", "- chest pain\n- fever", "-2+3"),
    ("@P-4", "@SUM(A1)", "@x"),
    ("P-5", "\tTabbed title", "\tindented body"),
    ("P-6", "\rCR title", "'=already escaped by hand"),
    ("P-7", "'plain apostrophe", "ordinary text, = inside is fine"),
]


def test_csv_export_neutralises_formula_cells_and_round_trips(tmp_path, store):
    for ref, title, body in FORMULAS:
        store.create(title, body, ref)
    store.add_classification(store.records()[0].id, "=evil()", {}, "m", "1")
    out = tmp_path / "out.csv"
    assert record_io.export_records(store, out) == len(FORMULAS)

    with out.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in list(csv.reader(handle))[1:] for cell in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=cmd|' /C calc'!A0" in cells and "'- chest pain\n- fever" in cells
    assert "''=already escaped by hand" in cells and "'=evil()" in cells
    assert "'plain apostrophe" in cells  # not a formula: left alone

    with RecordStore(tmp_path / "other.sqlite3") as other:
        record_io.import_files(other, [out])
        before = {(r.patient_ref, r.title, r.body, r.latest_label) for r in store.records()}
        after = {(r.patient_ref, r.title, r.body, r.latest_label) for r in other.records()}
    assert after == before


def test_escape_and_unescape_are_inverse():
    for value in ["", "=", "'", "''", "'=", "''=x", "'x", "x=", "-", "- a", "\t", "'\t"]:
        assert record_io.unescape_cell(record_io.escape_cell(value)) == value
    # An apostrophe typed in a spreadsheet to enter a formula-like cell as text.
    assert record_io.unescape_cell("'=A1") == "=A1"


# -- J: only regular files --------------------------------------------------------------

def _call_with_timeout(fn, fifo, timeout=30.0):
    """Run ``fn()`` on a thread; if it is still blocked (on opening ``fifo``) after
    ``timeout`` seconds, free it by opening the writing end, and fail."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # the reader gets EOF
        thread.join(10)
        pytest.fail(f"reading {fifo} blocked for {timeout} s")
    return outcome


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes in the file system are POSIX")
@pytest.mark.parametrize("name", ["pipe.txt", "pipe.csv"])
def test_a_named_pipe_is_refused_at_once_naming_the_file(tmp_path, store, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    outcome = _call_with_timeout(lambda: record_io.import_files(store, [fifo]), fifo)
    error = outcome.get("error")
    assert isinstance(error, RecordStoreError), outcome
    assert error.path == fifo and "named pipe (FIFO), not a regular file" in str(error)
    assert store.records() == []


def test_a_folder_is_refused_naming_it(tmp_path, store):
    folder = tmp_path / "notes.txt"
    folder.mkdir()
    with pytest.raises(RecordStoreError, match="is a folder") as info:
        record_io.import_files(store, [folder])
    assert info.value.path == folder
