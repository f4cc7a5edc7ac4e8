"""Per-object labels of scenes where users train: meta["instances"] in FgbgDataset,
FgbgIterableDataset (its device loader too) and webdataset exports read back by fgbg.exported,
equal to the served SampleMeta.scene.instances; detection_targets / detection_collate give
torchvision's targets for scenes and for the classic spec, from a real server."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import fgbg
from conftest import PKG, SMALL, N, Server
from fgbg.torch import (FgbgDataset, FgbgIterableDataset, detection_collate,
                        detection_targets)

SCENE = SMALL + ["--objects", "2:4", "--distractors", "0:1", "--max-occlusion", "0.9",
                 "--max-truncation", "0.5"]
SLOTS = 4
ALL = ["image", "mask", "meta", "instances"]


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    s = Server(SCENE, export_root=tmp_path_factory.mktemp("det-exports"))
    yield s
    s.stop()


def served(target, idx):
    with fgbg.Client(target) as c:
        return c.get_samples(idx, seed=4, outputs=ALL)


def expected(meta):
    """(boxes, labels, visible) of a SampleMeta's instances, padded to SLOTS as documented."""
    inst = list(meta.scene.instances)
    boxes = [[i.bbox.x0, i.bbox.y0, i.bbox.x1, i.bbox.y1] for i in inst] + [[0] * 4] * (
        SLOTS - len(inst))
    labels = [i.fg_label for i in inst] + [-1] * (SLOTS - len(inst))
    visible = [i.visible_fraction for i in inst] + [0.0] * (SLOTS - len(inst))
    return boxes, labels, visible


def check_instances(got, meta):
    boxes, labels, visible = expected(meta)
    assert got["boxes"].dtype == torch.int64 and got["boxes"].tolist() == boxes
    assert got["labels"].tolist() == labels
    n = len(meta.scene.instances)
    assert got["ids"].tolist() == list(range(1, n + 1)) + [0] * (SLOTS - n)
    assert got["visible_fraction"].tolist() == visible


def test_map_style_samples_and_default_collate_carry_every_instance(scenes):
    idx = [3, 7, 150, 611]
    b = served(scenes.target, idx)
    ds = FgbgDataset(scenes.target, seed=4, outputs=ALL)
    several = 0
    for row, i in enumerate(idx):
        check_instances(ds[i]["meta"]["instances"], b.meta[row])
        several += len(b.meta[row].scene.instances) > 1
    assert several >= 2
    # Padded to objects_max, so the default collate stacks samples of any instance count.
    batch = next(iter(DataLoader(torch.utils.data.Subset(ds, idx), batch_size=4)))
    assert batch["meta"]["instances"]["boxes"].shape == (4, SLOTS, 4)
    for row in range(4):
        check_instances({k: v[row] for k, v in batch["meta"]["instances"].items()}, b.meta[row])


def test_streamed_batches_carry_every_instance(scenes):
    ds = FgbgIterableDataset(scenes.target, seed=4, batch_size=64, outputs=ALL)
    seen = {}
    for batch in ds.device_loader(streams=2, device="cpu"):
        inst = batch["meta"]["instances"]
        assert inst["boxes"].shape == (len(batch["index"]), SLOTS, 4)
        for s, i in enumerate(batch["index"].tolist()):
            seen[i] = {k: v[s] for k, v in inst.items()}
    assert len(seen) == N
    b = served(scenes.target, [0, 99, 799])
    for row, i in enumerate((0, 99, 799)):
        check_instances(seen[i], b.meta[row])
    plain = next(iter(FgbgIterableDataset(scenes.target, seed=4, batch_size=8)))
    assert "instances" in plain["meta"], "meta is among the default outputs"


def test_detection_targets_of_scenes_are_torchvision_targets(scenes):
    idx = list(range(0, N, 37))
    b = served(scenes.target, idx)
    ds = FgbgDataset(scenes.target, seed=4, outputs=ALL, image="float")
    loader = DataLoader(torch.utils.data.Subset(ds, idx), batch_size=len(idx),
                        collate_fn=detection_collate)
    images, targets = next(iter(loader))
    assert len(images) == len(targets) == len(idx) and images[0].shape == (3, 32, 32)
    batch = next(iter(DataLoader(torch.utils.data.Subset(ds, idx), batch_size=len(idx))))
    from_batch = detection_targets(batch)
    for row, t in enumerate(targets):
        shown = [(k, i) for k, i in enumerate(b.meta[row].scene.instances, start=1)
                 if i.bbox.x1 > i.bbox.x0]
        assert t["boxes"].dtype == torch.float32 and t["labels"].dtype == torch.int64
        assert t["boxes"].tolist() == [[i.bbox.x0, i.bbox.y0, i.bbox.x1, i.bbox.y1]
                                       for _, i in shown]
        assert t["labels"].tolist() == [i.fg_label + 1 for _, i in shown]
        ids = b.instances[row]
        assert t["masks"].shape == (len(shown), 32, 32) and t["masks"].dtype == torch.uint8
        for m, (k, _) in zip(t["masks"], shown):
            assert np.array_equal(m.numpy(), (ids == k).astype(np.uint8))
        for key in t:
            assert torch.equal(t[key], from_batch[row][key])
    for t in targets:  # the box of each mask, x1/y1 exclusive
        for m, box in zip(t["masks"], t["boxes"].tolist()):
            ys, xs = np.nonzero(m.numpy())
            assert [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1] == box
    no_masks = detection_targets(ds[idx[0]], masks=False)
    assert set(no_masks) == {"boxes", "labels"}
    with pytest.raises(ValueError, match="'instances'"):
        detection_targets(FgbgDataset(scenes.target, seed=4, outputs=["image", "meta"])[0],
                          masks=True)


@pytest.mark.parametrize("fmt", ["npy", "folders", "webdataset"])
def test_exports_read_the_instances_back(scenes, fmt):
    with fgbg.Client(scenes.target) as c:
        done = c.export("det-" + fmt, format=fmt, seed=4, start=100, end=180,
                        outputs=["image", "instances"], shard_size=32, progress=False)
    folder = os.path.join(str(scenes.export_root), os.path.dirname(done.manifest))
    ds = fgbg.exported(folder, verify=True)  # instances.csv is among the files checked
    assert "instances.csv" in [f.path for f in ds.manifest.files]
    b = served(scenes.target, list(range(100, 180)))
    for p in range(80):
        check_instances(ds[p]["meta"]["instances"], b.meta[p])
    images, targets = detection_collate([ds[0], ds[1]])
    assert targets[0]["masks"].shape[1:] == (32, 32)
    if fmt == "webdataset":  # an export from before instances.csv: each KEY.json
        os.remove(os.path.join(folder, "instances.csv"))
        m = os.path.join(folder, "manifest.json")
        with open(m) as f:
            j = json.load(f)
        j["files"] = [f for f in j["files"] if f["path"] != "instances.csv"]
        with open(m, "w") as f:
            json.dump(j, f)
        old = fgbg.exported(folder)
        for p in (0, 41, 79):
            check_instances(old[p]["meta"]["instances"], b.meta[p])


def test_a_classic_export_has_no_instance_table(server):
    with fgbg.Client(server.target) as c:
        done = c.export("det-classic", format="npy", end=40, progress=False)
    ds = fgbg.exported(os.path.join(str(server.export_root), os.path.dirname(done.manifest)))
    assert "instances" not in ds[3]["meta"]
    assert "instances.csv" not in [f.path for f in ds.manifest.files]


def test_classic_samples_give_one_target(server):
    ds = FgbgDataset(server.target, outputs=["image", "mask", "meta"])
    s = ds[5]
    assert "instances" not in s["meta"]
    t = detection_targets(s)
    box = s["meta"]["bbox"].tolist()
    assert t["boxes"].tolist() == [box] and t["labels"].tolist() == [int(s["meta"]["fg_label"]) + 1]
    assert torch.equal(t["masks"][0], (s["mask"] >= 128).to(torch.uint8))
    empty = dict(s, meta=dict(s["meta"], bbox=torch.zeros(4, dtype=torch.int64)))
    assert detection_targets(empty)["boxes"].shape == (0, 4)


TRAINER = r"""
import sys
sys.path.insert(0, %(pkg)r)
import torch
from torch.utils.data import DataLoader
from fgbg.torch import FgbgDataset, detection_collate
if __name__ == "__main__":
    ds = FgbgDataset(sys.argv[1], image="float", outputs=["image", "meta", "instances"])
    for ctx in ["fork", "spawn", "spawn"]:
        loader = DataLoader(ds, batch_size=8, shuffle=True, num_workers=2,
                            multiprocessing_context=ctx,
                            collate_fn=detection_collate,
                            generator=torch.Generator().manual_seed(0))
        for i, (images, targets) in enumerate(loader):
            if i == 9:
                break  # the workers are told to stop with batches still on their way
    print("done", flush=True)
"""


def test_detection_collate_workers_stopped_early_exit_cleanly(tmp_path):
    # A spawned worker stopped mid-epoch exits through interpreter shutdown: a batch still
    # being moved to shared memory on its queue's feeder thread aborted it (about one run in
    # two at 160x160), unless detection_collate moved it there itself.
    script = tmp_path / "trainer.py"
    script.write_text(TRAINER % {"pkg": PKG})
    s = Server(SMALL[2:] + ["--builtin-size", "160", "--objects", "1:4"])
    try:
        for _ in range(3):
            run = subprocess.run([sys.executable, str(script), s.target], capture_output=True,
                                 text=True, timeout=300)
            assert run.returncode == 0 and run.stdout == "done\n", run.stderr
            assert "terminate called" not in run.stderr, run.stderr
            assert "killed by signal" not in run.stderr, run.stderr
    finally:
        s.stop()


def write_soft_cutouts(root):
    """Backgrounds and cut-outs whose alpha falls off from 255 at the centre to 0 at the edge,
    so that thresholds 100 and 128 give different extents."""
    from PIL import Image

    rng = np.random.default_rng(3)
    for label in ("indoor", "outdoor"):
        os.makedirs(os.path.join(root, "bg", label))
        Image.fromarray(rng.integers(0, 256, (40, 40, 3)).astype(np.uint8)).save(
            os.path.join(root, "bg", label, label + ".png"))
    for label in ("cat", "dog"):
        os.makedirs(os.path.join(root, "fg", label))
        yy, xx = np.mgrid[0:36, 0:24]
        r = np.sqrt(((yy - 17.5) / 18.0) ** 2 + ((xx - 11.5) / 12.0) ** 2)
        alpha = (255 * (1 - r)).clip(0, 255)
        rgb = rng.integers(0, 256, (36, 24, 3))
        Image.fromarray(np.dstack([rgb, alpha]).astype(np.uint8), "RGBA").save(
            os.path.join(root, "fg", label, label + ".png"))


def extent(m):
    ys, xs = np.nonzero(m.numpy())
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1] if len(xs) \
        else [0, 0, 0, 0]


def test_classic_soft_mask_targets_follow_the_mask_threshold(tmp_path):
    write_soft_cutouts(str(tmp_path))
    s = Server(["--bg", str(tmp_path / "bg"), "--fg", str(tmp_path / "fg"), "--size", "32",
                "--placements", "6", "--fg-scale", "0.5:0.9", "--soft-mask",
                "--mask-threshold", "100"] + SMALL)
    try:
        ds = FgbgDataset(s.target, dataset="folder", outputs=["image", "mask", "meta"])
        with_ids = FgbgDataset(s.target, dataset="folder",
                               outputs=["image", "mask", "meta", "instances"])
        assert ds.info.spec.mask_threshold == 100 and ds.info.spec.soft_mask
        at_128 = 0
        for i in range(len(ds)):
            sample = ds[i]
            box = sample["meta"]["bbox"].tolist()
            assert sample["meta"]["mask_threshold"].item() == 100
            for t in (detection_targets(sample), detection_targets(with_ids[i])):
                if box[2] > box[0]:
                    assert t["boxes"].tolist() == [box] and extent(t["masks"][0]) == box, i
            at_128 += extent((sample["mask"] >= 128).to(torch.uint8)) != box
        assert at_128 > 0, "the cut-outs' soft edges must tell 100 from 128"
        batch = next(iter(FgbgIterableDataset(s.target, dataset="folder", batch_size=16,
                                              outputs=["image", "mask", "meta"])))
        for t, box in zip(detection_targets(batch), batch["meta"]["bbox"].tolist()):
            assert extent(t["masks"][0]) == box
    finally:
        s.stop()
