"""The image gate's descriptor: cheap statistics of what the model is about to read.

Everything is computed from the model's own input (the grayscale square the CNN sees,
see ``core.imaging.preprocess.model_input``) plus a coarse colour sample and the shape of
the original picture, so the gate adds well under a millisecond to a reading and is
independent of any one CNN: the same descriptor serves every image model.

The descriptor (``N_FEATURES`` floats, float32):

* a 24 x 24 thumbnail (layout: where the lungs, mediastinum and diaphragm are);
* row and column intensity profiles, and the left/right and top/bottom symmetry of the
  thumbnail (a chest film is left/right symmetric, not top/bottom);
* a 16-bin intensity histogram and its entropy, the share of nearly black / white pixels;
* gradient statistics on a 64 x 64 copy: an 8-bin orientation histogram weighted by
  magnitude, edge density, mean magnitude, and fine-scale (pixel-to-pixel) energy, which
  noise, text and screenshots have far more of than a radiograph;
* colour: mean and 90th percentile of the HSV saturation and the share of clearly
  coloured pixels (all 0 for a grayscale file).

The aspect ratio of the original picture is kept beside it (``ColourSample.aspect``) for a
fixed rule, not learnt: training images are often stored squashed to a square.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

THUMB = 24
GRAD = 64
PROFILE = 12
HIST = 16
FEATURE_VERSION = "medgui-image-gate-features-2"


@dataclass(frozen=True)
class ColourSample:
    """What the gate keeps of the original picture besides the model input."""

    saturation_mean: float = 0.0
    saturation_p90: float = 0.0
    coloured_share: float = 0.0
    aspect: float = 1.0  # width / height of the original

    def as_array(self) -> np.ndarray:
        # The aspect ratio is not a feature: training images are often stored squashed to a
        # square (as Kermany's 224 px copies are), so the gate checks it with a fixed rule.
        return np.array([self.saturation_mean, self.saturation_p90, self.coloured_share], dtype=np.float32)


def colour_sample(pixels: np.ndarray) -> ColourSample:
    """Colour statistics from a nearest-neighbour sample (at most 96 x 96) of ``pixels``.

    ``pixels``: uint8 (H, W), (H, W, 3) RGB or (H, W, 4); gray gives zeros.
    """
    arr = np.asarray(pixels)
    h, w = arr.shape[:2]
    aspect = w / h if h else 1.0
    if arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] == 1):
        return ColourSample(aspect=aspect)
    scale = min(1.0, 96.0 / max(h, w))
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    sample = cv2.resize(np.ascontiguousarray(arr[:, :, :3]) if arr.shape[2] != 3 else arr, size,
                        interpolation=cv2.INTER_NEAREST)
    if sample.dtype != np.uint8:
        sample = np.clip(sample, 0, 255).astype(np.uint8)
    hsv = cv2.cvtColor(sample, cv2.COLOR_RGB2HSV)
    # Very dark pixels have an unstable hue and saturation: leave them out.
    lit = hsv[:, :, 2] > 24
    sat = hsv[:, :, 1][lit] if lit.any() else hsv[:, :, 1].ravel()
    counts = np.bincount(sat, minlength=256)
    p90 = float(np.searchsorted(np.cumsum(counts), 0.9 * sat.size)) / 255.0
    return ColourSample(float(sat.mean()) / 255.0, p90, float((sat > 64).mean()), aspect)


def _profile(values: np.ndarray, n: int) -> np.ndarray:
    return cv2.resize(values.reshape(1, -1), (n, 1), interpolation=cv2.INTER_AREA).ravel()


def describe(gray: np.ndarray, colour: ColourSample) -> np.ndarray:
    """The descriptor of one model input.

    Parameters
    ----------
    gray
        The model input: float (H, W) or (H, W, 1) in [0, 1], or uint8 (H, W).
    colour
        From :func:`colour_sample` on the original picture.
    """
    g = np.asarray(gray)
    if g.ndim == 3:
        g = g[:, :, 0]
    g = g.astype(np.float32) * (np.float32(1 / 255) if g.dtype == np.uint8 else np.float32(1))
    thumb = cv2.resize(g, (THUMB, THUMB), interpolation=cv2.INTER_AREA)
    small = cv2.resize(g, (GRAD, GRAD), interpolation=cv2.INTER_AREA)
    rows = _profile(thumb.mean(axis=1), PROFILE)
    cols = _profile(thumb.mean(axis=0), PROFILE)
    centred = thumb - thumb.mean()
    norm = float(np.sqrt((centred * centred).sum())) + 1e-6
    lr = float((centred * centred[:, ::-1]).sum()) / norm ** 2
    ud = float((centred * centred[::-1, :]).sum()) / norm ** 2
    top_bottom = float(thumb[: THUMB // 2].mean() - thumb[THUMB // 2 :].mean())
    left_right = float(thumb[:, : THUMB // 2].mean() - thumb[:, THUMB // 2 :].mean())
    hist_fine = np.bincount(np.minimum((small * 64).astype(np.int32), 63).ravel(), minlength=64) / small.size
    hist = hist_fine.reshape(HIST, -1).sum(axis=1).astype(np.float32)
    fine = hist_fine[hist_fine > 0]
    entropy = float(-(fine * np.log2(fine)).sum()) / 6.0
    gx = cv2.Sobel(small, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(small, cv2.CV_32F, 0, 1, ksize=3)
    mag, angle = cv2.cartToPolar(gx, gy)  # angle in radians [0, 2 pi)
    bins = (angle * np.float32(8 / np.pi)).astype(np.int32) % 8  # orientation, sign ignored
    orient = np.bincount(bins.ravel(), weights=mag.ravel(), minlength=8).astype(np.float32)
    orient /= float(orient.sum()) + 1e-6
    # Pixel-to-pixel differences at full model resolution: noise, text and line art.
    n = g.shape[0] * (g.shape[1] - 1)
    fine_energy = (cv2.norm(g[:, 1:], g[:, :-1], cv2.NORM_L1) + cv2.norm(g[1:, :], g[:-1, :], cv2.NORM_L1)) / n
    mean, std = (float(v[0][0]) for v in cv2.meanStdDev(g))
    scalars = np.array([
        mean, std, float(hist_fine[0]), float(hist_fine[-1]),
        entropy, float(mag.mean()), float((mag > 0.25).mean()),
        np.log(fine_energy + 1e-4), lr, ud, top_bottom, left_right,
    ], dtype=np.float32)
    return np.concatenate([thumb.ravel(), rows, cols, hist, orient, scalars,
                           colour.as_array()]).astype(np.float32)


N_FEATURES = THUMB * THUMB + 2 * PROFILE + HIST + 8 + 12 + 3
