"""./fgbg bench python: the Python client receiving image+mask batches (224x224 uint8) from a
local server, then the map-style fgbg.torch.FgbgDataset under a shuffling DataLoader (one
GetSamples call per batch), against the hand-made way (a numpy compositing Dataset in a
DataLoader), in one run.

Prints `map-style samples/s: Z` (per worker count), `reference samples/s: Y` (per worker count)
and, last, `samples/s: X` (the streaming client).
"""
import argparse
import os
import re
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "client-python-stub"))


def start_server():
    proc = subprocess.Popen(["java", "-jar", os.path.join(ROOT, "server/target/fgbg-server.jar"),
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    for line in proc.stdout:
        m = re.search(r"listening on [^:]+:(\d+)", line)
        if m:
            return proc, "127.0.0.1:" + m.group(1)
    raise RuntimeError("server did not start")


def bench_client(target, samples, batch_size):
    import fgbg

    with fgbg.Client(target) as c:
        # Warm-up: JIT, and every foreground height the server resamples once and caches.
        for _ in c.stream_epoch(shuffle=True, batch_size=batch_size, limit=20000,
                                outputs=["image", "mask"]):
            pass
        t0 = time.perf_counter()
        n = 0
        checksum = 0
        for b in c.stream_epoch(epoch=1, shuffle=True, batch_size=batch_size, limit=samples,
                                outputs=["image", "mask"]):
            n += len(b)
            checksum += int(b.images[-1, -1, -1, 0]) + int(b.masks[0, 0, 0])
        return n / (time.perf_counter() - t0)


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
    args = p.parse_args()
    proc, target = start_server()
    try:
        client_rate = bench_client(target, args.samples, args.batch_size)
        for workers in (0, 2):
            rate = bench_map_style(target, min(args.samples, 10000), args.batch_size, workers)
            print("map-style samples/s: %.0f  (FgbgDataset, DataLoader shuffle=True, "
                  "batch_size=%d, num_workers=%d)" % (rate, args.batch_size, workers), flush=True)
    finally:
        proc.terminate()
        proc.wait(10)
    for workers in (0, 2):
        rate = bench_reference(min(args.samples, 10000), args.batch_size, workers)
        print("reference samples/s: %.0f  (numpy compositing Dataset, DataLoader num_workers=%d)"
              % (rate, workers))
    print("samples/s: %.0f" % client_rate)


if __name__ == "__main__":
    main()
