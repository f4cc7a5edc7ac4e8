"""Breaking out of a loader early is silent: a script that leaves its DataLoader (spawned
workers) after a few batches, several times, writes nothing to stderr and exits 0. Before the
fix a worker told to stop could reach interpreter shutdown while its queue's feeder thread was
copying a batch into shared memory, and died with "terminate called without an active
exception" (SIGABRT), which the parent then reported with a traceback."""
import os
import subprocess
import sys

import pytest

from conftest import PKG, Server

# 128x128 batches of 32 (3 MB): large enough that a worker is often mid-copy when told to stop.
WORLD = ["--builtin-size", "128", "--builtin-counts", "4:5", "--builtin-placements", "10"]

SCRIPT = """
import sys

from fgbg.torch import FgbgIterableDataset

if __name__ == "__main__":
    ds = FgbgIterableDataset(sys.argv[1], batch_size=32)
    for attempt in range(4):
        for i, batch in enumerate(ds.loader(num_workers=2)):
            if i == 2:
                break
    for i, batch in enumerate(ds.device_loader(streams=2)):
        if i == 2:
            break
    print("done")
"""


@pytest.fixture(scope="module")
def big_images():
    s = Server(WORLD)
    yield s
    s.stop()


def test_breaking_out_of_a_loader_early_is_silent(big_images, tmp_path):
    script = tmp_path / "early.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=PKG)
    out = subprocess.run([sys.executable, str(script), big_images.target], env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.stderr == "" and out.returncode == 0, out.stderr
    assert out.stdout == "done\n"
