"""Model cards: what a registered model is, how it was made and how well it did (no TensorFlow).

A card is data read from a file: ``ModelCard.from_json`` keeps only known fields, and
``card_summary`` escapes control characters before anything is printed.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from medgui.core.errors import ModelLoadError

CARD_FILE = "card.json"
CARD_SCHEMA = 1
TASKS = ("image", "text")


@dataclass
class ModelCard:
    """Everything needed to use, judge and reproduce one registered model."""

    name: str
    task: str  # "image" | "text"
    classes: list[str]
    architecture: str
    version: int = 0
    preprocessing: dict[str, Any] = field(default_factory=dict)
    threshold: float | None = None  # for two classes: P(positive class) needed to call it
    positive_class: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    data_fingerprint: dict[str, Any] = field(default_factory=dict)
    created: str = ""
    notes: str = ""
    files: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    model_file: str = "model.keras"
    schema: int = CARD_SCHEMA
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
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], path: Path | None = None, builtin: bool = False) -> ModelCard:
        known = {f for f in cls.__dataclass_fields__ if f not in ("path", "builtin")}
        card = cls(**{k: v for k, v in data.items() if k in known})
        card.path = path
        card.builtin = builtin
        return card

    @property
    def model_path(self) -> Path:
        if self.path is None:
            raise ModelLoadError(f"model {self.ref} has no location on disk")
        return self.path / self.model_file


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
    try:
        return name, int(version)
    except ValueError:
        raise ModelLoadError(f"'{ref}' is not NAME or NAME@VERSION (VERSION is a number)") from None


def verify_files(card: ModelCard) -> None:
    """Raise ``ModelLoadError`` unless every file matches the hash in its card."""
    if card.path is None:
        raise ModelLoadError(f"model {card.ref} has no location on disk")
    if not card.files:
        raise ModelLoadError(f"model {card.ref} lists no files; it cannot be verified", path=card.path)
    for rel, expected in card.files.items():
        parts = PurePosixPath(rel).parts
        if PurePosixPath(rel).is_absolute() or ".." in parts or "\\" in rel:
            raise ModelLoadError(f"model {card.ref} lists a file outside its folder ({rel!r}); "
                                 "refusing it", path=card.path)
        file = card.path.joinpath(*parts)
        if not file.is_file():
            raise ModelLoadError(f"model {card.ref} is missing {rel}; re-import it", path=card.path)
        if sha256_file(file) != expected:
            raise ModelLoadError(
                f"model {card.ref} failed its integrity check: {rel} was modified after "
                "it was registered. Refusing to load it; re-import or retrain the model.",
                path=file,
            )


_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F)}


def printable(value: Any) -> str:
    """``value`` as text with control characters escaped: a card is data from a file."""
    return str(value).translate(_CONTROL)


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
    if baseline:
        lines.append(f"baseline ({e(m.get('baseline', 'simple model'))}): " + "; ".join(baseline))
    if m.get("caveat"):
        lines.append(f"caveat: {e(m['caveat'])}")
    if card.threshold is not None:
        positive = card.positive_class or (card.classes[-1] if card.classes else "?")
        lines.append(f"threshold: P({e(positive)}) >= {card.threshold:.3f}")
        if m.get("threshold_rule"):
            lines.append(f"threshold rule: {e(m['threshold_rule'])}")
    data = data_summary(card)
    if data:
        lines.append(f"data: {data}")
    seed = (card.training or {}).get("seed")
    if seed is not None:
        lines.append(f"seed: {e(seed)}")
    if card.notes:
        lines.append(f"notes: {e(card.notes)}")
    return "\n".join(lines)


def check_name(name: str) -> None:
    """Raise ``ModelLoadError`` unless ``name`` can name a model (a folder, no ``@``)."""
    _check_name(name)


def _check_name(name: str) -> None:
    if not name or any(ch in name for ch in "/\\@:") or name.startswith("."):
        raise ModelLoadError(f"'{name}' is not a valid model name (no / \\ @ : or leading dot)")


