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
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from medgui.core import paths
from medgui.core.errors import ModelLoadError
from medgui.core.fileio import atomic_write_text

CARD_FILE = "card.json"
CARD_SCHEMA = 1
TASKS = ("image", "text")
EXPORT_SUFFIX = ".medgui-model"  # a zip: card.json plus the files it lists
MAX_IMPORT_BYTES = 4 << 30  # refuse archives that would unpack to more than 4 GB


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

    def __init__(self, root: Path | None = None, builtin: Path | None | str = "shipped"):
        """``builtin``: the read-only root of shipped models; ``"shipped"`` (default) is
        ``paths.builtin_models()``, ``None`` means none."""
        self.root = Path(root) if root is not None else paths.registry_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        if builtin == "shipped":
            builtin = paths.builtin_models()
        self.builtin = Path(builtin) if builtin is not None else None

    # -- reading --------------------------------------------------------------------
    def _scan(self, base: Path, builtin: bool) -> list[ModelCard]:
        cards: list[ModelCard] = []
        if not base.is_dir():
            return cards
        for card_file in _card_files(base):
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
        atomic_write_text(self._active_file(), json.dumps(active, indent=2))
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
        # A deleted version's number is never reused: records may still cite NAME@VERSION.
        retired = [int(p.name.split("-")[-1]) for p in (self.root / name).glob(".retired-*")
                   if p.name.split("-")[-1].isdigit()]
        return max(versions + retired, default=0) + 1

    def register(self, staging: Path, card: ModelCard, check_model: bool = False) -> ModelCard:
        """Move the files in ``staging`` into the registry as a new version of ``card.name``.

        The version directory appears in one ``os.replace``: a crash before it leaves the
        registry as it was, a crash after it leaves a complete model. With
        ``check_model`` the Keras file is first loaded in safe mode and refused if it
        carries code (imports TensorFlow).
        """
        _check_name(card.name)
        if card.task not in TASKS:
            raise ModelLoadError(f"model task must be one of {TASKS}, not '{card.task}'")
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
        if check_model:
            _check_safe(card, staging, self)
        tmp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=self.root))
        try:
            for rel in card.files:
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(staging / rel, tmp / rel)
            return self._publish(tmp, card)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def _publish(self, tmp: Path, card: ModelCard) -> ModelCard:
        """Write ``card`` into the complete directory ``tmp`` and move it into place in
        one ``os.replace``: readers see either no version or a whole one."""
        atomic_write_text(tmp / CARD_FILE, json.dumps(card.to_json(), indent=2))
        final = self.root / card.name / str(card.version)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, final)
        card.path = final
        card.builtin = False
        return card

    def delete(self, ref: str) -> ModelCard:
        """Remove one version (``NAME@VERSION``) of a user's model; shipped ones stay.

        The directory is first renamed out of sight (atomic), then removed. If it was
        active, its task falls back to the default model. Its version number is never
        given to another model.
        """
        name, version = parse_ref(ref)
        if version is None:
            raise ModelLoadError(f"say which version of '{name}' to delete: NAME@VERSION")
        card = self.get(ref)
        if card.builtin or card.path is None or self.root not in card.path.parents:
            raise ModelLoadError(
                f"{card.ref} is shipped with medgui and cannot be deleted; activate another "
                "model instead")
        (card.path.parent / f".retired-{card.version}").touch()
        trash = self.root / f".deleting-{card.name}-{card.version}-{os.getpid()}"
        os.replace(card.path, trash)
        shutil.rmtree(trash, ignore_errors=True)
        active = self._read_active()
        if active.get(card.task) == card.ref:
            del active[card.task]
            atomic_write_text(self._active_file(), json.dumps(active, indent=2))
        return card

    def export(self, ref: str, dest: Path) -> Path:
        """Write model ``ref`` (verified) as one zip: ``card.json`` plus its files.

        ``dest`` is a file name (``.medgui-model`` or ``.zip``) or a folder, where
        ``NAME-VERSION.medgui-model`` is written. Returns the file written.
        """
        card = self.get(ref)
        self.verify(card)
        dest = Path(dest)
        if dest.is_dir():
            dest = dest / f"{card.name}-{card.version}{EXPORT_SUFFIX}"
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
        os.close(fd)
        try:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(CARD_FILE, json.dumps(card.to_json(), indent=2))
                for rel in card.files:
                    zf.write(card.path / rel, rel)  # type: ignore[operator]
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return dest

    def import_model(self, archive: Path) -> ModelCard:
        """Add a model exported by :meth:`export`; return its card in this registry.

        The archive's files must match the hashes in its card, and the Keras file must
        load in safe mode without executable layers (imports TensorFlow). The model keeps
        its version number unless that is taken here, then it gets the next free one.
        Nothing is added unless every check passes.
        """
        archive = Path(archive)
        if not zipfile.is_zipfile(archive):
            raise ModelLoadError(f"is not a medgui model export ({EXPORT_SUFFIX} or .zip)", path=archive)
        tmp = Path(tempfile.mkdtemp(prefix=".incoming-", dir=self.root))
        try:
            _unpack(archive, tmp)
            try:
                card = ModelCard.from_json(json.loads((tmp / CARD_FILE).read_text(encoding="utf-8")), tmp)
            except (OSError, ValueError, TypeError) as exc:
                raise ModelLoadError(f"has no valid {CARD_FILE}; it is not a medgui model export",
                                     path=archive) from exc
            _check_name(card.name)
            if card.task not in TASKS:
                raise ModelLoadError(f"model task must be one of {TASKS}, not '{card.task}'", path=archive)
            unpacked = {str(p.relative_to(tmp).as_posix()) for p in tmp.rglob("*") if p.is_file()}
            unlisted = sorted(unpacked - set(card.files) - {CARD_FILE})
            if unlisted:
                raise ModelLoadError(f"holds files its card does not list ({', '.join(unlisted)}); "
                                     "refusing it", path=archive)
            self.verify(card)
            _check_safe(card, tmp, self)
            taken = {c.version for c in self.list() if c.name == card.name}
            if card.version < 1 or card.version in taken or (self.root / card.name / f".retired-{card.version}").exists():
                card.version = self.next_version(card.name)
            return self._publish(tmp, card)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def _unpack(archive: Path, into: Path) -> None:
    """Extract ``archive`` into ``into``, refusing absolute paths, ``..`` and zip bombs."""
    with zipfile.ZipFile(archive) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if sum(i.file_size for i in infos) > MAX_IMPORT_BYTES:
            raise ModelLoadError("unpacks to more than 4 GB; refusing it", path=archive)
        for info in infos:
            rel = PurePosixPath(info.filename)
            if rel.is_absolute() or ".." in rel.parts or "\\" in info.filename:
                raise ModelLoadError(f"holds an unsafe file name '{info.filename}'; refusing it", path=archive)
            target = into.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)


def _check_safe(card: ModelCard, where: Path, registry: Registry) -> None:
    """Load the Keras file under ``where`` as ``modelio`` would; raise if it is unsafe."""
    from medgui.core.ml import modelio  # imports TensorFlow: only when a check is asked for

    probe = ModelCard.from_json(card.to_json(), where)
    if not probe.files:
        probe.files = {card.model_file: sha256_file(where / card.model_file)}
    modelio.load_model(probe, registry)


def card_summary(card: ModelCard) -> str:
    """A few plain lines describing ``card``, for ``medgui models show`` and the manager."""
    lines = [f"{card.ref}{'  (shipped)' if card.builtin else ''}",
             f"task: {card.task}    architecture: {card.architecture}",
             f"classes: {', '.join(card.classes)}"]
    if card.created:
        lines.append(f"created: {card.created}")
    m = card.metrics or {}

    def pct(key: str) -> str:
        value, ci = m.get(key), m.get(f"{key}_ci")
        if not isinstance(value, (int, float)):
            return ""
        text = f"{key} {value:.3f}"
        return text + (f" (95 % CI {ci[0]:.3f}-{ci[1]:.3f})" if ci else "")

    shown = [t for t in (pct("accuracy"), pct("macro_f1"), pct("auc")) if t]
    if shown:
        lines.append("test metrics: " + "; ".join(shown))
    for key in ("sensitivity", "specificity"):
        if isinstance(m.get(key), (int, float)):
            lines.append(f"{key}: {m[key]:.3f}")
    if card.threshold is not None:
        lines.append(f"threshold: P({card.positive_class or card.classes[-1]}) >= {card.threshold:.3f}")
    fp = card.data_fingerprint or {}
    if fp:
        counts = ", ".join(f"{k} {v}" for k, v in (fp.get("counts") or {}).items())
        lines.append(f"data: {fp.get('n_items', '?')} examples ({counts}); sha256 {str(fp.get('sha256', ''))[:12]}")
    seed = (card.training or {}).get("seed")
    if seed is not None:
        lines.append(f"seed: {seed}")
    if card.notes:
        lines.append(f"notes: {card.notes}")
    return "\n".join(lines)


def check_name(name: str) -> None:
    """Raise ``ModelLoadError`` unless ``name`` can name a model (a folder, no ``@``)."""
    _check_name(name)


def _check_name(name: str) -> None:
    if not name or any(ch in name for ch in "/\\@:") or name.startswith("."):
        raise ModelLoadError(f"'{name}' is not a valid model name (no / \\ @ : or leading dot)")


def _card_files(base: Path) -> list[Path]:
    """``base/NAME/VERSION/card.json`` files, skipping dot-directories (an import or
    delete in progress, which another thread may be removing while we look)."""
    found = []
    for name_dir in sorted(base.iterdir()):
        if name_dir.name.startswith(".") or not name_dir.is_dir():
            continue
        try:
            versions = sorted(name_dir.iterdir())
        except OSError:
            continue  # removed while we looked: the next refresh sees the new state
        found += [
            v / CARD_FILE for v in versions if not v.name.startswith(".") and (v / CARD_FILE).is_file()
        ]
    return found
