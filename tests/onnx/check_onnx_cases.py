"""ctest nnk_onnx_graph_evaluation: every exported case passes onnx's full checker, and the graph evaluated by
onnx_graph_evaluator.py (and by OpenCV's dnn module, where python3-opencv is installed) gives what nnk computed
(Network::predict after nnk's standardization, target scaling in double) within 1e-5: absolutely for
probabilities; for regression values, in the network's own units (divided by the target scale) and relative to
max(1, |value|) there, since nnk's float output is rounded before it is scaled.

usage: check_onnx_cases.py WRITE_CASES_PROGRAM WORK_DIR      exit 77 (ctest: skipped) without python3-onnx
"""
import os
import shutil
import subprocess
import sys

try:
    import numpy as np
    import onnx
except ImportError as e:  # CI installs python3-onnx (tools/install-deps.sh); elsewhere: a visible skip
    print(f"skipped: {e} (install python3-onnx)")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_runtimes import run_graph  # noqa: E402

TOLERANCE = 1e-5


def check_case(directory, name):
    path = os.path.join(directory, name + ".onnx")
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)  # full_check: shape inference too
    x = np.loadtxt(os.path.join(directory, name + ".inputs.txt"), ndmin=2).astype(np.float32)
    expected = np.loadtxt(os.path.join(directory, name + ".expected.txt"), ndmin=2)
    (output,) = model.graph.output
    agreed = []
    for runtime, got in run_graph(path, model, x):
        if got.shape != expected.shape:
            return f"{name}: {runtime}: output shape {got.shape}, nnk gave {expected.shape}"
        error = np.abs(got - expected)
        if output.name == "values":
            mean, scale = np.loadtxt(os.path.join(directory, name + ".target.txt"))
            error /= scale * np.maximum(1.0, np.abs(expected - mean) / scale)
        worst = np.unravel_index(np.argmax(error), error.shape)
        if not error[worst] <= TOLERANCE:
            return f"{name}: {runtime}: row {worst[0]} column {worst[1]}: {got[worst]!r}, nnk {expected[worst]!r}"
        agreed.append(f"{runtime} {error[worst]:.1e}")
    print(f"{name}: {output.name} {expected.shape}, checker ok; largest difference from nnk: " + ", ".join(agreed))
    return None


def main():
    program, directory = sys.argv[1], sys.argv[2]
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    names = subprocess.run([program, directory], check=True, capture_output=True, text=True).stdout.split()
    if len(names) < 12:
        print(f"expected at least 12 cases from {program}, got {names}")
        return 1
    failures = [f for f in (check_case(directory, name) for name in names) if f]
    for failure in failures:
        print("FAILED", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
