"""Training from an export: files written by the real server's Export RPC, read back through
manifest.json with fgbg.exported, verified, and compared with what the server streams."""
import os

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import fgbg
from conftest import java_stream_digest
from fgbg.torch import FgbgDataset

START, END, SEED = 100, 260, 6
FORMATS = {"folders": {}, "webdataset": {"shard_size": 64}, "npy": {"shard_size": 64}}


@pytest.fixture(scope="module")
def exports(server):
    """One export per format of samples [100, 260), plus lossless variants of the other two."""
    done = {}
    with fgbg.Client(server.target) as c:
        for fmt, extra in FORMATS.items():
            done[fmt] = c.export("rb-" + fmt, format=fmt, seed=SEED, start=START, end=END,
                                 progress=False, **extra)
        done["folders-mask"] = c.export("rb-folders-mask", format="folders", seed=SEED,
                                        start=START, end=END, outputs=["mask"], progress=False)
        done["webdataset-exact"] = c.export("rb-wds-exact", format="webdataset", seed=SEED,
                                            start=START, end=END, outputs=["mask", "depth"],
                                            depth_npy=True, shard_size=50, progress=False)
    return {k: (os.path.join(str(server.export_root), os.path.dirname(p.manifest)), p.digest)
            for k, p in done.items()}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_an_export_reads_back_as_the_served_samples(server, exports, fmt):
    path, digest = exports[fmt]
    ds = fgbg.exported(path, verify=True)
    assert len(ds) == END - START and ds.manifest.digest == digest
    served = FgbgDataset(server.target, seed=SEED)
    for i in (0, 37, len(ds) - 1):
        got, ref = ds[i], served[START + i]
        assert set(got) == set(ref) and int(got["index"]) == START + i
        for k, v in ref["meta"].items():
            assert torch.equal(got["meta"][k], v) and got["meta"][k].dtype == v.dtype, k
        assert torch.equal(got["mask"], ref["mask"]), "PNG masks are exact"
        depth = ref["depth"].float()
        if fmt == "npy":
            assert torch.equal(got["image"], ref["image"]) and torch.equal(got["depth"],
                                                                           ref["depth"])
        else:  # JPEG q95 images; 16-bit millimetre depth PNGs
            err = (got["image"].int() - ref["image"].int()).abs().float()
            assert float(err.mean()) < 3 and got["image"].dtype == torch.uint8
            assert got["depth"].dtype == torch.float32
            assert float((got["depth"] - depth).abs().max()) <= 0.0005 + 1e-6
    with fgbg.Client(server.target) as c:
        info = c.describe()
    bg, fg = int(ds[37]["meta"]["bg"]), int(ds[37]["meta"]["fg"])
    assert ds.source_files(37) == (info.background_names[bg], info.foreground_names[fg])
    batch = next(iter(DataLoader(ds, batch_size=32, shuffle=True, num_workers=2)))
    assert batch["image"].shape == (32, 32, 32, 3) and batch["meta"]["bbox"].shape == (32, 4)


def test_the_npy_export_read_back_gives_the_manifest_and_cli_digest(server, exports):
    path, digest = exports["npy"]
    ds = fgbg.exported(path)
    assert ds.digest() == digest == java_stream_digest(
        server.target, "--seed", str(SEED), "--start-position", str(START),
        "--limit", str(END - START))


@pytest.mark.parametrize("name, outputs", [("folders-mask", "mask"),
                                           ("webdataset-exact", "mask,depth")])
def test_lossless_folders_and_webdataset_exports_read_back_to_the_manifest_digest(
        server, exports, name, outputs):
    path, digest = exports[name]
    ds = fgbg.exported(path, verify=True)
    assert ds.digest() == digest == java_stream_digest(
        server.target, "--seed", str(SEED), "--start-position", str(START),
        "--limit", str(END - START), "--outputs", outputs)
    assert "image" not in ds[0]


def test_a_lossy_export_says_why_it_has_no_read_back_digest(exports):
    with pytest.raises(fgbg.ExportError, match="stores image and depth lossily"):
        fgbg.exported(exports["folders"][0]).digest()


def _copy(src, dst):
    import shutil

    shutil.copytree(src, dst)
    return str(dst)


@pytest.mark.parametrize("fmt, victim", [
    ("folders", "fg_bg_masks/bg_001/fg_bg_0_1_0_0.png"),
    ("webdataset", "shard-000001.tar"),
    ("npy", "depth.npy")])
def test_verify_names_the_shard_that_was_changed(exports, tmp_path, fmt, victim):
    path = _copy(exports[fmt][0], tmp_path / fmt)
    fgbg.exported(path, verify=True)
    with open(os.path.join(path, victim), "r+b") as f:
        f.seek(-1, os.SEEK_END)
        last = f.read(1)
        f.seek(-1, os.SEEK_END)
        f.write(bytes([last[0] ^ 1]))
    fgbg.exported(path)  # opening without verify does not read every file
    with pytest.raises(fgbg.ExportError) as e:
        fgbg.exported(path, verify=True)
    expected = {"folders": "shard bg_001 (indices 100:200)",
                "webdataset": "shard shard-000001 (indices 164:228)",
                "npy": "shard shard-000002 (indices 228:260)"}[fmt]
    assert expected in str(e.value) and "does not match manifest.json" in str(e.value)


def _flip_last_byte(path):
    with open(path, "r+b") as f:
        f.seek(-1, os.SEEK_END)
        last = f.read(1)
        f.seek(-1, os.SEEK_END)
        f.write(bytes([last[0] ^ 1]))


def test_verify_names_every_damaged_shard_in_one_error(exports, tmp_path):
    path = _copy(exports["folders"][0], tmp_path / "two")
    _flip_last_byte(os.path.join(path, "fg_bg_masks/bg_001/fg_bg_0_1_0_0.png"))
    gone = sorted(os.listdir(os.path.join(path, "fg_bg/bg_002")))[3]
    os.remove(os.path.join(path, "fg_bg/bg_002", gone))
    with pytest.raises(fgbg.ExportError) as e:
        fgbg.exported(path, verify=True)
    text = str(e.value)
    assert "2 of 2 shards and 0 of" in text
    assert "shard bg_001 (indices 100:200) does not match manifest.json: its files hash" in text
    assert "shard bg_002 (indices 200:260) does not match manifest.json: cannot read " \
           "fg_bg/bg_002/%s" % gone in text


def test_verify_names_a_damaged_array_before_the_shards_it_damaged(exports, tmp_path):
    path = _copy(exports["npy"][0], tmp_path / "array")
    _flip_last_byte(os.path.join(path, "depth.npy"))
    with pytest.raises(fgbg.ExportError) as e:
        fgbg.exported(path, verify=True)
    first = str(e.value).split("\n  ")[1]
    assert first.startswith("depth.npy has "), str(e.value)


def test_verify_of_a_manifest_that_does_not_add_up_says_so(exports, tmp_path):
    import json

    path = _copy(exports["folders-mask"][0], tmp_path / "sums")
    with open(os.path.join(path, "manifest.json")) as f:
        m = json.load(f)
    m["digest"] = "0" * 64
    with open(os.path.join(path, "manifest.json"), "w") as f:
        json.dump(m, f)
    with pytest.raises(fgbg.ExportError, match="manifest.json does not add up"):
        fgbg.exported(path, verify=True)


def test_verify_names_the_first_damaged_shards_and_counts_the_rest(server, tmp_path):
    with fgbg.Client(server.target) as c:
        p = c.export("rb-many", format="webdataset", seed=SEED, start=0, end=120, shard_size=10,
                     outputs=["mask"], progress=False)
    path = os.path.join(str(server.export_root), os.path.dirname(p.manifest))
    tars = sorted(f for f in os.listdir(path) if f.endswith(".tar"))
    assert len(tars) == 12
    for tar in tars:
        _flip_last_byte(os.path.join(path, tar))
    with pytest.raises(fgbg.ExportError) as e:
        fgbg.exported(path, verify=True)
    text = str(e.value)
    assert "12 of 12 shards" in text and text.endswith("... and 2 more")
    named = [t[:-len(".tar")] for t in tars if "shard %s (" % t[:-len(".tar")] in text]
    assert len(named) == 10 and text.count("does not match manifest.json: its files") == 10


def test_missing_or_unfinished_exports_are_clear_errors(exports, tmp_path):
    with pytest.raises(fgbg.ExportError, match="no manifest.json"):
        fgbg.exported(str(tmp_path))
    path = _copy(exports["npy"][0], tmp_path / "npy")
    os.remove(os.path.join(path, "masks.npy"))
    with pytest.raises(fgbg.ExportError, match="cannot read masks.npy"):
        fgbg.exported(path)[0]
    text = open(os.path.join(path, "manifest.json")).read()
    with open(os.path.join(path, "manifest.json"), "w") as f:
        f.write(text.replace('"complete": true,\n  "digest"', '"digest"'))
    with pytest.raises(fgbg.ExportError, match="not complete"):
        fgbg.exported(path)
    coco = tmp_path / "coco"
    coco.mkdir()
    (coco / "manifest.json").write_text('{"manifestVersion": "fgbg-export/1", "format": "coco"}')
    with pytest.raises(fgbg.ExportError, match="format 'coco' cannot be read back"):
        fgbg.exported(str(coco))


def test_export_once_train_anywhere_with_float_images(exports):
    ds = fgbg.exported(exports["webdataset"][0], image="float",
                       normalize=([0.5] * 3, [0.25] * 3))
    x = ds[0]["image"]
    assert x.shape == (3, 32, 32) and x.dtype == torch.float32
    assert x.is_contiguous(), "NCHW, not a channels-last view: strides %s" % (x.stride(),)
    batch = next(iter(DataLoader(ds, batch_size=4)))["image"]
    assert batch.is_contiguous() and batch.view(4, -1).shape == (4, 3 * 32 * 32)
    assert ds.foreground_labels[0] == "person" and int(ds[0]["meta"]["fg_label"]) >= 0
    assert np.isfinite(x.numpy()).all()


def test_positions_are_integers_never_converted(exports):
    ds = fgbg.exported(exports["npy"][0])
    assert int(ds[np.int64(3)]["index"]) == int(ds.indices[3])
    assert [int(s["index"]) for s in ds.__getitems__(np.array([2, 0]))] == \
        [int(ds.indices[2]), int(ds.indices[0])]
    for bad in (1.5, "1", True):
        with pytest.raises(TypeError, match="index must be an integer"):
            ds[bad]
    with pytest.raises(TypeError, match=r"indices\[1\] must be an integer"):
        ds.__getitems__([0, 1.0])


def test_the_manifest_lists_the_files_a_forgiving_server_skipped(exports, tmp_path):
    """A real export of a folder dataset served with --on-bad-file skip and one bad file: the
    manifest's skipped_files (which the Python Manifest did not read) as describe's; an export
    without any, and one written before manifests listed them, read as none."""
    import json

    from conftest import Server, write_folder_assets

    assets = tmp_path / "assets"
    write_folder_assets(str(assets))
    (assets / "bg" / "indoor" / "notes.jpg").write_text("not an image")
    root = tmp_path / "exports"
    root.mkdir()
    s = Server(["--builtin-size", "16", "--builtin-counts", "1:1", "--bg", str(assets / "bg"),
                "--fg", str(assets / "fg"), "--size", "32", "--on-bad-file", "skip"],
               export_root=root)
    try:
        with fgbg.Client(s.target) as c:
            described = c.describe("folder").skipped_files
            done = c.export("skipping", format="npy", dataset="folder", end=20, progress=False)
    finally:
        s.stop()
    path = os.path.join(str(root), os.path.dirname(done.manifest))
    bad = (fgbg.SkippedFile("bg/indoor/notes.jpg", "not a PNG or JPEG image"),)
    ds = fgbg.exported(path, verify=True)
    assert ds.manifest.skipped_files == bad == described
    assert ds.manifest.digest == done.digest and len(ds) == 20
    assert fgbg.exported(exports["npy"][0]).manifest.skipped_files == ()
    # An export written before the field: the same manifest without it.
    old = _copy(path, tmp_path / "old")
    file = os.path.join(old, "manifest.json")
    with open(file) as f:
        j = json.load(f)
    assert j.pop("skipped_files") == [{"name": "bg/indoor/notes.jpg",
                                       "reason": "not a PNG or JPEG image"}]
    with open(file, "w") as f:
        json.dump(j, f)
    m = fgbg.exported(old, verify=True).manifest
    assert m.skipped_files == () and m.digest == done.digest
