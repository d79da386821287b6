"""ONNX Runtime or LiteRT for the light runtime: fidelity, import time, latency, size.

    python benchmarks/bench_export_candidates.py [--images DIR] [--n 200] [--runs 5]

Needs ``ai-edge-litert`` installed beside medgui's own dependencies (it is not one of
them: ``uv pip install ai-edge-litert``). For the shipped image model (with its feature
maps as a second output, as medgui exports it) and a sequence text model's network
(``--text-model``, default the BiGRU ``specialty-text@1``):

- conversion: Keras ``model.export(format="onnx" | "litert")``, time and file size;
- fidelity: max and mean |P_export - P_keras| and label flips on real images (``--images``,
  else the samples in resources/samples) and random token-id rows for the text network;
- import time of the runtime in a fresh interpreter (median of ``--runs``), after NumPy;
- latency: one image and a batch of 32, median;
- installed size of each runtime package (its dist-info RECORD).
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parents[1]


def installed_mb(dist: str) -> float:
    try:
        files = md.distribution(dist).files or []
    except md.PackageNotFoundError:
        return float("nan")
    return sum((f.size or 0) for f in files) / 1e6


def import_seconds(stmt: str, runs: int) -> float:
    code = f"import time, numpy; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def runner(kind: str, path: Path):  # noqa: ANN201 - a callable batch -> outputs
    import numpy as np

    if kind == "onnx":
        import onnxruntime as ort

        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        return lambda x: session.run(None, {name: x})
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_path=str(path))
    inp = interp.get_input_details()[0]
    outs = interp.get_output_details()

    def run(x: np.ndarray) -> list[np.ndarray]:
        interp.resize_tensor_input(inp["index"], x.shape)
        interp.allocate_tensors()
        interp.set_tensor(inp["index"], x.astype(inp["dtype"]))
        interp.invoke()
        return [interp.get_tensor(o["index"]) for o in outs]

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=Path)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--text-model", default="specialty-text@1",
                        help="a sequence (token-id) text model: the recurrent network is the hard case")
    args = parser.parse_args()

    import keras
    import numpy as np
    import tensorflow as tf

    from medgui.core.imaging.preprocess import read_for_model
    from medgui.core.ml.export import image_export_model
    from medgui.core.ml.modelio import load_model
    from medgui.core.models.registry import Registry

    registry = Registry()
    image_model = load_model(registry.active("image"))
    net, _ = image_export_model(image_model)
    files = sorted(args.images.glob("**/*.jp*g")) if args.images else sorted(
        p for p in (ROOT / "resources/samples").iterdir() if p.suffix in {".jpeg", ".dcm"})
    files = files[:: max(1, len(files) // args.n)][: args.n]
    x = np.stack([read_for_model(f, 224)[0] for f in files])
    p_keras = np.asarray(image_model.predict(x, batch_size=32, verbose=0))
    text_card = registry.get(args.text_model)
    text_net = load_model(text_card).get_layer("network")
    seq_len = int(text_net.input_shape[1])
    rng = np.random.default_rng(0)
    ids = np.zeros((32, seq_len), np.int64)
    for i in range(32):
        n = int(rng.integers(3, seq_len))
        ids[i, :n] = rng.integers(2, 1000, n)
    t_keras = np.asarray(text_net(ids, training=False))
    print(f"{len(files)} images; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        for kind, dist, stmt, suffix in (("onnx", "onnxruntime", "import onnxruntime", ".onnx"),
                                         ("litert", "ai-edge-litert",
                                          "from ai_edge_litert.interpreter import Interpreter", ".tflite")):
            path = Path(tmp) / f"image{suffix}"
            t0 = time.perf_counter()
            spec = [tf.TensorSpec([None, 224, 224, 1], tf.float32, name="image")]
            net.export(str(path), format=kind, input_signature=spec, verbose=False)
            t_export = time.perf_counter() - t0
            run = runner(kind, path)
            out = [run(x[i : i + 32]) for i in range(0, len(x), 32)]
            probs = np.concatenate([next(o for o in batch if o.ndim == 2) for batch in out])
            d = np.abs(probs - p_keras)
            flips = int((probs.argmax(1) != p_keras.argmax(1)).sum())
            one = [x[:1]] * 30
            lat1 = []
            for batch in one:
                t = time.perf_counter()
                run(batch)
                lat1.append(time.perf_counter() - t)
            t = time.perf_counter()
            for _ in range(5):
                run(x[:32])
            lat32 = (time.perf_counter() - t) / 5
            text_path = Path(tmp) / f"text{suffix}"
            try:
                text_net.export(str(text_path), format=kind, verbose=False,
                                input_signature=[tf.TensorSpec([None, seq_len], tf.int64, name="ids")])
                got = runner(kind, text_path)(ids)[0]
                text = f"max |dP| {np.max(np.abs(got - t_keras)):.1e}"
            except Exception as exc:  # noqa: BLE001 - report what the candidate cannot do
                text = f"FAILS ({type(exc).__name__}: {str(exc).splitlines()[0][:90]})"
            print(f"{kind}: export {t_export:.1f} s, {path.stat().st_size / 1e3:.0f} kB; image max |dP| "
                  f"{d.max():.1e}, mean {d.mean():.1e}, flips {flips}; import {import_seconds(stmt, args.runs):.3f} s; "
                  f"latency 1 image {statistics.median(lat1) * 1e3:.2f} ms, 32 images {lat32 * 1e3:.1f} ms; "
                  f"installed {installed_mb(dist):.0f} MB; text network: {text}")
    print(f"tensorflow: import {import_seconds('import tensorflow', max(1, args.runs // 2)):.2f} s; "
          f"installed {installed_mb('tensorflow-cpu') or installed_mb('tensorflow'):.0f} MB; keras {keras.__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
