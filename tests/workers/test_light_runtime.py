"""The analysis process reads through the export: warm at once, no TensorFlow imported."""

from __future__ import annotations

import numpy as np
import pytest

from medgui.core import paths
from medgui.core.models.registry import Registry
from medgui.workers.ml_service import MLService

pytestmark = pytest.mark.slow


def test_the_first_reading_comes_from_the_export_without_tensorflow(qtbot):
    sample = next(p for p in sorted(paths.SAMPLES.iterdir()) if p.suffix.lower() == ".jpeg")
    svc = MLService(warmup_tasks=("image", "text"))
    try:
        with qtbot.waitSignal(svc.sig_ready, timeout=120000) as ready:
            svc.start()
        shipped = [Registry().active(task).ref for task in ("image", "text")]
        assert ready.args[0]["runtime"] == dict.fromkeys(shipped, "onnxruntime")
        readings = []
        job = svc.submit("classify_image", {"path": str(sample), "heatmap": True})
        job.sig_result.connect(readings.append)
        with qtbot.waitSignal(job.sig_finished, timeout=60000):
            pass
        (reading,) = readings
        assert reading["runtime"] == "onnxruntime" and reading["label"] in {"NORMAL", "PNEUMONIA"}
        assert reading["heatmap"].shape == (224, 224) and np.isclose(reading["heatmap"].max(), 1.0)
        notes = []
        job = svc.submit("classify_text", {"text": "Colonoscopy showed a sigmoid polyp; biopsy taken. "
                                                   "No evidence of malignancy. Follow-up endoscopy in a year."})
        job.sig_result.connect(notes.append)
        with qtbot.waitSignal(job.sig_finished, timeout=60000):
            pass
        assert notes and notes[0]["model"] == shipped[1] and notes[0]["tokens"]
        pings = []
        job = svc.submit("ping")
        job.sig_result.connect(pings.append)
        with qtbot.waitSignal(job.sig_finished, timeout=60000):
            pass
        assert pings[0]["tensorflow"] is False
    finally:
        svc.shutdown()
