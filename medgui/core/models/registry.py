"""A versioned local store of models, each described by a ``ModelCard``.

Layout (one directory per version; nothing outside it is needed to use the model)::

    <root>/<name>/<version>/card.json   metadata, including the sha256 of every file
    <root>/<name>/<version>/model.keras the Keras model (safe_mode-loadable, no Lambda)
    <root>/<name>/.retired-<version>    a deleted version: its number is never reused
    <root>/active.json                  {"image": "name@version", "text": ...}
    <root>/.incoming-*, .deleting-*     an import or deletion in progress

The models shipped in ``resources/models`` form a read-only second root with the same
layout; they are registry entries like any other. This module does not import
TensorFlow: loading the Keras file is ``core.ml.modelio``'s job, after ``verify``, and
the check that a model file carries no code is passed in by the caller
(``check_model``, e.g. ``modelio.check_model_safe``).

Every card is checked against the card schema when it is read. A version folder whose
card fails it stays listable: :meth:`Registry.problems` names it with the reason, and
``list``, ``get`` and ``active`` skip it. Imported archives are checked before anything
is extracted (``core.models.archive``: 512 MiB, 1000 entries, 200:1 at most). A
process killed during an import or a deletion leaves a dot-folder named after its host
and pid; the next ``Registry`` on that root removes it once its owner is dead (or,
when that cannot be known, once it has been untouched for an hour).
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import json
import os
import re
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from medgui.core import paths
from medgui.core.errors import ModelLoadError
from medgui.core.fileio import atomic_write_text, check_regular
from medgui.core.models import leftovers
from medgui.core.models.archive import (
    LIMITS,
    ArchiveError,
    checked_files,
    extract,
    quoted,
    read_entry,
)
from medgui.core.models.card import (
    CARD_FILE,
    MAX_CARD_BYTES,
    TASKS,
    ModelCard,
    check_card,
    check_name,
    load_card_file,
    parse_ref,
    path_problem,
    printable,
    read_card,
    sha256_file,
    verify_files,
)

EXPORT_SUFFIX = ".medgui-model"  # a zip: card.json plus the files it lists
MAX_IMPORT_BYTES = LIMITS.max_total_bytes  # an archive may unpack to at most 512 MiB
MAX_ENTRIES = LIMITS.max_entries
MAX_RATIO = LIMITS.max_ratio
_VERSION_FOLDER = re.compile(r"(?:\.retired-)?([0-9]{1,9})")

# ``check_model(card, folder)`` raises ``ModelLoadError`` unless the model file in
# ``folder`` is safe to load; the registry calls it before anything is published.
CheckModel = Callable[[ModelCard, Path], None]


@dataclass(frozen=True)
class BrokenEntry:
    """A version folder that cannot be used: ``name`` and ``version`` are its folder
    names, ``reason`` says why, control characters escaped."""

    name: str
    version: str
    path: Path
    reason: str
    builtin: bool = False

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


class Registry:
    """The user's models (writable) plus the shipped ones (read-only)."""

    def __init__(self, root: Path | None = None, builtin: Path | None | str = "shipped"):
        """``builtin``: the read-only root of shipped models; ``"shipped"`` (default) is
        ``paths.builtin_models()``, ``None`` means none. Leftovers of interrupted imports
        and deletions under ``root`` are removed (see :meth:`clean_leftovers`)."""
        try:
            self.root = Path(root) if root is not None else paths.registry_dir()
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelLoadError(f"the model registry folder cannot be created ({_os_reason(exc)})",
                                 path=root if root is not None else exc.filename) from exc
        if builtin == "shipped":
            builtin = paths.builtin_models()
        self.builtin = Path(builtin) if builtin is not None else None
        self.clean_leftovers()

    # -- reading --------------------------------------------------------------------
    def _scan(self, base: Path, builtin: bool) -> tuple[list[ModelCard], list[BrokenEntry]]:
        cards: list[ModelCard] = []
        broken: list[BrokenEntry] = []
        for folder in _version_folders(base):
            stored_as = f"{folder.parent.name}@{folder.name}"
            try:
                card = load_card_file(folder / CARD_FILE, builtin)
            except FileNotFoundError:
                if not folder.is_dir():
                    continue  # removed while we looked
                reason = f"has no {CARD_FILE}"
            except ModelLoadError as exc:
                reason = exc.message
            except OSError as exc:
                reason = f"{CARD_FILE} cannot be read ({_os_reason(exc)})"
            else:
                if card.ref == stored_as:
                    cards.append(card)
                    continue
                reason = f"its card names {card.ref}, but it is stored as {stored_as}"
            broken.append(BrokenEntry(folder.parent.name, folder.name, folder, printable(reason), builtin))
        return cards, broken

    def _all(self) -> tuple[list[ModelCard], list[BrokenEntry]]:
        cards, broken = self._scan(self.root, False)
        if self.builtin is not None:
            more_cards, more_broken = self._scan(self.builtin, True)
            cards, broken = cards + more_cards, broken + more_broken
        return cards, broken

    def list(self, task: str | None = None) -> list[ModelCard]:
        """The usable models (see :meth:`problems` for the others), by name and version."""
        cards = self._all()[0]
        if task is not None:
            cards = [c for c in cards if c.task == task]
        return sorted(cards, key=lambda c: (c.name, c.version))

    def problems(self) -> builtins.list[BrokenEntry]:
        """The version folders that cannot be used, each with the reason."""
        return sorted(self._all()[1], key=lambda b: (b.name, b.version, b.builtin))

    def _broken_error(self, ref: str) -> ModelLoadError | None:
        name, _, version = ref.partition("@")
        found = [b for b in self.problems() if b.ref == ref or (not version and b.name == name)]
        if not found:
            return None
        entry = found[-1]
        return ModelLoadError(f"model {printable(entry.ref)} cannot be used: {entry.reason}; "
                              f"`medgui models delete {printable(entry.ref)}` removes it", path=entry.path)

    def get(self, ref: str) -> ModelCard:
        try:
            name, version = parse_ref(ref)
        except ModelLoadError:
            raise self._broken_error(ref) or ModelLoadError(
                f"'{printable(ref)}' is not NAME or NAME@VERSION (VERSION is a number)") from None
        matches = [c for c in self.list() if c.name == name]
        if version is not None:
            matches = [c for c in matches if c.version == version]
        if not matches:
            raise self._broken_error(ref) or ModelLoadError(
                f"no model '{printable(ref)}' in the registry; `medgui models list` shows what is there"
            )
        # A user's model shadows a shipped one of the same name and version.
        return max(matches, key=lambda c: (c.version, not c.builtin))

    def _active_file(self) -> Path:
        return self.root / "active.json"

    def _read_active(self) -> dict[str, str]:
        try:
            data = json.loads(self._active_file().read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if k in TASKS and isinstance(v, str)}

    def _write_active(self, active: dict[str, str]) -> None:
        try:
            atomic_write_text(self._active_file(), json.dumps(active, indent=2))
        except OSError as exc:
            raise ModelLoadError(f"the active model could not be recorded ({_os_reason(exc)})",
                                 path=self._active_file()) from exc

    def active(self, task: str) -> ModelCard:
        """The model in use for ``task``: the one activated, else the newest shipped one.
        A broken version is skipped like a deleted one (``problems`` lists it)."""
        ref = self._read_active().get(task)
        if ref:
            try:
                return self.get(ref)
            except ModelLoadError:
                pass  # deleted or broken since; fall back to the default
        # Without a choice: a shipped model, else the newest trained one that passed the
        # chance check; a model warned as no better than chance is only used when activated.
        candidates = ([c for c in self.list(task) if c.builtin]
                      or [c for c in self.list(task) if not (c.metrics or {}).get("warnings")])
        if not candidates:
            warned = (" (the ones installed were warned as no better than chance: activate one "
                      "explicitly to use it anyway)") if self.list(task) else ""
            raise ModelLoadError(
                f"no {task} model is installed{warned}; train one with the training wizard or "
                "`medgui train`, or reinstall medgui to restore the default models"
            )
        return max(candidates, key=lambda c: (c.created, c.version))

    def activate(self, ref: str) -> ModelCard:
        card = self.get(ref)
        active = self._read_active()
        active[card.task] = card.ref
        self._write_active(active)
        return card

    # -- integrity ------------------------------------------------------------------
    def verify(self, card: ModelCard) -> None:
        """Raise ``ModelLoadError`` unless the card passes the schema and every file
        matches the hash in it."""
        verify_files(card)

    # -- leftovers ------------------------------------------------------------------
    def clean_leftovers(self) -> builtins.list[Path]:
        """Remove what imports and deletions killed part-way left under the root; return
        what was removed. One that may still be running is kept (see ``leftovers``)."""
        return leftovers.clean(self.root)

    def _temp_name(self, kind: str) -> str:
        return leftovers.prefix(kind)

    # -- writing --------------------------------------------------------------------
    def next_version(self, name: str) -> int:
        """One more than any version of ``name`` listed, stored (broken ones included) or
        deleted: records may still cite a deleted NAME@VERSION."""
        versions = [c.version for c in self.list() if c.name == name]
        with contextlib.suppress(OSError):  # no folder yet
            versions += [int(m.group(1)) for p in (self.root / name).iterdir()
                         if (m := _VERSION_FOLDER.fullmatch(p.name))]
        return max(versions, default=0) + 1

    def register(self, staging: Path, card: ModelCard, check_model: CheckModel | None = None) -> ModelCard:
        """Move the files in ``staging`` into the registry as a new version of ``card.name``.

        The version directory appears in one ``os.replace``: a crash before it leaves the
        registry as it was, a crash after it leaves a complete model. The card must pass
        the schema. ``check_model`` (``modelio.check_model_safe``: loads the Keras file in
        safe mode and refuses code) runs first; None for a model this program has just
        built and saved.
        """
        check_name(card.name)
        if card.task not in TASKS:
            raise ModelLoadError(f"model task must be one of {TASKS}, not {printable(repr(card.task))}")
        staging = Path(staging)
        if path_problem(card.model_file) or not staging.joinpath(*card.model_file.split("/")).is_file():
            raise ModelLoadError(f"nothing to register: {printable(card.model_file)} is missing", path=staging)
        card.version = self.next_version(card.name)
        card.created = card.created or datetime.now(UTC).isoformat(timespec="seconds")
        card.files = {
            p.relative_to(staging).as_posix(): sha256_file(p)
            for p in sorted(staging.rglob("*"))
            if p.is_file() and p.relative_to(staging).as_posix() != CARD_FILE
        }
        check_card(card, "cannot be registered")
        if check_model is not None:
            check_model(card, staging)
        tmp = Path(tempfile.mkdtemp(prefix=self._temp_name("incoming"), dir=self.root))
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

    def delete(self, ref: str) -> ModelCard | BrokenEntry:
        """Remove one version (``NAME@VERSION``) of a user's model; shipped ones stay.

        The directory is first renamed out of sight (atomic), then removed. If it was
        active, its task falls back to the default model. Its version number is never
        given to another model. A broken version (see :meth:`problems`) is deleted by
        the reference it is listed under.
        """
        name, _, version = ref.partition("@")
        if not version:
            raise ModelLoadError(f"say which version of '{printable(name)}' to delete: NAME@VERSION")
        try:
            target: ModelCard | BrokenEntry = self.get(ref)
        except ModelLoadError:
            found = [b for b in self._scan(self.root, False)[1] if b.ref == ref]
            if not found:
                raise
            target = found[0]
        path = target.path
        if target.builtin or path is None or self.root not in path.parents:
            raise ModelLoadError(
                f"{printable(target.ref)} is shipped with medgui and cannot be deleted; activate another "
                "model instead")
        trash = self.root / f"{self._temp_name('deleting')}{secrets.token_hex(4)}"
        try:
            (path.parent / f".retired-{path.name}").touch()
            os.replace(path, trash)
        except OSError as exc:
            raise ModelLoadError(f"{printable(target.ref)} could not be deleted ({_os_reason(exc)})",
                                 path=path) from exc
        shutil.rmtree(trash, ignore_errors=True)
        active = self._read_active()
        if any(value == target.ref for value in active.values()):
            self._write_active({k: v for k, v in active.items() if v != target.ref})
        return target

    def export(self, ref: str, dest: Path) -> Path:
        """Write model ``ref`` (verified) as one zip: ``card.json`` plus its files.

        ``dest`` is a file name (``.medgui-model`` or ``.zip``) or a folder, where
        ``NAME-VERSION.medgui-model`` is written. Returns the file written.
        """
        card = self.get(ref)
        self.verify(card)
        assert card.path is not None  # verify refuses a card without a location
        dest = Path(dest)
        if dest.is_dir():
            dest = dest / f"{card.name}-{card.version}{EXPORT_SUFFIX}"
        tmp = ""
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest.parent)
            os.close(fd)
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(CARD_FILE, json.dumps(card.to_json(), indent=2))
                for rel in card.files:
                    zf.write(card.path.joinpath(*rel.split("/")), rel)
            os.replace(tmp, dest)
        except OSError as exc:
            raise ModelLoadError(f"could not be written ({_os_reason(exc)})", path=dest) from exc
        finally:
            if tmp and Path(tmp).exists():
                Path(tmp).unlink(missing_ok=True)
        return dest

    def import_model(self, archive: Path, *, check_model: CheckModel) -> ModelCard:
        """Add a model exported by :meth:`export`; return its card in this registry.

        The archive is checked before anything is extracted (entry names, sizes,
        compression ratios: ``core.models.archive``), its card must pass the schema and
        list exactly the files it holds, the files must match their hashes, and
        ``check_model`` must pass (``modelio.check_model_safe`` loads the Keras file in
        safe mode and refuses executable layers; it imports TensorFlow). The model keeps
        its version number unless that is taken here, then it gets the next free one.
        Nothing is added unless every check passes; every refusal is one
        ``ModelLoadError`` naming ``archive``.
        """
        archive = Path(archive)
        try:
            return self._import(archive, check_model)
        except ArchiveError as exc:
            raise ModelLoadError(str(exc), path=archive) from exc
        except OSError as exc:  # a full disk, a name too long for this file system
            raise ModelLoadError(f"could not be imported: {_os_reason(exc)}; nothing was added",
                                 path=archive) from exc

    def _import(self, archive: Path, check_model: CheckModel) -> ModelCard:
        check_regular(archive)
        try:
            zf = zipfile.ZipFile(archive)
        except (zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise ModelLoadError(f"is not a medgui model export ({EXPORT_SUFFIX} or .zip)", path=archive) from exc
        with zf:
            entries = {info.filename: info for info in checked_files(zf)}
            if CARD_FILE not in entries:
                raise ModelLoadError(f"has no {CARD_FILE}; it is not a medgui model export", path=archive)
            try:
                card = read_card(read_entry(zf, entries[CARD_FILE], MAX_CARD_BYTES))
            except ModelLoadError as exc:
                raise ModelLoadError(exc.message, path=archive) from None
            held = set(entries) - {CARD_FILE}
            for differ, says in ((held - set(card.files), "holds files its card does not list"),
                                 (set(card.files) - held, "lacks files its card lists")):
                if differ:
                    names = ", ".join(quoted(n)[1:-1] for n in sorted(differ)[:5])
                    more = f" and {len(differ) - 5} more" if len(differ) > 5 else ""
                    raise ModelLoadError(f"{says} ({names}{more}); refusing it", path=archive)
            tmp = Path(tempfile.mkdtemp(prefix=self._temp_name("incoming"), dir=self.root))
            try:
                digests = extract(zf, [entries[rel] for rel in sorted(card.files)], tmp)
                wrong = sorted(rel for rel, digest in card.files.items() if digests[rel] != digest)
                if wrong:
                    raise ModelLoadError(
                        f"failed its integrity check: {quoted(wrong[0])[1:-1]} does not match the sha256 in "
                        "its card (damaged or altered after export); nothing was imported", path=archive)
                card.path = tmp
                try:
                    check_model(card, tmp)
                except ModelLoadError as exc:  # checked in ``tmp``, deleted below: name the archive
                    raise ModelLoadError(exc.message.replace(str(tmp), archive.name), path=archive,
                                         details=exc.details.replace(str(tmp), archive.name)) from exc
                if self._version_taken(card.name, card.version):
                    card.version = self.next_version(card.name)
                return self._publish(tmp, card)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise

    def _version_taken(self, name: str, version: int) -> bool:
        folder = self.root / name
        return (any(c.name == name and c.version == version for c in self.list())
                or (folder / str(version)).exists() or (folder / f".retired-{version}").exists())


def _os_reason(exc: OSError) -> str:
    """What went wrong, without the (perhaps temporary) file name ``str(exc)`` carries."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full (No space left on device)"
    return exc.strerror or type(exc).__name__


def _version_folders(base: Path) -> list[Path]:
    """``base/NAME/VERSION`` folders, skipping dot-entries (an import or delete in
    progress, which another thread may be removing while we look, and retired numbers)."""
    found: list[Path] = []
    try:
        names = sorted(base.iterdir())
    except OSError:
        return found
    for name_dir in names:
        if name_dir.name.startswith(".") or not name_dir.is_dir():
            continue
        try:
            versions = sorted(name_dir.iterdir())
        except OSError:
            continue  # removed while we looked: the next refresh sees the new state
        found += [v for v in versions if not v.name.startswith(".") and v.is_dir()]
    return found


