"""Safe loading of registered Keras models.

A model file is only opened after its hashes match its card, with Keras ``safe_mode``
on, no custom objects, and a refusal of any layer that carries code (``Lambda``).
"""

from __future__ import annotations

import json
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from medgui.core.errors import ModelLoadError
from medgui.core.models.archive import ArchiveError, ArchiveLimits, checked_files, read_entry
from medgui.core.models.card import ModelCard, printable, sha256_file, verify_files
from medgui.core.models.registry import Registry

if TYPE_CHECKING:
    import keras

T = TypeVar("T")

# Layers that run arbitrary Python when called; a shared model must never need them.
_EXECUTABLE_LAYERS = {"Lambda", "TFSMLayer"}
# A .keras file is a zip Keras unpacks: held to an import's limits, but with 1 GiB in all
# (its weights may be stored uncompressed inside a 512 MiB export) and 64 MiB of config.
KERAS_LIMITS = ArchiveLimits(max_total_bytes=1 << 30)
_MAX_CONFIG_BYTES = 64 << 20


def check_no_executable_layers(model: keras.Model, where: str = "model") -> None:
    for layer in _iter_layers(model):
        if type(layer).__name__ in _EXECUTABLE_LAYERS:
            raise ModelLoadError(
                f"{where} contains a '{type(layer).__name__}' layer, which runs arbitrary "
                "code; medgui refuses such models"
            )


def _iter_layers(model):  # type: ignore[no-untyped-def]
    for layer in getattr(model, "layers", []):
        yield layer
        yield from _iter_layers(layer)


def check_keras_file(path: Path, where: str = "model") -> None:
    """Refuse a ``.keras`` archive whose saved configuration names an executable layer.

    Reads only ``config.json`` inside the archive: nothing is deserialised, so the
    refusal is clear (Keras' own safe_mode error talks about ``lambda`` deserialisation).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            entries = {info.filename: info for info in checked_files(zf, KERAS_LIMITS)}
            data = read_entry(zf, entries["config.json"], _MAX_CONFIG_BYTES)
            if len(data) > _MAX_CONFIG_BYTES:
                raise ArchiveError(f"holds a config.json over {_MAX_CONFIG_BYTES >> 20} MB")
            config = json.loads(data)
    except ArchiveError as exc:  # Keras would unpack it: the same limits as an import
        raise ModelLoadError(f"{where}: its Keras file {exc}; medgui refuses it", path=path) from exc
    except RecursionError:
        raise ModelLoadError(f"{where}: its Keras configuration is nested too deeply; medgui refuses it",
                             path=path) from None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return  # not a .keras archive we can read: Keras' loader reports it
    try:
        found = _class_names(config) & _EXECUTABLE_LAYERS
    except RecursionError:
        raise ModelLoadError(f"{where}: its Keras configuration is nested too deeply; medgui refuses it",
                             path=path) from None
    if found:
        raise ModelLoadError(
            f"{where} contains a '{sorted(found)[0]}' layer, which runs arbitrary code; medgui "
            "refuses such models. Rebuild it from standard Keras layers.", path=path)


def _class_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("class_name"), str):
            names.add(node["class_name"])
        for value in node.values():
            names |= _class_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= _class_names(value)
    return names


def load_model(card: ModelCard, registry: Registry | None = None) -> keras.Model:
    """Verify ``card``'s files and load its Keras model for inference.

    ``registry`` is accepted for symmetry with ``cached_classifier``; the check needs only
    the card and its folder.
    """
    verify_files(card)
    check_keras_file(card.model_path, f"model {card.ref}")
    import keras

    try:
        model = keras.saving.load_model(card.model_path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises ValueError/TypeError/OSError and more
        raise ModelLoadError(
            f"model {card.ref} could not be loaded safely ({type(exc).__name__}: {exc}). "
            "It may come from another Keras version or contain code; retrain or re-export it.",
            path=card.model_path,
            details=repr(exc),
        ) from exc
    check_no_executable_layers(model, f"model {card.ref}")
    check_outputs(model, card)
    return model


def check_outputs(model: keras.Model, card: ModelCard) -> None:
    """Refuse a model whose output is not one vector of ``len(card.classes)`` scores: the
    card would name classes the model does not score, or leave some unnamed."""
    shape = model.output_shape
    units = shape[-1] if isinstance(shape, tuple) and len(shape) >= 2 else None
    if units != len(card.classes):
        gives = f"{units} scores" if isinstance(units, int) else f"output of shape {printable(shape)}"
        raise ModelLoadError(
            f"model {card.ref} gives {gives} per input, but its card names {len(card.classes)} classes "
            f"({printable(', '.join(card.classes))[:120]}); the card does not belong to this model. "
            "Re-export it from where it was trained, or retrain it.", path=card.model_path)


def check_model_safe(card: ModelCard, folder: Path) -> None:
    """The registry's ``check_model``: load the Keras file in ``folder`` as :func:`load_model`
    would (hashes, safe mode, no executable layers); raise ``ModelLoadError`` if it fails."""
    probe = ModelCard.from_json(card.to_json(), Path(folder))
    if not probe.files:
        probe.files = {card.model_file: sha256_file(Path(folder) / card.model_file)}
    load_model(probe)


_LOADED: OrderedDict[tuple[str, str], Any] = OrderedDict()
_LOADED_LOCK = threading.Lock()
KEEP_LOADED = 4  # models kept in memory per process (an image and a text model, plus spares)


def cached_classifier(
    task: str,
    ref: str | None,
    build: Callable[[ModelCard, keras.Model], T],
    registry: Registry | None = None,
) -> T:
    """The classifier for ``ref`` (``NAME[@VERSION]``), or the active ``task`` model.

    Built by ``build(card, model)`` once per process and model file, keyed by location
    and file hash so a retrained or re-registered model is never served stale; the
    ``KEEP_LOADED`` most recently used stay in memory (their graphs stay traced).
    """
    registry = registry or Registry()
    card = registry.get(ref) if ref else registry.active(task)
    if card.task != task:
        raise ModelLoadError(f"model {card.ref} is a {card.task} model, not a {task} model")
    key = (str(card.path), card.files.get(card.model_file, ""))
    with _LOADED_LOCK:
        if key in _LOADED:
            _LOADED.move_to_end(key)
            return cast(T, _LOADED[key])
        classifier = build(card, load_model(card, registry))
        _LOADED[key] = classifier
        while len(_LOADED) > KEEP_LOADED:
            _LOADED.popitem(last=False)
        return classifier
