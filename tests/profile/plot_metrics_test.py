#!/usr/bin/python3
"""Tests of tools/plot_metrics.py on the sample inputs in testdata/: every plot is written as a PNG under 200 KB, and
every bad input gives one clear error line and exit status 1. Exits 77 (ctest: skipped) without matplotlib.

  plot_metrics_test.py PLOT_METRICS_PY TESTDATA_DIR
"""

import os
import subprocess
import sys
import tempfile

SKIP = 77


def main(script, data):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("matplotlib is not installed for this Python: skipped")
        return SKIP
    failures = []

    def run(*args):
        return subprocess.run([sys.executable, script, *args], capture_output=True, text=True)

    def expect_png(args, out):
        result = run(*args, "--out", out)
        if result.returncode != 0:
            failures.append(f"{args}: exit {result.returncode}: {result.stderr.strip()}")
            return
        with open(out, "rb") as f:
            header = f.read(8)
        size = os.path.getsize(out)
        if header != b"\x89PNG\r\n\x1a\n":
            failures.append(f"{args}: {out} is not a PNG")
        elif not 5_000 < size < 200_000:
            failures.append(f"{args}: {out} is {size} bytes, expected a plot under 200 KB")

    def expect_error(args, message):
        result = run(*args)
        lines = result.stderr.strip().splitlines()
        if result.returncode != 1 or len(lines) != 1 or message not in lines[0] \
                or not lines[0].startswith("plot_metrics.py: error: "):
            failures.append(f"{args}: exit {result.returncode}, stderr {result.stderr!r}; "
                            f"expected exit 1 and one line containing {message!r}")

    sample = lambda name: os.path.join(data, name)  # noqa: E731
    with tempfile.TemporaryDirectory() as out:
        png = lambda name: os.path.join(out, name)  # noqa: E731
        expect_png(["training", sample("sample_classification.jsonl")], png("classification.png"))
        expect_png(["training", sample("sample_regression.jsonl")], png("regression.png"))
        expect_png(["gemm", sample("sample_profile.json")], png("gemm_profile.png"))
        expect_png(["gemm", sample("sample_gbench.json")], png("gemm_gbench.png"))
        expect_png(["roofline", sample("sample_profile.json")], png("roofline.png"))
        expect_png(["roofline", sample("sample_profile.json"), "--threads", "1"], png("roofline1.png"))

        expect_error(["training", sample("missing.jsonl"), "--out", png("x.png")], "cannot read")
        expect_error(["training", sample("malformed_training.jsonl"), "--out", png("x.png")],
                     "malformed_training.jsonl:2: not valid JSON")
        expect_error(["training", sample("incomplete_training.jsonl"), "--out", png("x.png")],
                     "expected 'accuracy', or 'mse' and 'r2'")
        expect_error(["gemm", sample("sample_classification.jsonl"), "--out", png("x.png")], "not valid JSON")
        expect_error(["roofline", sample("sample_gbench.json"), "--out", png("x.png")],
                     "a roofline needs nnk-profile --json output")
        expect_error(["roofline", sample("sample_profile.json"), "--threads", "64", "--out", png("x.png")],
                     "no rows with 64 threads")
        expect_error(["check", sample("sample_profile.json"), "--kernels", "sgemm"], "expected ['sgemm']")
        for name in ("x.png",):
            if os.path.exists(png(name)):
                failures.append(f"a failed command left {name} behind")

    for name in ("sample_classification.jsonl", "sample_regression.jsonl", "sample_profile.json",
                 "sample_gbench.json"):
        result = run("check", sample(name))
        if result.returncode != 0:
            failures.append(f"check {name}: exit {result.returncode}: {result.stderr.strip()}")

    for failure in failures:
        print("FAIL:", failure)
    print(f"{'FAILED' if failures else 'passed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
