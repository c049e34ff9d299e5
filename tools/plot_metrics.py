#!/usr/bin/python3
"""Pictures of nnk's training logs and benchmark results (PNG, matplotlib's Agg backend).

  plot_metrics.py training LOG.jsonl --out curves.png     loss and accuracy (or R^2) per epoch, train and validation,
                                                          from nnk-train --log
  plot_metrics.py gemm BENCH.json --out gemm.png          GEMM efficiency (% of the FMA peak) against size, from
                                                          nnk-profile --json or Google Benchmark JSON of nnk_bench_gemm
  plot_metrics.py roofline PROFILE.json --out roof.png    GFLOP/s against arithmetic intensity under the measured FMA
                                                          peak and triad bandwidth, from nnk-profile --json
  plot_metrics.py check FILE                              validate a file of any of these kinds (no matplotlib needed)

Run it with Debian's /usr/bin/python3 (python3-matplotlib). Exit status: 0, 1 for a missing or malformed input
file (one line "plot_metrics.py: error: ..." on stderr), 2 for bad arguments.
"""

import argparse
import json
import math
import os
import sys

PROG = "plot_metrics.py"


class InputError(Exception):
    """A missing, unreadable or malformed input file; the message names the file and what is wrong."""


# ---------------------------------------------------------------------------------------------------------------
# Reading and validating the inputs (no matplotlib here: `check` must work without it).


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path} is not UTF-8 text: {e}") from None


def load_json(path):
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{path}:{e.lineno}:{e.colno}: not valid JSON: {e.msg}") from None


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def require(condition, where, message):
    if not condition:
        raise InputError(f"{where}: {message}")


def is_metric(value):
    """nnk-train writes a non-finite metric as null: a gap in the curve, not an error."""
    return value is None or is_number(value)


def check_metrics(metrics, where):
    """One metrics object of a training log: loss, and accuracy or mse and r2."""
    require(isinstance(metrics, dict), where, f"expected an object, got {type(metrics).__name__}")
    require("loss" in metrics and is_metric(metrics["loss"]), where, "expected a number (or null) 'loss'")
    has_accuracy = "accuracy" in metrics
    has_regression = "mse" in metrics or "r2" in metrics
    require(has_accuracy or has_regression, where, "expected 'accuracy', or 'mse' and 'r2'")
    if has_accuracy:
        require(is_metric(metrics["accuracy"]), where, "'accuracy' must be a number or null")
    else:
        require("mse" in metrics and "r2" in metrics and is_metric(metrics["mse"]) and is_metric(metrics["r2"]),
                where, "expected numbers (or null) 'mse' and 'r2'")


def load_training_log(path):
    """The epochs of an nnk-train --log file: one JSON object per line."""
    epochs = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{where}: not valid JSON: {e.msg}") from None
        require(isinstance(record, dict), where, "expected one JSON object per line")
        require(isinstance(record.get("epoch"), int) and record["epoch"] >= 1, where,
                "expected an integer 'epoch' >= 1")
        require("train" in record, where, "expected a 'train' metrics object")
        check_metrics(record["train"], where + ": train")
        if "validation" in record:
            check_metrics(record["validation"], where + ": validation")
        epochs.append(record)
    require(epochs, path, "no epochs (an empty log)")
    return epochs


PROFILE_ROW_KEYS = {"kernel": str, "shape": str, "threads": int, "unit": str, "rate": float, "gflops": float,
                    "arithmetic_intensity": float, "ceiling": float, "ceiling_percent": float}


def check_profile(doc, path):
    """An nnk-profile --json document."""
    require(isinstance(doc, dict) and doc.get("tool") == "nnk-profile", path,
            "not an nnk-profile document (expected \"tool\": \"nnk-profile\")")
    machine = doc.get("machine")
    require(isinstance(machine, dict), path, "expected a 'machine' object")
    require(isinstance(machine.get("isa"), str), path, "expected machine.isa")
    for key in ("fma_peak", "triad"):
        require(isinstance(machine.get(key), list), path, f"expected a list machine.{key}")
    for i, peak in enumerate(machine["fma_peak"]):
        require(isinstance(peak, dict) and is_number(peak.get("gflops")) and isinstance(peak.get("threads"), int),
                path, f"machine.fma_peak[{i}]: expected 'threads' and 'gflops'")
    for i, triad in enumerate(machine["triad"]):
        require(isinstance(triad, dict) and is_number(triad.get("gbps")) and isinstance(triad.get("threads"), int)
                and isinstance(triad.get("elements"), int), path,
                f"machine.triad[{i}]: expected 'threads', 'elements' and 'gbps'")
    rows = doc.get("rows")
    require(isinstance(rows, list) and rows, path, "expected a non-empty list 'rows'")
    for i, row in enumerate(rows):
        where = f"{path}: rows[{i}]"
        require(isinstance(row, dict), where, "expected an object")
        for key, kind in PROFILE_ROW_KEYS.items():
            value = row.get(key)
            ok = is_number(value) if kind is float else isinstance(value, kind)
            require(ok, where, f"expected {kind.__name__} '{key}', got {value!r}")
        require(row["unit"] in ("GFLOP/s", "GB/s"), where, f"unit must be GFLOP/s or GB/s, got {row['unit']!r}")
        require(row["rate"] > 0, where, f"rate must be > 0, got {row['rate']}")
        # The derived columns must agree with the rate they derive from.
        if row["ceiling"] > 0:
            expected = 100 * row["rate"] / row["ceiling"]
            require(abs(row["ceiling_percent"] - expected) <= 1e-6 * max(1.0, expected), where,
                    f"ceiling_percent {row['ceiling_percent']} is not 100 * rate / ceiling = {expected}")
        if row["unit"] == "GFLOP/s":
            require(abs(row["gflops"] - row["rate"]) <= 1e-9 * row["rate"], where, "gflops differs from rate")
        if "gemm" in row:
            gemm = row["gemm"]
            require(isinstance(gemm, dict) and all(isinstance(gemm.get(k), int) and gemm[k] > 0 for k in "mnk"),
                    where, "gemm must have positive integers m, n, k")
    return doc


def parse_benchmark_name(name):
    """'nnk_sgemm/avx512/NN/M:256/N:256/K:256/threads:1/real_time' -> (series, m, n, k, threads), or None."""
    parts = name.split("/")
    fields = dict(part.split(":", 1) for part in parts if ":" in part)
    if not all(key in fields for key in ("M", "N", "K")):
        return None
    try:
        m, n, k = int(fields["M"]), int(fields["N"]), int(fields["K"])
        threads = int(fields.get("threads", "1"))
    except ValueError:
        return None
    return "/".join(parts[:2]), m, n, k, threads


def check_google_benchmark(doc, path):
    """Google Benchmark JSON with at least one GEMM entry that has a peak_frac counter."""
    require(isinstance(doc, dict) and isinstance(doc.get("benchmarks"), list), path,
            "not Google Benchmark JSON (expected a list 'benchmarks')")
    usable = [b for b in doc["benchmarks"]
              if isinstance(b, dict) and isinstance(b.get("name"), str) and parse_benchmark_name(b["name"])
              and is_number(b.get("peak_frac"))]
    require(usable, path, "no GEMM benchmark with M, N, K in its name and a peak_frac counter")
    return doc


def load_benchmark_document(path):
    """nnk-profile JSON or Google Benchmark JSON, validated; returns (kind, document)."""
    doc = load_json(path)
    if isinstance(doc, dict) and "benchmarks" in doc:
        return "google-benchmark", check_google_benchmark(doc, path)
    return "nnk-profile", check_profile(doc, path)


# ---------------------------------------------------------------------------------------------------------------
# Series for the plots.


def gemm_points(kind, doc):
    """{series label: [(size, percent of peak, is_square)]}, size = cube root of m*n*k."""
    series = {}

    def add(label, m, n, k, percent):
        series.setdefault(label, []).append(((m * n * k) ** (1 / 3), percent, m == n == k))

    if kind == "nnk-profile":
        for row in doc["rows"]:
            if "gemm" in row:
                g = row["gemm"]
                add(f"{row['kernel']} ({row['isa']}), {row['threads']} thr", g["m"], g["n"], g["k"],
                    row["ceiling_percent"])
    else:
        # With --benchmark_repetitions, plot the median aggregate; otherwise the single iteration run.
        has_median = any(b.get("aggregate_name") == "median" for b in doc["benchmarks"] if isinstance(b, dict))
        for b in doc["benchmarks"]:
            if not isinstance(b, dict) or not is_number(b.get("peak_frac")):
                continue
            if has_median and b.get("aggregate_name") != "median":
                continue
            parsed = parse_benchmark_name(b.get("run_name", b.get("name", "")))
            if parsed is None:
                continue
            label, m, n, k, threads = parsed
            add(f"{label}, {threads} thr", m, n, k, 100 * b["peak_frac"])
    for points in series.values():
        points.sort()
    return series


def roofs(doc, threads):
    """(FMA peak GFLOP/s, triad GB/s and its array size in bytes) on `threads`: the best peak measured, and the
    median triad on the largest arrays measured (the memory roof; smaller arrays were cache-resident)."""
    machine = doc["machine"]
    peaks = [p["gflops"] for p in machine["fma_peak"] if p["threads"] == threads]
    triads = [t for t in machine["triad"] if t["threads"] == threads]
    peak = max(peaks) if peaks else None
    if not triads:
        return peak, None, None
    largest = max(t["elements"] for t in triads)
    rates = sorted(t["gbps"] for t in triads if t["elements"] == largest)
    return peak, rates[len(rates) // 2], 4 * largest


def row_family(row):
    kernel = row["kernel"]
    if kernel.startswith("sgemm["):
        return "peer sgemm"
    if kernel == "sgemm":
        return "nnk sgemm"
    if kernel.startswith("layer_"):
        return "fused layer"
    if kernel.startswith("train_step"):
        return "training step"
    return "elementwise (L1)" if "(L1)" in row["shape"] else "elementwise (memory)"


# ---------------------------------------------------------------------------------------------------------------
# Plotting.


def pyplot():
    try:
        import matplotlib
    except ImportError:
        raise InputError("matplotlib is not installed for this Python (use Debian's /usr/bin/python3 with "
                         "python3-matplotlib)") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save(fig, out):
    try:
        fig.savefig(out, dpi=100)
    except OSError as e:
        raise InputError(f"cannot write {out}: {e.strerror}") from None
    print(f"{PROG}: wrote {out}")


def plot_training(args):
    epochs = load_training_log(args.log)
    plt = pyplot()
    regression = "accuracy" not in epochs[0]["train"]
    metric, metric_label = ("r2", "R²") if regression else ("accuracy", "accuracy")
    fig, (ax_loss, ax_metric) = plt.subplots(1, 2, figsize=(10, 4))
    for split, style in (("train", "-"), ("validation", "--")):
        points = [(e["epoch"], e[split]) for e in epochs if split in e]
        if not points:
            continue
        x = [p[0] for p in points]
        value = lambda metrics, key: float("nan") if metrics.get(key) is None else metrics[key]  # noqa: E731
        ax_loss.plot(x, [value(p[1], "loss") for p in points], style, label=split)
        ax_metric.plot(x, [value(p[1], metric) for p in points], style, label=split)
    ax_loss.set(xlabel="epoch", ylabel="loss (cost J)", title="loss")
    ax_metric.set(xlabel="epoch", ylabel=metric_label, title=metric_label)
    if all(e["train"]["loss"] is None or e["train"]["loss"] > 0 for e in epochs):
        ax_loss.set_yscale("log")
    for ax in (ax_loss, ax_metric):
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(args.title or f"training: {os.path.basename(args.log)}")
    fig.tight_layout()
    save(fig, args.out)


def plot_gemm(args):
    kind, doc = load_benchmark_document(args.bench)
    series = gemm_points(kind, doc)
    require(series, args.bench, "no GEMM rows to plot (nnk-profile: kernels sgemm*)")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 5))
    for index, (label, points) in enumerate(sorted(series.items())):
        color = f"C{index % 10}"
        square = [(s, p) for s, p, sq in points if sq]
        other = [(s, p) for s, p, sq in points if not sq]
        if square:
            ax.plot([s for s, _ in square], [p for _, p in square], "o-", color=color, label=label)
        if other:
            ax.plot([s for s, _ in other], [p for _, p in other], "x", color=color, markersize=8,
                    label=None if square else label)
    ax.axhline(100, color="black", linewidth=1)
    ax.set_xscale("log", base=2)
    ax.set(xlabel="size: (m·n·k)^(1/3)   (o square, x layer shapes)", ylabel="% of the FMA peak",
           title=args.title or "SGEMM efficiency against size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    save(fig, args.out)


def plot_roofline(args):
    _, doc = load_benchmark_document(args.profile)
    require("rows" in doc, args.profile, "a roofline needs nnk-profile --json output (bytes per call per row)")
    thread_counts = sorted({row["threads"] for row in doc["rows"]})
    threads = args.threads if args.threads is not None else thread_counts[-1]
    rows = [r for r in doc["rows"] if r["threads"] == threads and r["arithmetic_intensity"] > 0]
    require(rows, args.profile, f"no rows with {threads} threads and a FLOP count (threads present: "
                                f"{', '.join(map(str, thread_counts))})")
    peak, bandwidth, array_bytes = roofs(doc, threads)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 5.5))
    intensities = [r["arithmetic_intensity"] for r in rows]
    lo, hi = min(intensities) / 2, max(intensities) * 2
    if peak is not None and bandwidth is not None:
        lo = min(lo, peak / bandwidth / 4)
        hi = max(hi, peak / bandwidth * 4)
    grid = [lo * (hi / lo) ** (i / 200) for i in range(201)]
    if peak is not None:
        ax.plot(grid, [peak] * len(grid), "k-", linewidth=1.5, label=f"FMA peak {peak:.1f} GFLOP/s")
    if bandwidth is not None:
        label = f"triad {bandwidth:.1f} GB/s ({array_bytes / 2**20:.0f} MiB arrays)"
        memory_roof = [bandwidth * x for x in grid]
        if peak is not None:
            memory_roof = [min(y, peak) for y in memory_roof]
        ax.plot(grid, memory_roof, "k--", linewidth=1.5, label=label)
    families = {}
    for r in rows:
        families.setdefault(row_family(r), []).append(r)
    markers = {"nnk sgemm": "o", "peer sgemm": "s", "fused layer": "D", "training step": "^",
               "elementwise (L1)": "v", "elementwise (memory)": "P"}
    for index, (family, members) in enumerate(sorted(families.items())):
        ax.scatter([r["arithmetic_intensity"] for r in members], [r["gflops"] for r in members],
                   marker=markers.get(family, "o"), color=f"C{index}", label=family, zorder=3)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set(xlabel="arithmetic intensity (FLOP per byte of the row's byte model)", ylabel="GFLOP/s",
           title=args.title or f"roofline, {threads} thread{'s' if threads != 1 else ''} "
                               f"({doc['machine']['isa']})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small", loc="lower right")
    fig.tight_layout()
    save(fig, args.out)


def check(args):
    text = read_text(args.file)
    stripped = text.lstrip()
    # A training log has one object per line; the other two kinds are one (usually indented) document.
    first_line = stripped.splitlines()[0] if stripped else ""
    try:
        single = json.loads(first_line) if first_line else None
    except json.JSONDecodeError:
        single = None
    if isinstance(single, dict) and "epoch" in single:
        epochs = load_training_log(args.file)
        print(f"{PROG}: {args.file}: training log, {len(epochs)} epochs")
        return
    kind, doc = load_benchmark_document(args.file)
    if args.kernels is not None:
        require(kind == "nnk-profile", args.file, "--kernels applies to nnk-profile documents")
        expected = set(args.kernels.split(","))
        present = {row["kernel"] for row in doc["rows"]}
        require(present == expected, args.file,
                f"kernels {sorted(present)}, expected {sorted(expected)}")
    count = len(doc["rows"]) if kind == "nnk-profile" else len(doc["benchmarks"])
    print(f"{PROG}: {args.file}: {kind}, {count} {'rows' if kind == 'nnk-profile' else 'benchmarks'}")


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("training", help="loss and accuracy / R² curves from nnk-train --log")
    p.add_argument("log", help="JSON lines, one object per epoch")
    p.add_argument("--out", required=True, help="PNG to write")
    p.add_argument("--title")
    p.set_defaults(run=plot_training)
    p = sub.add_parser("gemm", help="GEMM %% of peak against size")
    p.add_argument("bench", help="nnk-profile --json output or Google Benchmark JSON of nnk_bench_gemm")
    p.add_argument("--out", required=True, help="PNG to write")
    p.add_argument("--title")
    p.set_defaults(run=plot_gemm)
    p = sub.add_parser("roofline", help="GFLOP/s against arithmetic intensity under the measured roofs")
    p.add_argument("profile", help="nnk-profile --json output")
    p.add_argument("--out", required=True, help="PNG to write")
    p.add_argument("--threads", type=int, help="the thread count to plot (default: the largest in the file)")
    p.add_argument("--title")
    p.set_defaults(run=plot_roofline)
    p = sub.add_parser("check", help="validate a training log, nnk-profile JSON or Google Benchmark JSON")
    p.add_argument("file")
    p.add_argument("--kernels", help="nnk-profile: the comma-separated kernel names the rows must have, exactly")
    p.set_defaults(run=check)
    return parser.parse_args(argv)


def main(argv):
    args = parse_arguments(argv)
    try:
        args.run(args)
    except InputError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
