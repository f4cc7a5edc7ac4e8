"""COCO exports through a real server, checked by pycocotools: annotation ids never 0 (an
export with sample 0 scores its own ground truth at AP 1.0, single-object and scenes), no
degenerate annotation for a cut-out whose mask is empty (thin lines shrunk under the
threshold), and with soft masks each annotation's bbox is its RLE's box and its area the RLE's."""
import json
import os
import subprocess
import textwrap

import numpy as np
import pytest

import fgbg
from conftest import COCO_EVAL, SMALL, Server

# Per annotation: pycocotools' box and area of the RLE against the written bbox and area.
COCO_SHAPES = textwrap.dedent("""
    import json, sys
    from pycocotools.coco import COCO
    from pycocotools import mask as mu
    gt = COCO(sys.argv[1])
    rows = []
    for a in gt.dataset["annotations"]:
        rle = gt.annToRLE(a)
        rows.append({"id": a["id"], "image_id": a["image_id"], "bbox": a["bbox"],
                     "rle_bbox": [int(v) for v in mu.toBbox(rle)], "area": a["area"],
                     "rle_area": int(mu.area(rle))})
    print(json.dumps(rows))
""")


def write_assets(root):
    """Backgrounds in two label folders; cut-outs: a disc with an alpha ramp (soft), a solid
    disc and square, and a one-pixel diagonal that is visible at 64x64 but fades under the threshold when
    shrunk to a few pixels."""
    from PIL import Image

    rng = np.random.default_rng(3)
    for label in ("indoor", "outdoor"):
        os.makedirs(os.path.join(root, "bg", label))
        Image.fromarray(rng.integers(0, 255, (40, 40, 3), dtype=np.uint8)).save(
            os.path.join(root, "bg", label, "b.png"))
    yy, xx = np.mgrid[0:32, 0:32]
    r = np.hypot((xx + 0.5) / 32 - 0.5, (yy + 0.5) / 32 - 0.5) * 2
    ramp = (np.clip(1 - r, 0, 1) * 255).round()
    diag = np.zeros((64, 64))
    diag[np.arange(64), np.arange(64)] = 255
    disc = (r < 0.9) * 255.0
    square = np.full((24, 20), 255.0)
    for folder, alpha in (("soft/ramp", ramp), ("solid/disc", disc), ("solid/square", square),
                          ("thin/diag", diag), ("thin/disc", disc)):
        os.makedirs(os.path.join(root, "fg", folder))
        h, w = alpha.shape
        rgba = np.dstack([rng.integers(0, 255, (h, w, 3)), alpha]).astype(np.uint8)
        Image.fromarray(rgba, "RGBA").save(os.path.join(root, "fg", folder, "f.png"))


@pytest.fixture(scope="module")
def coco_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("coco-assets")
    write_assets(str(root))
    bg = str(root / "bg")

    def fg(name):
        return str(root / "fg" / name)
    config = {"datasets": [
        {"name": "soft", "bg": bg, "fg": fg("soft"), "size": "32", "placements": 6,
         "fgScale": "0.5:0.9", "softMask": True},
        {"name": "thin", "bg": bg, "fg": fg("thin"), "size": "32", "placements": 6,
         "fgScale": "0.3:0.6"},
        {"name": "scene", "bg": bg, "fg": fg("solid"), "size": "32", "placements": 6,
         "fgScale": "0.3:0.6", "objects": "2:4", "maxOcclusion": 0.9},
        {"name": "thinscene", "bg": bg, "fg": fg("thin"), "size": "32", "placements": 6,
         "fgScale": "0.3:0.6", "objects": "2:4", "maxOcclusion": 0.9}]}
    (root / "datasets.json").write_text(json.dumps(config))
    s = Server(SMALL + ["--config", str(root / "datasets.json")],
               export_root=tmp_path_factory.mktemp("coco-exports"))
    yield s
    s.stop()


def export(server, dataset, end=0):
    with fgbg.Client(server.target) as c:
        done = c.export("coco-" + dataset, format="coco", dataset=dataset, seed=2, end=end,
                        progress=False)
    path = os.path.join(str(server.export_root), os.path.dirname(done.manifest), "annotations",
                        "instances.json")
    with open(path) as f:
        return path, json.load(f)


def run(python, script, path):
    r = subprocess.run([python, "-c", script, path], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def check(python, path, coco):
    """AP 1.0 against itself; every annotation non-degenerate, its bbox and area its RLE's."""
    assert run(python, COCO_EVAL, path) == {"segm": 1.0, "bbox": 1.0}
    rows = run(python, COCO_SHAPES, path)
    assert len(rows) == len(coco["annotations"]) > 0
    for a in rows:
        assert a["id"] > 0 and a["id"] // 256 == a["image_id"], a
        assert a["bbox"][2] > 0 and a["bbox"][3] > 0 and a["area"] > 0, a
        assert a["bbox"] == a["rle_bbox"] and a["area"] == a["rle_area"], a
    assert all(c["supercategory"] == "object" for c in coco["categories"])
    return rows


@pytest.mark.parametrize("dataset,n,scene", [("builtin", 120, False), ("scene", 48, True)])
def test_an_export_with_sample_0_scores_its_own_ground_truth_at_ap_one(
        coco_server, pycocotools_python, dataset, n, scene):
    path, coco = export(coco_server, dataset, end=n)
    assert [im["id"] for im in coco["images"]] == list(range(n))
    rows = check(pycocotools_python, path, coco)
    first = [a["id"] for a in rows if a["image_id"] == 0]
    assert first and min(first) == 1, "sample 0's first object has id 1, not 0"
    if not scene:
        assert [a["id"] for a in rows] == [i * 256 + 1 for i in range(n)]
    else:
        assert len(rows) > n, "several objects per image"


def test_thin_cut_outs_in_scenes_give_no_degenerate_annotation(coco_server, pycocotools_python):
    path, coco = export(coco_server, "thinscene")
    assert [im["id"] for im in coco["images"]] == list(range(48))
    rows = check(pycocotools_python, path, coco)
    assert len({a["image_id"] for a in rows}) < 48, "some scenes show no labelled object"


def test_a_thin_cut_out_with_an_empty_mask_has_no_annotation_but_its_image(
        coco_server, pycocotools_python):
    path, coco = export(coco_server, "thin")
    with fgbg.Client(coco_server.target) as c:
        n = c.describe("thin").size
        masks = c.get_samples(range(n), dataset="thin", seed=2, outputs=["mask"]).masks
    empty = {i for i in range(n) if not masks[i].any()}
    assert 0 < len(empty) < n, "some cut-outs vanish when shrunk: %d" % len(empty)
    assert [im["id"] for im in coco["images"]] == list(range(n))
    rows = check(pycocotools_python, path, coco)
    assert sorted(a["image_id"] for a in rows) == sorted(set(range(n)) - empty)


def test_soft_masks_give_each_annotation_its_rle_box(coco_server, pycocotools_python):
    path, coco = export(coco_server, "soft")
    rows = check(pycocotools_python, path, coco)
    with fgbg.Client(coco_server.target) as c:
        n = c.describe("soft").size
        b = c.get_samples(range(n), dataset="soft", seed=2, outputs=["mask", "meta"])
    assert len(rows) == n
    faint = 0
    for a in rows:
        i = a["image_id"]
        m = b.meta[i].bbox
        assert a["bbox"] == [m.x0, m.y0, m.x1 - m.x0, m.y1 - m.y0], "the served box too"
        assert a["area"] == int((b.masks[i] >= 128).sum())
        faint += int(((b.masks[i] > 0) & (b.masks[i] < 128)).sum())
    assert faint > 0, "the masks are soft"
