"""examples/train_unet.py against real servers: the built-in dataset, and a folder dataset whose
depth comes from a model."""
import os
import re
import subprocess
import sys

import pytest

from conftest import PKG

EXAMPLE = os.path.join(PKG, "examples", "train_unet.py")


@pytest.mark.parametrize("which, dataset, depth", [
    ("server", "builtin", "builtin-exact"), ("folder_server", "modeled", "onnx:tiny")])
def test_the_example_trains(request, which, dataset, depth):
    target = request.getfixturevalue(which).target
    out = subprocess.run([sys.executable, EXAMPLE, "--target", target, "--dataset", dataset,
                          "--steps", "50", "--batch-size", "8", "--size", "32"],
                         check=True, capture_output=True, text=True, timeout=300).stdout
    assert re.search(r"dataset %s: \d+ samples, depth: %s" % (dataset, depth), out), out
    losses = [float(x) for x in re.findall(r"loss (\d+\.\d+)", out)]
    assert len(losses) == 4 and out.rstrip().splitlines()[-1].startswith("done: 50 steps")
    assert losses[-1] < losses[0], "the loss falls: %s" % losses
