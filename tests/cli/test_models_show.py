"""``medgui models show`` on the shipped models: which figures, from which split, on what data."""

from __future__ import annotations

from medgui.cli import main


def show(capsys, ref: str) -> str:
    status = main(["models", "show", ref])
    out = capsys.readouterr()
    assert status == 0, out.err
    return out.out


def test_shipped_image_model_shows_auc_split_and_data(capsys):
    out = show(capsys, "pneumonia-cnn@1")
    lines = out.splitlines()
    assert "validation metrics (by patient): accuracy 0.973; macro_f1 0.966; auc 0.998" in lines
    assert "test metrics" not in out  # they are validation figures, and the card says so
    assert any(line.startswith("evaluated on: validation split, grouped by patient (1,044 images")
               for line in lines)
    assert "threshold: P(PNEUMONIA) >= 0.656" in lines
    assert "threshold rule: Youden's J optimum on validation, lowered if needed to reach sensitivity >= 0.93" in lines
    assert "data: 5,216 examples (NORMAL 1,341, PNEUMONIA 3,875); sha256 f76e58ec592a; from kermany224-train" in lines
    assert "?" not in out and "()" not in out


def test_shipped_text_model_shows_test_split_baseline_and_data(capsys):
    out = show(capsys, "specialty-text@1")  # version 1: figures of one test split, flat baseline keys
    lines = out.splitlines()
    assert "test metrics: accuracy 0.881; macro_f1 0.847" in lines
    assert any(line.startswith("baseline (TF-IDF") and line.endswith("accuracy 0.892; macro_f1 0.839")
               for line in lines)
    data = next(line for line in lines if line.startswith("data: "))
    assert data.startswith("data: 1,296 examples (Cardiovascular / Pulmonary 285, ")
    assert "sha256 d69eb6777272" in data


def test_the_default_image_model_states_both_validations_calibration_and_population(capsys):
    out = show(capsys, "pneumonia-cnn")  # the newest version: the default
    lines = out.splitlines()
    assert lines[0].startswith("pneumonia-cnn@2")
    assert any(line.startswith("cohort-like report half metrics: accuracy") for line in lines)
    assert "population: Children aged 1 to 5 years" in out and "age range 1-5 years" in out
    assert "probabilities: calibrated, Platt scaling" in out
    assert any(line.startswith("threshold: P(PNEUMONIA) (calibrated) >= 0.8") for line in lines)
    assert "calibration half" in out and "?" not in out


def test_the_default_image_models_card_keeps_its_validations_and_levers():
    from medgui.core.models.registry import Registry

    card = Registry().get("pneumonia-cnn@2")
    both = card.metrics["validations"]
    assert set(both) == {"cohort_like", "by_patient"}
    for figures in both.values():
        assert figures["auc"] >= 0.97 and figures["sensitivity"] >= 0.93 and figures["ece"] <= 0.05
    assert both["cohort_like"]["specificity"] >= 0.90
    assert card.preprocessing["normalise"] == "clahe" and card.calibration["method"] == "platt"
    assert card.population["age_years"] == [1, 5]
    assert card.metrics["levers"]["batch_holdout"]["results"] and card.metrics["warnings"] == []
