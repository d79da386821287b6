"""Issue 8: a card's calibration map and population: schema, JSON round trip, summaries."""

from __future__ import annotations

import json

import pytest

from medgui.core.errors import ModelLoadError
from medgui.core.imaging import preprocess
from medgui.core.models import schema
from medgui.core.models.card import ModelCard, card_problems, card_summary, parse_card, read_card
from medgui.core.models.registry import Registry
from medgui.core.reports.content import card_brief
from medgui.core.training import calibration

PLATT = {"method": "platt", "a": 1.3, "b": -0.4, "positive_index": 1,
         "fit": {"n": 500, "source": "validation split", "ece_before": 0.081, "ece_after": 0.023}}
KIDS = {"description": "Children aged 1 to 5 years, one centre (Guangzhou Women and Children's Medical "
                       "Center), pediatric AP chest radiographs", "age_years": [1, 5]}
HASH = {"model.keras": "ab" * 32}


def stored(**fields) -> dict:
    card = {"name": "chest", "task": "image", "classes": ["NORMAL", "PNEUMONIA"], "architecture": "cnn",
            "version": 2, "files": dict(HASH), "threshold": 0.4, "positive_class": "PNEUMONIA"}
    return {**card, **fields}


def test_the_schema_knows_the_methods_and_normalisations_the_code_applies():
    assert schema.CALIBRATION_METHODS == calibration.METHODS
    assert schema.NORMALISATIONS == preprocess.NORMALISATIONS


def test_an_old_card_without_them_loads_as_before():
    card = parse_card(stored(schema=1))
    assert card.calibration is None and card.population is None
    data = card.to_json()
    assert "calibration" not in data and "population" not in data and data["schema"] == 1


def test_calibration_and_population_round_trip_through_card_json():
    card = parse_card(stored(calibration=PLATT, population=KIDS, preprocessing={"normalise": "clahe"}))
    assert card.calibration == PLATT and card.population == KIDS
    data = card.to_json()
    # A calibrated card needs schema 2: a medgui that ignored the map would misread its threshold.
    assert data["schema"] == 2
    again = read_card(json.dumps(data).encode())
    assert again.calibration == PLATT and again.population == KIDS
    assert again.preprocessing["normalise"] == "clahe"


@pytest.mark.parametrize(("fields", "problem"), [
    ({"calibration": {"method": "isotonic"}}, "'calibration.method' must be one of temperature, platt"),
    ({"calibration": {"method": "temperature", "temperature": 0}}, "'calibration.temperature' must be a number > 0"),
    ({"calibration": {"method": "temperature", "temperature": float("nan")}}, "'calibration.temperature'"),
    ({"calibration": {"method": "platt", "a": "1", "b": 0.1}}, "'calibration.a' must be a finite number"),
    ({"calibration": {"method": "platt", "a": 1.0, "b": float("inf")}}, "'calibration.b' must be a finite number"),
    ({"calibration": {"method": "platt", "a": 1.0, "b": 0.0, "positive_index": 2}}, "positive_index"),
    ({"calibration": [1, 2]}, "'calibration' must be an object or null"),
    ({"calibration": PLATT, "schema": 1}, "needs card schema 2"),
    ({"population": "kids"}, "'population' must be an object or null"),
    ({"population": {"age_years": [5, 1]}}, "'population.age_years' must be two numbers"),
    ({"population": {"age_years": [1, "5"]}}, "'population.age_years' must be two numbers"),
    ({"population": {"age_years": [1]}}, "'population.age_years' must be two numbers"),
    ({"population": {"description": 7}}, "'population.description' must be text"),
    ({"preprocessing": {"normalise": "zscore"}}, "'preprocessing.normalise' must be one of none, clahe"),
])
def test_a_bad_map_or_population_is_refused_with_a_plain_reason(fields, problem):
    problems = card_problems(stored(**fields))
    assert any(problem in p for p in problems), problems
    with pytest.raises(ModelLoadError, match="not a valid model card"):
        parse_card(stored(**fields))


def test_a_platt_map_needs_two_classes_and_temperature_takes_any_number():
    three = stored(classes=["a", "b", "c"], threshold=None, positive_class=None)
    assert any("two classes only" in p for p in card_problems({**three, "calibration": PLATT}))
    assert card_problems({**three, "calibration": {"method": "temperature", "temperature": 1.7}}) == []


def test_the_registry_keeps_both_fields(tmp_path):
    staging = tmp_path / "staging"
    staging.mkdir()
    (staging / "model.keras").write_bytes(b"weights")
    card = ModelCard(name="kids", task="image", classes=["NORMAL", "PNEUMONIA"], architecture="cnn",
                     threshold=0.4, positive_class="PNEUMONIA", calibration=PLATT, population=KIDS)
    Registry().register(staging, card)
    listed = Registry().get("kids")
    assert listed.calibration == PLATT and listed.population == KIDS
    Registry().verify(listed)


def test_summary_says_who_the_model_is_for_and_how_its_probabilities_were_made():
    card = parse_card(stored(calibration=PLATT, population=KIDS,
                             metrics={"calibration": {"ece_before": 0.09, "ece_after": 0.031, "n": 1044,
                                                      "source": "test split"}}))
    lines = card_summary(card).splitlines()
    assert ("population: Children aged 1 to 5 years, one centre (Guangzhou Women and Children's Medical "
            "Center), pediatric AP chest radiographs; age range 1-5 years") in lines
    assert "probabilities: calibrated, Platt scaling (a 1.300, b -0.400)" in lines
    # Held-out figures come first; the map's own fit is only the fallback.
    assert "calibration error (ECE): 0.090 -> 0.031 (test split, n 1,044)" in lines
    assert "threshold: P(PNEUMONIA) (calibrated) >= 0.400" in lines
    fallback = card_summary(parse_card(stored(calibration=PLATT))).splitlines()
    assert "calibration error (ECE): 0.081 -> 0.023 (validation split, n 500)" in fallback
    temp = card_summary(parse_card(stored(calibration={"method": "temperature", "temperature": 1.7})))
    assert "probabilities: calibrated, temperature scaling (T 1.700)" in temp.splitlines()
    plain = card_summary(parse_card(stored())).splitlines()
    assert "probabilities: the network's own (not calibrated)" in plain
    assert "threshold: P(PNEUMONIA) >= 0.400" in plain
    assert not any(line.startswith("population:") for line in plain)


def test_summary_prints_cross_validation_baseline_and_gate_figures():
    text = card_summary(Registry().get("specialty-text@2"))
    lines = text.splitlines()
    assert ("baseline (TF-IDF (1-2 grams, sublinear tf) + logistic regression (C=10, class_weight=balanced)): "
            "accuracy 0.901 (95 % CI 0.879-0.923); macro_f1 0.868 (95 % CI 0.833-0.902)") in lines
    assert "model minus baseline: macro_f1 +0.016 (95 % CI -0.006 to +0.038)" in lines
    assert any(line.startswith("cross-validation: StratifiedGroupKFold, 5 folds x 3 repeats") for line in lines)
    assert ("  cv bigru (5 folds): accuracy 0.873 (95 % CI 0.843-0.904); macro_f1 0.833 (95 % CI 0.797-0.868); "
            "vs baseline macro_f1 -0.035 (95 % CI -0.082 to +0.012)") in lines
    assert "applicability gate: record applicability gate (medgui.core.gate.text_gate)" in lines
    assert ("  good inputs flagged: validation (sets the threshold) 2.5 % (5 of 198); test 4.1 % (8 of 197); "
            "train 1.2 % (11 of 901)") in lines
    assert any(line.startswith("  gate caveat: version 2 was fitted on all training notes") for line in lines)
    assert "{" not in text  # no raw JSON dumped into the summary


def test_report_brief_puts_the_stated_population_first_and_stays_two_short_lines():
    card = parse_card(stored(population=KIDS, notes="Pediatric chest radiographs (Kermany). More.",
                             data_fingerprint={"n_items": 5216}, metrics={"split": "test", "auc": 0.95}))
    population, validation = card_brief(card)
    assert population.startswith("Population: Children aged 1 to 5 years, one centre")
    assert population.endswith("age range 1-5 years; trained on 5,216 examples")
    assert validation == "Validation: test metrics: AUC 0.950"
    assert card_brief(parse_card(stored(notes="Pediatric chest radiographs (Kermany). More.")))[0] == \
        "Population: Pediatric chest radiographs (Kermany)"
    long = parse_card(stored(population={"description": "x" * 900}))
    assert len(card_brief(long)[0]) <= 230
