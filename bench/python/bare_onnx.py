"""A bare ONNX Runtime session in Python, the baseline of `./fgbg bench depth`.

The same model, batch and session options as fgbg's Java session (core/.../depth/OnnxSessions:
all graph optimisations, sequential execution, the given intra-op threads, one inter-op thread,
memory patterns and the CPU arena on, and the config entries passed with --config), fed the very
float32 input rows fgbg's session is fed (written by the benchmark to --input):

    python bare_onnx.py --model M.onnx --input rows.f32 --shape 16,3,224,224 --threads 2 \
        --input-name input --config session.intra_op.allow_spinning=0

prints `ready <onnxruntime version>`, then answers each line `run SECONDS` with
`<images> <seconds> <cpu seconds>` (whole batches, at least three runs; the process's CPU time)
until `quit` or end of input. With `--sessions N` it opens N sessions sharing the threads as
fgbg's server does (`--depth-sessions`) and runs them at once, one Python thread each (a run
releases the GIL), counting the images of all. Exits 3
with one line on stderr when onnxruntime cannot be imported. Install it into a venv that sees
Debian's packages (numpy): `python3 -m venv --system-site-packages ~/fgbg-bench-env &&
~/fgbg-bench-env/bin/pip install onnxruntime`, then `./fgbg bench depth --python
~/fgbg-bench-env/bin/python ...`.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time

import numpy as np


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--input", required=True, help="float32 input rows, native byte order")
    p.add_argument("--shape", required=True, help="the input tensor's shape, e.g. 16,3,224,224")
    p.add_argument("--input-name", required=True)
    p.add_argument("--threads", type=int, required=True)
    p.add_argument("--config", action="append", default=[], help="KEY=VALUE session entry")
    p.add_argument("--sessions", type=int, default=1,
                   help="sessions sharing --threads, run at once (as fgbg's --depth-sessions)")
    p.add_argument("--cuda", action="store_true", help="the CUDA execution provider only")
    args = p.parse_args()
    try:
        import onnxruntime as ort
    except ImportError as e:
        print(f"no onnxruntime for {sys.executable}: {e}", file=sys.stderr)
        return 3

    def open_session(threads: int) -> "ort.InferenceSession":
        so = ort.SessionOptions()
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.enable_mem_pattern = True
        so.enable_cpu_mem_arena = True
        for entry in args.config:
            key, _, value = entry.partition("=")
            so.add_session_config_entry(key, value)
        providers = ["CUDAExecutionProvider"] if args.cuda else ["CPUExecutionProvider"]
        return ort.InferenceSession(args.model, so, providers=providers)

    count = max(1, min(args.sessions, args.threads))
    # Every session's share of the threads alike (OnnxSessions.share).
    sessions = [open_session(max(1, args.threads // count)) for _ in range(count)]
    shape = [int(d) for d in args.shape.split(",")]
    feed = {args.input_name: np.fromfile(args.input, dtype=np.float32).reshape(shape)}
    for session in sessions:
        session.run(None, feed)  # warm: the first run plans memory
    print(f"ready {ort.__version__}", flush=True)

    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        seconds = float(words[1])
        runs = [0] * count
        cpu0 = time.process_time()
        t0 = time.perf_counter()

        def loop(i: int) -> None:
            while runs[i] < 3 or time.perf_counter() - t0 < seconds:
                sessions[i].run(None, feed)
                runs[i] += 1

        threads = [threading.Thread(target=loop, args=(i,)) for i in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        print(f"{sum(runs) * shape[0]} {wall:.6f} {time.process_time() - cpu0:.6f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
