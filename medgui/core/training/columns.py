"""Which columns of a table hold the text and the label: a first guess for the user.

The guess reads the names first ("text", "transcription", "note"... and "label",
"specialty", "class"...), then the contents: the text column holds the longest cells,
the label column a few short values repeated over many rows. The user can always
choose other columns; the guess only spares them the usual ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from medgui.core.training.datasets import _read_table

#: Column names that say "the text", best first.
TEXT_NAMES = ("text", "transcription", "note", "notes", "clinical_note", "report", "body",
              "narrative", "content", "document", "description")
#: Column names that say "the label", best first.
LABEL_NAMES = ("label", "specialty", "medical_specialty", "class", "category", "diagnosis",
               "target", "outcome", "y")
SAMPLE_ROWS = 2000  # enough to tell a note from a category


@dataclass(frozen=True)
class ColumnGuess:
    """A table's column names and the guessed text and label columns (None: no guess)."""

    columns: list[str]
    text: str | None
    label: str | None


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]


def _name_rank(name: str, wanted: Sequence[str]) -> int | None:
    """How well ``name`` says one of ``wanted``: lower is better, None is not at all."""
    low = name.strip().lower()
    words = _words(name)
    for rank, want in enumerate(wanted):
        if low == want:
            return rank
    for rank, want in enumerate(wanted):
        if want in words or (len(want) > 3 and want in low):
            return len(wanted) + rank
    return None


def guess_columns(header: Sequence[str], rows: Sequence[Sequence[str]]) -> ColumnGuess:
    """Guess the text and label columns of a table with ``header`` and (some of) its ``rows``."""
    columns = list(header)
    cells = {c: [r[i].strip() for r in rows if i < len(r) and r[i].strip()]
             for i, c in enumerate(columns)}
    length = {c: mean(len(v) for v in values) if values else 0.0 for c, values in cells.items()}
    distinct = {c: len(set(values)) for c, values in cells.items()}
    filled = {c: len(values) for c, values in cells.items()}

    def texty(c: str) -> bool:
        return length[c] >= 20 and distinct[c] > 1

    text: str | None
    label: str | None
    named = [(r, c) for c in columns if (r := _name_rank(c, TEXT_NAMES)) is not None and texty(c)]
    if named:
        text = min(named, key=lambda rc: (rc[0], -length[rc[1]]))[1]
    else:
        text = max((c for c in columns if texty(c)), key=lambda c: length[c], default=None)

    def labelly(c: str) -> bool:
        # A few short values, each repeated: a category, not an identifier or a note.
        return (c != text and 2 <= distinct[c] <= max(2, filled[c] // 2) and length[c] <= 60)

    named = [(r, c) for c in columns if (r := _name_rank(c, LABEL_NAMES)) is not None and labelly(c)]
    if named:
        label = min(named)[1]
    else:
        label = min((c for c in columns if labelly(c)),
                    key=lambda c: (distinct[c] / max(filled[c], 1), length[c]), default=None)
    return ColumnGuess(columns, text, label)


def guess_table_columns(path: str | Path) -> ColumnGuess:
    """Read the table at ``path`` and guess its text and label columns."""
    header, rows = _read_table(path)
    return guess_columns(header, rows[:SAMPLE_ROWS])
