"""Background outputs (issue 17) through a real server: asked for by name only; each distinct
background once per message and ring slot, expanded to per-sample arrays by the client; the
same bytes and digest over the network, shared memory, GetSamples, the Java CLI and every
export; for a teacher dataset the model's depth of the background alone."""
import json
import os

import numpy as np
import pytest

import fgbg
from conftest import SMALL, Server, java_cli, java_stream_digest, write_folder_assets, \
    write_tiny_model
from fgbg.digest import SampleDigest

BG = ["image", "mask", "depth", "meta", "background", "background_depth"]
PER_BG = 100  # samples per background of SMALL (10 fg x 2 flips x 5 placements)


@pytest.fixture(scope="module")
def bg_server(tmp_path_factory):
    """The small built-in set, and 'office': a folder dataset whose depth comes from the tiny
    model (teacher) with mask threshold 1 (mask = any alpha), and 'plain' without depth."""
    root = tmp_path_factory.mktemp("bg-assets")
    write_folder_assets(str(root))
    write_tiny_model(str(root / "model"))
    common = {"bg": str(root / "bg"), "fg": str(root / "fg"), "size": "32", "placements": 5,
              "maskThreshold": 1}
    config = {"datasets": [dict(common, name="office", depthModel=str(root / "model")),
                           dict(common, name="plain")]}
    (root / "datasets.json").write_text(json.dumps(config))
    s = Server(SMALL + ["--config", str(root / "datasets.json")],
               export_root=tmp_path_factory.mktemp("bg-exports"))
    yield s
    s.stop()


def outside_cutout(b):
    """Pixels no cut-out touched: outside each sample's placement box."""
    keep = np.ones(b.masks.shape, bool)
    for s, m in enumerate(b.meta):
        keep[s, max(0, m.y):m.y + m.fg_height, max(0, m.x):m.x + m.fg_width] = False
    return keep


def digest(batches):
    d = SampleDigest()
    for b in batches:
        d.add_batch(b)
    return d.hex()


def test_default_outputs_carry_no_backgrounds(bg_server):
    with fgbg.Client(bg_server.target, shared_memory=False) as c:
        b = c.get_samples([0, 150])
        assert b.backgrounds is None and b.background is None and b.background_rows is None
        assert b.images is not None and b.depth is not None and len(b.meta) == 2


@pytest.mark.parametrize("shm", [False, True])
def test_getsamples_sends_each_background_once(bg_server, shm):
    indices = [0, 1, 150, 2, 250, 151]
    with fgbg.Client(bg_server.target, shared_memory=shm) as c:
        b = c.get_samples(indices, seed=4, outputs=BG)
        plain = c.get_samples(indices, seed=4)
    assert b.shared_memory == shm
    assert b.backgrounds.shape == (3, 32, 32, 3), "three distinct backgrounds, once each"
    assert b.background_rows.tolist() == [0, 0, 1, 0, 2, 1]
    assert b.background.shape == (6, 32, 32, 3) and b.background_depth.shape == (6, 32, 32)
    assert (b.background[1] == b.background[0]).all()
    keep = outside_cutout(b)
    assert keep.sum() > 1000
    assert (b.background[keep] == b.images[keep]).all()
    assert (b.background_depth[keep] == b.depth[keep]).all(), "exact depth of the bg alone"
    assert bytes(b.images) == bytes(plain.images), "the sample's own arrays are unchanged"


def test_stream_network_ring_cli_and_getsamples_agree(bg_server):
    outs = ["image", "mask", "background", "background_depth"]
    with fgbg.Client(bg_server.target) as c:
        net = list(c.stream_epoch(seed=2, batch_size=48, shuffle=True, outputs=outs,
                                  shared_memory=False))
        ring = list(c.stream_epoch(seed=2, batch_size=48, shuffle=True, outputs=outs,
                                   shared_memory=True))
        got = c.get_samples(range(0, 800, 7), seed=2, outputs=outs)
    assert any(b.shared_memory for b in ring) and not any(b.shared_memory for b in net)
    assert all(b.backgrounds.shape[0] == len(np.unique(b.background_rows)) for b in net)
    # 8 backgrounds among 48 shuffled samples: each message carries at most 8 (pieces of a
    # batch carry their own)
    assert sum(b.backgrounds.nbytes for b in net) < sum(b.background.nbytes for b in net) / 2
    assert digest(net) == digest(ring) == java_stream_digest(
        bg_server.target, "--seed", "2", "--batch-size", "48", "--shuffle",
        "--outputs", ",".join(outs))
    by_index = {int(i): (b, s) for b in net for s, i in enumerate(b.indices)}
    for s, i in enumerate(got.indices):
        b, t = by_index[int(i)]
        assert bytes(b.background[t]) == bytes(got.background[s])
        assert bytes(b.background_depth[t]) == bytes(got.background_depth[s])


def test_teacher_background_depth_is_the_models_depth_of_the_background(bg_server):
    with fgbg.Client(bg_server.target, shared_memory=False) as c:
        info = c.describe("office")
        indices = list(range(0, info.size, 9))
        b = c.get_samples(indices, "office", seed=1, outputs=BG)
        again = c.get_samples(indices, "office", seed=1, outputs=["background_depth"])
    assert b.backgrounds.shape[0] == info.backgrounds
    # The tiny model is a 1x1 convolution: where the composite is the background, so is depth.
    out = b.masks == 0
    assert (b.background[out] == b.images[out]).all(), "mask threshold 1: no alpha outside"
    assert (b.background_depth[out] == b.depth[out]).all()
    assert (b.background_depth[b.masks > 0] != b.depth[b.masks > 0]).any()
    assert bytes(again.background_depth) == bytes(b.background_depth), "cached: same bytes"


def test_background_depth_of_a_dataset_without_depth_is_refused(bg_server):
    with fgbg.Client(bg_server.target) as c:
        assert c.get_samples([0], "plain", outputs=["background"]).backgrounds.shape[0] == 1
        with pytest.raises(fgbg.FgbgError,
                           match="has no depth .*leave background_depth out of the outputs") as e:
            c.get_samples([0], "plain", outputs=["image", "background_depth"])
    assert e.value.code == "FAILED_PRECONDITION"


@pytest.mark.parametrize("fmt, npy", [("npy", False), ("webdataset", True), ("folders", False),
                                      ("zip", False), ("coco", False)])
def test_exports_write_each_background_once(bg_server, fmt, npy):
    outs = ["mask", "depth", "background", "background_depth"] if fmt != "coco" \
        else ["image", "background"]
    with fgbg.Client(bg_server.target) as c:
        r = c.export("bg-" + fmt, fmt, "office", seed=3, start=10, end=50, stride=2,
                     outputs=outs, depth_npy=npy, progress=False)
        got = c.get_samples(range(10, 50, 2), "office", seed=3, outputs=outs)
    assert r.digest == digest([got])
    folder = os.path.join(bg_server.export_root, "bg-" + fmt)
    distinct = len(np.unique(got.background_rows))
    if fmt == "npy":
        assert np.load(os.path.join(folder, "backgrounds.npy")).shape == (distinct, 32, 32, 3)
        rows = np.load(os.path.join(folder, "background_rows.npy"))
        assert rows.tolist() == got.background_rows.tolist()
    else:
        assert len(os.listdir(os.path.join(folder, "bg"))) == distinct
    if fmt == "coco":
        return
    ds = fgbg.exported(folder, verify=True)
    for s in (0, len(ds) - 1):
        x = ds[s]
        assert bytes(x["background"].numpy()) == bytes(got.background[s])
    if fmt in ("npy", "webdataset"):
        assert ds.digest() == r.digest, "lossless: the stream digest read back"


def test_cli_get_writes_the_background(bg_server, tmp_path):
    from PIL import Image

    out = java_cli("get", "--target", bg_server.target, "--indices", "3,420", "--outputs",
                   "image,background,background_depth", "--out", str(tmp_path))
    # One line a sample: every file written for it.
    assert [os.path.basename(f) for f in out[0].split(" ")] == [
        "3_image.png", "3_background.png", "3_background_depth.png",
        "3_background_depth.npy"]
    with fgbg.Client(bg_server.target) as c:
        b = c.get_samples([3, 420], outputs=["background", "background_depth"])
    for s, i in enumerate((3, 420)):
        png = np.asarray(Image.open(tmp_path / ("%d_background.png" % i)).convert("RGB"))
        assert (png == b.background[s]).all()
        assert (tmp_path / ("%d_background_depth.png" % i)).exists()
        # The served values themselves, as NumPy reads them.
        npy = np.load(tmp_path / ("%d_background_depth.npy" % i))
        assert npy.dtype == np.float16 and (npy == b.background_depth[s]).all()
    assert not (tmp_path / "3_mask.png").exists() and not (tmp_path / "3_meta.json").exists()


def test_stats_of_the_backgrounds_are_those_of_the_streamed_backgrounds(bg_server):
    with fgbg.Client(bg_server.target) as c:
        s = c.stats(start=50, end=450, stride=3, outputs=["image", "background",
                                                         "background_depth"], progress=False)
        b = c.get_samples(range(50, 450, 3), outputs=["background", "background_depth"])
        r = c.stats(seed=9, sample=40, outputs=["background"], progress=False)
    pixels = b.background.reshape(-1, 3) / 255.0
    assert np.allclose(s.background.mean, pixels.mean(0)) and np.allclose(
        s.background.std, pixels.std(0))
    assert np.isclose(s.background_depth.mean[0], b.background_depth.astype(np.float64).mean())
    assert s.image is not None and s.mask is None and s.background.standard_error == ()
    assert r.population == 800 and len(r.background.standard_error) == 3 and r.image is None
    out = java_cli("stats", "--target", bg_server.target, "--range", "50:450", "--stride", "3",
                   "--outputs", "background,background_depth")
    shown = [line for line in out if line.startswith("background")]
    assert shown[0] == "background mean: [%.6f, %.6f, %.6f]" % tuple(s.background.mean), out
    assert shown[2].startswith("background depth mean: %.6f" % s.background_depth.mean[0])


def test_the_gallery_shows_a_background_column(bg_server, tmp_path):
    import io

    from PIL import Image

    with fgbg.Client(bg_server.target) as c:
        plain = Image.open(io.BytesIO(c.gallery(indices=[5, 305])))
        png = c.gallery(indices=[5, 305], backgrounds=True)
        b = c.get_samples([5, 305], outputs=["background"])
    with_bg = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert with_bg.shape[0] == plain.height and with_bg.shape[1] > plain.width
    # Somewhere in the picture: each row's background, scaled up by a whole factor.
    for s in range(2):
        corner = np.argwhere((with_bg == b.background[s][0, 0]).all(-1))
        found = False
        for k in range(1, 17):
            big = np.repeat(np.repeat(b.background[s], k, 0), k, 1)
            h, w = big.shape[:2]
            found = found or any((with_bg[y:y + h, x:x + w] == big).all() for y, x in corner
                                 if y + h <= with_bg.shape[0] and x + w <= with_bg.shape[1])
        assert found, "row %d's background" % s
    out = java_cli("gallery", "--target", bg_server.target, "--indices", "5", "--backgrounds",
                   "--out", str(tmp_path / "g.png"))
    assert "1 samples" in out[0]
