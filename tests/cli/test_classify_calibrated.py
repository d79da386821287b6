"""Issue 8 from a shell: calibrated probabilities and the population warning in CLI output."""

from __future__ import annotations

import json

import numpy as np
import pytest

from medgui.cli import main
from medgui.core.training.calibration import apply_calibration
from tests.core import tiny_onnx
from tests.core.dicom_factory import write_dicom
from tests.core.ml.tiny_image_model import write_png

PLATT = {"method": "platt", "a": 1.0, "b": -2.0, "positive_index": 1,
         "fit": {"n": 300, "source": "validation split", "ece_before": 0.12, "ece_after": 0.03}}
KIDS = {"description": "Children aged 1 to 5 years, one centre", "age_years": [1, 5]}
WARNING = "the patient's age (45 years) is outside the model's training population (ages 1-5 years)"


@pytest.fixture
def kids_model():
    return tiny_onnx.register_image("kids-chest", calibration=PLATT, population=KIDS).ref


@pytest.fixture
def films(tmp_path):
    pixels = (np.indices((32, 32)).sum(0) * 60).astype(np.uint16)
    return {"adult": write_dicom(tmp_path / "adult.dcm", pixels, PatientAge="045Y"),
            "child": write_dicom(tmp_path / "child.dcm", pixels, PatientAge="003Y"),
            "png": write_png(tmp_path / "plain.png", np.full((16, 16), 0.6))}


def test_json_says_calibrated_and_carries_the_age_warning(kids_model, films, capsys):
    status = main(["classify-image", "--json", "--no-progress", "--model", kids_model,
                   *(str(films[k]) for k in ("adult", "child", "png"))])
    rows = {json.loads(line)["path"]: json.loads(line) for line in capsys.readouterr().out.splitlines()}
    assert status == 0
    adult, child, png = (rows[str(films[k])] for k in ("adult", "child", "png"))
    assert all(r["calibrated"] is True for r in (adult, child, png))
    assert adult["warnings"] == [WARNING] and adult["reliable"] is True and adult["label"] is not None
    assert "warnings" not in child and "warnings" not in png  # a plain image has no age
    raw = tiny_onnx.raw_p(np.full(1, 153 / 255))
    assert png["probabilities"]["PNEUMONIA"] == pytest.approx(apply_calibration([1 - raw, raw], PLATT)[1], abs=1e-5)


def test_the_table_shows_the_warning_and_stderr_names_calibrated_probabilities(kids_model, films, capsys):
    status = main(["classify-image", "--no-progress", "--model", kids_model, str(films["adult"])])
    out = capsys.readouterr()
    assert status == 0
    assert f"(reading may not apply: {WARNING})" in out.out
    assert f"model {kids_model} (calibrated probabilities); decision support only" in out.err
    main(["classify-image", "--no-progress", "--model", tiny_onnx.register_image("plain").ref, str(films["png"])])
    assert "(the model's own probabilities)" in capsys.readouterr().err


def test_classify_text_json_says_calibrated(tmp_path, capsys):
    ref = tiny_onnx.register_text(calibration={"method": "temperature", "temperature": 2.0}).ref
    note = tmp_path / "note.txt"
    note.write_text("fever cough lesion biopsy margin tumour colon polyp", encoding="utf-8")
    assert main(["classify-text", "--json", "--model", ref, str(note)]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["calibrated"] is True and row["reliable"] is True


def test_models_show_prints_population_and_calibration(kids_model, capsys):
    assert main(["models", "show", kids_model]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "population: Children aged 1 to 5 years, one centre; age range 1-5 years" in lines
    assert "probabilities: calibrated, Platt scaling (a 1.000, b -2.000)" in lines
    assert "calibration error (ECE): 0.120 -> 0.030 (validation split, n 300)" in lines
    assert main(["models", "show", kids_model, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["calibration"]["method"] == "platt" and data["population"]["age_years"] == [1, 5]
