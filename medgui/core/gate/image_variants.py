"""Acquisition variants of in-domain pictures, so the gate learns the *kind* of image and not
one archive's way of storing it (size, compression, borders, exposure).

The training images of a model are often one site's export: one size, one JPEG quality,
no collimation border. Films from elsewhere differ in exactly those ways while showing the
same anatomy; fitting the gate on these variants too keeps it from rejecting them.
"""

from __future__ import annotations

import cv2
import numpy as np


def variant(picture: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One random variant of a uint8 gray picture: exposure, border, framing, blur, noise,
    JPEG; never turned more than a few degrees (a turned film is a negative)."""
    img = picture if picture.ndim == 2 else cv2.cvtColor(picture[:, :, :3], cv2.COLOR_RGB2GRAY)
    img = img.astype(np.float32) / 255.0
    h, w = img.shape
    if rng.random() < 0.7:  # exposure / display: gamma and contrast
        img = np.clip(img, 0, 1) ** rng.uniform(0.6, 1.6)
        lo, hi = np.percentile(img, (rng.uniform(0, 3), rng.uniform(97, 100)))
        img = np.clip((img - lo) / max(hi - lo, 1e-3), 0, 1)
    if rng.random() < 0.6:  # framing: zoom in or out a little, shift, tilt a few degrees
        m = cv2.getRotationMatrix2D((w / 2 + rng.uniform(-0.05, 0.05) * w, h / 2 + rng.uniform(-0.05, 0.05) * h),
                                    rng.uniform(-8, 8), rng.uniform(0.85, 1.15))
        img = cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REFLECT if rng.random() < 0.5 else cv2.BORDER_CONSTANT,
                             borderValue=float(rng.choice([0.0, 1.0])))
    if rng.random() < 0.35:  # a collimation border or burnt-in frame, white or black
        value = float(rng.choice([0.0, 1.0, rng.uniform(0.6, 1.0)]))
        for side in range(4):
            if rng.random() < 0.6:
                k = int(rng.uniform(0.01, 0.08) * (h if side < 2 else w))
                if side == 0:
                    img[:k] = value
                elif side == 1:
                    img[h - k :] = value
                elif side == 2:
                    img[:, :k] = value
                else:
                    img[:, w - k :] = value
    if rng.random() < 0.4:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 1.5))
    if rng.random() < 0.3:
        img = img + rng.normal(0, rng.uniform(0.005, 0.03), img.shape).astype(np.float32)
    out = (np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)
    if rng.random() < 0.3:  # a burnt-in marker or label
        x, y = int(rng.uniform(0.02, 0.8) * w), int(rng.uniform(0.05, 0.95) * h)
        cv2.putText(out, str(rng.choice(["L", "R", "AP", "PA", "PORTABLE"])), (x, y), cv2.FONT_HERSHEY_SIMPLEX,
                    rng.uniform(0.3, 1.0) * w / 224, 255, max(1, w // 224))
    if rng.random() < 0.4:
        scale = rng.uniform(0.3, 1.0)  # stored smaller, then read back at the model's size
        small = cv2.resize(out, (max(32, int(w * scale)), max(32, int(h * scale))), interpolation=cv2.INTER_AREA)
        ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(40, 95))])
        out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if ok else small
    return out
