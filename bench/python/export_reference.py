"""The hand-made way of writing the dataset, for BENCHMARKS.md: one Python process, per sample a
numpy alpha blend of a resized foreground, then PIL saves of a JPEG image and a JPEG mask.

    /usr/bin/python3 bench/python/export_reference.py --limit 5000 --dir /work
prints `samples/s: X`.
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_client import NumpyCompositing  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--limit", type=int, default=5000)
    p.add_argument("--dir", default=None)
    args = p.parse_args()
    from PIL import Image

    ds = NumpyCompositing()
    out = tempfile.mkdtemp(prefix="fgbg-ref-export", dir=args.dir)
    try:
        t0 = time.perf_counter()
        for i in range(args.limit):
            img, mask, _ = ds[i]
            bg = "bg_%03d" % (i // 4000)
            for sub in ("fg_bg", "fg_bg_masks"):
                os.makedirs(os.path.join(out, sub, bg), exist_ok=True)
            name = "fg_bg_%d_%d_%d_%d" % ((i // 40) % 100, i // 4000, (i // 20) % 2, i % 20)
            Image.fromarray(img).save(os.path.join(out, "fg_bg", bg, name + ".jpg"))
            Image.fromarray(mask).save(os.path.join(out, "fg_bg_masks", bg, name + ".jpg"))
        print("samples/s: %.0f" % (args.limit / (time.perf_counter() - t0)))
    finally:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
