"""Constructed images that are not chest radiographs, for fitting and testing the image gate.

Each generator returns uint8 pictures (gray ``(H, W)`` or RGB ``(H, W, 3)``), the way a
user's file would arrive, deterministically from a seed. The kinds:

``blank``     uniform or nearly uniform fields (a blank scan, an all-black export)
``noise``     white, salt-and-pepper, smooth "cloud" and colour noise
``gradient``  linear and radial ramps, gray and coloured
``pattern``   checkerboards, stripes, grids, rings
``document``  pages of text, tables and forms drawn with OpenCV, plain or "scanned"
``shapes``    scenes of random filled shapes, coloured or gray
``turned``    the in-domain images themselves turned 90, 180 or 270 degrees or upside
              down (:func:`turned`): a chest film the wrong way up
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

Picture = np.ndarray
_WORDS = ["the", "patient", "report", "invoice", "total", "amount", "page", "section", "figure", "table", "date", "name", "address", "account", "payment", "summary", "results", "method", "data", "analysis", "version", "release", "notes", "chapter", "meeting", "agenda", "minutes", "contract", "party", "agreement", "clause", "hereby", "shall", "whereas", "recipe", "oven", "minutes", "cup", "sugar", "flour", "butter", "match", "goal", "season", "team", "score", "player"]  # noqa: SIM905
_FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_PLAIN, cv2.FONT_HERSHEY_DUPLEX,
          cv2.FONT_HERSHEY_COMPLEX, cv2.FONT_HERSHEY_TRIPLEX)


def _size(rng: np.random.Generator) -> tuple[int, int]:
    h = int(rng.integers(180, 700))
    return h, int(h * rng.uniform(0.6, 1.7))


def blank(rng: np.random.Generator) -> Picture:
    h, w = _size(rng)
    level = rng.choice([0.0, 255.0, rng.uniform(0, 255)])
    img = np.full((h, w), level, np.float32)
    if rng.random() < 0.5:  # a faint vignette or ramp, as a flat-field scan has
        yy, xx = np.mgrid[0:h, 0:w]
        img += rng.uniform(-20, 20) * ((yy / h - 0.5) ** 2 + (xx / w - 0.5) ** 2)
    img += rng.normal(0, rng.uniform(0, 3), img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def noise(rng: np.random.Generator) -> Picture:
    h, w = _size(rng)
    kind = rng.integers(0, 5)
    img: np.ndarray
    if kind == 0:
        img = rng.normal(rng.uniform(60, 200), rng.uniform(10, 80), (h, w))
    elif kind == 1:
        img = rng.uniform(0, 255, (h, w))
    elif kind == 2:
        img = np.where(rng.random((h, w)) < 0.5, 0, 255) * (rng.random((h, w)) < rng.uniform(0.05, 1))
        img = img + rng.uniform(0, 128)
    elif kind == 3:  # smooth clouds: low-frequency noise blown up
        cells = int(rng.integers(3, 24))
        img = cv2.resize(rng.uniform(0, 255, (cells, cells)).astype(np.float32), (w, h),
                         interpolation=cv2.INTER_CUBIC)
        img = img + rng.normal(0, rng.uniform(0, 15), (h, w))
    else:
        return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    return np.clip(img, 0, 255).astype(np.uint8)


def gradient(rng: np.random.Generator) -> Picture:
    h, w = _size(rng)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if rng.random() < 0.5:
        angle = rng.uniform(0, 2 * np.pi)
        t = (xx / w - 0.5) * np.cos(angle) + (yy / h - 0.5) * np.sin(angle)
    else:
        cx, cy = rng.uniform(0, 1, 2)
        t = np.sqrt((xx / w - cx) ** 2 + (yy / h - cy) ** 2)
    t = (t - t.min()) / (np.ptp(t) + 1e-6)
    if rng.random() < 0.5:
        return (255 * t).astype(np.uint8)
    a, b = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    return (a + (b - a) * t[..., None]).astype(np.uint8)


def pattern(rng: np.random.Generator) -> Picture:
    h, w = _size(rng)
    yy, xx = np.mgrid[0:h, 0:w]
    period = int(rng.integers(4, 80))
    kind = rng.integers(0, 4)
    if kind == 0:
        img = ((xx // period + yy // period) % 2).astype(np.float32)
    elif kind == 1:
        img = ((xx if rng.random() < 0.5 else yy) // period % 2).astype(np.float32)
    elif kind == 2:
        img = (((xx % period) < 2) | ((yy % period) < 2)).astype(np.float32)
    else:
        r = np.sqrt((xx - w / 2) ** 2 + (yy - h / 2) ** 2)
        img = (np.sin(r / period * np.pi) > 0).astype(np.float32)
    lo, hi = sorted(rng.uniform(0, 255, 2))
    img = lo + (hi - lo) * img
    if rng.random() < 0.4:
        colours = rng.uniform(0, 255, (2, 3))
        return (colours[0] + (colours[1] - colours[0]) * (img[..., None] - lo) / (hi - lo + 1e-6)).astype(np.uint8)
    return img.astype(np.uint8)


def document(rng: np.random.Generator) -> Picture:
    h = int(rng.integers(400, 1100))
    w = int(h * rng.uniform(0.65, 0.8)) if rng.random() < 0.8 else int(h * rng.uniform(1.2, 1.6))
    paper = int(rng.integers(215, 256))
    ink = int(rng.integers(0, 80))
    img: np.ndarray = np.full((h, w), paper, np.uint8)
    font = _FONTS[int(rng.integers(len(_FONTS)))]
    scale = rng.uniform(0.35, 0.9)
    step = int(28 * scale + rng.integers(4, 16))
    margin = int(rng.integers(20, 70))
    y = margin + step
    while y < h - margin:
        if rng.random() < 0.12:  # a rule or a table row
            cv2.line(img, (margin, y), (w - margin, y), ink, 1)
            for x in np.linspace(margin, w - margin, int(rng.integers(2, 6))):
                cv2.line(img, (int(x), y - step), (int(x), y), ink, 1)
        elif rng.random() > 0.08:  # a line of words (some lines left empty: paragraphs)
            x = margin + (int(rng.integers(0, 40)) if rng.random() < 0.2 else 0)
            while x < w - margin - 40:
                word = str(rng.choice(_WORDS)) if rng.random() < 0.9 else str(rng.integers(0, 99999))
                cv2.putText(img, word, (x, y), font, scale, ink, 1, cv2.LINE_AA)
                x += int(len(word) * 18 * scale + 10 * scale + rng.integers(4, 12))
        y += step
    if rng.random() < 0.4:  # scanned: blur, tilt, gray cast
        img = cv2.GaussianBlur(img, (3, 3), 0)
        m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-3, 3), 1.0)
        img = cv2.warpAffine(img, m, (w, h), borderValue=int(rng.integers(120, 230)))
    if rng.random() < 0.15:  # a dark-mode screenshot
        img = 255 - img
    if rng.random() < 0.3:
        tint = rng.uniform(0.85, 1.0, 3)
        return (img[..., None] * tint).astype(np.uint8)
    return img


def shapes(rng: np.random.Generator) -> Picture:
    h, w = _size(rng)
    coloured = rng.random() < 0.7
    img: np.ndarray = np.zeros((h, w, 3), np.uint8)
    img[:] = rng.integers(0, 256, 3)
    for _ in range(int(rng.integers(3, 40))):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        s = int(rng.integers(5, max(6, min(h, w) // 2)))
        kind = rng.integers(0, 3)
        if kind == 0:
            cv2.circle(img, (x, y), s, colour, -1, cv2.LINE_AA)
        elif kind == 1:
            cv2.rectangle(img, (x, y), (x + s, y + int(s * rng.uniform(0.3, 2))), colour, -1)
        else:
            pts = rng.integers(-s, s, (int(rng.integers(3, 7)), 2)) + [x, y]
            cv2.fillPoly(img, [pts.astype(np.int32)], colour, cv2.LINE_AA)
    if rng.random() < 0.5:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 4))
    if not coloured:
        return cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    return img


GENERATORS: dict[str, Callable[[np.random.Generator], Picture]] = {
    "blank": blank, "noise": noise, "gradient": gradient, "pattern": pattern,
    "document": document, "shapes": shapes,
}


def make(kind: str, n: int, seed: int = 0) -> list[Picture]:
    """``n`` pictures of a synthetic ``kind`` (a key of ``GENERATORS``)."""
    rng = np.random.default_rng([seed, sorted(GENERATORS).index(kind)])
    return [GENERATORS[kind](rng) for _ in range(n)]


TURNS = ("rotated 90 degrees", "upside down", "rotated 270 degrees", "flipped upside down")


def turned(picture: Picture, how: str) -> Picture:
    """``picture`` turned as ``how`` (one of ``TURNS``) says."""
    if how == "rotated 90 degrees":
        return np.ascontiguousarray(np.rot90(picture, 1))
    if how == "upside down":
        return np.ascontiguousarray(np.rot90(picture, 2))
    if how == "rotated 270 degrees":
        return np.ascontiguousarray(np.rot90(picture, 3))
    if how == "flipped upside down":
        return np.ascontiguousarray(picture[::-1])
    raise ValueError(f"unknown turn {how!r}")
