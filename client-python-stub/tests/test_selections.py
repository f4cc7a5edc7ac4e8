"""Selections through a real server: seeded random subsets and strides for export, stats and
gallery, and such exports read back without a server (fgbg.exported, zip exports included)."""
import io
import os
import shutil

import numpy as np
import pytest
import torch

import fgbg
from conftest import N
from fgbg.torch import FgbgDataset

SEED = 3
FORMATS = ("folders", "zip", "webdataset", "npy")


@pytest.fixture(scope="module")
def subsets(server):
    """A 64-sample random subset in every readable format, and a lossless strided zip."""
    done = {}
    with fgbg.Client(server.target) as c:
        for fmt in FORMATS:
            done[fmt] = c.export("sel-" + fmt, format=fmt, seed=SEED, sample=64, shard_size=16,
                                 progress=False)
        done["zip-mask"] = c.export("sel-zip-mask", format="zip", seed=SEED, start=5, stride=7,
                                    outputs=["mask"], progress=False)
    return {k: (os.path.join(str(server.export_root), os.path.dirname(p.manifest)), p.digest)
            for k, p in done.items()}


def served_digest(target, indices, outputs=None):
    """The digest of GetSamples of `indices`, asked for in pieces."""
    d = fgbg.SampleDigest()
    with fgbg.Client(target) as c:
        for at in range(0, len(indices), 32):
            d.add_batch(c.get_samples(indices[at:at + 32], seed=SEED, outputs=outputs))
    return d.hex()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_random_subset_export_reads_back_as_the_served_samples_of_its_indices(
        server, subsets, fmt):
    path, digest = subsets[fmt]
    ds = fgbg.exported(path, verify=True)
    m = ds.manifest
    assert len(ds) == 64 and (m.sample, m.stride, m.size) == (64, 1, 64)
    assert m.selection == "0:%d sample 64 (seed %d)" % (N, SEED)
    indices = ds.indices.tolist()
    assert indices == sorted(set(indices)) and indices[-1] < N
    assert indices[-1] - indices[0] > N // 2, "drawn from the whole dataset, not a prefix"
    assert digest == served_digest(server.target, indices), "export digest = GetSamples digest"
    served = FgbgDataset(server.target, seed=SEED)
    for i in (0, 33, 63):
        got, ref = ds[i], served[indices[i]]
        assert int(got["index"]) == indices[i]
        for k, v in ref["meta"].items():
            assert torch.equal(got["meta"][k], v), k
        assert torch.equal(got["mask"], ref["mask"])
        err = (got["image"].int() - ref["image"].int()).abs().float().mean()
        assert float(err) < (0.001 if fmt == "npy" else 3)


def test_a_random_npy_subset_reads_back_to_its_digest_with_integer_label_columns(subsets):
    path, digest = subsets["npy"]
    ds = fgbg.exported(path)
    assert ds.digest() == digest
    table = np.load(os.path.join(path, "labels.npy"))
    columns = ds.manifest.label_columns
    assert table.dtype == np.int64 and table.shape == (64, len(columns))
    assert columns[:5] == ("index", "bg", "fg", "flip", "k")
    assert table[:, columns.index("index")].tolist() == ds.indices.tolist()
    for name in ("bg", "fg", "flip", "k", "x", "y", "bg_label", "fg_label"):
        got = table[:, columns.index(name)].tolist()
        assert got == [int(ds[i]["meta"][name]) for i in range(64)], name
    bbox = table[:, [columns.index("bbox_" + c) for c in ("x0", "y0", "x1", "y1")]]
    assert np.array_equal(bbox, torch.stack([ds[i]["meta"]["bbox"] for i in range(64)]).numpy())


def test_a_zip_export_reads_back_exactly_and_verify_names_a_changed_zip(server, subsets,
                                                                         tmp_path):
    path, digest = subsets["zip-mask"]
    ds = fgbg.exported(path, verify=True)
    assert ds.indices.tolist() == list(range(5, N, 7))
    assert ds.digest() == digest == served_digest(server.target, list(range(5, N, 7)),
                                                  outputs=["mask"])
    assert set(ds[3]) == {"mask", "meta", "index"} and ds[3]["mask"].shape == (32, 32)
    copy = str(tmp_path / "zip")
    shutil.copytree(path, copy)
    victim = ds.manifest.shards[1]
    with open(os.path.join(copy, victim.name + ".zip"), "r+b") as f:
        f.seek(200)
        byte = f.read(1)
        f.seek(200)
        f.write(bytes([byte[0] ^ 1]))
    with pytest.raises(fgbg.ExportError, match="shard %s \\(indices %d:%d\\) does not match"
                       % (victim.name, victim.start, victim.end)):
        fgbg.exported(copy, verify=True)


def test_stats_over_a_random_sample_carry_standard_errors_that_cover_the_full_mean(server):
    with fgbg.Client(server.target) as c:
        full = c.stats(seed=SEED, progress=False)
        sub = c.stats(seed=SEED, sample=200, progress=False)
        strided = c.stats(seed=SEED, stride=4, progress=False)
    assert full.population == 0 and full.image.standard_error == ()
    assert sub.samples == 200 and sub.population == N
    for channel in ("image", "mask", "depth"):
        f, s = getattr(full, channel), getattr(sub, channel)
        assert len(s.standard_error) == len(s.mean)
        for exact, estimate, se in zip(f.mean, s.mean, s.standard_error):
            assert 0 < se < 0.1 * exact and abs(estimate - exact) <= 3 * se, channel
    assert strided.samples == N // 4 and strided.population == 0


def test_the_gallery_takes_a_selection_and_refuses_too_many_rows(server):
    from PIL import Image

    with fgbg.Client(server.target) as c:
        default = Image.open(io.BytesIO(c.gallery(seed=1)))
        three = Image.open(io.BytesIO(c.gallery(seed=2, sample=3)))
        with pytest.raises(fgbg.FgbgError, match="has 200 samples; a gallery shows at most 64"):
            c.gallery(stride=4)
    top = 22 + 4  # the column headers' line, the bottom margin
    row = (three.height - top) // 3
    assert default.height == 8 * row + top, "eight rows by default"
