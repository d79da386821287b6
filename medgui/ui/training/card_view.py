"""The model card as the model manager and the help's model page show it (HTML).

A card is data read from a file: every value is escaped and control characters are shown
as text. Strings are translated in the ``ModelManagerDialog`` context, as before this was
split out of ``model_manager``.
"""

from __future__ import annotations

import html
import json
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from medgui.core.models.card import ModelCard, metrics_heading, printable
from medgui.core.training.chance import stored_warnings
from medgui.ui.style import ERROR_COLOR

#: A task key as the user reads it.
TASK_NAMES = {"image": QT_TRANSLATE_NOOP("ModelManagerDialog", "image"),
              "text": QT_TRANSLATE_NOOP("ModelManagerDialog", "text")}
#: The card's metric rows, by key.
METRIC_NAMES = {"accuracy": QT_TRANSLATE_NOOP("ModelManagerDialog", "accuracy"),
                "macro_f1": QT_TRANSLATE_NOOP("ModelManagerDialog", "macro-f1"),
                "auc": QT_TRANSLATE_NOOP("ModelManagerDialog", "auc"),
                "sensitivity": QT_TRANSLATE_NOOP("ModelManagerDialog", "sensitivity"),
                "specificity": QT_TRANSLATE_NOOP("ModelManagerDialog", "specificity")}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ModelManagerDialog", text)


def task_name(task: str) -> str:
    """``task`` (``image``, ``text``) in the interface language; other text as it is."""
    return _tr(TASK_NAMES[task]) if task in TASK_NAMES else task


def _esc(value: Any) -> str:
    """Card text for HTML: a card is data read from a file, so control characters are
    escaped and markup is shown as text."""
    return html.escape(printable(value))


def _num(value: Any) -> str:
    """``value`` with three decimals when it is a number; otherwise escaped as text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.3f}"
    return _esc(value)


def _fmt(value: Any, ci: Any = None) -> str:
    if isinstance(value, dict) and "mean" in value:  # k-fold summary
        return QCoreApplication.translate("ModelManagerDialog", "{0} ± {1} (mean ± SD)").format(
            _num(value["mean"]), _num(value.get("std", 0)))
    if not isinstance(value, int | float) or isinstance(value, bool):
        return _esc(value)
    text = f"{value:.3f}"
    if isinstance(ci, list | tuple) and len(ci) == 2 and None not in ci:
        interval = QCoreApplication.translate("ModelManagerDialog", "(95 % CI {0} – {1})").format(
            _num(ci[0]), _num(ci[1]))
        text += f" <span style='color:#555'>{interval}</span>"
    return text


def card_html(card: ModelCard, active: bool = False) -> str:
    """The card as HTML for the manager's card view (card text escaped, see ``_esc``)."""
    e = _esc
    translate = QCoreApplication.translate
    out = [f"<h2>{e(card.ref)}</h2>"]
    tags = [e(task_name(card.task))]
    if active:
        tags.append("<b style='color:#0a7d2c'>" + translate("ModelManagerDialog", "active") + "</b>")
    if card.builtin:
        tags.append(translate("ModelManagerDialog", "shipped with medgui"))
    created = translate("ModelManagerDialog", "created {0}").format(e(card.created or "?"))
    out.append(f"<p>{' · '.join(tags)}<br>{created}</p>")
    rows = [(translate("ModelManagerDialog", "Architecture"), e(card.architecture)),
            (translate("ModelManagerDialog", "Classes"), e(", ".join(card.classes)))]
    if card.threshold is not None:
        positive = card.positive_class or (card.classes[-1] if card.classes else "?")
        rows.append((translate("ModelManagerDialog", "Threshold"),
                     translate("ModelManagerDialog", "calls {0} when P ≥ {1}").format(
                         e(positive), f"{card.threshold:.3f}")))
    out.append(_table(rows))
    m = card.metrics or {}
    metric_rows = []
    for key in ("accuracy", "macro_f1", "auc", "sensitivity", "specificity"):
        if key in m and m[key] is not None:
            metric_rows.append((_tr(METRIC_NAMES[key]), _fmt(m[key], m.get(f"{key}_ci"))))
    op = m.get("operating_point")
    if isinstance(op, dict):
        point = translate("ModelManagerDialog", "sensitivity {0}, specificity {1}").format(
            _num(op.get("sensitivity", 0)), _num(op.get("specificity", 0)))
        metric_rows.append((translate("ModelManagerDialog", "at the chosen threshold"), point))
    if m.get("n") is not None:
        metric_rows.append((translate("ModelManagerDialog", "examples"), e(str(m["n"]))))
    if m.get("evaluated_on"):
        metric_rows.append((translate("ModelManagerDialog", "evaluated on"), e(str(m["evaluated_on"]))))
    if metric_rows:
        heading = metrics_heading(card)
        out.append(f"<h3>{e(heading[:1].upper() + heading[1:])}</h3>" + _table(metric_rows))
    per_class = m.get("per_class")
    if isinstance(per_class, dict) and per_class:
        head = "<tr>" + "".join(f"<th>{translate('ModelManagerDialog', h)}</th>" for h in (
            QT_TRANSLATE_NOOP("ModelManagerDialog", "class"),
            QT_TRANSLATE_NOOP("ModelManagerDialog", "precision"),
            QT_TRANSLATE_NOOP("ModelManagerDialog", "recall"),
            QT_TRANSLATE_NOOP("ModelManagerDialog", "F1"),
            QT_TRANSLATE_NOOP("ModelManagerDialog", "support"))) + "</tr>"
        body = "".join(
            f"<tr><td>{e(c)}</td><td>{_num(v.get('precision', 0))}</td><td>{_num(v.get('recall', 0))}</td>"
            f"<td>{_num(v.get('f1', 0))}</td><td>{e(v.get('support', ''))}</td></tr>"
            for c, v in per_class.items() if isinstance(v, dict))
        out.append(f"<table cellpadding='3' border='0'>{head}{body}</table>")
    kfold = m.get("kfold")
    if isinstance(kfold, dict) and kfold.get("folds"):
        rows = [(e(k), _fmt(v)) for k, v in kfold.items() if isinstance(v, dict)]
        heading = translate("ModelManagerDialog", "{0}-fold cross-validation").format(e(kfold["folds"]))
        out.append(f"<h3>{heading}</h3>" + _table(rows))
    fp = card.data_fingerprint or {}
    if fp:
        fp_counts: dict[Any, Any] = fp["counts"] if isinstance(fp.get("counts"), dict) else {}
        counts = ", ".join(f"{e(k)} {e(v)}" for k, v in fp_counts.items())
        rows = [(translate("ModelManagerDialog", "Source"), e(fp.get("source", "?"))),
                (translate("ModelManagerDialog", "Examples"), f"{e(fp.get('n_items', '?'))} ({counts})"),
                (translate("ModelManagerDialog", "Data sha256"),
                 f"<code>{e(str(fp.get('sha256', ''))[:16])}…</code>")]
        for key, label in (("unreadable", QT_TRANSLATE_NOOP("ModelManagerDialog", "Unreadable files skipped")),
                           ("duplicates_removed", QT_TRANSLATE_NOOP("ModelManagerDialog", "Duplicates removed")),
                           ("cross_class_removed",
                            QT_TRANSLATE_NOOP("ModelManagerDialog", "Filed under two classes, left out"))):
            if fp.get(key):
                rows.append((_tr(label), e(fp[key])))
        out.append("<h3>" + translate("ModelManagerDialog", "Training data") + "</h3>" + _table(rows))
    if card.training:
        shown = {k: v for k, v in card.training.items() if not isinstance(v, dict | list) or k == "split"}
        rows = [(e(k), e(json.dumps(v) if isinstance(v, dict | list) else v)) for k, v in shown.items()]
        out.append("<h3>" + translate("ModelManagerDialog", "Training configuration") + "</h3>"
                   + _table(rows))
    if card.notes:
        out.append("<h3>" + translate("ModelManagerDialog", "Notes") + f"</h3><p>{e(card.notes)}</p>")
    return "".join(out)


def chance_html(metrics: dict[str, Any]) -> str:
    """The chance check's warnings, in red above the card (empty when there are none)."""
    warnings = stored_warnings(metrics)
    if not warnings:
        return ""
    items = "".join(f"<li>{_esc(w)}</li>" for w in warnings)
    heading = QCoreApplication.translate("ModelManagerDialog", "This model may be no better than chance.")
    return f"<div style='color:{ERROR_COLOR}'><b>⚠ {heading}</b><ul>{items}</ul></div>"


def _table(rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><td style='color:#444; padding-right:12px'>{k}</td><td>{v}</td></tr>"
                   for k, v in rows)
    return f"<table cellpadding='2'>{body}</table>"
