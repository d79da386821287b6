"""A versioned local store of models, each described by a ``ModelCard``.

Layout (one directory per version; nothing outside it is needed to use the model)::

    <root>/<name>/<version>/card.json   metadata, including the sha256 of every file
    <root>/<name>/<version>/model.keras the Keras model (safe_mode-loadable, no Lambda)
    <root>/active.json                  {"image": "name@version", "text": ...}

The models shipped in ``resources/models`` form a read-only second root with the same
layout; they are registry entries like any other. This module does not import
TensorFlow: loading the Keras file is ``core.ml.modelio``'s job, after ``verify``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from medgui.core import paths
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


class Registry:
    """The user's models (writable) plus the shipped ones (read-only)."""

    def __init__(self, root: Path | None = None, builtin: Path | None = paths.BUILTIN_MODELS):
        self.root = Path(root) if root is not None else paths.registry_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        self.builtin = Path(builtin) if builtin is not None else None

    # -- reading --------------------------------------------------------------------
    def _scan(self, base: Path, builtin: bool) -> list[ModelCard]:
        cards = []
        if not base.is_dir():
            return cards
        for card_file in sorted(base.glob(f"*/*/{CARD_FILE}")):
            try:
                data = json.loads(card_file.read_text(encoding="utf-8"))
                cards.append(ModelCard.from_json(data, card_file.parent, builtin))
            except (OSError, ValueError, TypeError):
                continue  # a half-written or foreign directory is not a model
        return cards

    def list(self, task: str | None = None) -> list[ModelCard]:
        cards = self._scan(self.root, False)
        if self.builtin is not None:
            cards += self._scan(self.builtin, True)
        if task is not None:
            cards = [c for c in cards if c.task == task]
        return sorted(cards, key=lambda c: (c.name, c.version))

    def get(self, ref: str) -> ModelCard:
        name, version = parse_ref(ref)
        matches = [c for c in self.list() if c.name == name]
        if version is not None:
            matches = [c for c in matches if c.version == version]
        if not matches:
            raise ModelLoadError(
                f"no model '{ref}' in the registry; `medgui models list` shows what is there"
            )
        # A user's model shadows a shipped one of the same name and version.
        return max(matches, key=lambda c: (c.version, not c.builtin))

    def _active_file(self) -> Path:
        return self.root / "active.json"

    def _read_active(self) -> dict[str, str]:
        try:
            return dict(json.loads(self._active_file().read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return {}

    def active(self, task: str) -> ModelCard:
        """The model in use for ``task``: the one activated, else the newest shipped one."""
        ref = self._read_active().get(task)
        if ref:
            try:
                return self.get(ref)
            except ModelLoadError:
                pass  # deleted since; fall back to the default
        candidates = [c for c in self.list(task) if c.builtin] or self.list(task)
        if not candidates:
            raise ModelLoadError(
                f"no {task} model is installed; train one with the training wizard or "
                "`medgui train`, or reinstall medgui to restore the default models"
            )
        return max(candidates, key=lambda c: (c.created, c.version))

    def activate(self, ref: str) -> ModelCard:
        card = self.get(ref)
        active = self._read_active()
        active[card.task] = card.ref
        _atomic_write_text(self._active_file(), json.dumps(active, indent=2))
        return card

    # -- integrity ------------------------------------------------------------------
    def verify(self, card: ModelCard) -> None:
        """Raise ``ModelLoadError`` unless every file matches the hash in its card."""
        if card.path is None:
            raise ModelLoadError(f"model {card.ref} has no location on disk")
        if not card.files:
            raise ModelLoadError(f"model {card.ref} lists no files; it cannot be verified", path=card.path)
        for rel, expected in card.files.items():
            file = card.path / rel
            if not file.is_file():
                raise ModelLoadError(f"model {card.ref} is missing {rel}; re-import it", path=card.path)
            if sha256_file(file) != expected:
                raise ModelLoadError(
                    f"model {card.ref} failed its integrity check: {rel} was modified after "
                    "it was registered. Refusing to load it; re-import or retrain the model.",
                    path=file,
                )

    # -- writing --------------------------------------------------------------------
    def next_version(self, name: str) -> int:
        versions = [c.version for c in self.list() if c.name == name]
        return max(versions, default=0) + 1

    def register(self, staging: Path, card: ModelCard) -> ModelCard:
        """Move the files in ``staging`` into the registry as a new version of ``card.name``.

        The version directory appears in one ``os.replace``: a crash before it leaves the
        registry as it was, a crash after it leaves a complete model.
        """
        _check_name(card.name)
        staging = Path(staging)
        if not (staging / card.model_file).is_file():
            raise ModelLoadError(f"nothing to register: {card.model_file} is missing", path=staging)
        card.version = self.next_version(card.name)
        card.created = card.created or datetime.now(UTC).isoformat(timespec="seconds")
        card.files = {
            str(p.relative_to(staging)): sha256_file(p)
            for p in sorted(staging.rglob("*"))
            if p.is_file() and p.name != CARD_FILE
        }
        tmp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=self.root))
        try:
            for rel in card.files:
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(staging / rel, tmp / rel)
            _atomic_write_text(tmp / CARD_FILE, json.dumps(card.to_json(), indent=2))
            final = self.root / card.name / str(card.version)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        card.path = final
        card.builtin = False
        return card


def _check_name(name: str) -> None:
    if not name or any(ch in name for ch in "/\\@:") or name.startswith("."):
        raise ModelLoadError(f"'{name}' is not a valid model name (no / \\ @ : or leading dot)")


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
