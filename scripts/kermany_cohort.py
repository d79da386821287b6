"""Cohort-like hold-out for the Kermany chest X-ray train split (used by the training scripts).

Kermany et al. 2018 took their official test split from the earliest acquisitions: its file
names carry the lowest patient numbers of each acquisition batch. The file names reveal
three batches: ``IM-NNNN-*`` and ``NORMAL2-IM-NNNN-*`` (normal films, two batches) and
``personNNN_{bacteria,virus}_*`` (pneumonia). :func:`cohort_holdout` holds out, in each batch,
the patients with the lowest numbers (``fraction`` of that batch's patients): whole groups of
neighbouring patients acquired together, never seen in training, like the next cohort.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

_BATCH = re.compile(r"^(?:(NORMAL2-IM)-(\d+)|(IM)-(\d+)|(person)(\d+)_)")


def batch_and_number(name: str) -> tuple[str, int] | None:
    """``("IM", 115)`` for ``IM-0115-0001.jpeg``; None for a name outside the three batches."""
    m = _BATCH.match(name)
    if not m:
        return None
    g = [x for x in m.groups() if x is not None]
    return g[0], int(g[1])


def cohort_holdout(paths: Iterable[Path | str], fraction: float = 0.2) -> set[str]:
    """File names (``Path.name``) held out: the lowest-numbered ``fraction`` of patients per batch."""
    by_batch: dict[str, set[int]] = {}
    keyed = []
    for p in paths:
        name = Path(p).name
        key = batch_and_number(name)
        keyed.append((name, key))
        if key:
            by_batch.setdefault(key[0], set()).add(key[1])
    cut = {b: sorted(nums)[max(1, round(len(nums) * fraction)) - 1] for b, nums in by_batch.items()}
    return {name for name, key in keyed if key and key[1] <= cut[key[0]]}
