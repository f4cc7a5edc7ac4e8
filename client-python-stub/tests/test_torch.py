import json
import os
import subprocess
import sys

import torch

import fgbg
from conftest import N, ROOT, java_stream_digest
from fgbg.torch import FgbgIterableDataset


def digest_of(batches):
    d = fgbg.SampleDigest()
    for b in batches:
        for s in range(len(b["index"])):
            d.add_sample(int(b["index"][s]), b["image"][s].numpy().tobytes(),
                         b["mask"][s].numpy().tobytes(), b["depth"][s].numpy().tobytes())
    return d


EXACTLY_ONCE = r"""
import json, sys, torch
sys.path.insert(0, %(pkg)r)
import fgbg
from fgbg.torch import FgbgIterableDataset
seen, total = [], fgbg.SampleDigest()
for rank in range(2):
    ds = FgbgIterableDataset(sys.argv[1], seed=9, batch_size=16, rank=rank, world_size=2)
    # A plain DataLoader with forked workers, as in most training scripts.
    for b in torch.utils.data.DataLoader(ds, batch_size=None, num_workers=2):
        for s in range(len(b["index"])):
            seen.append(int(b["index"][s]))
            total.add_sample(int(b["index"][s]), b["image"][s].numpy().tobytes(),
                             b["mask"][s].numpy().tobytes(), b["depth"][s].numpy().tobytes())
print(json.dumps({"seen": seen, "digest": total.hex()}))
"""


def test_ranks_times_workers_cover_the_epoch_exactly_once(server, tmp_path):
    # A fresh trainer process: its parent has not used gRPC before DataLoader forks workers.
    script = tmp_path / "once.py"
    script.write_text(EXACTLY_ONCE % {"pkg": os.path.join(ROOT, "client-python-stub")})
    out = json.loads(subprocess.run([sys.executable, str(script), server.target], check=True,
                                    capture_output=True, text=True, timeout=120).stdout)
    assert sorted(out["seen"]) == list(range(N)), "every sample once across 2 ranks x 2 workers"
    assert out["digest"] == java_stream_digest(server.target, "--seed", "9", "--shuffle")


def test_loader_workers_are_spawned_and_cover_the_epoch(server):
    ds = FgbgIterableDataset(server.target, seed=9, batch_size=16, rank=1, world_size=2)
    loader = ds.loader(num_workers=2)
    assert loader.loader.multiprocessing_context.get_start_method() == "spawn"
    seen = [i for b in loader for i in b["index"].tolist()]
    assert len(seen) == len(set(seen)) == N // 2


def test_each_pass_is_a_new_epoch_unless_set(server):
    ds = FgbgIterableDataset(server.target, seed=1, batch_size=100)
    first = [b["index"].tolist() for b in ds]
    second = [b["index"].tolist() for b in ds]
    assert sorted(sum(first, [])) == sorted(sum(second, [])) == list(range(N))
    assert first != second, "the order changes by itself between passes"
    ds.set_epoch(0)
    assert [b["index"].tolist() for b in ds] == first
    loader = ds.loader(num_workers=2)
    ds.set_epoch(5)
    a = sorted(i for b in loader for i in b["index"].tolist())
    b2 = [i for b in loader for i in b["index"].tolist()]
    assert a == list(range(N)) and sorted(b2) == a


def test_float_images_and_meta(server):
    ds = FgbgIterableDataset(server.target, batch_size=8, image="float",
                             normalize=([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]))
    b = next(iter(ds))
    assert b["image"].shape == (8, 3, 32, 32) and b["image"].dtype == torch.float32
    assert b["image"].min() >= -2.0 - 1e-6 and b["image"].max() <= 2.0 + 1e-6
    assert b["meta"]["bbox"].shape == (8, 4)
    assert b["depth"].dtype == torch.float16


RESUME = r"""
import json, sys, torch
sys.path.insert(0, %(pkg)r)
from fgbg.torch import FgbgIterableDataset
phase, target, arg = sys.argv[1], sys.argv[2], sys.argv[3]
seen = []
if phase == "first":
    states = []
    for rank in range(2):
        ds = FgbgIterableDataset(target, seed=4, batch_size=8, rank=rank, world_size=2)
        ds.set_epoch(2)
        it = iter(ds.loader(num_workers=2, multiprocessing_context="fork"))
        for _ in range(5):
            seen.extend(next(it)["index"].tolist())
        states.append(ds.state_dict())
        del it
    json.dump({"state": states[0], "seen": seen}, open(arg, "w"))
else:
    state = json.load(open(arg))["state"]
    for rank in range(3):
        ds = FgbgIterableDataset(target, seed=4, batch_size=8, rank=rank, world_size=3)
        ds.load_state_dict(state)
        for b in ds.loader(num_workers=1, multiprocessing_context="fork"):
            seen.extend(b["index"].tolist())
        assert ds.state_dict()["epoch"] == 2
    print(json.dumps(seen))
"""


def test_resume_in_a_fresh_process_with_another_world_size(server, tmp_path):
    script = tmp_path / "resume.py"
    script.write_text(RESUME % {"pkg": os.path.join(ROOT, "client-python-stub")})
    saved = tmp_path / "state.json"
    subprocess.run([sys.executable, str(script), "first", server.target, str(saved)], check=True)
    first = json.loads(saved.read_text())
    assert len(first["seen"]) == 2 * 5 * 8
    assert first["state"]["epoch"] == 2
    out = subprocess.run([sys.executable, str(script), "second", server.target, str(saved)],
                         check=True, capture_output=True, text=True).stdout
    rest = json.loads(out)
    union = first["seen"] + rest
    assert len(union) == len(set(union)), "no sample twice"
    assert sorted(union) == list(range(N)), "no sample lost"
