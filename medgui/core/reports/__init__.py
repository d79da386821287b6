"""Reading reports as PDF: what they say (``content``) and how they are drawn (``pdf``,
reportlab, Qt-free so the CLI and the GUI share it)."""

from __future__ import annotations

from pathlib import Path


def report_name(input_sha256: str, seq: int | None = None, stem: str = "") -> str:
    """A report's file name that names no patient: the audit entry and the input hash
    (``reading-000012-3fa9c0d1.pdf``), or a given ``stem`` when the user chose to
    include identifying data."""
    if stem:
        return f"{stem}.pdf"
    number = f"{seq:06d}-" if seq is not None else ""
    return f"reading-{number}{input_sha256[:8]}.pdf"


def unique_path(folder: Path, name: str) -> Path:
    """``folder / name``, or ``name-2.pdf``, ``name-3.pdf``... when taken."""
    target = folder / name
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
    return target
