"""Model cards: what a registered model is, how it was made and how well it did (no TensorFlow).

A card is data read from a file: ``read_card``/``parse_card`` check it against the
schema (``core.models.schema``) before a ``ModelCard`` is made of it, ``verify_files``
checks it again with the hashes before a model is loaded, and ``card_summary`` escapes
control characters before anything is printed. ``ModelCard.from_json`` is unchecked,
for cards this program made.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from medgui.core.errors import ModelLoadError
from medgui.core.fileio import open_regular
from medgui.core.models.schema import (
    CARD_FILE,
    CARD_SCHEMA,
    MAX_CARD_BYTES,
    MAX_NAME_CHARS,
    TASKS,
    card_problems,
    name_problem,
    path_problem,
    printable,
    schema_needed,
    shown,
)

__all__ = [  # the schema's names, imported from here by most callers
    "CARD_FILE", "CARD_SCHEMA", "MAX_CARD_BYTES", "MAX_NAME_CHARS", "TASKS", "ModelCard", "card_problems",
    "age_range", "calibration_lines", "card_summary", "check_card", "check_name", "data_summary",
    "load_card_file", "metrics_heading", "population_text",
    "name_problem", "parse_card", "parse_ref", "path_problem", "printable", "read_card", "sha256_file",
    "verify_files",
]


@dataclass
class ModelCard:
    """Everything needed to use, judge and reproduce one registered model."""

    name: str
    task: str  # "image" | "text"
    classes: list[str]
    architecture: str
    version: int = 0
    preprocessing: dict[str, Any] = field(default_factory=dict)
    # For two classes: P(positive class) needed to call it; on the calibrated P when the
    # card has a ``calibration`` map, on the network's own P otherwise.
    threshold: float | None = None
    positive_class: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    data_fingerprint: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    notes: str = ""
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    model_file: str = "model.keras"
    schema: int = field(default=CARD_SCHEMA, compare=False)  # how it is written, not what it says
    # The map applied to the network's probabilities before anyone sees them
    # (``core.training.calibration.apply_calibration``); None: shown as the network gives them.
    calibration: dict[str, Any] | None = None
    # Who the model was trained on: {"description": text, "age_years": [lo, hi]} (both optional).
    population: dict[str, Any] | None = None
    # Not stored: where the card was found, and whether it is a shipped model.
    path: Path | None = field(default=None, compare=False, repr=False)
    builtin: bool = field(default=False, compare=False)

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path")
        data.pop("builtin")
        for key in ("calibration", "population"):  # cards without them stay as they were
            if data[key] is None:
                data.pop(key)
        data["schema"] = schema_needed(data)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], path: Path | None = None, builtin: bool = False) -> ModelCard:
        """The card holding ``data``'s known fields, unchecked: for cards this program
        made. A card read from a file goes through :func:`parse_card`."""
        known = {f for f in cls.__dataclass_fields__ if f not in ("path", "builtin")}
        card = cls(**{k: v for k, v in data.items() if k in known})
        card.path = path
        card.builtin = builtin
        return card

    @property
    def model_path(self) -> Path:
        if self.path is None:
            raise ModelLoadError(f"model {printable(self.ref)} has no location on disk")
        problem = path_problem(self.model_file)
        if problem:
            raise ModelLoadError(f"model {printable(self.ref)}: 'model_file' ({shown(self.model_file)}) must "
                                 f"be a relative name inside the model's folder ({problem})", path=self.path)
        return self.path.joinpath(*self.model_file.split("/"))


def _invalid(problems: list[str], where: str = CARD_FILE) -> str:
    shown = problems[:4] + ([f"and {len(problems) - 4} more"] if len(problems) > 4 else [])
    return f"{where} is not a valid model card: " + "; ".join(shown)


def parse_card(data: Any, path: Path | None = None, builtin: bool = False) -> ModelCard:
    """The card in ``data`` (parsed JSON) after the schema check; ``ModelLoadError``
    listing every problem on one line otherwise."""
    if not isinstance(data, dict):
        raise ModelLoadError(f"{CARD_FILE} {card_problems(data)[0]}", path=path)
    problems = card_problems(data)
    if problems:
        raise ModelLoadError(_invalid(problems), path=path)
    return ModelCard.from_json(data, path, builtin)


def read_card(data: bytes, path: Path | None = None, builtin: bool = False) -> ModelCard:
    """The card in the bytes of a ``card.json``: UTF-8 JSON, at most 1 MB, valid schema."""
    if len(data) > MAX_CARD_BYTES:
        raise ModelLoadError(f"{CARD_FILE} is larger than {MAX_CARD_BYTES >> 20} MB; it is not a model card",
                             path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ModelLoadError(f"{CARD_FILE} is not UTF-8 text", path=path) from None
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError) as exc:
        reason = f" ({printable(exc)})" if isinstance(exc, ValueError) else " (nested too deeply)"
        raise ModelLoadError(f"{CARD_FILE} is not valid JSON{reason}", path=path) from None
    return parse_card(parsed, path, builtin)


def load_card_file(card_file: Path, builtin: bool = False) -> ModelCard:
    """The card stored at ``card_file`` (a regular file, read at most 1 MB), its folder as
    its location; ``ModelLoadError`` or ``OSError`` otherwise."""
    with open_regular(card_file) as fh:
        data = fh.read(MAX_CARD_BYTES + 1)
    return read_card(data, card_file.parent, builtin)


def check_card(card: ModelCard, doing: str = "cannot be used") -> None:
    """Raise ``ModelLoadError`` ("model NAME@VERSION ``doing``: ...") unless ``card``'s
    stored fields pass the schema."""
    data = {f.name: getattr(card, f.name) for f in fields(card) if f.name not in ("path", "builtin")}
    problems = card_problems(data)
    if problems:
        raise ModelLoadError(f"model {printable(card.ref)[:120]} {doing}: " + _invalid(problems, "its card"),
                             path=card.path)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def parse_ref(ref: str) -> tuple[str, int | None]:
    """``"name@3"`` -> ``("name", 3)``; ``"name"`` -> ``("name", None)`` (newest)."""
    name, _, version = ref.partition("@")
    if not version:
        return name, None
    if not re.fullmatch(r"[0-9]{1,9}", version):
        raise ModelLoadError(f"'{printable(ref)}' is not NAME or NAME@VERSION (VERSION is a number)")
    return name, int(version)


def verify_files(card: ModelCard) -> None:
    """Raise ``ModelLoadError`` unless every file matches the hash in its card."""
    if card.path is None:
        raise ModelLoadError(f"model {printable(card.ref)} has no location on disk")
    check_card(card)  # names inside the folder, the model file among the hashed ones
    for rel, expected in card.files.items():
        file = card.path.joinpath(*rel.split("/"))
        if not file.is_file():
            raise ModelLoadError(f"model {card.ref} is missing {rel}; re-import it", path=card.path)
        if sha256_file(file) != expected:
            raise ModelLoadError(
                f"model {card.ref} failed its integrity check: {rel} was modified after "
                "it was registered. Refusing to load it; re-import or retrain the model.",
                path=file,
            )


def metrics_heading(card: ModelCard) -> str:
    """Where the card's figures come from, e.g. ``"test metrics"`` or
    ``"validation metrics (by patient)"``; cards that do not say are not guessed about,
    except those ``run_training`` wrote before it said (they carry ``split_sizes``)."""
    m = card.metrics or {}
    split = m.get("split")
    if not split and "split_sizes" in (card.training or {}):
        split = "test"
    if not split:
        return "metrics (split not recorded)"
    name, _, detail = printable(split).partition(" (")
    return f"{name} metrics" + (f" ({detail}" if detail else "")


def data_summary(card: ModelCard) -> str:
    """``"N examples (CLASS n, ...); sha256 XXXX"`` with only the parts the card holds."""
    fp = card.data_fingerprint or {}
    parts = []
    n = fp.get("n_items")
    counts = fp.get("counts") if isinstance(fp.get("counts"), dict) else {}
    if isinstance(n, int):
        text = f"{n:,} examples"
        if counts:
            text += " (" + ", ".join(f"{printable(k)} {v:,}" if isinstance(v, int) else f"{printable(k)} {printable(v)}"
                                     for k, v in counts.items()) + ")"
        parts.append(text)
    if fp.get("sha256"):
        parts.append(f"sha256 {printable(fp['sha256'])[:12]}")
    if fp.get("source") or fp.get("dataset"):
        parts.append(f"from {printable(fp.get('source') or fp.get('dataset'))}")
    return "; ".join(parts)


def card_summary(card: ModelCard) -> str:
    """A few plain lines describing ``card``, for ``medgui models show`` and the manager.

    Says which split the figures come from (``metrics["split"]``, ``evaluated_on``),
    the threshold rule, and the data (count, class counts, fingerprint). Everything
    read from the card is printed with control characters escaped.
    """
    e = printable
    lines = [f"{e(card.ref)}{'  (shipped)' if card.builtin else ''}",
             f"task: {e(card.task)}    architecture: {e(card.architecture)}",
             f"classes: {', '.join(e(c) for c in card.classes)}"]
    if card.created:
        lines.append(f"created: {e(card.created)}")
    m = card.metrics or {}

    def figure(key: str) -> str:
        value, ci = m.get(key), m.get(f"{key}_ci")
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return ""
        text = f"{key} {value:.3f}"
        if isinstance(ci, (list, tuple)) and len(ci) == 2 and all(isinstance(v, (int, float)) for v in ci):
            text += f" (95 % CI {ci[0]:.3f}-{ci[1]:.3f})"
        return text

    shown = [t for t in (figure("accuracy"), figure("macro_f1"), figure("auc")) if t]
    if shown:
        lines.append(f"{metrics_heading(card)}: " + "; ".join(shown))
    if m.get("evaluated_on"):
        lines.append(f"evaluated on: {e(m['evaluated_on'])}")
    for key in ("sensitivity", "specificity"):
        if isinstance(m.get(key), (int, float)):
            lines.append(f"{key}: {m[key]:.3f}")
    baseline = [f"{key} {m[f'baseline_{key}']:.3f}" for key in ("accuracy", "macro_f1", "auc")
                if isinstance(m.get(f"baseline_{key}"), (int, float))]
    if baseline and not isinstance(m.get("baseline"), dict):
        lines.append(f"baseline ({e(m.get('baseline', 'simple model'))}): " + "; ".join(baseline))
    if isinstance(m.get("baseline"), dict):
        lines += _baseline_lines(m["baseline"])
    if isinstance(m.get("cv"), dict):
        lines += _cv_lines(m["cv"])
    if m.get("caveat"):
        lines.append(f"caveat: {e(m['caveat'])}")
    population = population_text(card)
    if population:
        lines.append(f"population: {population}")
    lines += calibration_lines(card)
    if card.threshold is not None:
        positive = card.positive_class or (card.classes[-1] if card.classes else "?")
        on = " (calibrated)" if card.calibration else ""
        lines.append(f"threshold: P({e(positive)}){on} >= {card.threshold:.3f}")
        if m.get("threshold_rule"):
            lines.append(f"threshold rule: {e(m['threshold_rule'])}")
    data = data_summary(card)
    if data:
        lines.append(f"data: {data}")
    if isinstance(m.get("gate"), dict):
        lines += _gate_lines(m["gate"])
    seed = (card.training or {}).get("seed")
    if seed is not None:
        lines.append(f"seed: {e(seed)}")
    if card.notes:
        lines.append(f"notes: {e(card.notes)}")
    return "\n".join(lines)


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ci(ci: Any, signed: bool = False) -> str:
    """`` (95 % CI lo-hi)``, or ``lo to hi`` for figures that may be negative; "" if absent."""
    if not (isinstance(ci, list | tuple) and len(ci) == 2 and all(_num(v) for v in ci)):
        return ""
    return f" (95 % CI {ci[0]:+.3f} to {ci[1]:+.3f})" if signed else f" (95 % CI {ci[0]:.3f}-{ci[1]:.3f})"


def _figure(name: str, value: Any, ci: Any = None, signed: bool = False) -> str:
    if isinstance(value, dict):  # {"mean", "ci", ...} of cross-validated scores
        value, ci = value.get("mean"), value.get("ci")
    if not _num(value):
        return ""
    return f"{name} {value:+.3f}{_ci(ci, True)}" if signed else f"{name} {value:.3f}{_ci(ci)}"


def _baseline_lines(b: dict[str, Any]) -> list[str]:
    """``metrics.baseline`` as an object: the simple model's figures and the difference."""
    shown = [t for key in ("accuracy", "macro_f1", "auc") if (t := _figure(key, b.get(key), b.get(f"{key}_ci")))]
    diffs = [t for key in ("accuracy", "macro_f1", "auc")
             if (t := _figure(key, b.get(f"{key}_diff"), b.get(f"{key}_diff_ci"), signed=True))]
    lines = [f"baseline ({printable(b.get('name') or 'simple model')}): " + "; ".join(shown)] if shown else []
    if diffs:
        lines.append("model minus baseline: " + "; ".join(diffs))
    return lines


def _cv_lines(cv: dict[str, Any]) -> list[str]:
    """``metrics.cv``: the protocol, then each candidate's cross-validated figures."""
    lines = [f"cross-validation: {printable(cv['protocol'])}"] if cv.get("protocol") else []
    candidates = cv.get("candidates")
    for name, c in list(candidates.items() if isinstance(candidates, dict) else [])[:8]:
        if not isinstance(c, dict):
            continue
        parts = [t for key in ("accuracy", "macro_f1", "auc") if (t := _figure(key, c.get(key)))]
        vs = c.get("vs_baseline")
        if isinstance(vs, dict) and (diff := _figure("macro_f1", vs, signed=True)):
            parts.append("vs baseline " + diff)
        folds = f" ({c['folds']} folds)" if _num(c.get("folds")) else ""
        if parts:
            lines.append(f"  cv {printable(name)}{folds}: " + "; ".join(parts))
    return lines


def _rates(rates: Any) -> str:
    """``{"where": {"n", "flagged", "rate"}}`` as ``where 4.1 % (8 of 197); ...``."""
    if not isinstance(rates, dict):
        return ""
    def count(v: Any) -> str:
        return f"{v:,}" if isinstance(v, int) else "?"

    return "; ".join(f"{printable(k)} {100 * v['rate']:.1f} % ({count(v.get('flagged'))} of {count(v.get('n'))})"
                     for k, v in list(rates.items())[:6] if isinstance(v, dict) and _num(v.get("rate")))


def _gate_lines(g: dict[str, Any]) -> list[str]:
    """``metrics.gate``: how often the applicability gate flags good inputs and bad ones."""
    lines = []
    if g.get("what"):
        lines.append(f"applicability gate: {printable(g['what']).split(':')[0]}")
    if flags := _rates(g.get("in_scope_false_flags")):
        lines.append(f"  good inputs flagged: {flags}")
    if flags := _rates(g.get("pooled")):
        lines.append(f"  out-of-scope inputs flagged: {flags}")
    if g.get("caveat"):
        lines.append(f"  gate caveat: {printable(g['caveat'])}")
    return lines


def age_range(population: dict[str, Any] | None) -> tuple[float, float] | None:
    """The card's ``population.age_years`` as ``(lo, hi)``, or None."""
    ages = (population or {}).get("age_years")
    if isinstance(ages, list | tuple) and len(ages) == 2 and all(_num(a) for a in ages):
        return float(ages[0]), float(ages[1])
    return None


def population_text(card: ModelCard) -> str:
    """Who the model was trained on, from ``card.population`` ("" when not recorded)."""
    pop = card.population or {}
    text = printable(pop.get("description") or "").strip()
    ages = age_range(pop)
    if ages is not None:
        text += ("; " if text else "") + f"age range {ages[0]:g}-{ages[1]:g} years"
    return text


def calibration_lines(card: ModelCard) -> list[str]:
    """How the probabilities a user sees were made: the calibration map and its ECE."""
    c = card.calibration
    if not c:
        return ["probabilities: the network's own (not calibrated)"]
    method = c.get("method")
    if method == "platt":
        how = f"Platt scaling (a {c.get('a', 0):.3f}, b {c.get('b', 0):.3f})"
    else:
        how = f"temperature scaling (T {c.get('temperature', 0):.3f})"
    lines = [f"probabilities: calibrated, {how}"]
    # The card's held-out figures first; the map's own fit (on the data it was fitted on) else.
    measured = (card.metrics or {}).get("calibration")
    fit = c.get("fit") if isinstance(c.get("fit"), dict) else {}
    for where, source in ((measured, "held out"), (fit, "fitting data")):
        if isinstance(where, dict) and _num(where.get("ece_before")) and _num(where.get("ece_after")):
            on = printable(where.get("source") or where.get("split") or source)
            n = f", n {where['n']:,}" if isinstance(where.get("n"), int) else ""
            lines.append(f"calibration error (ECE): {where['ece_before']:.3f} -> {where['ece_after']:.3f} "
                         f"({on}{n})")
            break
    return lines


def check_name(name: str) -> None:
    """Raise ``ModelLoadError`` unless ``name`` can name a model (see :func:`name_problem`)."""
    problem = name_problem(name)
    if problem:
        raise ModelLoadError(f"{shown(name)} is not a valid model name: it {problem}")


