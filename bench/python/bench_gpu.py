"""./fgbg bench gpu: a trainer's input path in one process, against what the server can
synthesize and what memory can copy, in one run.

Starts a server (built-in, 224x224, `--threads` render threads). Each round then runs, one after
the other: in-process synthesis with the same number of threads (the Java `bench synth` of
bench/target/fgbg-bench.jar; the server idles meanwhile); image + mask + float16 depth batches of
64 through FgbgIterableDataset.device_loader with each `--streams` count (server streams read in
this process; CUDA tensors where CUDA exists, else CPU tensors that are views of the
shared-memory slots); and the DataLoader path (ds.loader(num_workers=W)) for comparison. Last,
the copy bandwidth: host memcpy, and pinned host-to-device where CUDA exists.

Prints per round `synth samples/s: Y`, `delivered device-loader samples/s: X` (with its ratio to
that round's synthesis and the server's and client's CPU per sample) and `delivered DataLoader
samples/s: D`; then the copy limits, the ratios (medians over rounds of the paired ratios) and,
last, `delivered ... samples/s: X` and `synth ... samples/s: Y` (medians).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "client-python-stub"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_client import cpu_seconds, memcpy_bandwidth  # noqa: E402

OUTPUTS = ["image", "mask", "depth"]
SAMPLE_BYTES = 224 * 224 * 3 + 224 * 224 + 224 * 224 * 2


def start_server(threads):
    proc = subprocess.Popen(["java", "-jar", os.path.join(ROOT, "server/target/fgbg-server.jar"),
                             "--port", "0", "--workers", str(threads)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        m = re.search(r"listening on [^:]+:(\d+)", line)
        if m:
            return proc, "127.0.0.1:" + m.group(1)
    raise RuntimeError("server did not start")


def touch(batch):
    """What a consumer needs at least: one value of each output (on CUDA: after the copy)."""
    return sum(int(batch[k].view(-1)[-1].item() != 0) for k in ("image", "mask") if k in batch)


def timed(loader, samples):
    """(samples/s, client CPU us/sample) of `loader`, timed from its first batch."""
    it = iter(loader)
    next(it)
    n = 0
    c0, t0 = cpu_seconds(), time.perf_counter()
    for batch in it:
        n += len(batch["index"])
        touch(batch)
        if n >= samples:
            break
    if hasattr(it, "close"):
        it.close()
    wall = time.perf_counter() - t0
    return n / wall, (cpu_seconds() - c0) / n * 1e6


def device_loader_rate(target, samples, streams, epoch):
    from fgbg.torch import FgbgIterableDataset

    ds = FgbgIterableDataset(target, batch_size=64, outputs=OUTPUTS, shuffle=True)
    ds.set_epoch(epoch)
    loader = ds.device_loader(streams=streams)
    rate, client_us = timed(loader, samples)
    return rate, client_us, loader.device


def dataloader_rate(target, samples, workers, epoch):
    from fgbg.torch import FgbgIterableDataset

    ds = FgbgIterableDataset(target, batch_size=64, outputs=OUTPUTS, shuffle=True)
    ds.set_epoch(epoch)
    return timed(ds.loader(num_workers=workers), samples)[0]


def synth_rate(threads, seconds, warmup):
    out = subprocess.run(["java", "-jar", os.path.join(ROOT, "bench/target/fgbg-bench.jar"),
                          "synth", "--threads", str(threads), "--seconds", str(seconds),
                          "--warmup", str(warmup)], capture_output=True, text=True, check=True)
    return float(re.search(r"samples/s: ([\d.]+)", out.stdout).group(1))


def h2d_bandwidth(mib=256, repeats=5):
    """Bytes per second of a pinned host-to-device copy (best of a few), or None without CUDA."""
    import torch

    if not torch.cuda.is_available():
        return None
    src = torch.empty(mib << 20, dtype=torch.uint8, pin_memory=True)
    dst = torch.empty_like(src, device="cuda")
    best = float("inf")
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        dst.copy_(src, non_blocking=True)
        end.record()
        end.synchronize()
        best = min(best, start.elapsed_time(end) / 1e3)
    return src.numel() / best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=20000)
    p.add_argument("--threads", type=int, default=os.cpu_count(),
                   help="render threads of the server and of the synthesis")
    p.add_argument("--streams", default="1,2,4", help="device-loader streams, one run each")
    p.add_argument("--workers", type=int, default=2, help="DataLoader workers, for comparison")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--synth-seconds", type=float, default=8)
    args = p.parse_args()
    streams = [int(s) for s in args.streams.split(",")]
    proc, target = start_server(args.threads)
    runs = {s: [] for s in streams}  # (samples/s, that round's synth samples/s)
    loader_runs = []
    synth_runs = []
    device = None
    try:
        device_loader_rate(target, 10000, streams[-1], 99)  # JIT, foreground cache
        for r in range(args.rounds):
            synth = synth_rate(args.threads, args.synth_seconds, 4)  # the server idles meanwhile
            synth_runs.append(synth)
            print("synth samples/s: %.0f  (round %d, in-process, %d threads)"
                  % (synth, r + 1, args.threads), flush=True)
            for s in streams:
                s0 = cpu_seconds(proc.pid)
                rate, client_us, device = device_loader_rate(target, args.samples, s, r * 10 + s)
                server_us = (cpu_seconds(proc.pid) - s0) / args.samples * 1e6
                runs[s].append((rate, synth))
                print("delivered device-loader samples/s: %.0f  (round %d, %d streams, %s "
                      "tensors, %.2f of this round's synth; server CPU %.0f us/sample, client "
                      "CPU %.1f us/sample)" % (rate, r + 1, s, device, rate / synth, server_us,
                                               client_us), flush=True)
            rate = dataloader_rate(target, args.samples, args.workers, r * 10 + 9)
            loader_runs.append(rate)
            print("delivered DataLoader samples/s: %.0f  (round %d, ds.loader(num_workers=%d), "
                  "CPU tensors)" % (rate, r + 1, args.workers), flush=True)
    finally:
        proc.terminate()
        proc.wait(10)
    host = memcpy_bandwidth()
    print("copy limit host->host: %.1f GB/s = %.0f samples/s (%d bytes/sample, one memcpy)"
          % (host / 1e9, host / SAMPLE_BYTES, SAMPLE_BYTES))
    h2d = h2d_bandwidth()
    if h2d is not None:
        print("copy limit host->device: %.1f GB/s = %.0f samples/s (pinned)"
              % (h2d / 1e9, h2d / SAMPLE_BYTES))
    paired = {s: statistics.median(rate / synth for rate, synth in runs[s]) for s in streams}
    best = max(streams, key=lambda s: paired[s])
    delivered = statistics.median(rate for rate, _ in runs[best])
    synth = statistics.median(synth_runs)
    loader = statistics.median(loader_runs)
    limit = min(synth, h2d / SAMPLE_BYTES) if h2d else synth
    print("ratios (medians over rounds): delivered / synth of the same round = %s; "
          "delivered / DataLoader(%d workers) = %.2f; delivered / min(synth, host->device) = %.2f"
          % (", ".join("%.2f (%d streams)" % (paired[s], s) for s in streams), args.workers,
             delivered / loader, delivered / limit))
    print("delivered %s tensors, %d streams, samples/s: %.0f" % (device, best, delivered))
    print("synth %d threads, samples/s: %.0f" % (args.threads, synth))


if __name__ == "__main__":
    main()
