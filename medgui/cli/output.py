"""The output contract shared by the ``classify-*`` commands."""

from __future__ import annotations

import sys
from typing import Any


def public_result(result: dict[str, Any], *extra: str) -> dict[str, Any]:
    """One input's JSON line: ``{"path", "label", "probabilities", "model", *extra}`` or
    ``{"path", "error"}``."""
    if "error" in result:
        return {"path": result["path"], "error": result["error"]}
    public = {
        "path": result["path"],
        "label": result["label"],
        "probabilities": {k: round(v, 6) for k, v in result["probabilities"].items()},
        "model": result["model"],
    }
    public.update({key: result[key] for key in extra})
    return public


def finish(command: str, failed: int, total: int, model_ref: str, as_json: bool) -> int:
    """Summarise on stderr and return the exit status (1 when any input failed)."""
    if failed:
        print(f"medgui {command}: {failed} of {total} inputs could not be classified", file=sys.stderr)
    if not as_json:
        print(f"model {model_ref}; decision support only, not a diagnosis", file=sys.stderr)
    return 1 if failed else 0
