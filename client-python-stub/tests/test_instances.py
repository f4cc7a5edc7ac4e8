"""Instance ids (outputs=[..., "instances"]) from a real server of scenes: the same bytes over
the network, through the shared-memory ring, in the torch datasets (the device loader too) and in
exports read back by fgbg.exported; one digest with the Java CLI; and COCO exports that
pycocotools loads and COCOeval scores against themselves at AP 1.0."""
import json
import os
import subprocess

import numpy as np
import pytest
import torch

import fgbg
from conftest import COCO_EVAL, SMALL, N, Server, java_stream_digest
from fgbg.torch import FgbgDataset, FgbgIterableDataset

SCENE = SMALL + ["--objects", "2:4", "--distractors", "0:1", "--max-occlusion", "0.9"]
ALL = ["image", "mask", "depth", "meta", "instances"]


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    s = Server(SCENE, export_root=tmp_path_factory.mktemp("scene-exports"))
    yield s
    s.stop()


def visible_box(ids, k):
    ys, xs = np.nonzero(ids == k)
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]


def test_ids_over_the_network_and_the_ring_agree_with_the_meta(scenes):
    idx = list(range(0, N, 7))
    with fgbg.Client(scenes.target, shared_memory=False) as c:
        net = c.get_samples(idx, seed=4, outputs=ALL)
        plain = c.get_samples(idx[:3], seed=4)
    with fgbg.Client(scenes.target) as c:
        ring = c.get_samples(idx, seed=4, outputs=ALL)
        assert ring.shared_memory
    assert plain.instances is None, "asked for by name only"
    assert net.instances.shape == (len(idx), 32, 32) and net.instances.dtype == np.uint8
    assert np.array_equal(net.instances, ring.instances)
    several = 0
    for s, meta in enumerate(net.meta):
        instances = meta.scene.instances
        several += len(instances) > 1
        assert int(net.instances[s].max()) <= len(instances)
        assert np.array_equal(net.instances[s] > 0, net.masks[s] > 0), "the mask is their union"
        for k, inst in enumerate(instances, start=1):
            shown = int((net.instances[s] == k).sum())
            assert (inst.visible_fraction > 0) == (shown > 0)
            if shown:
                b = inst.bbox
                assert visible_box(net.instances[s], k) == [b.x0, b.y0, b.x1, b.y1]
    assert several > len(idx) // 2


def test_describe_shows_the_scene_settings_typed_and_says_it_is_made_of_scenes(scenes, server):
    with fgbg.Client(scenes.target) as c:
        info = c.describe()
        blend = c.get_samples([3], outputs=["meta"]).meta[0].scene.blend
    assert info.spec.scene == fgbg.SceneSettings(
        objects_min=2, objects_max=4, distractors_min=0, distractors_max=1, max_occlusion=0.9,
        max_truncation=0.0, blends=("BLEND_HARD",), feather_sigma=2.0, motion_length=9,
        colour_match=False, camera_fov=0.0, object_height=0.0)
    assert info.spec.objects_max == 4
    assert fgbg.info.blend_name(blend) == "BLEND_HARD"
    assert "scenes of 2-4 objects" in repr(info) and "scenes of 2-4 objects" in str(info)
    with fgbg.Client(server.target) as c:
        classic = c.describe()
    assert classic.spec.scene is None and "scenes" not in repr(classic)


def test_a_stream_digest_covers_ids_as_the_java_cli_does(scenes):
    java = java_stream_digest(scenes.target, "--seed", "4", "--shuffle", "--batch-size", "50",
                              "--outputs", ",".join(ALL))
    with fgbg.Client(scenes.target) as c:
        for shared_memory in (True, False):
            d = fgbg.SampleDigest()
            for b in c.stream_epoch(seed=4, shuffle=True, batch_size=50, outputs=ALL,
                                    shared_memory=shared_memory):
                assert b.instances is not None and b.shared_memory == shared_memory
                d.add_batch(b)
            assert d.count == N and d.hex() == java, shared_memory
    assert java != java_stream_digest(scenes.target, "--seed", "4", "--shuffle",
                                      "--batch-size", "50")


def test_torch_datasets_and_the_device_loader_carry_the_ids(scenes):
    with fgbg.Client(scenes.target) as c:
        direct = c.get_samples([5, 77, 300], seed=4, outputs=ALL).instances
    m = FgbgDataset(scenes.target, seed=4, outputs=ALL)
    for row, i in enumerate((5, 77, 300)):
        assert torch.equal(m[i]["instances"], torch.from_numpy(direct[row].copy()))
    ds = FgbgIterableDataset(scenes.target, seed=4, batch_size=32, outputs=ALL)
    seen = {}
    for batch in ds.device_loader(streams=2):
        assert batch["instances"].dtype == torch.uint8
        for s, i in enumerate(batch["index"].tolist()):
            seen[i] = batch["instances"][s].clone()
    assert len(seen) == N
    for row, i in enumerate((5, 77, 300)):
        assert torch.equal(seen[i], torch.from_numpy(direct[row].copy()))


@pytest.mark.parametrize("fmt", ["npy", "webdataset", "folders"])
def test_exports_carry_the_ids_and_read_back_exactly(scenes, fmt):
    with fgbg.Client(scenes.target) as c:
        # Folders store depth as millimetre PNGs (depth_npy is webdataset's): mask and ids only.
        outputs = ["mask", "instances"] + (["depth"] if fmt != "folders" else [])
        done = c.export("ids-" + fmt, format=fmt, seed=4, start=100, end=180, outputs=outputs,
                        depth_npy=fmt == "webdataset", shard_size=32, progress=False)
        served = c.get_samples(range(100, 180), seed=4, outputs=["instances"]).instances
    ds = fgbg.exported(os.path.join(str(scenes.export_root), os.path.dirname(done.manifest)),
                       verify=True)
    assert "instances" in ds.manifest.outputs
    for p in (0, 41, 79):
        assert np.array_equal(ds[p]["instances"].numpy(), served[p])
    assert ds.digest() == done.digest


def test_coco_of_scenes_scores_ap_one_against_itself(scenes, pycocotools_python):
    with fgbg.Client(scenes.target) as c:
        done = c.export("coco-scenes", format="coco", seed=4, progress=False)
        metas = c.get_samples(range(0, 64), seed=4, outputs=["meta", "instances"])
    folder = os.path.join(str(scenes.export_root), os.path.dirname(done.manifest))
    path = os.path.join(folder, "annotations", "instances.json")
    with open(path) as f:
        coco = json.load(f)
    anns = coco["annotations"]
    per_image = {}
    for a in anns:
        per_image.setdefault(a["image_id"], []).append(a)
    assert len(coco["images"]) == N and len(anns) > 1.5 * N, "several objects per image"
    for s in range(64):
        visible = [k for k in range(1, len(metas.meta[s].scene.instances) + 1)
                   if (metas.instances[s] == k).any()]
        got = sorted(per_image.get(s, []), key=lambda a: a["id"])
        assert [a["id"] - s * 256 for a in got] == visible
        for a, k in zip(got, visible):
            assert a["area"] == int((metas.instances[s] == k).sum())
            inst = metas.meta[s].scene.instances[k - 1]
            assert a["category_id"] == inst.fg_label + 1 and a["iscrowd"] == 0
    r = subprocess.run([pycocotools_python, "-c", COCO_EVAL, path], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    scores = json.loads(r.stdout.strip().splitlines()[-1])
    assert scores == {"segm": 1.0, "bbox": 1.0}, r.stdout
