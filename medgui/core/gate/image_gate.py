"""The image applicability gate: is this picture a radiograph like the model's training data?

Tests on the descriptor of ``image_features`` (fitted by ``image_fit``, stored with
the model version as plain JSON + NPZ):

1. **distance** to the training images: Hotelling's T^2 in the principal subspace of the
   standardised descriptors of in-domain images, and the squared residual outside it
   (SPE). Fitted on in-domain images alone, so it flags kinds of picture nobody thought of;
2. **contrast**: a logistic model of in-domain images against constructed negatives
   (noise, documents, photographs, turned films, other radiographs...);
3. **orientation**: the thumbnail must match the mean in-domain thumbnail better upright
   than turned or flipped (fitted on in-domain images alone, like 1);
4. the **header** of a DICOM file (another body part, a CT or angiography study, an RF
   study without a chest body part, several frames): ``loader.applicability_warnings``.

An image passes when every test passes. When it does not, the reason names what the
picture looks like (the nearest kind of negative; a film turned the wrong way is
recognised by turning it back) and the model's domain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from medgui.core.errors import ModelLoadError
from medgui.core.gate.files import read_gate
from medgui.core.gate.image_features import (
    FEATURE_VERSION,
    THUMB,
    ColourSample,
    colour_sample,
    describe,
)

# What each kind of negative is called in "Not applicable: this looks like ...".
LOOKS_LIKE = {
    "blank": "a blank or nearly uniform image",
    "noise": "noise or a damaged image",
    "gradient": "a synthetic gradient",
    "pattern": "a synthetic pattern (stripes, grid or checkerboard)",
    "document": "a document, a page of text or a screenshot",
    "shapes": "a drawing or a graphic",
    "photo": "a photograph",
    "colour": "a colour picture",
    "radiograph_other": "another kind of radiograph or medical image",
    "turned": "a chest film turned the wrong way",
}
SCORES = ("t2", "spe", "logit", "upright")
# Width : height outside this range is no chest film (Kermany's full-size films: 0.93-2.41).
ASPECT_RANGE = (0.4, 2.8)
UNLIKE = "an image unlike the radiographs this model was trained on"
TURNED_NAMES = {1: "a chest film turned on its side (rotated 90 degrees)",
                2: "a chest film upside down (rotated 180 degrees)",
                3: "a chest film turned on its side (rotated 90 degrees)",
                4: "a chest film flipped upside down"}


@dataclass
class ImageVerdict:
    """The gate's answer for one image."""

    applicable: bool
    looks_like: str | None = None  # a phrase: "a photograph", "a chest film upside down"...
    reason: str = ""  # the sentence shown to the user when not applicable
    scores: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"applicable": self.applicable, "looks_like": self.looks_like,
                "scores": {k: round(float(v), 4) for k, v in self.scores.items()}}


class ImageGate:
    """A fitted gate (see the module doc); built from ``gate.json`` + ``gate.npz``."""

    def __init__(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        if meta.get("features") != FEATURE_VERSION:
            raise ModelLoadError(f"the image gate was fitted on '{meta.get('features')}' features; "
                                 f"this medgui computes '{FEATURE_VERSION}'. Refit it (scripts/build_gates.py).")
        try:
            self.mean = arrays["mean"].astype(np.float32)
            self.scale = arrays["scale"].astype(np.float32)
            self.components = arrays["components"].astype(np.float32)
            self.eigenvalues = arrays["eigenvalues"].astype(np.float32)
            self.coef = arrays["coef"].astype(np.float32)
            self.template = arrays["template"].astype(np.float32)
            self.kind_coef = arrays["kind_coef"].astype(np.float32)
            self.kind_intercept = arrays["kind_intercept"].astype(np.float32)
            t = meta["thresholds"]
            self.t2_max, self.spe_max, self.logit_min = float(t["t2"]), float(t["spe"]), float(t["logit"])
            self.upright_min = float(t["upright"])
            self.aspect_range = tuple(float(v) for v in meta.get("aspect_range", ASPECT_RANGE))
            self.intercept = float(meta["intercept"])
            self.kinds: list[str] = list(meta["kinds"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelLoadError(f"the image gate is incomplete ({exc!r}); refit it") from exc
        self.domain = str(meta.get("domain") or "images like its training data")
        self.meta = meta
        self.arrays = {"mean": self.mean, "scale": self.scale, "components": self.components,
                       "eigenvalues": self.eigenvalues, "coef": self.coef, "template": self.template}

    @classmethod
    def from_folder(cls, folder: Path) -> ImageGate:
        return cls(*read_gate(folder, "image"))

    # -- scoring ----------------------------------------------------------------------
    def scores(self, descriptor: np.ndarray) -> dict[str, float]:
        row = score_matrix(np.asarray(descriptor, np.float32)[np.newaxis], self.arrays, self.intercept)[0]
        return dict(zip(SCORES, (float(v) for v in row), strict=True))

    def passes(self, scores: dict[str, float]) -> bool:
        return (scores["t2"] <= self.t2_max and scores["spe"] <= self.spe_max
                and scores["logit"] >= self.logit_min and scores["upright"] >= self.upright_min)

    def nearest_kind(self, descriptor: np.ndarray) -> str:
        z = (np.asarray(descriptor, np.float32) - self.mean) / self.scale
        logits = self.kind_coef @ z + self.kind_intercept
        order = [self.kinds[i] for i in np.argsort(-logits)]
        return next(k for k in order if k != "in_domain")

    def assess(self, x: np.ndarray, colour: ColourSample) -> ImageVerdict:
        """The verdict on one model input ``x`` (H, W[, 1] in [0, 1]) and its colour sample."""
        d = describe(x, colour)
        scores = self.scores(d)
        low, high = self.aspect_range
        if not low <= colour.aspect <= high:
            return ImageVerdict(False, f"an image of unusual proportions (width : height = {colour.aspect:.2f})",
                                scores=scores)
        if self.passes(scores):
            return ImageVerdict(True, scores=scores)
        looks = self._turned(x, colour, d) or LOOKS_LIKE.get(self.nearest_kind(d), UNLIKE)
        if looks == LOOKS_LIKE["turned"]:
            looks = UNLIKE  # the kind model says "turned" but no turn makes it a film
        return ImageVerdict(False, looks, scores=scores)

    def _turned(self, x: np.ndarray, colour: ColourSample, d: np.ndarray) -> str | None:
        """Name the turn that makes ``x`` pass, if one does (only asked of rejected images).

        Only the turn whose template matches the thumbnail best is tried: one more
        descriptor, not four.
        """
        thumb = normalised_thumbnails(d[np.newaxis])[0]
        t = self.template
        matches = [float((thumb * np.rot90(t, k)).sum()) for k in (1, 2, 3)] + [float((thumb * t[::-1]).sum())]
        best = int(np.argmax(matches))
        if matches[best] <= float((thumb * t).sum()):
            return None  # it matches the upright film best: not a turned film
        g = x[:, :, 0] if x.ndim == 3 else x
        # Undo the turn: the thumbnail matches the template turned by k, so turn it back.
        k = (1, 2, 3, 4)[best]
        candidate = g[::-1] if k == 4 else np.rot90(g, -k)
        c = colour if k in (2, 4) else ColourSample(colour.saturation_mean, colour.saturation_p90,
                                                     colour.coloured_share, 1.0 / colour.aspect)
        if self.passes(self.scores(describe(np.ascontiguousarray(candidate), c))):
            return TURNED_NAMES[k]
        return None


def score_matrix(x: np.ndarray, arrays: dict[str, np.ndarray], intercept: float) -> np.ndarray:
    """``(n, 4)`` scores of descriptors ``x`` (order of ``SCORES``).

    ``t2``: Hotelling's T^2 in the principal subspace of the in-domain descriptors;
    ``spe``: squared residual outside it; ``logit``: the contrast model (in-domain vs
    negatives); ``upright``: how much better the thumbnail matches the mean in-domain
    thumbnail as it is than turned 90, 180, 270 degrees or flipped upside down
    (correlations; negative for a film the wrong way up).
    """
    z = (np.asarray(x, np.float32) - arrays["mean"]) / arrays["scale"]
    proj = z @ arrays["components"].T
    t2 = (proj * proj / arrays["eigenvalues"]).sum(axis=1)
    spe = (z * z).sum(axis=1) - (proj * proj).sum(axis=1)
    logit = z @ arrays["coef"] + intercept
    thumbs = normalised_thumbnails(x)
    template = arrays["template"]
    turned = np.stack([np.rot90(template, 1), np.rot90(template, 2), np.rot90(template, 3), template[::-1]])
    as_is = np.einsum("nij,ij->n", thumbs, template)
    best_turned = np.einsum("nij,kij->nk", thumbs, turned).max(axis=1)
    return np.stack([t2, spe, logit, as_is - best_turned], axis=1)


def normalised_thumbnails(x: np.ndarray) -> np.ndarray:
    """The descriptors' thumbnails, each centred and scaled to unit norm: ``(n, T, T)``."""
    t = np.asarray(x, np.float32)[:, : THUMB * THUMB].reshape(-1, THUMB, THUMB)
    t = t - t.mean(axis=(1, 2), keepdims=True)
    return t / (np.sqrt((t * t).sum(axis=(1, 2), keepdims=True)) + 1e-6)


def not_applicable_reason(looks_like: str | None, header: list[str], domain: str) -> str:
    """The sentence shown when a reading is withheld."""
    parts = []
    if looks_like:
        parts.append(f"this looks like {looks_like}")
    if header:
        parts.append("; ".join(header))
    return f"Not applicable: {'; '.join(parts)}. This model reads {domain}."


def gate_colour(image: Any) -> ColourSample:
    """The colour sample of an ``XRayImage`` or a uint8 picture (what the user opened)."""
    pixels = image.pixels if hasattr(image, "pixels") and getattr(image, "is_rgb", False) else None
    if pixels is not None:
        return colour_sample(pixels)
    arr = image.pixels if hasattr(image, "pixels") else np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] in (3, 4) and arr.dtype == np.uint8:
        return colour_sample(arr)
    return ColourSample(aspect=arr.shape[1] / arr.shape[0] if arr.shape[0] else 1.0)


def check_image(gate: ImageGate | None, image: Any, x: np.ndarray, header: list[str],
                model_domain: str | None = None) -> ImageVerdict | None:
    """Gate + header: the one verdict the classifier attaches to a reading.

    ``image`` is the ``XRayImage`` (or uint8 picture) opened, ``x`` the model input made
    from it, ``header`` the file's applicability warnings (``loader.applicability_warnings``).
    Without a gate (a model version made before gates existed) only the header decides,
    and None means nothing was checked.
    """
    if gate is None:
        if not header:
            return None
        verdict = ImageVerdict(False)
        domain = model_domain or "chest radiographs"
    else:
        verdict = gate.assess(x, gate_colour(image))
        domain = gate.domain
    if header:
        verdict.applicable = False
    if not verdict.applicable:
        verdict.reason = not_applicable_reason(verdict.looks_like, header, domain)
    return verdict
