"""The one train/validation/test split, and what training does with the training split.

:func:`split_items` is the only split the app, ``medgui train`` and the scripts use:
stratified by class and group-aware, so every example of one patient (or one text's
duplicates) lands in the same split. :func:`class_weights` and :func:`oversample` act on
the training split only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from medgui.core.errors import DatasetError


@dataclass(frozen=True)
class Split:
    """Indices into a scan's items; one group never appears in two splits."""

    train: tuple[int, ...]
    val: tuple[int, ...]
    test: tuple[int, ...]


def split_items(labels: Sequence[str | int], groups: Sequence[str], train: float = 0.7, val: float = 0.15,
                test: float = 0.15, seed: int = 0) -> Split:
    """A stratified, group-aware train/validation/test split, the same for the same seed.

    Groups (patients) are dealt out class by class, largest first, each to the split
    furthest below its share of that class, so class proportions follow the fractions
    and the first three groups of every class land in three different splits.

    Raises
    ------
    DatasetError
        Bad fractions, or a class with fewer than three groups (it cannot be in all splits).
    """
    fractions = np.array([train, val, test], dtype=float)
    if (fractions <= 0).any() or abs(fractions.sum() - 1.0) > 1e-6:
        raise DatasetError(f"the train/validation/test fractions must be positive and add up to "
                           f"1 (100 %); got {train:g}/{val:g}/{test:g}")
    if len(labels) != len(groups):
        raise DatasetError(f"{len(labels)} labels but {len(groups)} groups")
    members: dict[str, list[int]] = defaultdict(list)
    for i, g in enumerate(groups):
        members[str(g)].append(i)
    label_of = [str(lab) for lab in labels]
    dominant = {g: Counter(label_of[i] for i in idx).most_common(1)[0][0] for g, idx in members.items()}
    rng = np.random.default_rng(seed)
    totals = Counter(label_of)
    counts: dict[str, np.ndarray] = {c: np.zeros(3) for c in totals}
    assigned: list[list[int]] = [[], [], []]
    for cls in sorted(totals):
        mine = sorted(g for g in members if dominant[g] == cls)
        order = [mine[k] for k in rng.permutation(len(mine))]
        order.sort(key=lambda g: -len(members[g]))  # stable: ties keep the seeded order
        target = fractions * totals[cls]
        for g in order:
            deficit = (target - counts[cls]) / target
            k = int(np.argmax(deficit))  # ties go to train, then validation
            assigned[k] += members[g]
            for i in members[g]:
                counts[label_of[i]][k] += 1
    for cls in sorted(totals):
        if (counts[cls] == 0).any():
            n_groups = sum(1 for idx in members.values() if any(label_of[i] == cls for i in idx))
            raise DatasetError(
                f"class '{cls}' comes from {n_groups} group(s) (patients or files), too few to put "
                "one in each of the training, validation and test splits; add data or exclude it")
    return Split(*(tuple(sorted(a)) for a in assigned))


def class_weights(labels: Sequence[str | int], classes: Sequence[str]) -> dict[int, float]:
    """``n / (n_classes * count)`` per class index; a class absent from ``labels`` gets 1.0."""
    idx = [lab if isinstance(lab, (int, np.integer)) else list(classes).index(lab) for lab in labels]
    counts = np.bincount(np.asarray(idx, dtype=int), minlength=len(classes))
    n, k = len(idx), len(classes)
    return {c: (float(n / (k * counts[c])) if counts[c] else 1.0) for c in range(k)}


def oversample(indices: Sequence[int], labels: Sequence[str | int] | np.ndarray, seed: int = 0) -> list[int]:
    """Repeat random examples of the smaller classes until every class matches the largest.

    ``labels[i]`` is the label of item ``i``; only ``indices`` (the training split) are
    used, so no copy of a validation or test example can reach training.
    """
    rng = np.random.default_rng(seed)
    by_class: dict[str, list[int]] = defaultdict(list)
    for i in indices:
        by_class[str(labels[i])].append(int(i))
    if not by_class:
        return []
    largest = max(len(v) for v in by_class.values())
    out: list[int] = []
    for cls in sorted(by_class):
        members = by_class[cls]
        out += members
        extra = largest - len(members)
        if extra:
            out += [members[k] for k in rng.integers(0, len(members), size=extra)]
    return [out[k] for k in rng.permutation(len(out))]


KFOLD_BELOW = 300
"""Below this many examples a single split is too noisy to judge a model: suggest k-fold."""
FEW_IN_TEST = 10
FEW_OVERALL = 20
TYPICAL_ACCURACY = 0.85


def small_data_advice(counts: dict[str, int], test_fraction: float, kfold: int = 0) -> list[str]:
    """Plain-language advice for a small data set: k-fold, how wide the intervals will be,
    and which classes are too few to evaluate (``< FEW_IN_TEST`` expected in the test split,
    or ``< FEW_OVERALL`` in all)."""
    n = sum(counts.values())
    out: list[str] = []
    if not n:
        return out
    if n < KFOLD_BELOW and not kfold:
        out.append(f"With {n} examples a single train/test split is noisy: turn on k-fold "
                   "cross-validation (e.g. 5 folds) to see how much the figures vary.")
    n_test = max(1, round(n * test_fraction))
    p = TYPICAL_ACCURACY
    half = 1.96 * (p * (1 - p) / n_test) ** 0.5
    out.append(f"The test split will hold about {n_test} examples: an accuracy of {p:.0%} measured "
               f"on it is only known to within about ±{100 * half:.0f} percentage points "
               f"(95 % confidence interval, {100 * (p - half):.0f}–{min(100.0, 100 * (p + half)):.0f} %).")
    few = [f"{c} ({k} in all, about {round(k * test_fraction)} in the test split)"
           for c, k in counts.items() if k < FEW_OVERALL or round(k * test_fraction) < FEW_IN_TEST]
    if few:
        out.append(f"Too few to evaluate: {'; '.join(few)}. Their precision and recall will rest on "
                   "a handful of cases; add examples if you can.")
    return out
