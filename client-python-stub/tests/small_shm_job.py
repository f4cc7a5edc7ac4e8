"""A trainer in a container's small /dev/shm, for test_shm.py: run as root of its own user and
mount namespaces (unshare -r -m) with a tmpfs of its own on /dev/shm, where it starts a server
(which must see the same /dev/shm) and, for each size given, remounts /dev/shm at that size and
runs `FgbgIterableDataset(...).loader(num_workers=WORKERS)` (or only builds it, size ending in
"-build": its DataLoader would die of a Bus error there; or, size ending in "-map", a
DataLoader of as many workers over FgbgDataset, batches of BATCH). One JSON line per size: the loader's
digest, the Java CLI's for the same epoch, the rings the server accepted, and the fgbg warnings
logged in this process.

small_shm_job.py BATCH WORKERS MIB[-build|-map]...
"""
import json
import logging
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from conftest import SMALL, Server, digest_of, java_stream_digest  # noqa: E402


class Said(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def main(batch, workers, sizes):
    import fgbg
    from fgbg.torch import FgbgDataset, FgbgIterableDataset
    from torch.utils.data import DataLoader

    said = Said()
    logging.getLogger("fgbg").addHandler(said)
    server = Server(SMALL)
    try:
        java = java_stream_digest(server.target, "--seed", "9", "--shuffle")
        for size in sizes:
            subprocess.run(["mount", "-o", "remount,size=%sm" % size.split("-")[0], "/dev/shm"],
                           check=True)
            said.lines.clear()
            with fgbg.Client(server.target) as c:
                accepted = c.server_stats().rings_accepted
                if size.endswith("-map"):  # map-style: each worker's GetSamples ring
                    loader = DataLoader(FgbgDataset(server.target, seed=9), batch_size=batch,
                                        num_workers=workers, multiprocessing_context="spawn")
                else:
                    ds = FgbgIterableDataset(server.target, seed=9, batch_size=batch)
                    loader = ds.loader(num_workers=workers)
                digest = None if size.endswith("-build") else digest_of(loader).hex()
                accepted = c.server_stats().rings_accepted - accepted
            print(json.dumps(dict(size=size, digest=digest, java=java, rings=accepted,
                                  warnings=list(said.lines))), flush=True)
    finally:
        server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:])
