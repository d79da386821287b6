"""medgui: offline diagnosis-support workstation for chest X-rays and clinical records."""

from __future__ import annotations

__version__ = "0.1.0"
