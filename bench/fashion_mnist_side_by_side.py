#!/usr/bin/python3
"""Fashion-MNIST side by side: the same MLP trained by nnk-train, PyTorch and scikit-learn, one table.

  bench/fashion_mnist_side_by_side.py                         all three, 5 epochs, nnk on all cores
  bench/fashion_mnist_side_by_side.py --skip sklearn --json r.json

Every system trains 784-256-128-10 (ReLU hidden layers, softmax + cross-entropy) with Adam (lr 1e-3, betas
0.9/0.999, eps 1e-8), batch 128, a new shuffle each epoch, no dropout, no weight decay, no validation split and no
early stopping, on the standard 60,000 / 10,000 split with pixels scaled to [0, 1]. nnk-train standardizes the
features on the training split itself (it has no switch to turn that off); the peers get the [0, 1] pixels.

Data: Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist), which nnk-train reads itself
(--dataset fashion-mnist --data-dir DIR) and the peers through this script's IDX reader.

Each peer runs in a subprocess of this script (hidden --run-peer NAME) whose environment lacks OPENBLAS_CORETYPE
and OPENBLAS_L2_SIZE, so that numpy's and torch's BLAS pick their kernels as a user would get them. A peer that is
not installed is reported and skipped.

Run it with Debian's /usr/bin/python3 (python3-numpy; optional python3-torch, python3-sklearn).
"""

import argparse
import gzip
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import numpy as np
except ImportError:
    sys.exit("fashion_mnist_side_by_side.py: error: numpy is missing (apt-get install python3-numpy, "
             "and run the script with /usr/bin/python3)")

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path("/usr/share/datasets/fashion-mnist")
HIDDEN = (256, 128)
CLASSES = 10
LEARNING_RATE = 1e-3
PEERS = ("torch", "sklearn")
PEER_TITLES = {"nnk": "nnk-train", "torch": "PyTorch", "sklearn": "scikit-learn"}
# Forced by our environment, these make OpenBLAS use its Haswell (AVX2) kernels even on AVX-512 machines.
OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
RESULT_MARK = "PEER-RESULT "  # prefixes the one stdout line a peer subprocess reports through


def available_cores():
    """CPUs this process may run on (the affinity mask, which is what 'all cores' means to nnk-train)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


# ---------------------------------------------------------------------------------------------------------------
# Data: the IDX files, and the CSV copies nnk-train reads.

def read_idx(path, magic, dims):
    """The payload of a gzipped IDX file as a uint8 array of shape (count, *dims), after checking its header."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    header_size = 4 * (2 + len(dims))
    if len(raw) < header_size:
        raise SystemExit(f"{path}: truncated IDX header")
    fields = struct.unpack(">" + "I" * (2 + len(dims)), raw[:header_size])
    if fields[0] != magic:
        raise SystemExit(f"{path}: IDX magic {fields[0]}, expected {magic}")
    count, shape = fields[1], tuple(fields[2:])
    if shape != dims:
        raise SystemExit(f"{path}: items of shape {shape}, expected {dims}")
    expected = count * int(np.prod(dims, dtype=np.int64))
    if len(raw) - header_size != expected:
        raise SystemExit(f"{path}: {len(raw) - header_size} payload bytes, expected {expected}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape((count,) + dims)


def load_split(data_dir, prefix, expected_count):
    """(images as count x 784 uint8, labels as int64) of one split, e.g. prefix 'train'."""
    paths = [data_dir / f"{prefix}-images-idx3-ubyte.gz", data_dir / f"{prefix}-labels-idx1-ubyte.gz"]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise SystemExit("fashion_mnist_side_by_side.py: error: missing " + ", ".join(missing) +
                         "\n  install Debian's data set: apt-get install dataset-fashion-mnist"
                         " (or tools/install-deps.sh --datasets), or point --data-dir at the IDX files")
    images = read_idx(paths[0], 2051, (28, 28)).reshape(-1, 28 * 28)
    labels = read_idx(paths[1], 2049, ()).astype(np.int64)
    if len(images) != expected_count or len(labels) != expected_count:
        raise SystemExit(f"{data_dir}: {prefix} has {len(images)} images and {len(labels)} labels, "
                         f"expected {expected_count} of each")
    if labels.min() < 0 or labels.max() >= CLASSES:
        raise SystemExit(f"{paths[1]}: labels outside 0..{CLASSES - 1}")
    return images, labels


def load_fashion_mnist(data_dir):
    """{'train': (x, y), 'test': (x, y)} with x float32 in [0, 1] (n x 784) and y int64 class indices."""
    splits = {}
    for name, prefix, count in (("train", "train", 60000), ("test", "t10k", 10000)):
        images, labels = load_split(data_dir, prefix, count)
        splits[name] = (images.astype(np.float32) / np.float32(255), labels)
    return splits


# ---------------------------------------------------------------------------------------------------------------
# nnk-train: one command, its stdout and its JSON-lines log.

def run_nnk(args, train_count):
    """nnk-train's result: threads, training seconds (sum of the logged epochs), command wall time, test accuracy."""
    with tempfile.TemporaryDirectory(prefix="nnk-fmnist-") as tmp:
        log_path = Path(tmp) / "log.jsonl"
        command = [str(args.nnk_train), "--dataset", "fashion-mnist", "--data-dir", str(args.data_dir),
                   "--layers", ",".join(map(str, HIDDEN)), "--activation", "relu",
                   "--optimizer", "adam", "--learning-rate", str(LEARNING_RATE),
                   "--batch-size", str(args.batch_size), "--epochs", str(args.epochs), "--seed", str(args.seed),
                   # nnk-train's defaults are dropout 0.1, L2 1e-4 and a 10% validation split: all off here.
                   "--dropout", "0", "--l2", "0", "--validation-fraction", "0",
                   "--progress", "none", "--log", str(log_path), "--threads", str(args.threads)]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            return failure("nnk", f"exit status {done.returncode}: {(done.stderr or done.stdout).strip()}")
        epochs = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    accuracy = re.search(r"^test accuracy ([0-9.]+)%", done.stdout, re.M)
    threads = re.search(r"^running on (\d+) thread", done.stdout, re.M)
    if not accuracy or len(epochs) != args.epochs:
        return failure("nnk", f"unexpected output ({len(epochs)} log lines):\n{done.stdout}")
    train_seconds = sum(e["seconds"] for e in epochs)
    return result("nnk", int(threads.group(1)) if threads else args.threads, train_seconds,
                  float(accuracy.group(1)) / 100, train_count * args.epochs, wall_seconds=wall)


# ---------------------------------------------------------------------------------------------------------------
# The peers. Each runs inside a subprocess of this script (see run_peer_subprocess), imports its library only
# here, trains on the [0, 1] pixels and times its training loop alone.

def train_torch_once(torch, args, x_train, y_train, x_test, y_test):
    """One timed training of the MLP; returns (training seconds, test accuracy)."""
    torch.manual_seed(args.seed)
    model = torch.nn.Sequential(torch.nn.Linear(x_train.shape[1], HIDDEN[0]), torch.nn.ReLU(),
                                torch.nn.Linear(HIDDEN[0], HIDDEN[1]), torch.nn.ReLU(),
                                torch.nn.Linear(HIDDEN[1], CLASSES))
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8)
    loss_fn = torch.nn.CrossEntropyLoss()  # softmax + cross-entropy on the logits
    generator = torch.Generator().manual_seed(args.seed)
    n = len(x_train)

    # Indexing one shuffled permutation per epoch: no DataLoader and its per-example collation.
    model.train()
    start = time.perf_counter()
    for _ in range(args.epochs):
        order = torch.randperm(n, generator=generator)
        for first in range(0, n, args.batch_size):
            batch = order[first:first + args.batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x_train[batch]), y_train[batch])
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - start

    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(dim=1) == y_test).double().mean().item()
    return seconds, accuracy


def torch_runner(args, data):
    """PyTorch, once per pair of torch and BLAS thread counts from --torch-threads; the fastest run is reported.

    torch.set_num_threads sets torch's own (OpenMP) threads only. Debian's torch does its GEMMs in OpenBLAS
    (pthreads), whose threads it leaves alone: they are set with threadpoolctl (sklearn's dependency) when it is
    there, and each run records the BLAS threads it had. With both at 2 on 2 cores they compete and run 5-8x slower."""
    import contextlib
    import torch
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None

    x_train, y_train = (torch.from_numpy(a) for a in data["train"])
    x_test, y_test = (torch.from_numpy(a) for a in data["test"])
    runs = []
    blas_counts = args.torch_threads if threadpool_limits else [None]
    for threads, blas_threads in ((t, b) for t in args.torch_threads for b in blas_counts):
        limit = threadpool_limits(limits=blas_threads, user_api="blas") if blas_threads else contextlib.nullcontext()
        with limit:
            torch.set_num_threads(threads)
            seconds, accuracy = train_torch_once(torch, args, x_train, y_train, x_test, y_test)
            run = result("torch", threads, seconds, accuracy, len(x_train) * args.epochs)
            run["blas_threads"], run["blas"] = blas_info()
        runs.append(run)
        print(f"  torch, {threads} thread(s) (BLAS: {run['blas']}, {run['blas_threads']} threads): "
              f"{seconds:.2f} s, test accuracy {accuracy:.2%}", file=sys.stderr)
    # The table shows the fastest thread count; the JSON keeps every run.
    best = dict(min(runs, key=lambda r: r["train_seconds"]))
    best["runs"] = runs
    return best


def sklearn_runner(args, data):
    """scikit-learn's MLPClassifier, fit() timed; its BLAS uses every core it is given."""
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    (x_train, y_train), (x_test, y_test) = data["train"], data["test"]
    model = MLPClassifier(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam", alpha=0.0,
                          batch_size=args.batch_size, learning_rate_init=LEARNING_RATE, beta_1=0.9, beta_2=0.999,
                          epsilon=1e-8, max_iter=args.epochs, shuffle=True, tol=0.0,
                          n_iter_no_change=1000,  # with tol 0, never stop before max_iter
                          early_stopping=False, random_state=args.seed)
    with warnings.catch_warnings():
        # Stopping at max_iter is the point here, not a problem worth a warning.
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(x_train, y_train)
        seconds = time.perf_counter() - start
    accuracy = float(model.score(x_test, y_test))
    threads, blas = blas_info()
    # sklearn's own code is single-threaded; its matrix products run on the BLAS threads.
    run = result("sklearn", threads if threads else available_cores(), seconds, accuracy, len(x_train) * args.epochs)
    run["blas_threads"], run["blas"] = threads, blas
    return run


def blas_info():
    """(threads, description) of the BLAS loaded in this process as threadpoolctl reports it, e.g.
    (2, 'openblas 0.3.21 Cooperlake'); (None, 'unknown') when it cannot tell. The kernel name ('Haswell' when the
    overrides are in force) shows whether OpenBLAS chose its kernels itself."""
    try:
        from threadpoolctl import threadpool_info
        pools = [pool for pool in threadpool_info() if pool.get("user_api") == "blas"]
    except ImportError:
        pools = []
    if not pools:
        return None, "unknown"
    pool = pools[0]
    return pool["num_threads"], " ".join(str(pool.get(k, "")) for k in ("internal_api", "version", "architecture"))


PEER_RUNNERS = {"torch": torch_runner, "sklearn": sklearn_runner}
PEER_MODULES = {"torch": "torch", "sklearn": "sklearn"}


def run_peer_here(args):
    """The hidden --run-peer mode: train one peer and print its result as one marked JSON line."""
    name = args.run_peer
    try:
        __import__(PEER_MODULES[name])
    except ImportError as e:
        report = {"system": name, "status": "not installed", "detail": str(e)}
    else:
        report = PEER_RUNNERS[name](args, load_fashion_mnist(args.data_dir))
    print(RESULT_MARK + json.dumps(report), flush=True)


def run_peer_subprocess(name, args):
    """Runs this script in --run-peer mode with the OpenBLAS overrides removed from its environment."""
    env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_OVERRIDES}
    command = [sys.executable, str(Path(__file__).resolve()), "--run-peer", name,
               "--epochs", str(args.epochs), "--batch-size", str(args.batch_size), "--seed", str(args.seed),
               "--torch-threads", ",".join(map(str, args.torch_threads)), "--data-dir", str(args.data_dir)]
    # stderr passes through: the per-thread-count torch lines and any library warnings show as they happen.
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=env)
    lines = [l[len(RESULT_MARK):] for l in done.stdout.splitlines() if l.startswith(RESULT_MARK)]
    if done.returncode != 0 or not lines:
        return failure(name, f"exit status {done.returncode}: {done.stdout.strip()[-2000:]}")
    return json.loads(lines[-1])


# ---------------------------------------------------------------------------------------------------------------
# Results and the table.

def result(system, threads, train_seconds, accuracy, examples, wall_seconds=None):
    return {"system": system, "status": "ok", "threads": threads, "train_seconds": train_seconds,
            "examples_per_second": examples / train_seconds, "wall_seconds": wall_seconds,
            "test_accuracy": accuracy}


def failure(system, detail):
    return {"system": system, "status": "failed", "detail": detail}


def speedups(results):
    """nnk's speed-up over the peer with the lowest training seconds, by training time and by nnk's wall time."""
    ok = {r["system"]: r for r in results if r["status"] == "ok"}
    peers = [r for name, r in ok.items() if name != "nnk"]
    if "nnk" not in ok or not peers:
        return None
    fastest = min(peers, key=lambda r: r["train_seconds"])
    nnk = ok["nnk"]
    return {"peer": fastest["system"], "peer_threads": fastest["threads"],
            "peer_blas_threads": fastest.get("blas_threads"),
            "by_train_seconds": fastest["train_seconds"] / nnk["train_seconds"],
            "by_nnk_wall_seconds": fastest["train_seconds"] / nnk["wall_seconds"]}


def threads_text(r):
    """'2', or '1 (BLAS 2)' for a torch run whose GEMMs had more threads than torch itself."""
    blas = r.get("blas_threads")
    if r["system"] == "torch" and blas and blas != r["threads"]:
        return f"{r['threads']} (BLAS {blas})"
    return str(r["threads"])


def print_table(results, speedup, args, train_count):
    print(f"\nFashion-MNIST, 784-{HIDDEN[0]}-{HIDDEN[1]}-{CLASSES} ReLU MLP, Adam lr {LEARNING_RATE:g}, "
          f"batch {args.batch_size}, {args.epochs} epochs, {train_count} training examples, 10000 test")
    columns = ("system", "threads", "train s", "examples/s", "wall s", "test acc")
    rows = []
    for r in results:
        title = PEER_TITLES[r["system"]]
        if r["status"] != "ok":
            rows.append((title, "-", "-", "-", "-", r["status"]))
            continue
        wall = "-" if r["wall_seconds"] is None else f"{r['wall_seconds']:.2f}"
        rows.append((title, threads_text(r), f"{r['train_seconds']:.2f}", f"{r['examples_per_second']:,.0f}",
                     wall, f"{r['test_accuracy']:.2%}"))
    widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(columns)]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(columns))
    print(line(["-" * w for w in widths]))
    for row in rows:
        print(line(row).rstrip())
    if speedup:
        threads = threads_text({"system": speedup["peer"], "threads": speedup["peer_threads"],
                                "blas_threads": speedup["peer_blas_threads"]})
        print(f"nnk-train speed-up over the faster peer ({PEER_TITLES[speedup['peer']]}, threads {threads}): "
              f"{speedup['by_train_seconds']:.2f}x by training seconds, "
              f"{speedup['by_nnk_wall_seconds']:.2f}x by nnk-train's whole-command wall time")
    for r in results:
        if r["status"] != "ok":
            print(f"{PEER_TITLES[r['system']]}: {r['status']}: {r['detail']}")


# ---------------------------------------------------------------------------------------------------------------

def thread_list(text):
    counts = sorted({int(t) for t in text.split(",") if t.strip()})
    if not counts or counts[0] < 1:
        raise argparse.ArgumentTypeError(f"expected positive thread counts such as 1,2, got '{text}'")
    return counts


def skip_list(text):
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in PEERS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown peer(s) {', '.join(unknown)}; expected some of {', '.join(PEERS)}")
    return names


def parse_args(argv):
    cores = available_cores()
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=5, metavar="N", help="passes over the training data (default: 5)")
    p.add_argument("--batch-size", type=int, default=128, metavar="N", help="examples per step (default: 128)")
    p.add_argument("--seed", type=int, default=1, metavar="N", help="seed of every system (default: 1)")
    p.add_argument("--threads", type=int, default=cores, metavar="N",
                   help=f"nnk-train's threads (default: all {cores} cores)")
    p.add_argument("--torch-threads", type=thread_list, default=thread_list(f"1,{cores}"), metavar="LIST",
                   help=f"PyTorch thread counts to try, the fastest is reported (default: 1,{cores})")
    p.add_argument("--nnk-train", type=Path, default=REPO_ROOT / "build/tools/train/nnk-train", metavar="PATH",
                   help="the nnk-train program (default: build/tools/train/nnk-train of this repository)")
    p.add_argument("--skip", type=skip_list, default=[], metavar="LIST", help="peers to leave out: torch,sklearn")
    p.add_argument("--data-dir", type=Path, default=DATA_DIR, metavar="DIR",
                   help=f"the gzipped IDX files (default: {DATA_DIR})")
    p.add_argument("--json", type=Path, metavar="PATH", help="also write the results here as JSON")
    p.add_argument("--run-peer", choices=PEERS, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.epochs < 1 or args.batch_size < 1 or args.threads < 1:
        p.error("--epochs, --batch-size and --threads must be at least 1")
    return args


def main(argv):
    args = parse_args(argv)
    if args.run_peer:
        run_peer_here(args)
        return 0
    if not args.nnk_train.is_file():
        sys.exit(f"fashion_mnist_side_by_side.py: error: no nnk-train at {args.nnk_train} (build the project, "
                 "or pass --nnk-train PATH)")
    train_count = 60000
    load_fashion_mnist(args.data_dir)  # a missing or bad file stops here, with its message, before any training

    results = []
    print(f"nnk-train on {args.threads} thread(s) ...", flush=True)
    results.append(run_nnk(args, train_count))
    for name in PEERS:
        if name in args.skip:
            continue
        print(f"{PEER_TITLES[name]} ...", flush=True)
        results.append(run_peer_subprocess(name, args))

    speedup = speedups(results)
    print_table(results, speedup, args, train_count)
    if args.json:
        config = {"dataset": "fashion-mnist", "layers": [28 * 28, *HIDDEN, CLASSES], "activation": "relu",
                  "optimizer": "adam", "learning_rate": LEARNING_RATE, "batch_size": args.batch_size,
                  "epochs": args.epochs, "seed": args.seed, "train_examples": train_count, "test_examples": 10000}
        args.json.write_text(json.dumps({"config": config, "results": results, "speedup": speedup}, indent=2) + "\n")
    return 0 if all(r["status"] != "failed" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
