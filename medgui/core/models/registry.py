"""A versioned local store of models, each described by a ``ModelCard``.

Layout (one directory per version; nothing outside it is needed to use the model)::

    <root>/<name>/<version>/card.json   metadata, including the sha256 of every file
    <root>/<name>/<version>/model.keras the Keras model (safe_mode-loadable, no Lambda)
    <root>/active.json                  {"image": "name@version", "text": ...}

The models shipped in ``resources/models`` form a read-only second root with the same
layout; they are registry entries like any other. This module does not import
TensorFlow: loading the Keras file is ``core.ml.modelio``'s job, after ``verify``, and
the check that a model file carries no code is passed in by the caller
(``check_model``, e.g. ``modelio.check_model_safe``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from medgui.core import paths
from medgui.core.errors import ModelLoadError
from medgui.core.fileio import atomic_write_text
from medgui.core.models.card import (
    CARD_FILE,
    TASKS,
    ModelCard,
    check_name,
    parse_ref,
    sha256_file,
    verify_files,
)

EXPORT_SUFFIX = ".medgui-model"  # a zip: card.json plus the files it lists
MAX_IMPORT_BYTES = 4 << 30  # refuse archives that would unpack to more than 4 GB

# ``check_model(card, folder)`` raises ``ModelLoadError`` unless the model file in
# ``folder`` is safe to load; the registry calls it before anything is published.
CheckModel = Callable[[ModelCard, Path], None]


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
        verify_files(card)

    # -- writing --------------------------------------------------------------------
    def next_version(self, name: str) -> int:
        versions = [c.version for c in self.list() if c.name == name]
        # A deleted version's number is never reused: records may still cite NAME@VERSION.
        retired = [int(p.name.split("-")[-1]) for p in (self.root / name).glob(".retired-*")
                   if p.name.split("-")[-1].isdigit()]
        return max(versions + retired, default=0) + 1

    def register(self, staging: Path, card: ModelCard, check_model: CheckModel | None = None) -> ModelCard:
        """Move the files in ``staging`` into the registry as a new version of ``card.name``.

        The version directory appears in one ``os.replace``: a crash before it leaves the
        registry as it was, a crash after it leaves a complete model. ``check_model``
        (``modelio.check_model_safe``: loads the Keras file in safe mode and refuses
        code) runs first; None for a model this program has just built and saved.
        """
        check_name(card.name)
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
        if check_model is not None:
            check_model(card, staging)
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

    def import_model(self, archive: Path, *, check_model: CheckModel) -> ModelCard:
        """Add a model exported by :meth:`export`; return its card in this registry.

        The archive's files must match the hashes in its card, and ``check_model`` must
        pass (``modelio.check_model_safe`` loads the Keras file in safe mode and refuses
        executable layers; it imports TensorFlow). The model keeps
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
            check_name(card.name)
            if card.task not in TASKS:
                raise ModelLoadError(f"model task must be one of {TASKS}, not '{card.task}'", path=archive)
            unpacked = {str(p.relative_to(tmp).as_posix()) for p in tmp.rglob("*") if p.is_file()}
            unlisted = sorted(unpacked - set(card.files) - {CARD_FILE})
            if unlisted:
                raise ModelLoadError(f"holds files its card does not list ({', '.join(unlisted)}); "
                                     "refusing it", path=archive)
            try:
                self.verify(card)
                check_model(card, tmp)
            except ModelLoadError as exc:  # checked in ``tmp``, deleted below: name the archive
                raise ModelLoadError(exc.message.replace(str(tmp), archive.name), path=archive,
                                     details=exc.details) from exc
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
