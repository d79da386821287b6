"""PDF reports built from results, read back with pdftotext and rendered with pdftoppm."""

from __future__ import annotations

import numpy as np

from medgui.core.audit.readings import applicability
from medgui.core.imaging.loader import load_image
from medgui.core.models.card import ModelCard
from medgui.core.reports.content import card_brief, image_report, note_segments, text_report
from medgui.core.reports.pdf import write_pdf
from tests.core.dicom_factory import write_dicom
from tests.pdf_tools import pdf_pages, pdf_text

CARD = ModelCard(
    name="chest", task="image", classes=["NORMAL", "PNEUMONIA"], architecture="compact_cnn", version=4,
    threshold=0.62, positive_class="PNEUMONIA", notes="Adult chest radiographs (two hospitals). More.",
    metrics={"split": "test", "n": 400, "accuracy": 0.9, "auc": 0.95, "auc_ci": [0.93, 0.97],
             "sensitivity": 0.91, "specificity": 0.88},
    data_fingerprint={"n_items": 4000, "counts": {"NORMAL": 2000, "PNEUMONIA": 2000}},
    files={"model.keras": "ab" * 32},
)


def result(**extra):
    return {"label": "PNEUMONIA", "probabilities": {"NORMAL": 0.3, "PNEUMONIA": 0.7}, "threshold": 0.62,
            "positive_class": "PNEUMONIA", "model": "chest@4", "warnings": [], **extra}


def flat(text: str) -> str:
    return " ".join(text.split())


def test_card_brief_is_two_lines_of_population_and_validation():
    population, validation = card_brief(CARD)
    assert population == ("Population: Adult chest radiographs (two hospitals); trained on 4,000 "
                          "examples (NORMAL 2,000, PNEUMONIA 2,000)")
    assert validation == ("Validation: test metrics, 400 cases: accuracy 0.900; AUC 0.950 (95 % CI "
                          "0.930-0.970); sensitivity 0.910; specificity 0.880")
    assert card_brief(None)[0].startswith("Population: not recorded")


def test_applicability_follows_the_gate_then_the_warnings():
    assert applicability(result())["verdict"] == "applies"
    assert applicability(result(warnings=["it has 3 frames"])) == {
        "verdict": "may not apply", "warnings": ["it has 3 frames"]}
    off = applicability(result(label=None, model_label="PNEUMONIA", reason="this looks like a hand",
                               gate={"applicable": False, "looks_like": "hand", "scores": {}}))
    assert off["verdict"] == "does not apply" and off["warnings"] == ["this looks like a hand"]
    assert applicability(result(gate=None, warnings=["no gate"]))["verdict"] == "not checked"


def test_image_report_says_everything_a_reader_files(tmp_path):
    scan = write_dicom(tmp_path / "s.dcm", (np.indices((80, 60)).sum(0) * 40).astype(np.uint16),
                       window=(3000, 6000), PatientName="Quixote^Alonso", PatientID="HOSP-1")
    image = load_image(scan)
    heat = np.zeros((16, 16), np.float32)
    heat[2:6, 2:6] = 1
    content = image_report(result(warnings=["its header says the body part is HAND, not the chest"]),
                           image, CARD, heatmap=heat)
    pdf = write_pdf(content, tmp_path / "r.pdf")
    text = flat(pdf_text(pdf))
    for expected in ("Chest X-ray reading report", "PNEUMONIA 70.0 %", "NORMAL 30.0 %",
                     "Decision threshold: 62.0 % for PNEUMONIA", "Applicability: may not apply",
                     "body part is HAND", "chest@4", "Adult chest radiographs", "AUC 0.950",
                     "DICOM · 60 × 80 px · CR · CHEST", "Heatmap (Grad-CAM)", "De-identified report",
                     "Decision support only, not a diagnosis", "ab" * 32):
        assert expected in text, expected
    assert "Quixote" not in text and "HOSP-1" not in text and "s.dcm" not in text
    (page,) = pdf_pages(pdf, tmp_path / "png")
    h, w = page.shape[:2]
    assert h > w
    colourful = np.abs(page[..., 2].astype(int) - page[..., 0].astype(int)) > 60
    assert colourful.sum() > 100  # the heatmap and the coloured verdict boxes are there


def test_a_withheld_reading_says_so(tmp_path):
    scan = write_dicom(tmp_path / "s.dcm", np.zeros((20, 20), np.uint16))
    content = image_report(result(label=None, model_label="PNEUMONIA", reliable=False,
                                  reason="the image does not look like a chest radiograph",
                                  gate={"applicable": False, "looks_like": "other", "scores": {}}),
                           load_image(scan), CARD)
    text = flat(pdf_text(write_pdf(content, tmp_path / "w.pdf")))
    assert "No reliable label" in text and "withheld: PNEUMONIA" in text
    assert "Applicability: does not apply" in text and "does not look like a chest radiograph" in text


def test_note_segments_mark_words_and_never_show_redacted_text():
    text = "Name: Jo Bloggs. Murmur heard, no angina."
    def at(word: str) -> dict:
        return {"start": text.index(word), "end": text.index(word) + len(word)}

    tokens = [{**at("Murmur"), "weight": 0.9}, {**at("angina"), "weight": 0.4, "negated": True},
              {**at("Bloggs"), "weight": 0.8}]  # inside the redaction: not shown at all
    segs = note_segments(text, tokens, [(text.index("Jo"), text.index("."))])
    assert "".join(s.text for s in segs) == "Name: [redacted]. Murmur heard, no angina."
    assert [(s.text, s.weight, s.negated) for s in segs if s.weight or s.negated] == [
        ("Murmur", 0.9, False), ("angina", 0.4, True)]


def test_a_long_note_continues_on_the_next_page(tmp_path):
    note = "\n".join(f"Line {i}: stable, seen in clinic, plan unchanged." for i in range(220))
    content = text_report({"label": "gastro", "probabilities": {"gastro": 0.6, "cardio": 0.4},
                           "model": "t@1", "tokens": []}, note, None, patient_ref="P-9")
    pdf = write_pdf(content, tmp_path / "long.pdf")
    assert len(pdf_pages(pdf, tmp_path / "png", dpi=20)) >= 3
    text = pdf_text(pdf)
    assert "Line 219" in text and "page 3" in text


def test_a_calibrated_reading_of_an_adult_by_a_pediatric_model_says_both(tmp_path):
    from medgui.core.ml.image.infer import get_image_classifier
    from tests.core import tiny_onnx

    kids = {"description": "Children aged 1 to 5 years, one centre", "age_years": [1, 5]}
    card = tiny_onnx.register_image("kids", calibration={"method": "temperature", "temperature": 2.0},
                                    population=kids)
    scan = write_dicom(tmp_path / "adult.dcm", (np.indices((40, 40)).sum(0) * 50).astype(np.uint16),
                       PatientAge="045Y")
    (reading,) = get_image_classifier(card.ref).classify_paths([scan])
    content = image_report(reading, load_image(scan), card)
    assert content.calibrated is True
    text = flat(pdf_text(write_pdf(content, tmp_path / "kids.pdf")))
    for expected in ("Calibrated probabilities", "Applicability: not checked",  # this model has no gate
                     "the patient's age (45 years) is outside the model's training population (ages 1-5 years)",
                     "Population: Children aged 1 to 5 years, one centre; age range 1-5 years"):
        assert expected in text, expected
    plain = flat(pdf_text(write_pdf(image_report(result(), load_image(scan), CARD), tmp_path / "plain.pdf")))
    assert "not calibrated" in plain and "Calibrated probabilities" not in plain
    assert "outside the model's training population" not in plain
