"""Stand-ins for the ``train`` job, run in the real analysis process as training is.

They report progress as ``core.ml.train`` does, without TensorFlow: ``train_until_cancelled``
reports epoch 1 and then waits for Cancel; ``train_briefly`` ends with a trained-model
result whose staging folder holds a placeholder model.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from medgui.core.errors import Cancelled

UNTIL_CANCELLED = "tests.ui.wizard_helpers:train_until_cancelled"
BRIEFLY = "tests.ui.wizard_helpers:train_briefly"
TEXT_BRIEFLY = "tests.ui.wizard_helpers:train_text_briefly"
#: MTSamples' specialty names: long, with spaces and slashes.
SPECIALTIES = ["Cardiovascular / Pulmonary", "Consult - History and Phy.", "Gastroenterology",
               "Hematology - Oncology", "Obstetrics / Gynecology", "SOAP / Chart / Progress Notes"]


def _epoch_one(payload, progress):
    epochs = payload["config"]["epochs"]
    progress({"phase": "train", "epoch": 1, "epochs": epochs, "batch": 2, "batches": 4,
              "logs": {"loss": 0.69, "accuracy": 0.5}, "eta_s": 180.0,
              "message": f"epoch 1/{epochs}"})


def train_until_cancelled(payload, progress, cancelled):
    _epoch_one(payload, progress)
    deadline = time.monotonic() + 120
    while not cancelled():
        if time.monotonic() > deadline:
            raise RuntimeError("the test never cancelled the stand-in training")
        time.sleep(0.02)
    raise Cancelled()


def train_briefly(payload, progress, cancelled, classes=("NORMAL", "PNEUMONIA")):
    _epoch_one(payload, progress)
    staging = Path(tempfile.mkdtemp(prefix="medgui-test-staging-"))
    (staging / "model.keras").write_bytes(b"placeholder")
    n = len(classes)
    matrix = [[12 + i if i == j else (i + j) % 3 for j in range(n)] for i in range(n)]
    evaluation = {"classes": list(classes), "accuracy": 0.75, "macro_f1": 0.74,
                  "accuracy_ci": [0.66, 0.83], "macro_f1_ci": [0.64, 0.82],
                  "n": sum(map(sum, matrix)),
                  "per_class": {c: {"precision": 0.75, "recall": 0.75, "f1": 0.75,
                                    "support": sum(matrix[i])} for i, c in enumerate(classes)},
                  "confusion_matrix": matrix}
    return {"staging_dir": str(staging), "card": {}, "evaluation": evaluation,
            "history": {"loss": [0.69]}, "kfold": None, "scan_summary": ""}


def train_text_briefly(payload, progress, cancelled):
    return train_briefly(payload, progress, cancelled, classes=SPECIALTIES)
