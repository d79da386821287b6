"""Hand-made model exports and registry folders, good and hostile, for the registry tests.

No TensorFlow: ``MODEL_BYTES`` stands in for the Keras file, since every refusal under
test happens before the model would be loaded. ``forge`` rewrites a zip's headers the
way a hostile archive would (sizes that lie, an encryption flag).
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from pathlib import Path
from typing import Any

MODEL_BYTES = b"placeholder for a Keras file: refusals come before it is loaded"
DROP = object()  # a card_dict override that removes the field


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def card_dict(**overrides: Any) -> dict[str, Any]:
    """A valid card (as JSON data) for an archive holding ``model.keras`` = MODEL_BYTES."""
    card: dict[str, Any] = {
        "name": "chest", "task": "image", "classes": ["NORMAL", "PNEUMONIA"], "architecture": "tiny",
        "version": 1, "preprocessing": {}, "threshold": 0.5, "positive_class": "PNEUMONIA",
        "metrics": {"accuracy": 0.9}, "training": {}, "data_fingerprint": {},
        "created": "2026-01-01T00:00:00+00:00", "notes": "", "files": {"model.keras": sha256(MODEL_BYTES)},
        "model_file": "model.keras", "schema": 1,
    }
    for key, value in overrides.items():
        if value is DROP:
            card.pop(key, None)
        else:
            card[key] = value
    return card


def write_archive(path: Path, card: Any = None, entries: list[tuple[str, bytes]] | None = None,
                  compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip holding ``card.json`` (``card``: dict, raw bytes, or None for none) and
    ``entries`` (default: ``model.keras``), in that order, duplicates kept."""
    if entries is None:
        entries = [("model.keras", MODEL_BYTES)]
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        if card is not None:
            zf.writestr("card.json", card if isinstance(card, bytes) else json.dumps(card))
        for name, data in entries:
            zf.writestr(name, data)
    return path


def forge(path: Path, entry: str, *, size: int | None = None, encrypted: bool = False) -> Path:
    """Rewrite ``entry``'s headers in the zip at ``path``: declared uncompressed ``size``,
    or the "encrypted" flag. The data are left as they are."""
    data = bytearray(path.read_bytes())
    name = entry.encode()
    # Local file headers (PK\x03\x04: name at 30, size at 22, flags at 6) and central
    # directory headers (PK\x01\x02: name at 46, size at 24, flags at 8).
    for signature, name_at, size_at, flags_at in ((b"PK\x03\x04", 30, 22, 6), (b"PK\x01\x02", 46, 24, 8)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            start = at + 4
            name_len = struct.unpack_from("<H", data, at + name_at - (4 if signature == b"PK\x03\x04" else 18))[0]
            if bytes(data[at + name_at:at + name_at + name_len]) != name:
                continue
            if size is not None:
                struct.pack_into("<I", data, at + size_at, size)
            if encrypted:
                flags = struct.unpack_from("<H", data, at + flags_at)[0]
                struct.pack_into("<H", data, at + flags_at, flags | 0x1)
    path.write_bytes(bytes(data))
    return path


def write_version(root: Path, folder: str, version: str, card: Any, model: bytes = MODEL_BYTES) -> Path:
    """A registry version folder ``root/folder/version`` with ``card`` (dict or raw bytes)
    and ``model.keras``, as an older medgui or a hand edit might have left it."""
    where = root / folder / version
    where.mkdir(parents=True)
    (where / "model.keras").write_bytes(model)
    (where / "card.json").write_bytes(card if isinstance(card, bytes) else json.dumps(card).encode())
    return where


def tree(root: Path) -> set[str]:
    """Every path under ``root`` (files and folders, hidden ones included), relative."""
    return {str(p.relative_to(root)) for p in root.rglob("*")} if root.exists() else set()
