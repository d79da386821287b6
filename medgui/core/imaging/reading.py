"""How sure a two-class reading is: clear, or borderline near its decision threshold.

The label itself comes from the one threshold rule (the model's card: positive when
P(positive) >= threshold). This module only says how to *present* it. A reading is
**borderline** when P(positive) is within :data:`BORDERLINE_BAND` (0.10, on the 0-1
probability scale) of the threshold, or when the label goes against the more probable
class (P(positive) between 50 % and the threshold): then the positive bar is the
longer one while the label says negative, or the other way round, and a confident
colour would mislead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BORDERLINE_BAND = 0.10

BORDERLINE_RULE = (
    f"Borderline: the probability of the finding is within {BORDERLINE_BAND * 100:.0f} "
    "percentage points of the decision threshold, or the label goes against the more "
    "probable class (the probability lies between 50 % and the threshold)."
)


@dataclass(frozen=True)
class ReadingState:
    """``kind``: "positive", "negative", "borderline" or "plain" (no threshold rule).

    ``p_positive`` and ``threshold`` are set for a two-class reading with a threshold.
    """

    kind: str
    label: str
    positive_class: str | None = None
    p_positive: float | None = None
    threshold: float | None = None

    @property
    def borderline(self) -> bool:
        return self.kind == "borderline"

    def class_threshold(self, cls: str, classes: list[str]) -> float | None:
        """Where the decision threshold falls on ``cls``'s probability bar.

        For the positive class it is the threshold; for the other class of a two-class
        reading, ``1 - threshold`` (the probabilities add up to 1). None otherwise.
        """
        if self.threshold is None or self.positive_class is None or len(classes) != 2:
            return None
        return self.threshold if cls == self.positive_class else 1.0 - self.threshold


def reading_state(result: Mapping[str, Any]) -> ReadingState:
    """Classify a ``classify_image`` result for presentation (see the module docstring)."""
    label = str(result.get("label", ""))
    probabilities: Mapping[str, float] = result.get("probabilities") or {}
    positive = result.get("positive_class")
    threshold = result.get("threshold")
    if (threshold is None or positive is None or positive not in probabilities
            or len(probabilities) != 2):
        return ReadingState("plain", label)
    p = float(probabilities[positive])
    t = float(threshold)
    against_odds = min(0.5, t) <= p < max(0.5, t) if t != 0.5 else False
    if abs(p - t) <= BORDERLINE_BAND or against_odds:
        kind = "borderline"
    else:
        kind = "positive" if label == positive else "negative"
    return ReadingState(kind, label, str(positive), p, t)
