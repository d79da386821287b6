"""What one reading puts in the audit trail, the same for the GUI and the CLI.

A reading entry's body::

    {"source": "cli"|"gui", "app": "medgui X.Y",
     "user": login name, "workstation": host name,
     "input": {"kind": "image"|"text", "sha256": ..., "format"?, "frame"?, "patient_ref"?},
     "model": {"ref": "name@version", "name", "version", "task", "sha256": model file hash},
     "output": {"label", "probabilities", "threshold", "positive_class",
                "applicability": {"verdict", "warnings"}, "reliable"?, "reason"?}}

No file name or path goes in (a file is often named after its patient), no text, no
DICOM header value: the input is known by its sha256 only. A patient reference goes in
only when the user typed one (the record editor's pseudonymous reference).

Images are hashed as the file's bytes; texts as their UTF-8 encoding, so a note read
from a file and the same note typed into the record editor have the same hash.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import socket
from pathlib import Path
from typing import Any

from medgui import __version__
from medgui.core.audit.trail import AuditTrail, Entry
from medgui.core.models.card import ModelCard, sha256_file

SOURCES = ("cli", "gui")


def workstation_identity() -> dict[str, str]:
    """``{"user", "workstation"}``: the login name and the host name of this machine."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor the password file
        user = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return {"user": user, "workstation": socket.gethostname() or "unknown"}


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(path: str | Path) -> str:
    return sha256_file(Path(path))


def sniff_format(path: str | Path) -> str:
    """The image format by content (``DICOM``, ``PNG``, ...), or ``""``."""
    from medgui.core.imaging.loader import _sniff  # the loader's own rule

    try:
        with open(path, "rb") as fh:
            return _sniff(fh.read(256)) or ""
    except OSError:
        return ""


def applicability(result: dict[str, Any]) -> dict[str, Any]:
    """The applicability verdict of a result: ``{"verdict", "warnings"}`` (+ ``gate``).

    The applicability gate's verdict (``result["gate"]``, ``core.gate.runtime``) decides
    when there is one: ``"does not apply"`` (its reason first among the warnings), or
    ``"applies"`` / ``"may not apply"`` by the warnings; ``gate`` None means no gate was
    consulted: ``"not checked"``. Without the key, the warnings alone decide.
    """
    warnings = [str(w) for w in result.get("warnings") or []]
    if "gate" in result:
        gate_json = result.get("gate")
        if not isinstance(gate_json, dict):
            return {"verdict": "not checked", "warnings": warnings, "gate": None}
        if not gate_json.get("applicable", True):
            reason = str(result.get("reason") or "")
            return {"verdict": "does not apply", "warnings": ([reason] if reason else []) + warnings,
                    "gate": gate_json}
        return {"verdict": "may not apply" if warnings else "applies", "warnings": warnings,
                "gate": gate_json}
    gate = result.get("applicability")
    if isinstance(gate, dict):
        verdict = gate.get("verdict") or gate.get("status") or gate.get("label")
        warnings = [str(w) for w in gate.get("warnings") or gate.get("reasons") or []] or warnings
        if verdict is not None:
            return {"verdict": str(verdict), "warnings": warnings}
    elif isinstance(gate, str) and gate:
        return {"verdict": gate, "warnings": warnings}
    return {"verdict": "may not apply" if warnings else "applies", "warnings": warnings}


def model_fields(result: dict[str, Any], card: ModelCard | None) -> dict[str, Any]:
    """The model that gave ``result``: its reference and the sha256 of its model file."""
    ref = str(result.get("model") or (card.ref if card else ""))
    fields: dict[str, Any] = {"ref": ref, "name": result.get("model_name"),
                              "version": result.get("model_version"), "sha256": ""}
    if card is None and ref:
        card = find_card(ref)
    if card is not None and card.ref == ref:
        fields.update(name=card.name, version=card.version, task=card.task,
                      sha256=(card.files or {}).get(card.model_file, ""))
    return fields


def find_card(ref: str) -> ModelCard | None:
    """The registered card ``ref`` names, or None (a deleted model still gets its entry)."""
    from medgui.core.errors import MedguiError
    from medgui.core.models.registry import Registry

    try:
        return Registry().get(ref)
    except (MedguiError, OSError):
        return None


def output_fields(result: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": result.get("label"),
        "probabilities": {str(k): float(v) for k, v in (result.get("probabilities") or {}).items()},
        "threshold": result.get("threshold"),
        "positive_class": result.get("positive_class"),
        "applicability": applicability(result),
    }
    for key in ("reliable", "reason", "model_label"):
        if key in result:
            out[key] = result[key]
    return out


def reading_body(result: dict[str, Any], *, kind: str, input_sha256: str, source: str,
                 card: ModelCard | None = None, input_format: str = "", frame: int | None = None,
                 patient_ref: str = "") -> dict[str, Any]:
    """The body of a reading entry (see the module doc)."""
    if kind not in ("image", "text"):
        raise ValueError(f"unknown input kind {kind!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    inp: dict[str, Any] = {"kind": kind, "sha256": input_sha256}
    if input_format:
        inp["format"] = input_format
    if frame:
        inp["frame"] = int(frame)
    if patient_ref.strip():
        inp["patient_ref"] = patient_ref.strip()
    return {"source": source, "app": f"medgui {__version__}", **workstation_identity(),
            "input": inp, "model": model_fields(result, card), "output": output_fields(result)}


def log_image_reading(result: dict[str, Any], path: str | Path, *, source: str,
                      card: ModelCard | None = None, trail: AuditTrail | None = None,
                      input_format: str = "", frame: int | None = None) -> Entry:
    """Append the reading of the image file ``path`` to the trail."""
    body = reading_body(result, kind="image", input_sha256=file_sha256(path), source=source,
                        card=card, input_format=input_format or sniff_format(path), frame=frame)
    return (trail or AuditTrail()).append("reading", body)


def log_text_reading(result: dict[str, Any], text: str, *, source: str,
                     card: ModelCard | None = None, trail: AuditTrail | None = None,
                     patient_ref: str = "") -> Entry:
    """Append the reading of ``text`` (as classified) to the trail."""
    body = reading_body(result, kind="text", input_sha256=text_sha256(text), source=source,
                        card=card, patient_ref=patient_ref)
    return (trail or AuditTrail()).append("reading", body)


def summary(entry: Entry) -> dict[str, str]:
    """Short display fields of an entry for lists (``audit list``, the History view)."""
    body = entry.body
    if entry.kind == "reading":
        inp, model, out = body.get("input", {}), body.get("model", {}), body.get("output", {})
        label = out.get("label")
        probs = out.get("probabilities") or {}
        p = probs.get(label) if isinstance(label, str) else None
        what = (f"{label} ({100 * p:.1f} %)" if isinstance(p, (int, float)) else
                str(label) if label is not None else "no reliable label")
        verdict = (out.get("applicability") or {}).get("verdict", "")
        if verdict and verdict != "applies":
            what += f" [{verdict}]"
        return {"input": f"{inp.get('kind', '?')} {str(inp.get('sha256', ''))[:12]}",
                "model": str(model.get("ref", "")), "result": what,
                "user": f"{body.get('user', '')}@{body.get('workstation', '')}"}
    verdict = str(body.get("verdict", ""))
    what = verdict + (f": {body.get('correct_label')}" if body.get("correct_label") else "")
    if body.get("comment"):
        what += f" — {body['comment']}"
    return {"input": f"feedback on #{body.get('reading')}", "model": "", "result": what,
            "user": f"{body.get('user', '')}@{body.get('workstation', '')}"}
