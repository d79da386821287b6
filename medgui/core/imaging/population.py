"""Whether a patient lies inside the population a model was trained on (by age, from the header).

A model card may state its training population (``population.age_years``: ``[lo, hi]``,
e.g. children aged 1 to 5). A DICOM header says how old the patient was: Patient's Age
(``nnnD``, ``nnnW``, ``nnnM`` or ``nnnY``), or else Study Date minus Patient's Birth
Date. "Aged 1 to 5 years" counts completed years, as people do: from the first birthday
until the sixth, so a patient is outside when younger than ``lo`` or when their completed
years exceed ``hi``. A plain image file has no age: no warning.

Pure Python over the tags the loader kept (``XRayImage.tags``): no pydicom here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

_AGE = re.compile(r"\s*(\d{1,3})\s*([DWMY]?)\s*", re.IGNORECASE)
_UNIT_YEARS = {"D": 1 / 365.25, "W": 7 / 365.25, "M": 1 / 12, "Y": 1.0}
_UNIT_NAMES = {"D": "day", "W": "week", "M": "month", "Y": "year"}
OLDEST_SHOWN = 90
"""Ages from here on are shown as "90 years or older" (HIPAA Safe Harbor): reports are
de-identified by default."""


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def _parse(value: str) -> tuple[float, int, str] | None:
    """``(years, amount, unit)`` of a Patient's Age string, e.g. ``(1.5, 18, "month")``."""
    m = _AGE.fullmatch(value or "")
    if not m:
        return None
    n, unit = int(m.group(1)), (m.group(2) or "Y").upper()
    return n * _UNIT_YEARS[unit], n, _UNIT_NAMES[unit]


def parse_age(value: str) -> tuple[float, str] | None:
    """``"045Y"`` -> ``(45.0, "45 years")``; ``"018M"`` -> ``(1.5, "18 months")``; None if unreadable.

    A bare number (``"62"``, not valid DICOM but written by some systems, e.g. the SIIM
    set) is read as years, as a reader of the header would."""
    age = _parse(value)
    return None if age is None else (age[0], _plural(age[1], age[2]))


def _date(value: str) -> date | None:
    digits = re.sub(r"\D", "", value or "")
    if len(digits) != 8:
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def _from_dates(birth: str, study: str) -> tuple[float, int, str] | None:
    born, seen = _date(birth), _date(study)
    if born is None or seen is None or seen < born:
        return None
    months = (seen.year - born.year) * 12 + seen.month - born.month - (seen.day < born.day)
    years = months // 12
    return (months / 12, years, "year") if years >= 2 else (months / 12, months, "month")


def age_from_dates(birth: str, study: str) -> tuple[float, str] | None:
    """The age at the study from two DICOM dates (``YYYYMMDD``); None if either is unreadable
    or the study is before the birth."""
    age = _from_dates(birth, study)
    return None if age is None else (age[0], _plural(age[1], age[2]))


def _patient_age(tags: Any) -> tuple[float, int, str] | None:
    values = {getattr(t, "keyword", ""): str(getattr(t, "value", "")) for t in tags or ()}
    if values.get("PatientAge", "").strip():
        return _parse(values["PatientAge"])
    return _from_dates(values.get("PatientBirthDate", ""), values.get("StudyDate", ""))


def patient_age(tags: Any) -> tuple[float, str] | None:
    """The patient's age in years and in words, from header ``tags`` (``DicomTag``s), or None."""
    age = _patient_age(tags)
    return None if age is None else (age[0], _plural(age[1], age[2]))


def outside(age_years: float, lo: float, hi: float) -> bool:
    """Whether an age lies outside "aged ``lo`` to ``hi`` years" (completed years; see the module doc)."""
    return age_years < lo or math.floor(age_years + 1e-9) > hi


def age_outside(image: Any, population: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Why a reading of ``image`` by a model trained on ``population`` may not apply, or None.

    Only an ``XRayImage`` with a readable age in its header and a population with
    ``age_years`` can give one. Plain data, so an interface can word it in its own language:
    ``{"amount": 62, "unit": "year", "older": False, "ages": [1.0, 5.0], "text": <English>}``;
    ``older`` means "``OLDEST_SHOWN`` years or older" (``amount`` is then ``OLDEST_SHOWN``).
    """
    ages = (population or {}).get("age_years")
    if not (isinstance(ages, list | tuple) and len(ages) == 2):
        return None
    age = _patient_age(getattr(image, "tags", ()))
    if age is None:
        return None
    years, amount, unit = age
    lo, hi = float(ages[0]), float(ages[1])
    if not outside(years, lo, hi):
        return None
    older = years >= OLDEST_SHOWN
    words = f"{OLDEST_SHOWN} years or older" if older else _plural(amount, unit)
    text = f"the patient's age ({words}) is outside the model's training population (ages {lo:g}-{hi:g} years)"
    return {"amount": OLDEST_SHOWN if older else amount, "unit": "year" if older else unit, "older": older,
            "ages": [lo, hi], "text": text}


def population_warning(image: Any, population: Mapping[str, Any] | None) -> str | None:
    """The warning text of :func:`age_outside`, or None."""
    finding = age_outside(image, population)
    return None if finding is None else str(finding["text"])
