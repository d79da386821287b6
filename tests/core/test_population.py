"""Issue 8 item 5: a patient outside the model's training population, by age from the DICOM header."""

from __future__ import annotations

import numpy as np
import pytest

from medgui.core.imaging.loader import load_image
from medgui.core.imaging.population import age_from_dates, outside, parse_age, population_warning
from tests.core.dicom_factory import write_dicom

KIDS = {"description": "Children aged 1 to 5 years", "age_years": [1, 5]}
PIXELS = (np.indices((32, 32)).sum(0) * 60).astype(np.uint16)


@pytest.mark.parametrize(("value", "years", "words"), [
    ("045Y", 45.0, "45 years"), ("001Y", 1.0, "1 year"), ("018M", 1.5, "18 months"),
    ("003W", 3 * 7 / 365.25, "3 weeks"), ("010D", 10 / 365.25, "10 days"), (" 4y ", 4.0, "4 years"),
    ("62", 62.0, "62 years"),  # no unit: not valid DICOM, but written so (SIIM); read as years
])
def test_patient_age_strings_are_read_in_every_unit(value, years, words):
    assert parse_age(value) == (pytest.approx(years), words)


@pytest.mark.parametrize("value", ["", "Y045", "045X", "forty", "1234Y", "4.5Y"])
def test_an_unreadable_age_is_no_age(value):
    assert parse_age(value) is None


def test_age_from_birth_and_study_dates_counts_completed_months():
    assert age_from_dates("19700101", "20240102") == (pytest.approx(54.0), "54 years")
    assert age_from_dates("20230315", "20240314") == (pytest.approx(11 / 12), "11 months")
    assert age_from_dates("20230315", "20240315") == (pytest.approx(1.0), "12 months")
    assert age_from_dates("2024-01-02", "20230101") is None  # studied before birth
    assert age_from_dates("20241301", "20250101") is None and age_from_dates("", "20250101") is None


def test_aged_1_to_5_means_from_the_first_birthday_until_the_sixth():
    assert outside(0.9, 1, 5) and not outside(1.0, 1, 5) and not outside(5.9, 1, 5) and outside(6.0, 1, 5)


def dicom(tmp_path, name, **attrs):
    return load_image(write_dicom(tmp_path / name, PIXELS, **attrs))


def test_an_adult_film_read_by_a_pediatric_model_is_warned_about(tmp_path):
    adult = dicom(tmp_path, "adult.dcm", PatientAge="045Y")
    assert population_warning(adult, KIDS) == (
        "the patient's age (45 years) is outside the model's training population (ages 1-5 years)")
    infant = dicom(tmp_path, "infant.dcm", PatientAge="006M")
    assert "(6 months)" in population_warning(infant, KIDS)
    toddler = dicom(tmp_path, "toddler.dcm", PatientAge="018M")
    assert population_warning(toddler, KIDS) is None
    assert population_warning(dicom(tmp_path, "five.dcm", PatientAge="005Y"), KIDS) is None


def test_without_patient_age_the_birth_and_study_dates_decide(tmp_path):
    # dicom_factory's patient was born 1970-01-01 and studied 2024-01-02.
    assert "(54 years)" in population_warning(dicom(tmp_path, "dated.dcm"), KIDS)
    child = dicom(tmp_path, "child.dcm", PatientBirthDate="20200601", StudyDate="20230101")
    assert population_warning(child, KIDS) is None
    undated = dicom(tmp_path, "undated.dcm", PatientBirthDate="", StudyDate="")
    assert population_warning(undated, KIDS) is None


def test_no_population_no_age_range_or_no_header_means_no_warning(tmp_path):
    adult = dicom(tmp_path, "adult.dcm", PatientAge="045Y")
    assert population_warning(adult, None) is None
    assert population_warning(adult, {"description": "adults and children"}) is None
    assert population_warning(np.zeros((8, 8), np.uint8), KIDS) is None  # plain pixels have no header


def test_very_old_ages_are_not_printed_exactly(tmp_path):
    old = dicom(tmp_path, "old.dcm", PatientAge="093Y")
    assert "(90 years or older)" in population_warning(old, {"age_years": [18, 80]})
