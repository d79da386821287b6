"""The output contract shared by the ``classify-*`` commands.

One JSON object per input: ``{"path", "label", "reliable", "reason", "probabilities",
"calibrated", "model", ...}``, or ``{"path", "error"}`` when the input could not be read.
``calibrated`` is true when the probabilities went through the model card's calibration
map (they then mean what they say on data like the model's validation data). A reading
that does not apply (the model's applicability gate said no, or the text is too short
to place) is still a result: ``reliable`` false, ``label`` null, ``reason`` saying why,
and the probabilities kept for whoever wants to look at them. ``reason`` is "" when the
reading is reliable. ``classify-image --csv`` writes the same fields as columns.
"""

from __future__ import annotations

import sys
from typing import Any

# The CSV columns of a reading, after ``path``/``label`` and the probabilities.
CSV_TAIL = ("model", "error", "warnings", "reliable", "reason")


def is_reliable(result: dict[str, Any]) -> bool:
    return bool(result.get("reliable", True))


def public_result(result: dict[str, Any], *extra: str) -> dict[str, Any]:
    """One input's JSON line: ``{"path", "label", "reliable", "reason", "probabilities",
    "calibrated", "model", *extra}`` or ``{"path", "error"}``."""
    if "error" in result:
        return {"path": result["path"], "error": result["error"]}
    reliable = is_reliable(result)
    public = {
        "path": result["path"],
        "label": result["label"] if reliable else None,
        "reliable": reliable,
        "reason": "" if reliable else str(result.get("reason") or ""),
        "probabilities": {k: round(v, 6) for k, v in result["probabilities"].items()},
        "calibrated": bool(result.get("calibrated", False)),
        "model": result["model"],
    }
    public.update({key: result[key] for key in extra if key not in public})
    return public


def csv_tail(result: dict[str, Any]) -> list[str]:
    """The ``CSV_TAIL`` cells of a result (or of an error)."""
    if "error" in result:
        return ["", result["error"], "", "", ""]
    reliable = is_reliable(result)
    return [result["model"], "", "; ".join(result.get("warnings") or []), "true" if reliable else "false",
            "" if reliable else str(result.get("reason") or "")]


def finish(command: str, failed: int, total: int, model_ref: str, as_json: bool,
           calibrated: bool = False) -> int:
    """Summarise on stderr and return the exit status (1 when any input failed)."""
    if failed:
        print(f"medgui {command}: {failed} of {total} inputs could not be classified", file=sys.stderr)
    if not as_json:
        probabilities = "calibrated probabilities" if calibrated else "the model's own probabilities"
        print(f"model {model_ref} ({probabilities}); decision support only, not a diagnosis", file=sys.stderr)
    return 1 if failed else 0
