"""What a reading report says, as plain data: built from a result, its model card and
its input; drawn by ``core.reports.pdf``.

De-identified unless asked: without ``include_identifying`` a report holds no patient
name, ID or birth date, no file name (files are often named after the patient) and no
record title; a note's patient reference and labelled identifiers are redacted
(``core.deid.text``). The input is named by its sha256, which is also how the audit
trail knows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from medgui.core.audit.readings import applicability, file_sha256, text_sha256, workstation_identity
from medgui.core.models.card import (
    ModelCard,
    data_summary,
    metrics_heading,
    population_text,
    printable,
)

if TYPE_CHECKING:
    from medgui.core.audit.trail import Entry
    from medgui.core.imaging.loader import XRayImage

DISCLAIMER = (
    "Decision support only, not a diagnosis. This reading was produced by a machine-learning "
    "model and has not been reviewed by the software. The responsible clinician must review "
    "the image or record, and the patient, before any clinical decision; the model can be "
    "wrong, and it may not apply to patients or images unlike those it was validated on."
)
IDENTIFYING_TAGS = (("PatientName", "Patient name"), ("PatientID", "Patient ID"),
                    ("PatientBirthDate", "Birth date"))
MAX_NOTE_CHARS = 30_000
MAX_IMAGE_SIDE = 1200


@dataclass(frozen=True)
class NoteSegment:
    """A run of the note: plain, a driving word (``weight``), or redacted."""

    text: str
    weight: float = 0.0
    negated: bool = False
    redacted: bool = False


@dataclass
class ReportContent:
    kind: str  # "image" | "text"
    title: str
    created: datetime
    user: str
    workstation: str
    label: str | None
    probabilities: list[tuple[str, float]]
    threshold: float | None
    positive_class: str | None
    applicability: dict[str, Any]
    model_ref: str
    model_lines: tuple[str, str]
    model_sha256: str
    input_sha256: str
    input_description: str
    reason: str = ""
    calibrated: bool = False  # the probabilities went through the card's calibration map
    withheld: str = ""  # the model's label when the reading was withheld (does not apply)
    image_png: bytes | None = None
    overlay_png: bytes | None = None
    note: list[NoteSegment] = field(default_factory=list)
    note_cut: bool = False
    identifying: list[tuple[str, str]] = field(default_factory=list)
    audit_ref: str = ""
    disclaimer: str = DISCLAIMER

    @property
    def deidentified(self) -> bool:
        return not self.identifying


def card_brief(card: ModelCard | None) -> tuple[str, str]:
    """Two lines on a model: who it was trained on, and how well it did where.

    The population is the card's ``population`` when it states one, else the first
    clause of its notes."""
    if card is None:
        return ("Population: not recorded (the model's card was not found).",
                "Validation: not recorded.")
    population = data_summary(ModelCard(card.name, card.task, card.classes, card.architecture,
                                        data_fingerprint={k: v for k, v in (card.data_fingerprint or {}).items()
                                                          if k != "sha256"}))
    # The notes' first clause ("Pediatric chest radiographs (Kermany et al. 2018)").
    note = re.split(r"(?<!\bal)(?<!e\.g)(?<!i\.e)\.\s+|;\s+", printable(card.notes))[0].rstrip(".") if card.notes else ""
    note = population_text(card) or note
    line1 = "Population: " + "; ".join(p for p in (note, f"trained on {population}" if population else "") if p)
    if line1 == "Population: ":
        line1 += "not recorded on the model's card."
    m = card.metrics or {}
    figures = []
    for key, name in (("accuracy", "accuracy"), ("auc", "AUC"), ("sensitivity", "sensitivity"),
                      ("specificity", "specificity"), ("macro_f1", "macro F1")):
        value = m.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            text = f"{name} {value:.3f}"
            ci = m.get(f"{key}_ci")
            if isinstance(ci, (list, tuple)) and len(ci) == 2:
                text += f" (95 % CI {ci[0]:.3f}-{ci[1]:.3f})"
            figures.append(text)
    n = m.get("n")
    count = f", {n:,} cases" if isinstance(n, int) else ""
    line2 = (f"Validation: {metrics_heading(card)}{count}: " + "; ".join(figures[:4])
             if figures else "Validation: no figures recorded on the model's card.")
    return _cap(line1), _cap(line2)


def _cap(line: str, limit: int = 230) -> str:
    return line if len(line) <= limit else line[: limit - 1].rstrip(" ,;(") + "…"


def _probabilities(result: dict[str, Any]) -> list[tuple[str, float]]:
    probs = result.get("probabilities") or {}
    return sorted(((str(k), float(v)) for k, v in probs.items()), key=lambda kv: -kv[1])


def _common(result: dict[str, Any], card: ModelCard | None, entry: Entry | None,
            created: datetime | None) -> dict[str, Any]:
    ident = workstation_identity()
    if entry is not None:
        ident = {"user": str(entry.body.get("user", ident["user"])),
                 "workstation": str(entry.body.get("workstation", ident["workstation"]))}
    model_sha = ((card.files or {}).get(card.model_file, "") if card is not None else "")
    return dict(
        created=created or (datetime.fromisoformat(entry.created).astimezone() if entry else
                            datetime.now().astimezone()),
        user=ident["user"], workstation=ident["workstation"],
        label=result.get("label"), probabilities=_probabilities(result),
        threshold=result.get("threshold"), positive_class=result.get("positive_class"),
        applicability=applicability(result),
        model_ref=str(result.get("model") or (card.ref if card else "unknown model")),
        model_lines=card_brief(card), model_sha256=model_sha,
        audit_ref=f"audit entry #{entry.seq}, hash {entry.hash[:16]}…" if entry else "",
        reason=str(result.get("reason") or ""),
        calibrated=bool(result.get("calibrated", False)),
        withheld=str(result.get("model_label") or "") if result.get("label") is None else "",
    )


def _png(pixels: np.ndarray) -> bytes:
    import cv2

    h, w = pixels.shape[:2]
    scale = MAX_IMAGE_SIDE / max(h, w)
    if scale < 1:
        pixels = cv2.resize(pixels, (max(1, round(w * scale)), max(1, round(h * scale))),
                            interpolation=cv2.INTER_AREA)
    if pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)
    ok, data = cv2.imencode(".png", pixels)
    if not ok:
        raise ValueError("the image could not be encoded for the report")
    return data.tobytes()


def overlay(gray: np.ndarray, heatmap: np.ndarray, opacity: float = 0.45) -> np.ndarray:
    """The heatmap (values in [0, 1], any size) blended over the image, RGB uint8,
    in the usual jet colours: stronger evidence is warmer and more opaque."""
    import cv2

    base = gray if gray.ndim == 3 else np.repeat(gray[..., None], 3, axis=2)
    heat = cv2.resize(np.clip(np.asarray(heatmap, np.float32), 0, 1), (base.shape[1], base.shape[0]),
                      interpolation=cv2.INTER_LINEAR)
    colour = cv2.cvtColor(cv2.applyColorMap((heat * 255).astype(np.uint8), cv2.COLORMAP_JET),
                          cv2.COLOR_BGR2RGB).astype(np.float32)
    alpha = (opacity * heat)[..., None]
    return np.clip(base.astype(np.float32) * (1 - alpha) + colour * alpha + 0.5, 0, 255).astype(np.uint8)


def image_report(result: dict[str, Any], image: XRayImage, card: ModelCard | None = None, *,
                 heatmap: np.ndarray | None = None, window: tuple[float, float] | None = None,
                 include_identifying: bool = False, entry: Entry | None = None,
                 created: datetime | None = None) -> ReportContent:
    """The report on an image reading. ``heatmap``: the one shown (None: not shown)."""
    pixels = image.to_uint8(window)
    h, w = image.pixels.shape[:2]
    parts = [image.format, f"{w} × {h} px"]
    if image.modality:
        parts.append(image.modality)
    tags = {t.keyword: t.value for t in image.tags}
    for keyword in ("BodyPartExamined", "ViewPosition"):
        if tags.get(keyword):
            parts.append(printable(tags[keyword]))
    if image.n_frames > 1:
        parts.append(f"frame {image.frame + 1} of {image.n_frames}")
    identifying: list[tuple[str, str]] = []
    if include_identifying:
        identifying = [(label, printable(tags.get(k, "")) or "—") for k, label in IDENTIFYING_TAGS
                       if image.tags]
        identifying.append(("File", printable(image.path.name)))
    sha = (entry.body.get("input", {}).get("sha256") if entry is not None else None) or file_sha256(image.path)
    return ReportContent(
        kind="image", title="Chest X-ray reading", input_sha256=str(sha),
        input_description=" · ".join(parts), image_png=_png(pixels),
        overlay_png=_png(overlay(pixels, heatmap)) if heatmap is not None else None,
        identifying=identifying, **_common(result, card, entry, created),
    )


def note_segments(text: str, tokens: list[dict[str, Any]], redact: list[tuple[int, int]]) -> list[NoteSegment]:
    """``text`` cut into plain runs, marked words and redacted spans (never shown)."""
    marks: list[tuple[int, int, str, float, bool]] = [(s, e, "x", 0.0, False) for s, e in redact]
    for tok in tokens:
        start, end = int(tok.get("start", -1)), int(tok.get("end", -1))
        weight = max(-1.0, min(1.0, float(tok.get("weight", 0.0))))
        negated = bool(tok.get("negated", False))
        if not 0 <= start < end <= len(text) or (abs(weight) < 0.05 and not negated):
            continue
        if any(s < end and start < e for s, e in redact):
            continue
        marks.append((start, end, "w", weight, negated))
    marks.sort()
    out: list[NoteSegment] = []
    at = 0
    for start, end, what, weight, negated in marks:
        if start < at:
            continue
        if start > at:
            out.append(NoteSegment(text[at:start]))
        out.append(NoteSegment("[redacted]", redacted=True) if what == "x"
                   else NoteSegment(text[start:end], weight, negated))
        at = end
    if at < len(text):
        out.append(NoteSegment(text[at:]))
    return out


def text_report(result: dict[str, Any], text: str, card: ModelCard | None = None, *,
                patient_ref: str = "", title: str = "", include_identifying: bool = False,
                entry: Entry | None = None, created: datetime | None = None) -> ReportContent:
    """The report on a note's classification, the driving words highlighted."""
    from medgui.core.deid.text import redactions

    cut = len(text) > MAX_NOTE_CHARS
    shown = text[:MAX_NOTE_CHARS]
    redact = [] if include_identifying else redactions(shown, [patient_ref] if patient_ref else [])
    tokens = [t for t in result.get("tokens") or [] if int(t.get("end", 0)) <= len(shown)]
    identifying = []
    if include_identifying:
        identifying = [("Patient reference", printable(patient_ref) or "—"),
                       ("Record title", printable(title) or "—")]
    n = len(text.split())
    return ReportContent(
        kind="text", title="Clinical note reading", input_sha256=text_sha256(text),
        input_description=f"clinical note, {n:,} words", note=note_segments(shown, tokens, redact),
        note_cut=cut, identifying=identifying, **_common(result, card, entry, created),
    )
