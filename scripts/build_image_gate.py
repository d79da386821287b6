"""The image half of ``build_gates.py``: descriptors, leave-one-kind-out, fit, write."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
from gate_sources import (
    dicom_crops,
    dicom_frames,
    faces,
    kermany,
    load,
    other_medical,
    photos,
    record_in_card,
)

from medgui.core.gate import image_negatives, image_variants
from medgui.core.gate.files import write_gate
from medgui.core.gate.image_features import N_FEATURES, describe
from medgui.core.gate.image_fit import fit_image_gate, flags
from medgui.core.gate.image_gate import gate_colour
from medgui.core.imaging.loader import XRayImage, applicability_warnings
from medgui.core.imaging.preprocess import model_input

SEED = 20240601
DOMAIN = ("frontal chest radiographs like its training data (paediatric chest X-rays, "
          "Kermany et al. 2018)")
# Negative kinds fitted on (and each left out in turn); the others are only ever tested.
FIT_KINDS = ("blank", "noise", "gradient", "pattern", "document", "shapes", "photo", "turned",
             "radiograph_other")


def descriptor(item: Any) -> tuple[np.ndarray, list[str]] | None:
    image = load(item)
    if image is None:
        return None
    x = model_input(image)
    header = applicability_warnings(image) if isinstance(image, XRayImage) else []
    return describe(x, gate_colour(image)), header


def describe_all(examples: list, cache: Path, name: str) -> dict[str, Any]:
    """Descriptors (and header warnings, groups, names) of ``examples``, cached by content."""
    key = hashlib.sha1(json.dumps([n for n, _, _ in examples]).encode()).hexdigest()[:12]
    file = cache / f"{name}-{key}.npz"
    if file.is_file():
        with np.load(file, allow_pickle=False) as data:
            return {k: data[k] for k in data.files}
    rows, names, groups, header = [], [], [], []
    for n, g, item in examples:
        out = descriptor(item)
        if out is None:
            continue
        rows.append(out[0])
        names.append(n)
        groups.append(g)
        header.append("; ".join(out[1]))
    result = {"x": np.asarray(rows, np.float32).reshape(-1, N_FEATURES), "names": np.asarray(names),
              "groups": np.asarray(groups), "header": np.asarray(header)}
    cache.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(file, **result)
    return result


def split_patients(groups: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masks: gate fit (60 %), gate calibration (20 %), held-out validation (20 %) by patient."""
    unique = np.unique(groups)
    rng = np.random.default_rng(seed)
    share = {g: rng.random() for g in unique}
    u = np.asarray([share[g] for g in groups])
    return u < 0.6, (u >= 0.6) & (u < 0.8), u >= 0.8


def rate_ci(k: int, n: int) -> dict[str, Any]:
    """Rate with a Wilson 95 % interval."""
    if n == 0:
        return {"n": 0, "flagged": 0, "rate": None, "ci95": None}
    p, z = k / n, 1.96
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return {"n": n, "flagged": k, "rate": round(p, 4), "ci95": [round(max(0.0, centre - half), 4),
                                                                 round(min(1.0, centre + half), 4)]}


def gather(args: argparse.Namespace) -> tuple[dict, dict[str, dict], dict[str, dict]]:
    cache = args.cache
    pos = describe_all(list(kermany(args.xray)), cache, "kermany")
    rng = np.random.default_rng(SEED)
    pos_var = describe_all(list(kermany_variants(args.xray, rng)), cache, "kermany_variants")
    assert (pos_var["names"] == pos["names"]).all()
    pos["x_variant"] = pos_var["x"]
    rng_seed = SEED
    films = [load(p) for _, _, p in list(kermany(args.xray))[:: max(1, 5216 // 300)]]
    turned = []
    for i, film in enumerate(f for f in films if f is not None):
        how = image_negatives.TURNS[i % len(image_negatives.TURNS)]
        turned.append((f"turned#{i}", f"turned{i}", image_negatives.turned(film.to_uint8(), how)))
    synthetic = {kind: [(f"{kind}#{i}", f"{kind}{i}", pic) for i, pic in
                        enumerate(image_negatives.make(kind, 240, rng_seed))]
                 for kind in image_negatives.GENERATORS}
    fit_neg: dict[str, dict] = {kind: describe_all(ex, cache, kind) for kind, ex in synthetic.items()}
    fit_neg["turned"] = describe_all(turned, cache, "turned")
    fit_neg["photo"] = describe_all(list(photos(args.skimage_data, 24, rng_seed)), cache, "photo")
    d = args.dicom
    radiographs = list(dicom_frames(d / "fo_dicom/HasFragmentSequence.dcm", 96))
    for hip in ("nema_wg04/RLE/RG2_RLE", "nema_wg04/JLSL/RG2_JLSL"):
        radiographs += list(dicom_crops(d / hip, 30, rng_seed))
    fit_neg["radiograph_other"] = describe_all(radiographs, cache, "radiograph_other")
    import pydicom.data

    pydicom_files = Path(pydicom.data.get_testdata_file("CT_small.dcm")).parent  # type: ignore[arg-type]
    held: dict[str, dict] = {
        "ct_mr_nm_us_dicom": describe_all(list(other_medical(pydicom_files, args.mpl_data, args.skimage_data)),
                                          cache, "other_medical")}
    if args.skimage_data is not None:
        held["gray_face_photos"] = describe_all(list(faces(args.skimage_data)), cache, "faces")
    if args.mpl_data is not None:
        held["photo_grace_hopper"] = describe_all(list(photos_from(args.mpl_data)), cache, "mpl_photo")
    chest = [(p.name, p.name, p) for p in sorted(d.rglob("*")) if p.is_file() and _is_chest(p)]
    held_in = {"adult_chest_dicom": describe_all(chest, cache, "chest_dicom")}
    full = [(f"{c}/{p.name}", p.name, p) for c in ("NORMAL", "PNEUMONIA")
            for p in sorted((args.xray.parent / "fullres-sample" / c).glob("*"))]
    held_in["kermany_fullres"] = describe_all(full, cache, "fullres")
    return pos, fit_neg, {"held_out_kinds": held, "in_domain_other": held_in}


def kermany_variants(root: Path, rng: np.random.Generator):  # type: ignore[no-untyped-def]
    for name, group, path in kermany(root):
        image = load(path)
        if image is not None:
            yield name, group, image_variants.variant(image.to_uint8(), rng)


def photos_from(mpl: Path):  # type: ignore[no-untyped-def]
    from gate_sources import _read, augment

    img = _read(mpl / "grace_hopper.jpg")
    if img is None:
        return
    for k, crop in enumerate(augment(img, np.random.default_rng(1), 12)):
        yield f"grace_hopper#{k}", "grace_hopper", crop


CHEST_NAMES = ("RG1_UNCI", "RG1_J2KI", "CR-MONO1-10-chest", "Monochrome1-Jpeg", "1.3.6.1.4.1.11129",
               "1.2.276.0.7230010.3.1.4.8323329.6904")


def _is_chest(p: Path) -> bool:
    return any(p.name.startswith(n) for n in CHEST_NAMES)


def image_main(args: argparse.Namespace) -> dict[str, Any]:
    pos, fit_neg, extra = gather(args)
    fit_m, cal_m, val_m = split_patients(pos["groups"], SEED)
    x, xv = pos["x"], pos["x_variant"]
    fit_x = np.concatenate([x[fit_m], xv[fit_m]])
    cal_x = np.concatenate([x[cal_m], xv[cal_m]])
    negs = {k: v["x"] for k, v in fit_neg.items()}
    report: dict[str, Any] = {"leave_one_kind_out": {}, "held_out_kinds": {}, "in_domain": {}}
    if args.loko_from is not None:  # the same code's earlier leave-one-kind-out figures
        report["leave_one_kind_out"] = json.loads(args.loko_from.read_text())["leave_one_kind_out"]
    for kind in FIT_KINDS if args.loko_from is None else ():
        others = {k: v for k, v in negs.items() if k != kind}
        meta, arrays = fit_image_gate(fit_x, cal_x, others, seed=SEED, domain=DOMAIN, name_kinds=False)
        f = flags(negs[kind], meta, arrays)
        report["leave_one_kind_out"][kind] = rate_ci(int(f.sum()), len(f))
        report["leave_one_kind_out"][kind]["in_domain_validation"] = rate_ci(
            int(flags(x[val_m], meta, arrays).sum()), int(val_m.sum()))
        print(kind, report["leave_one_kind_out"][kind], flush=True)
    meta, arrays = fit_image_gate(fit_x, cal_x, negs, seed=SEED, domain=DOMAIN)
    for kind, data in extra["held_out_kinds"].items():
        f = flags(data["x"], meta, arrays)
        report["held_out_kinds"][kind] = {**rate_ci(int(f.sum()), len(f)),
                                          "missed": [str(n) for n in data["names"][~f]][:20]}
    fv = flags(x[val_m], meta, arrays)
    report["in_domain"]["kermany_validation_patients"] = rate_ci(int(fv.sum()), int(val_m.sum()))
    fvv = flags(xv[val_m], meta, arrays)
    report["in_domain"]["kermany_validation_acquisition_variants"] = rate_ci(int(fvv.sum()), int(val_m.sum()))
    for kind, data in extra["in_domain_other"].items():
        f = flags(data["x"], meta, arrays)
        report["in_domain"][kind] = {**rate_ci(int(f.sum()), len(f)),
                                     "flagged_names": [str(n) for n in data["names"][f]]}
    report["pooled"] = {
        "fitted kinds, each left out": rate_ci(sum(v["flagged"] for v in report["leave_one_kind_out"].values()),
                                               sum(v["n"] for v in report["leave_one_kind_out"].values())),
        "kinds never fitted": rate_ci(sum(v["flagged"] for v in report["held_out_kinds"].values()),
                                      sum(v["n"] for v in report["held_out_kinds"].values())),
    }
    print(json.dumps(report, indent=1))
    report["summary"] = {k: v for k, v in report.items() if k != "summary"}
    if args.write:
        figures = {
            "what": "image applicability gate (medgui.core.gate.image_gate): distance to the training films "
                    "(T^2 + residual), contrast model vs constructed negatives, upright-template test, DICOM "
                    "header; fitted by scripts/build_gates.py",
            "in_domain_pass_rate": {k: (None if v["rate"] is None else round(1 - v["rate"], 4))
                                    for k, v in report["in_domain"].items()},
            "in_domain_false_flags": report["in_domain"],
            "out_of_domain_flag_rate_leave_one_kind_out": report["leave_one_kind_out"],
            "out_of_domain_flag_rate_kinds_never_fitted": report["held_out_kinds"],
            "pooled": report["pooled"],
            "split": "Kermany patients: 60 % fit, 20 % calibration (thresholds), 20 % validation (figures); "
                     "seed " + str(SEED),
        }
        meta["figures"] = figures
        written = write_gate(args.write, meta, arrays)
        record_in_card(args.write, written, figures)
        print(f"wrote {written} into {args.write}")
    return report
