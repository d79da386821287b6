"""Training under tf.distribute.MirroredStrategy over two logical CPU devices.

Runs in a fresh interpreter: logical devices must be configured before TensorFlow
initialises its runtime, which in the test process has long happened.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("tensorflow")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = textwrap.dedent("""
    import json, sys
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)

    from medgui.core.ml.train import make_strategy, run_training
    from medgui.core.training.config import TrainingConfig

    strategy = make_strategy("mirrored")
    config = TrainingConfig(task="image", data=sys.argv[1], architecture="seed_cnn", image_size=32,
                            epochs=2, batch_size=8, seed=1, strategy="mirrored")
    outcome = run_training(config)
    print(json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "devices": list(strategy.extended.worker_devices),
        "card_replicas": outcome.card.training["replicas"],
        "accuracy": outcome.evaluation["accuracy"],
        "n_test": outcome.evaluation["n"],
        "model": (outcome.staging_dir / "model.keras").is_file(),
        "epochs": len(outcome.history["loss"]),
    }))
    outcome.discard()
""")


def test_mirrored_strategy_over_two_logical_cpus(tmp_path):
    from tests.dataset_factory import image_folder

    data = image_folder(tmp_path / "data", per_class=12)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(data)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["replicas"] == 2 and result["card_replicas"] == 2
    assert all("CPU" in d for d in result["devices"]) and len(set(result["devices"])) == 2
    assert result["model"] and result["epochs"] == 2
    assert result["n_test"] > 0 and 0.0 <= result["accuracy"] <= 1.0
