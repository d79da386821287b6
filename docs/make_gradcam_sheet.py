"""Where does the shipped model's Grad-CAM fall? A contact sheet and lung-field figures (issue #8).

    python docs/make_gradcam_sheet.py --data ../shared/data/xray/kermany224-train \\
        [--model pneumonia-cnn] [--n 24] [--out docs/gradcam-sheet.jpg]

Takes ``--n`` films from the cohort-like hold-out (``scripts/kermany_cohort.py``; the model
never trained on them), half NORMAL and half PNEUMONIA, computes the PNEUMONIA Grad-CAM of
the registered model, and measures how the heatmap's mass splits between

* **lung fields**: a simple mask: the two largest dark regions (Otsu on the blurred,
  CLAHE-standardised film) inside the central 84 % of the picture;
* **mediastinum**: the central vertical band (40 %-60 % of the width) outside the lungs;
* **border**: the outer 8 % of the picture on every side (labels, collimation, arms);
* **other**: the rest (diaphragm, abdomen, shoulders, soft tissue).

Writes the contact sheet (film | heatmap overlay with the lung contour) and prints the
mean shares with their spread.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import cv2
import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))


def lung_mask(gray: np.ndarray) -> np.ndarray:
    """A rough lung-field mask of a uint8 frontal chest film (bool, same shape)."""
    h, w = gray.shape
    blur = cv2.GaussianBlur(gray, (0, 0), max(1.0, w / 100))
    inner = np.zeros_like(gray, dtype=bool)
    inner[int(0.08 * h):int(0.92 * h), int(0.08 * w):int(0.92 * w)] = True
    _, dark = cv2.threshold(blur[inner], 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    mask = np.zeros_like(gray, dtype=np.uint8)
    mask[inner] = dark.ravel()
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, 8)
    keep = sorted(range(1, n), key=lambda k: -stats[k, cv2.CC_STAT_AREA])[:2]
    return np.isin(labels, keep)


def regions(gray: np.ndarray) -> dict[str, np.ndarray]:
    h, w = gray.shape
    lungs = lung_mask(gray)
    border = np.ones_like(lungs)
    border[int(0.08 * h):int(0.92 * h), int(0.08 * w):int(0.92 * w)] = False
    band = np.zeros_like(lungs)
    band[:, int(0.4 * w):int(0.6 * w)] = True
    mediastinum = band & ~lungs & ~border
    other = ~(lungs | border | mediastinum)
    return {"lungs": lungs & ~border, "mediastinum": mediastinum, "border": border, "other": other}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--model", default="pneumonia-cnn")
    ap.add_argument("--registry", type=Path, help="registry root (default: the app's)")
    ap.add_argument("--n", type=int, default=24)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "gradcam-sheet.jpg")
    args = ap.parse_args()

    from kermany_cohort import cohort_holdout

    from medgui.core.ml.service import configure_environment

    configure_environment()
    from medgui.core.imaging.preprocess import load_model_input
    from medgui.core.ml import modelio
    from medgui.core.ml.image.explain import GradCam
    from medgui.core.models.registry import Registry

    registry = Registry(root=args.registry) if args.registry else Registry()
    card = registry.get(args.model) if "@" in args.model else max(
        (c for c in registry.list("image") if c.name == args.model), key=lambda c: c.version)
    model = modelio.load_model(card)
    size = int(model.input_shape[1])
    normalise = str((card.preprocessing or {}).get("normalise", "none"))
    cam = GradCam(model)
    pos = card.classes.index(card.positive_class or card.classes[-1])
    rng = np.random.default_rng(args.seed)
    files = []
    for cls in ("NORMAL", "PNEUMONIA"):
        all_files = sorted((args.data / cls).iterdir())
        held = sorted(cohort_holdout(all_files))
        files += [args.data / cls / name for name in rng.choice(held, args.n // 2, replace=False)]
    tiles, shares = [], []
    for f in files:
        x = load_model_input(str(f), size, normalise=normalise)
        heat = cam(x, pos)
        p = float(model(x[None], training=False).numpy()[0, pos])
        gray = (x[:, :, 0] * 255).astype(np.uint8)
        reg = regions(gray)
        total = float(heat.sum()) or 1.0
        shares.append({k: float(heat[m].sum() / total) for k, m in reg.items()})
        film = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
        over = cv2.addWeighted(film, 0.55, cv2.applyColorMap((heat * 255).astype(np.uint8), cv2.COLORMAP_JET), 0.45, 0)
        contours, _ = cv2.findContours(reg["lungs"].astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(over, contours, -1, (255, 255, 255), 1)
        tile = np.hstack([film, over])
        label = f"{f.parent.name[:4]} p={p:.2f} lung {shares[-1]['lungs']:.0%}"
        cv2.putText(tile, label, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (255, 255, 255), 1, cv2.LINE_AA)
        tiles.append(tile)
    cols = 4
    rows = [np.hstack(tiles[i:i + cols]) for i in range(0, len(tiles), cols)]
    sheet = np.vstack(rows)
    cv2.imwrite(str(args.out), sheet, [cv2.IMWRITE_JPEG_QUALITY, 85])
    summary = {k: {"mean": round(float(np.mean([s[k] for s in shares])), 3),
                   "sd": round(float(np.std([s[k] for s in shares])), 3)} for k in shares[0]}
    area = regions((load_model_input(str(files[0]), size, normalise=normalise)[:, :, 0] * 255).astype(np.uint8))
    print(json.dumps({"model": card.ref, "films": len(files), "heatmap_share": summary,
                      "area_share_first_film": {k: round(float(m.mean()), 3) for k, m in area.items()}}))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
