"""./fgbg bench python: the Python client receiving image+mask batches (224x224 uint8) from a
local server over both paths, the network (gRPC messages) and shared memory (a /dev/shm ring,
issue 13), in interleaved rounds, then the map-style fgbg.torch.FgbgDataset under a shuffling
DataLoader (one GetSamples call per batch), against the hand-made way (a numpy compositing
Dataset in a DataLoader), in one run. Each streaming figure comes with the server's and the
client's CPU time per sample; the limit estimate is the bytes per sample over this machine's
measured memcpy bandwidth.

Prints `network samples/s: A`, `shared-memory samples/s: B` (per round), their medians and
ratios, `map-style samples/s: Z` (per worker count), `reference samples/s: Y` (per worker count)
and, last, `samples/s: X` (the streaming client on its default path, shared memory).
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "client-python-stub"))


def start_server(jar=None):
    """A server of `jar` (default: this tree's) on a free port: (process, target). Its log is
    read on a thread from then on, so that it never fills the pipe."""
    jar = jar or os.path.join(ROOT, "server/target/fgbg-server.jar")
    proc = subprocess.Popen(["java", "-jar", jar, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        m = re.search(r"listening on [^:]+:(\d+)", line)
        if m:
            threading.Thread(target=proc.stdout.read, daemon=True).start()
            return proc, "127.0.0.1:" + m.group(1)
    raise RuntimeError("%s: the server exited before listening" % jar)


def cpu_seconds(pid=None):
    """CPU (user + system) seconds of this process (all its threads), or of process `pid`."""
    if pid is None:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def warm_up(target, batch_size):
    """JIT, and every foreground height the server resamples once and caches."""
    import fgbg

    with fgbg.Client(target) as c:
        for shared in (False, True):
            for _ in c.stream_epoch(shuffle=True, batch_size=batch_size, limit=10000,
                                    outputs=["image", "mask"], shared_memory=shared):
                pass


def bench_client(target, server_pid, samples, batch_size, shared_memory, epoch):
    """(samples/s, server CPU µs/sample, client CPU µs/sample) of one stream."""
    import fgbg

    with fgbg.Client(target, shared_memory=shared_memory) as c:
        s0, c0, t0 = cpu_seconds(server_pid), cpu_seconds(), time.perf_counter()
        n = 0
        checksum = 0
        for b in c.stream_epoch(epoch=epoch, shuffle=True, batch_size=batch_size, limit=samples,
                                outputs=["image", "mask"]):
            n += len(b)
            checksum += int(b.images[-1, -1, -1, 0]) + int(b.masks[0, 0, 0])
            if b.shared_memory != shared_memory:
                raise RuntimeError("the stream did not take the path asked for")
        wall = time.perf_counter() - t0
        return (n / wall, (cpu_seconds(server_pid) - s0) / n * 1e6,
                (cpu_seconds() - c0) / n * 1e6)


def memcpy_bandwidth(mib=256, repeats=5):
    """Bytes per second of one large numpy copy (the best of a few), on one core."""
    src = np.ones(mib << 20, dtype=np.uint8)
    dst = np.empty_like(src)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t0)
    return src.nbytes / best


def bench_map_style(target, samples, batch_size, workers):
    """FgbgDataset + DataLoader(shuffle=True): random indices, a GetSamples call per batch,
    default_collate of the sample dicts. Timed after the first batch (workers started)."""
    import torch.utils.data
    from fgbg.torch import FgbgDataset

    ds = FgbgDataset(target, outputs=["image", "mask"])
    loader = torch.utils.data.DataLoader(ds, batch_size=batch_size, shuffle=True,
                                         num_workers=workers,
                                         multiprocessing_context="spawn" if workers else None)
    it = iter(loader)
    next(it)
    t0 = time.perf_counter()
    n = 0
    for b in it:
        n += len(b["index"])
        if n >= samples:
            break
    return n / (time.perf_counter() - t0)


class NumpyCompositing:
    """What the hand-made datasets did per sample: pick bg and fg, resize the fg (with its alpha)
    to a random height in [0.3, 0.6] of the image (PIL, bilinear), flip, alpha-blend in numpy,
    threshold the alpha into a mask. Assets are decoded and in memory (the fastest form of it),
    the same work the server does per sample."""

    def __init__(self, n_bg=100, n_fg=100, size=224, seed=0):
        from PIL import Image

        rng = np.random.default_rng(seed)
        self.bgs = rng.integers(0, 256, (n_bg, size, size, 3), dtype=np.uint8)
        yy, xx = np.mgrid[0:192, 0:120]
        alpha = ((((yy - 96) / 96.0) ** 2 + ((xx - 60) / 60.0) ** 2 < 1) * 255).astype(np.uint8)
        rgb = rng.integers(0, 256, (n_fg, 192, 120, 3), dtype=np.uint8)
        self.fgs = [Image.fromarray(np.dstack([rgb[i], alpha]), "RGBA") for i in range(n_fg)]
        self.size = size
        self.n = n_bg * n_fg * 2 * 20

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        k = i % 20
        flip = (i // 20) % 2
        fg = (i // 40) % len(self.fgs)
        bg = i // 40 // len(self.fgs)
        rng = np.random.default_rng(i)
        img = self.bgs[bg].copy()
        h = int(self.size * rng.uniform(0.3, 0.6))
        w = max(1, round(h * 120 / 192))
        rgba = np.asarray(self.fgs[fg].resize((w, h), resample=2))  # 2 = BILINEAR
        if flip:
            rgba = rgba[:, ::-1]
        f = rgba[..., :3]
        a = rgba[..., 3].astype(np.float32) / 255
        y = rng.integers(0, self.size - f.shape[0])
        x = rng.integers(0, self.size - f.shape[1])
        region = img[y:y + f.shape[0], x:x + f.shape[1]].astype(np.float32)
        region = f * a[..., None] + region * (1 - a[..., None])
        img[y:y + f.shape[0], x:x + f.shape[1]] = region.astype(np.uint8)
        mask = np.zeros((self.size, self.size), np.uint8)
        mask[y:y + f.shape[0], x:x + f.shape[1]] = (a > 0.5) * 255
        return img, mask, k


def bench_reference(samples, batch_size, workers):
    import torch.utils.data

    ds = NumpyCompositing()
    loader = torch.utils.data.DataLoader(ds, batch_size=batch_size, shuffle=True,
                                         num_workers=workers)
    it = iter(loader)
    next(it)
    t0 = time.perf_counter()
    n = 0
    for images, masks, _ in it:
        n += len(images)
        if n >= samples:
            break
    return n / (time.perf_counter() - t0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--samples", type=int, default=20000)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--rounds", type=int, default=3,
                   help="network and shared-memory streams, alternating which goes first")
    args = p.parse_args()
    proc, target = start_server()
    runs = {False: [], True: []}
    try:
        warm_up(target, args.batch_size)
        for r in range(args.rounds):
            for shared in ((False, True) if r % 2 == 0 else (True, False)):
                rate, server_us, client_us = bench_client(target, proc.pid, args.samples,
                                                          args.batch_size, shared, r + 1)
                runs[shared].append((rate, server_us, client_us))
                print("%s samples/s: %.0f  (round %d; server CPU %.1f us/sample, client CPU "
                      "%.1f us/sample)" % ("shared-memory" if shared else "network", rate, r + 1,
                                           server_us, client_us), flush=True)
        for workers in (0, 2):
            rate = bench_map_style(target, min(args.samples, 10000), args.batch_size, workers)
            print("map-style samples/s: %.0f  (FgbgDataset, DataLoader shuffle=True, "
                  "batch_size=%d, num_workers=%d)" % (rate, args.batch_size, workers), flush=True)
    finally:
        proc.terminate()
        proc.wait(10)
    reference = {}
    for workers in (0, 2):
        reference[workers] = bench_reference(min(args.samples, 10000), args.batch_size, workers)
        print("reference samples/s: %.0f  (numpy compositing Dataset, DataLoader num_workers=%d)"
              % (reference[workers], workers))
    med = {k: [statistics.median(x[i] for x in v) for i in range(3)] for k, v in runs.items()}
    spread = {k: (min(x[0] for x in v), max(x[0] for x in v)) for k, v in runs.items()}
    for shared, name in ((False, "network"), (True, "shared-memory")):
        print("%s median samples/s: %.0f (spread %.0f..%.0f); server CPU %.1f, client CPU %.1f "
              "us/sample" % (name, med[shared][0], spread[shared][0], spread[shared][1],
                             med[shared][1], med[shared][2]))
    sample_bytes = 224 * 224 * 4  # image + mask
    bandwidth = memcpy_bandwidth()
    limit_us = sample_bytes / bandwidth * 1e6
    print("limit estimate: %d bytes/sample / %.1f GB/s memcpy = %.1f us/sample (%.0f samples/s "
          "for one copy of each byte)" % (sample_bytes, bandwidth / 1e9, limit_us, 1e6 / limit_us))
    print("ratios: shared-memory / network = %.2f, shared-memory / reference(2 workers) = %.2f,"
          " network / reference(2 workers) = %.2f" % (
              med[True][0] / med[False][0], med[True][0] / reference[2],
              med[False][0] / reference[2]))
    print("samples/s: %.0f" % med[True][0])


if __name__ == "__main__":
    main()
