"""ctest nnk_onnx_cli_export: nnk-train trains and saves models of each task, 'nnk-train export' writes them as
ONNX, and on every row of the data set the ONNX graph (onnx's full checker, then onnx_graph_evaluator.py on the raw
CSV columns, in the order the model's .json sidecar lists; and OpenCV's dnn module, a real runtime, where
python3-opencv is installed) agrees with 'nnk-train predict': the same class label and its probability within 1e-5,
or the same regression value within 1e-5 in the network's units (divided by the target scale, relative to
max(1, |value|) there).

usage: check_cli_export.py NNK_TRAIN DATA_DIR WORK_DIR      exit 77 (ctest: skipped) without python3-onnx
"""
import csv
import json
import os
import shutil
import subprocess
import sys

try:
    import numpy as np
    import onnx
except ImportError as e:
    print(f"skipped: {e} (install python3-onnx)")
    sys.exit(77)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_runtimes import run_graph  # noqa: E402

TOLERANCE = 1e-5

# data set, training flags: every task and hidden activation, and a linear model.
RUNS = [
    ("iris", ["--layers", "8", "--activation", "tanh", "--epochs", "30"]),
    ("iris", ["--layers", "none", "--epochs", "10"]),
    ("wdbc", ["--layers", "16,8", "--activation", "relu", "--epochs", "10"]),
    ("digits", ["--layers", "32", "--activation", "sigmoid", "--epochs", "3"]),
    ("diabetes", ["--layers", "16", "--activation", "identity", "--epochs", "20"]),
    ("diabetes", ["--layers", "16,16", "--activation", "relu", "--epochs", "20"]),
]


def run(args):
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def check_run(nnk_train, data_dir, work, index, dataset, flags):
    model = os.path.join(work, f"{index}_{dataset}.nnk")
    output = os.path.join(work, f"{index}_{dataset}.onnx")
    predictions = os.path.join(work, f"{index}_{dataset}.predictions.csv")
    data = os.path.join(data_dir, dataset + ".csv")
    run([nnk_train, "--dataset", dataset, *flags, "--progress", "none", "--save", model])
    summary = run([nnk_train, "export", "--model", model, "--output", output])
    run([nnk_train, "predict", "--model", model, "--data", data, "--output", predictions])

    with open(model + ".json") as f:
        sidecar = json.load(f)
    graph = onnx.load(output)
    onnx.checker.check_model(graph, full_check=True)
    metadata = {p.key: p.value for p in graph.metadata_props}
    if json.loads(metadata["feature_names"]) != sidecar["features"]:
        return f"{output}: feature_names {metadata['feature_names']} differ from the sidecar's {sidecar['features']}"
    rows = read_csv(data)
    x = np.array([[float(row[name]) for name in sidecar["features"]] for row in rows], dtype=np.float32)
    expected = read_csv(predictions)
    agreed = []
    for runtime, got in run_graph(output, graph, x):
        failure, worst = compare_rows(got, expected, sidecar, json.loads(metadata.get("class_labels", "[]")))
        if failure:
            return f"{output}: {runtime}: {failure}"
        agreed.append(f"{runtime} (largest difference {worst:.1e})")
    print(summary.rstrip())
    print(f"  {len(rows)} rows of {dataset}.csv ({' '.join(flags)}): checker ok; agree with predict: "
          + ", ".join(agreed))
    return None


def compare_rows(got, expected, sidecar, labels):
    """The first row where a graph output differs from predict's line, and the largest difference."""
    if len(got) != len(expected):
        return f"{len(got)} rows from the graph, {len(expected)} from predict", 0.0
    worst = 0.0
    for i, (graph_row, nnk_row) in enumerate(zip(got, expected)):
        if sidecar["task"] == "regression":
            value, mean, scale = float(nnk_row["prediction"]), sidecar["target_mean"], sidecar["target_scale"]
            error = abs(graph_row[0] - value) / (scale * max(1.0, abs(value - mean) / scale))
        else:
            # binary: the graph gives P(second class); predict writes the more likely class and its probability
            p = np.array([1.0 - graph_row[0], graph_row[0]]) if sidecar["task"] == "binary" else graph_row
            k = labels.index(nnk_row["prediction"])
            error = abs(p[k] - float(nnk_row["probability"]))
            if p.max() - p[k] > TOLERANCE:
                return f"row {i}: predict says {nnk_row['prediction']}, the graph {labels[int(p.argmax())]}", worst
        if not error <= TOLERANCE:
            return f"row {i}: graph {graph_row}, predict {dict(nnk_row)} (difference {error:.2e})", worst
        worst = max(worst, error)
    return None, worst


def main():
    nnk_train, data_dir, work = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    failures = [f for f in (check_run(nnk_train, data_dir, work, i, *r) for i, r in enumerate(RUNS)) if f]
    for failure in failures:
        print("FAILED", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
