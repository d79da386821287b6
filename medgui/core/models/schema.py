"""The model card schema: what a stored card may hold (no TensorFlow, no ``ModelCard``).

A card is data read from a file, so every field is checked before it is trusted:
``card_problems`` lists, one plain line each, everything wrong with a parsed
``card.json``. ``path_problem`` and ``name_problem`` are the name rules the registry
and archive checks share, and ``printable`` escapes what a terminal or a label would
otherwise act on.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from typing import Any

CARD_FILE = "card.json"
CARD_SCHEMA = 2
"""The newest card format this medgui reads. 2 added ``calibration``: a card that carries a
calibration map is written as schema 2, because its ``threshold`` is on the calibrated
probability and a medgui that ignored the map would apply it to raw ones. Other cards are
still written as schema 1 (``schema_needed``)."""
CALIBRATION_METHODS = ("temperature", "platt")  # core.training.calibration.METHODS
NORMALISATIONS = ("none", "clahe")  # core.imaging.preprocess.NORMALISATIONS
MAX_POPULATION_CHARS = 1000
TASKS = ("image", "text")
MAX_CARD_BYTES = 1 << 20  # a card is a few kB; more is not a card
MAX_NAME_CHARS = 100
MAX_VERSION = 999_999_999
MAX_CLASSES = 1000
MAX_CLASS_CHARS = 200
MAX_FILES = 1000
MAX_PART_BYTES = 255  # per folder or file name, as most file systems allow
MAX_PATH_BYTES = 1024
_NAME_FORBIDDEN = set('/\\@:<>"|?*')
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DRIVE = re.compile(r"^[A-Za-z]:")
_DICT_FIELDS = ("preprocessing", "metrics", "training", "data_fingerprint")
_REQUIRED = ("name", "task", "classes", "architecture", "version", "files")


# C0 and C1 controls, DEL, line and paragraph separators, and the bidirectional
# overrides that make a terminal or a label show text other than what it holds.
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))}
_CONTROL.update({c: f"\\u{c:04x}" for c in (0x200E, 0x200F, *range(0x2028, 0x202F), *range(0x2066, 0x206A))})


def printable(value: Any) -> str:
    """``value`` as text with control characters escaped: a card is data from a file."""
    return str(value).translate(_CONTROL)


def shown(value: Any, limit: int = 60) -> str:
    """``value`` as JSON, control characters escaped, cut to about ``limit`` characters."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    text = printable(text)
    return text if len(text) <= limit else text[:limit] + "…"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _has_controls(text: str) -> bool:
    """Control, format, surrogate, private or unassigned characters, or line breaks."""
    return any(unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp") for ch in text)


def path_problem(rel: Any) -> str | None:
    """Why ``rel`` is not a relative POSIX name inside a folder (None when it is): no
    absolute path, drive, colon, backslash, empty, ``.`` or ``..`` part, control
    character, part over 255 bytes or name over 1024 bytes."""
    if not isinstance(rel, str) or not rel:
        return "not a file name"
    if _has_controls(rel):
        return "it has control characters"
    if rel.startswith("/"):
        return "it is an absolute path"
    if "\\" in rel:
        return "it has a backslash"
    if _DRIVE.match(rel) or ":" in rel:
        return "it has a drive letter or colon"
    if len(rel.encode("utf-8")) > MAX_PATH_BYTES:
        return f"longer than {MAX_PATH_BYTES} bytes"
    parts = rel.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "it has an empty, '.' or '..' part: it must stay inside its folder"
    if any(len(part.encode("utf-8")) > MAX_PART_BYTES for part in parts):
        return f"a part is longer than {MAX_PART_BYTES} bytes"
    return None


def name_problem(name: Any) -> str | None:
    """Why ``name`` cannot name a model (None when it can): it becomes a folder name and
    is printed, so it is short text without control characters, path separators,
    ``@`` (it separates the version), characters Windows forbids or a leading dot."""
    if not isinstance(name, str) or not name:
        return "must be non-empty text"
    if len(name) > MAX_NAME_CHARS:
        return f"is longer than {MAX_NAME_CHARS} characters"
    if _has_controls(name):
        return "has control characters"
    if _NAME_FORBIDDEN & set(name) or name.startswith("."):
        return "must not contain / \\ @ : < > \" | ? * or start with a dot"
    if name != name.strip():
        return "must not start or end with a space"
    return None


def card_problems(data: Any) -> list[str]:
    """Everything wrong with ``data`` as a stored model card, one plain line each (with
    control characters escaped); empty when it is a valid card."""
    if not isinstance(data, dict):
        kind = {list: "a list", str: "text", type(None): "null"}.get(type(data), type(data).__name__)
        return [f"is {kind}, not an object"]
    problems = [f"has no '{key}'" for key in _REQUIRED if key not in data]

    def bad(key: str, rule: str) -> None:
        problems.append(f"'{key}' {rule}, not {shown(data[key])}")

    if "name" in data and (why := name_problem(data["name"])):
        bad("name", why)
    if "task" in data and data["task"] not in TASKS:
        bad("task", f"must be one of {', '.join(TASKS)}")
    classes = data.get("classes")
    if "classes" in data:
        if (not isinstance(classes, list) or len(classes) < 2
                or not all(isinstance(c, str) and c.strip() for c in classes)):
            bad("classes", "must be a list of at least 2 names, each non-empty text")
            classes = None
        elif len(classes) > MAX_CLASSES or any(len(c) > MAX_CLASS_CHARS for c in classes):
            bad("classes", f"must hold at most {MAX_CLASSES} names of at most {MAX_CLASS_CHARS} characters")
            classes = None
        elif len(set(classes)) < len(classes):
            twice = next(c for i, c in enumerate(classes) if c in classes[:i])
            problems.append(f"'classes' names {shown(twice)} twice")
    for key in ("architecture", "created", "notes"):
        if key in data and not isinstance(data[key], str):
            bad(key, "must be text")
    if "architecture" in data and isinstance(data["architecture"], str) and len(data["architecture"]) > 200:
        bad("architecture", "must be at most 200 characters")
    if "version" in data:
        version = data["version"]
        if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_VERSION:
            bad("version", f"must be a whole number from 1 to {MAX_VERSION}")
    for key in _DICT_FIELDS:
        if key in data and not isinstance(data[key], dict):
            bad(key, "must be an object")
    if isinstance(data.get("preprocessing"), dict):
        problems += _preprocessing_problems(data["preprocessing"])
    threshold = data.get("threshold")
    if threshold is not None and (not _is_number(threshold) or not math.isfinite(threshold)
                                  or not 0 <= threshold <= 1):
        bad("threshold", "must be a number from 0 to 1, or null")
    positive = data.get("positive_class")
    if positive is not None and (not isinstance(positive, str)
                                 or (isinstance(classes, list) and positive not in classes)):
        bad("positive_class", "must be one of 'classes', or null")
    files = data.get("files")
    if "files" in data:
        problems += _files_problems(files)
    problems += _calibration_problems(data.get("calibration"), classes)
    problems += _population_problems(data.get("population"))
    model_file = data.get("model_file", "model.keras")
    if why := path_problem(model_file):
        problems.append(f"'model_file' ({shown(model_file)}) must be a relative name inside the model's "
                        f"folder ({why})")
    elif not model_file.endswith(".keras"):
        problems.append(f"'model_file' must be a .keras file, not {shown(model_file)}")
    elif isinstance(files, dict) and files and model_file not in files:
        problems.append(f"'model_file' ({shown(model_file)}) is not listed in 'files', so it would not "
                        "be hashed")
    schema = data.get("schema", CARD_SCHEMA)
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        bad("schema", f"must be a whole number from 1 to {CARD_SCHEMA}")
    elif schema > CARD_SCHEMA:
        problems.append(f"was written by a newer medgui (card schema {schema}); update medgui to use it")
    elif schema < schema_needed(data):
        problems.append(f"carries a 'calibration' map, which needs card schema {schema_needed(data)}, "
                        f"but says schema {schema}")
    return problems


def schema_needed(data: dict[str, Any]) -> int:
    """The oldest card schema that can hold ``data`` (2 with a calibration map, else 1)."""
    return 2 if data.get("calibration") is not None else 1


def _finite(value: Any) -> bool:
    return _is_number(value) and math.isfinite(value)


def _calibration_problems(calib: Any, classes: Any) -> list[str]:
    """A calibration map as ``core.training.calibration.apply_calibration`` reads it."""
    if calib is None:
        return []
    if not isinstance(calib, dict):
        return [f"'calibration' must be an object or null, not {shown(calib)}"]
    method = calib.get("method")
    if method not in CALIBRATION_METHODS:
        return [f"'calibration.method' must be one of {', '.join(CALIBRATION_METHODS)}, not {shown(method)}"]
    problems = []
    if method == "temperature":
        t: Any = calib.get("temperature")
        if not _finite(t) or t <= 0:
            problems.append(f"'calibration.temperature' must be a number > 0, not {shown(t)}")
    else:
        for key in ("a", "b"):
            if not _finite(calib.get(key)):
                problems.append(f"'calibration.{key}' must be a finite number, not {shown(calib.get(key))}")
        pos = calib.get("positive_index", 1)
        if pos not in (0, 1) or isinstance(pos, bool):
            problems.append(f"'calibration.positive_index' must be 0 or 1, not {shown(pos)}")
        if isinstance(classes, list) and len(classes) != 2:
            problems.append("'calibration' is a Platt map, which applies to two classes only")
    if "fit" in calib and not isinstance(calib["fit"], dict):
        problems.append(f"'calibration.fit' must be an object, not {shown(calib['fit'])}")
    return problems


def _population_problems(population: Any) -> list[str]:
    """Who the model was trained on: ``{"description": text, "age_years": [lo, hi]}``, both optional."""
    if population is None:
        return []
    if not isinstance(population, dict):
        return [f"'population' must be an object or null, not {shown(population)}"]
    problems = []
    text = population.get("description")
    if text is not None and (not isinstance(text, str) or len(text) > MAX_POPULATION_CHARS):
        problems.append(f"'population.description' must be text of at most {MAX_POPULATION_CHARS} "
                        f"characters, not {shown(text)}")
    ages = population.get("age_years")
    if ages is not None and (not isinstance(ages, list) or len(ages) != 2 or not all(_finite(a) for a in ages)
                             or not 0 <= ages[0] <= ages[1] <= 150):
        problems.append(f"'population.age_years' must be two numbers [lo, hi] with 0 <= lo <= hi <= 150, "
                        f"not {shown(ages)}")
    return problems


def _preprocessing_problems(pre: dict[str, Any]) -> list[str]:
    """The settings readers turn into numbers: whole sizes, and reliability rules."""
    problems = []
    normalise = pre.get("normalise", "none")
    if normalise not in NORMALISATIONS:
        problems.append(f"'preprocessing.normalise' must be one of {', '.join(NORMALISATIONS)}, "
                        f"not {shown(normalise)}")
    for key in ("size", "channels", "seq_len", "vocab_size", "max_tokens"):
        value = pre.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            problems.append(f"'preprocessing.{key}' must be a whole number >= 0, not {shown(value)}")
    rules = pre.get("reliability")
    if rules is None:
        return problems
    if not isinstance(rules, dict):
        return [*problems, f"'preprocessing.reliability' must be an object, not {shown(rules)}"]
    known, oov = rules.get("min_known_tokens", 0), rules.get("max_oov_fraction", 0)
    if not _is_number(known) or not math.isfinite(known) or known < 0:
        problems.append(f"'preprocessing.reliability.min_known_tokens' must be a number >= 0, not {shown(known)}")
    if not _is_number(oov) or not math.isfinite(oov) or not 0 <= oov <= 1:
        problems.append(f"'preprocessing.reliability.max_oov_fraction' must be a number from 0 to 1, "
                        f"not {shown(oov)}")
    return problems


def _files_problems(files: Any) -> list[str]:
    if not isinstance(files, dict):
        return [f"'files' must be an object of file name -> sha256, not {shown(files)}"]
    if not files:
        return ["'files' lists no files, so nothing could be verified"]
    if len(files) > MAX_FILES:
        return [f"'files' lists {len(files)} files, more than the {MAX_FILES} allowed"]
    problems = []
    for rel, digest in files.items():
        if rel == CARD_FILE:
            problems.append(f"'files' names {CARD_FILE}, which is the card itself")
        elif why := path_problem(rel):
            problems.append(f"'files' names {shown(rel)}, which is not a relative name inside the "
                            f"model's folder ({why})")
        elif not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            problems.append(f"'files' gives {shown(digest)} for {shown(rel)}, not a sha256 "
                            "(64 lowercase hex digits)")
    return problems
