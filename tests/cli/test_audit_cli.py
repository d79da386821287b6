"""Readings from the command line: audit entries, ``--report DIR`` PDFs, ``medgui audit``."""

from __future__ import annotations

import json
import re
import sqlite3

import numpy as np
import pytest

from medgui.cli import main
from medgui.core.audit.readings import file_sha256
from medgui.core.audit.trail import AuditTrail
from medgui.core.models.registry import Registry
from medgui.core.reports.content import DISCLAIMER
from tests.core.dicom_factory import write_dicom
from tests.core.ml import tiny_image_model as tiny
from tests.pdf_tools import pdf_pages, pdf_text

pytestmark = pytest.mark.slow

PATIENT = "Quixote^Alonso"


@pytest.fixture
def tiny_model():
    card = tiny.register(tiny.trained("seed_cnn", 32))
    Registry().activate(card.ref)
    return card


@pytest.fixture
def scans(tmp_path):
    """A chest DICOM with a patient name that must never reach a report or the trail,
    and two PNGs."""
    x, _ = tiny.synthetic(3, 64, seed=4)
    dcm = write_dicom(tmp_path / "Quixote_scan.dcm", (x[1, ..., 0] * 4000).astype(np.uint16),
                      window=(2000, 4000), PatientName=PATIENT, PatientID="HOSP-99812",
                      PatientBirthDate="19470315")
    return [dcm, tiny.write_png(tmp_path / "b.png", x[0]), tiny.write_png(tmp_path / "c.png", x[2])]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_classify_image_report_holds_the_reading_and_no_patient_name(tiny_model, scans, tmp_path, capsys):
    out = tmp_path / "out"
    status = main(["classify-image", str(scans[0]), "--report", str(out), "--json", "--no-progress"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    row = json.loads(captured.out)
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 1
    assert "Quixote" not in pdfs[0].name  # named by audit entry and hash, not by the file
    text = flat(pdf_text(pdfs[0]))
    assert row["label"] in text and f"Reading {row['label']}" in text
    assert tiny_model.ref in text
    assert flat(DISCLAIMER) in text
    for cls, p in row["probabilities"].items():
        assert f"{cls} {100 * p:.1f} %" in text
    assert "Decision threshold: 50.0 % for PNEUMONIA" in text
    verdict = AuditTrail().entries()[0].body["output"]["applicability"]["verdict"]
    assert f"Applicability: {verdict}" in text  # the gate's verdict, as the trail holds it
    assert "De-identified report" in text
    assert file_sha256(scans[0]) in text
    for secret in ("Quixote", "Alonso", "HOSP-99812", "19470315", "1947-03-15", "15/03/1947", "03/15/1947"):
        assert secret not in text
    # The birth year alone, as a word: inside a printed sha256 it is chance (a CI run saw it).
    assert not re.search(r"\b1947\b", text)
    pages = pdf_pages(pdfs[0], tmp_path / "png")
    assert len(pages) == 1 and pages[0].shape[0] > pages[0].shape[1]  # one A4 portrait page
    assert pages[0].std() > 20  # an image and text, not a blank page


def test_identifying_reports_are_opt_in(tiny_model, scans, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["classify-image", str(scans[0]), "--report", str(out), "--report-identifying",
                 "--no-progress"]) == 0
    pdf = out / "Quixote_scan.pdf"
    text = flat(pdf_text(pdf))
    assert "Patient name: Quixote^Alonso" in text and "Patient ID: HOSP-99812" in text
    assert "De-identified" not in text


def test_three_readings_three_entries_and_verify(tiny_model, scans, capsys):
    assert main(["classify-image", *map(str, scans), "--no-progress", "--json"]) == 0
    capsys.readouterr()
    assert main(["audit", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["seq"] for r in rows] == [1, 2, 3]
    model_hash = tiny_model.files[tiny_model.model_file]
    for row, path in zip(rows, scans, strict=True):
        body = row["body"]
        assert row["kind"] == "reading" and body["source"] == "cli"
        assert body["model"]["ref"] == tiny_model.ref and body["model"]["sha256"] == model_hash
        assert body["input"] == {"kind": "image", "sha256": file_sha256(path),
                                 "format": "DICOM" if path.suffix == ".dcm" else "PNG"}
        assert set(body["output"]) >= {"label", "probabilities", "threshold", "applicability"}
        assert body["user"] and body["workstation"]
    assert "Quixote" not in AuditTrail().path.read_bytes().decode("latin-1")  # nor in the trail
    assert main(["audit", "verify"]) == 0
    assert "intact: 3 entries" in capsys.readouterr().out


def test_verify_names_the_edited_entry_and_exits_1(tiny_model, scans, capsys):
    assert main(["classify-image", *map(str, scans), "--no-progress"]) == 0
    conn = sqlite3.connect(AuditTrail().path)
    conn.execute("DROP TRIGGER entries_no_update")
    body = conn.execute("SELECT body FROM entries WHERE seq = 2").fetchone()[0]
    conn.execute("UPDATE entries SET body = ? WHERE seq = 2", (body.replace('"label":"', '"label":"X', 1),))
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    assert "BROKEN at entry 2" in capsys.readouterr().err


def test_audit_list_table_since_and_export(tiny_model, scans, tmp_path, capsys):
    assert main(["classify-image", str(scans[1]), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["audit", "list"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert len(table) == 2 and tiny_model.ref in table[1] and file_sha256(scans[1])[:12] in table[1]
    assert main(["audit", "list", "--json", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["audit", "export", str(tmp_path / "t.jsonl")]) == 0
    assert main(["audit", "verify", "--file", str(tmp_path / "t.jsonl")]) == 0
    assert main(["audit", "list", "--since", "yesterday"]) == 1
    assert "not a date" in capsys.readouterr().err


def test_classify_text_writes_audit_entries_and_reports(tmp_path, capsys):
    from tests.core.ml.tiny_text_model import register, trained

    card = register(trained()[0])
    note = tmp_path / "note.txt"
    note.write_text("Name: Alonso Quixano\nThe patient was seen today with a murmur and stable "
                    "history of angina", encoding="utf-8")
    status = main(["classify-text", "--model", card.ref, "--report", str(tmp_path / "r"), str(note)])
    assert status == 0, capsys.readouterr().err
    (entry,) = AuditTrail().entries()
    assert entry.body["input"]["kind"] == "text" and entry.body["model"]["ref"] == card.ref
    (pdf,) = (tmp_path / "r").glob("*.pdf")
    text = flat(pdf_text(pdf))
    assert "cardiology" in text and card.ref in text and "murmur" in text
    assert "Alonso" not in text and "[redacted]" in text
