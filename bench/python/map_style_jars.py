"""The map-style FgbgDataset's rate against servers of two jars, in alternating rounds.

    /usr/bin/python3 bench/python/map_style_jars.py BEFORE.jar AFTER.jar [--rounds 3]

Each measurement starts a fresh server from its jar on a free port, warms it with 3,000 samples,
then times 12,000 (DataLoader, batch 64, shuffled, image + mask, no workers; see
bench_client.bench_map_style), and stops it.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "client-python-stub"))
sys.path.insert(0, HERE)

from bench_client import bench_map_style, start_server  # noqa: E402


def measure(jar: str) -> float:
    server, target = start_server(jar)
    try:
        bench_map_style(target, 3000, 64, 0)
        return bench_map_style(target, 12000, 64, 0)
    finally:
        server.terminate()
        server.wait()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args()
    for r in range(args.rounds):
        order = [("before", args.before), ("after", args.after)]
        for name, jar in order if r % 2 == 0 else reversed(order):
            print(f"round {r + 1} {name}: map-style samples/s {measure(jar):.0f}", flush=True)


if __name__ == "__main__":
    main()
