"""The record pane as the tests build it, and a stand-in text classifier.

``fake_classify`` runs in the real analysis process (as ``classify_text`` does) and
returns the same shape of result: a confident label for a note, "cannot classify" for
a few words or for a text in a script the model does not know, and, for a long note,
only its first ``SEQ_LEN`` words read, as the shipped model reads only its first 300.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QMessageBox

from medgui.core.records.store import RecordStore
from medgui.ui.records.record_editor import RecordPane
from medgui.workers.jobs import ThreadRunner
from medgui.workers.ml_service import MLService

FAKE = "tests.ui.record_helpers:fake_classify"
SEQ_LEN = 300
NOTE = ("Chest pain on exertion for three weeks. ECG shows ST depression. "
        "Denies palpitations. Pain eases with rest.")
TOO_FEW = ("Cannot classify reliably: the text has {known} word(s) the model knows; it needs "
           "at least 5. Add more of the clinical description.")


def fake_classify(payload, progress, cancelled):
    text = payload["text"]
    weights = {"chest": 1.0, "pain": 0.7, "ecg": 0.5, "rest": -0.6, "palpitations": 0.3}
    words = list(re.finditer(r"\w+", text))
    known = [m for m in words[:SEQ_LEN] if m.group().isascii()]
    tokens = [{"text": m.group(), "start": m.start(), "end": m.end(),
               "weight": weights.get(m.group().lower(), 0.0) if k < SEQ_LEN else 0.0,
               "known": m.group().isascii(), "negated": m.group().lower() == "palpitations"}
              for k, m in enumerate(words)]
    probabilities = {"Cardiology": 0.82, "Pulmonology": 0.11, "Neurology": 0.07}
    reliable = len(known) >= 5
    return {
        "label": "Cardiology" if reliable else None, "reliable": reliable,
        "reason": "" if reliable else TOO_FEW.format(known=len(known)),
        "probabilities": probabilities,
        "top": sorted(([k, v] for k, v in probabilities.items()), key=lambda kv: -kv[1]),
        "model": "fake-text@3", "model_name": "fake-text", "model_version": 3,
        "n_tokens": len(words), "read_tokens": min(len(words), SEQ_LEN),
        "known_tokens": len(known), "truncated": len(words) > SEQ_LEN,
        "tokens": tokens, "warnings": [],
    }


@pytest.fixture
def make_pane(qtbot):
    made = []

    def make(records=(), kind=FAKE):
        store = RecordStore()
        for title, body, ref in records:
            store.create(title, body, ref)
        ml, runner = MLService(), ThreadRunner()
        pane = RecordPane(store, ml, runner, classify_kind=kind)
        qtbot.addWidget(pane)
        pane.resize(1200, 700)
        pane.show()
        pane.activateWindow()  # as on a desktop: keyboard shortcuts need an active window
        qtbot.waitUntil(pane.isActiveWindow)
        made.append((pane, store, ml, runner))
        return pane, store

    yield make
    for pane, store, ml, runner in made:
        for box in pane.findChildren(QMessageBox):
            box.close()
        pane.close()
        runner.wait()
        ml.shutdown()
        store.close()


def titles(pane):
    return [pane.model.record_at(r).title for r in range(pane.model.rowCount())]


def label_column(pane, title):
    return pane.model.index(titles(pane).index(title), 3).data()
