"""Texts filed under several classes: which label(s) to train on.

A text can carry several labels in two ways: the same note appears in several rows (or
class folders) with different labels, as in MTSamples, where a note is filed under its
specialty and under "Surgery"; or one label cell names several classes
("Cardiology; Surgery"). A single-label classifier cannot learn both, and by default
such texts are left out. :data:`RULES` are the other choices the user has:

``first``     the first label (the first row's, or the first named in the cell)
``majority``  the label given most often to that text (ties: the first of them)
``each``      one example per label; the copies share a group, so they always fall on
              the same side of every split (no leak between training and test)

:func:`split_cell` reads a label cell that names several classes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence

from medgui.core.errors import DatasetError

DEFAULT = "drop"
RULES: dict[str, str] = {
    "drop": "Leave them out (no single label is right)",
    "first": "Use the first label",
    "majority": "Use the label given most often",
    "each": "One example per label",
}
#: What a scan's warning says was done with them.
DONE: dict[str, str] = {
    "drop": "left out of training",
    "first": "kept once, with their first label",
    "majority": "kept once, with the label given most often",
    "each": "kept once per label, each text's copies in the same split",
}
_ALWAYS = re.compile(r"[;|]")  # never part of a class name in practice
_COMMA = re.compile(r",")  # only where every part is a class of its own elsewhere


def check_rule(rule: str) -> str:
    if rule not in RULES:
        raise DatasetError(f"unknown rule '{rule}' for texts with several labels; choose one of "
                           f"{', '.join(RULES)}")
    return rule


def resolve(labels: Sequence[str], rule: str) -> list[str]:
    """The labels to keep for one text whose copies carry ``labels`` (in reading order).

    >>> resolve(["Surgery", "Orthopedic", "Orthopedic"], "majority")
    ['Orthopedic']
    >>> resolve(["Surgery", "Orthopedic", "Surgery"], "each")
    ['Surgery', 'Orthopedic']
    """
    check_rule(rule)
    distinct = list(dict.fromkeys(labels))
    if len(distinct) <= 1:
        return distinct
    if rule == "drop":
        return []
    if rule == "first":
        return distinct[:1]
    if rule == "majority":
        counts = Counter(labels)
        best = max(counts.values())
        return [next(label for label in distinct if counts[label] == best)]
    return distinct


def split_cell(cell: str, single_labels: Collection[str]) -> list[str]:
    """The classes a label cell names: ``"Cardiology; Surgery"`` -> both.

    Cells are split at ``;`` and ``|``; at commas only when every part is a class that
    also stands alone in some row (so "Fracture, hip" stays one class).
    """
    parts = [p.strip() for p in _ALWAYS.split(cell) if p.strip()]
    out: list[str] = []
    for part in parts:
        pieces = [p.strip() for p in _COMMA.split(part) if p.strip()]
        if len(pieces) > 1 and all(p in single_labels for p in pieces):
            out += pieces
        else:
            out.append(part)
    return list(dict.fromkeys(out)) or [cell.strip()]
