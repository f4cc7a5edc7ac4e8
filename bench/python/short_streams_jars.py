"""Back-to-back streams from one Python client against servers of two jars, alternating.

    /usr/bin/python3 bench/python/short_streams_jars.py BEFORE.jar AFTER.jar \\
        [--streams 8] [--samples 3072] [--rounds 2]

Each measurement starts a fresh server from its jar on a free port, streams two warm-up streams,
then times `--streams` streams of `--samples` samples each (built-in dataset, every output,
batch 64, each batch released at once) from one `fgbg.Client`, and prints samples/s and the
server's CPU per sample (/proc). A client keeps a stream's ring for its next stream when the
server keeps it too (`SharedMemoryOffer.keep`); a server that removes it makes each stream's ring
a new file.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "client-python-stub"))
sys.path.insert(0, HERE)

import fgbg  # noqa: E402
from bench_client import cpu_seconds, start_server  # noqa: E402


def stream(c: fgbg.Client, samples: int) -> int:
    got = 0
    for b in c.stream_epoch(limit=samples, batch_size=64):
        got += len(b)
        b.release()
    return got


def measure(jar: str, streams: int, samples: int) -> tuple:
    server, target = start_server(jar)
    try:
        with fgbg.Client(target) as c:
            for _ in range(2):
                stream(c, samples)
            cpu0 = cpu_seconds(server.pid)
            t0 = time.perf_counter()
            got = sum(stream(c, samples) for _ in range(streams))
            wall = time.perf_counter() - t0
            return got / wall, (cpu_seconds(server.pid) - cpu0) / got * 1e6
    finally:
        server.terminate()
        server.wait()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--streams", type=int, default=8)
    p.add_argument("--samples", type=int, default=3072)
    p.add_argument("--rounds", type=int, default=2)
    a = p.parse_args()
    for r in range(1, a.rounds + 1):
        for name, jar in (("before", a.before), ("after", a.after)):
            rate, micros = measure(jar, a.streams, a.samples)
            print(f"round {r} {name}: {a.streams} streams of {a.samples}: {rate:,.0f} samples/s, "
                  f"server {micros:.1f} µs CPU/sample", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
