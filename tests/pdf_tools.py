"""Read a PDF the way a person would: its text (pdftotext) and its pages as PNG (pdftoppm).

Both come with Debian's poppler-utils, which ``packaging/setup.sh`` installs; a machine
without them fails these tests with that instruction rather than skipping them.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils (apt-get install -y poppler-utils; "
                    "packaging/setup.sh does it when run as root)")
    return path


def pdf_text(pdf: Path) -> str:
    out = subprocess.run([_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True, timeout=60)
    return out.stdout


def pdf_pages(pdf: Path, out_dir: Path, dpi: int = 50) -> list[np.ndarray]:
    """Every page rendered to PNG, read back as BGR arrays."""
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([_tool("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(out_dir / "page")],
                   check=True, timeout=60, capture_output=True)
    pages = sorted(out_dir.glob("page*.png"))
    return [cv2.imread(str(p)) for p in pages]
