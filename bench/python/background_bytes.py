"""What the background outputs cost on the wire (issue 17): bytes per sample of StreamEpoch
messages of the built-in dataset at batch 64, with and without background and background_depth,
in index order (a batch's samples share one or two backgrounds) and shuffled (most samples of a
batch have their own), against the same backgrounds sent once per sample (no dedupe), in one run
against one local server.

    /usr/bin/python3 bench/python/background_bytes.py [--batches 40]

Prints one line per case: `OUTPUTS ORDER: B bytes/sample (ratio to image,mask,depth,meta)`.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_client import ROOT, start_server  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "client-python-stub"))
import grpc  # noqa: E402

from fgbg.v1 import fgbg_pb2 as pb, fgbg_pb2_grpc as rpc  # noqa: E402

NAMES = {"image": pb.OUTPUT_IMAGE, "mask": pb.OUTPUT_MASK, "depth": pb.OUTPUT_DEPTH,
         "meta": pb.OUTPUT_META, "background": pb.OUTPUT_BACKGROUND,
         "background_depth": pb.OUTPUT_BACKGROUND_DEPTH}


def per_sample(stub, outputs, shuffle, batches):
    """(message bytes, bytes the backgrounds would take sent per sample) per sample."""
    req = pb.StreamEpochRequest(dataset="builtin", seed=1, batch_size=64, shuffle=shuffle,
                                limit=64 * batches, outputs=[NAMES[o] for o in outputs])
    total = undeduped = samples = 0
    for m in stub.StreamEpoch(req):
        total += m.ByteSize()
        n = len(m.indices)
        rows = max(m.background_rows) + 1 if m.background_rows else 1
        per_row = len(m.backgrounds) + len(m.background_depths)
        undeduped += m.ByteSize() - per_row + per_row // rows * n
        samples += n
    return total / samples, undeduped / samples


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=40)
    a = ap.parse_args()
    proc, target = start_server()
    try:
        with grpc.insecure_channel(target, [("grpc.max_receive_message_length", 1 << 28)]) as ch:
            stub = rpc.FgbgStub(ch)
            base = ["image", "mask", "depth", "meta"]
            for shuffle in (False, True):
                order = "shuffled" if shuffle else "in order"
                ref, _ = per_sample(stub, base, shuffle, a.batches)
                print("%s %s: %.0f bytes/sample (1.00)" % (",".join(base), order, ref))
                for extra in (["background"], ["background", "background_depth"]):
                    got, once_each = per_sample(stub, base + extra, shuffle, a.batches)
                    print("%s %s: %.0f bytes/sample (%.2f; without dedupe %.0f, %.2f)"
                          % (",".join(base + extra), order, got, got / ref, once_each,
                             once_each / ref))
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
