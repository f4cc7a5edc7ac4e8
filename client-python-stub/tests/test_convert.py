"""image="float" (normalised or not) as contiguous NCHW float32 tensors: the conversion itself,
with the values the earlier permuted-view conversion gave, and every dataset and loader path
through a real server (a channels-last batch made DDP warn of mismatched grad strides on every
rank and .view(n, -1) fail)."""
import typing

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import fgbg
from fgbg.torch import FgbgDataset, FgbgIterableDataset
from fgbg.torch._convert import Images

MEAN_STD = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
OUTPUTS = ["image", "background", "meta"]
# Where the tensors can be converted here: the CUDA branch too on a machine with a GPU.
DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def earlier_conversion(nhwc, normalize):
    """What image="float" computed before: a permuted (channels-last) view, scaled in place."""
    img = nhwc.permute(0, 3, 1, 2).float().div_(255.0)
    if normalize is not None:
        mean, std = (torch.tensor(v, device=nhwc.device).view(1, 3, 1, 1) for v in normalize)
        img = img.sub_(mean).div_(std)
    return img


def every_byte(n=4, h=24, w=20):
    """uint8 NHWC images holding every value 0..255 in each channel (and random rest)."""
    g = torch.Generator().manual_seed(5)
    x = torch.randint(0, 256, (n, h, w, 3), dtype=torch.uint8, generator=g)
    x.view(-1, 3)[:256] = torch.arange(256, dtype=torch.uint8)[:, None]
    return x


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("normalize", [None, MEAN_STD])
def test_float_images_are_contiguous_nchw_with_the_earlier_values(device, normalize):
    nhwc = every_byte().to(device)
    images = Images("float", normalize).to(torch.device(device))
    for batch in (nhwc, nhwc[:1], nhwc[2:]):  # a batch, one sample, a slice of a batch
        got = images(batch)
        assert got.shape == (len(batch), 3, 24, 20) and got.dtype == torch.float32
        assert got.is_contiguous() and got.device == batch.device
        assert torch.equal(got, earlier_conversion(batch, normalize))
        assert got.view(len(batch), -1).shape == (len(batch), 3 * 24 * 20)
    assert images(nhwc)[1].is_contiguous()  # a sample of the batch (a map-style row)


def test_uint8_images_stay_as_served():
    nhwc = every_byte()
    got = Images("uint8", None)(nhwc)
    assert got is nhwc and got.shape == (4, 24, 20, 3)


def assert_nchw(batch, n, where):
    for key in ("image", "background"):
        t = batch[key]
        assert t.shape[-3:] == (3, 32, 32) and t.dtype == torch.float32, (where, key)
        assert t.is_contiguous(), "%s: %s has strides %s" % (where, key, t.stride())
        assert t.view(n, -1).shape[1] == 3 * 32 * 32, (where, key)


def test_every_dataset_path_gives_contiguous_nchw_float_images(server):
    ds = FgbgIterableDataset(server.target, batch_size=8, image="float", outputs=OUTPUTS,
                             normalize=MEAN_STD, shuffle=False)
    first = next(iter(ds))
    assert_nchw(first, 8, "iterated in this process")
    with fgbg.Client(server.target) as c:  # the same samples as served, converted as before
        b = c.get_samples(first["index"].tolist(), outputs=OUTPUTS)
    for key, served in (("image", b.images), ("background", b.background)):
        assert torch.equal(first[key], earlier_conversion(torch.from_numpy(served), MEAN_STD))
    for batch in ds.loader(num_workers=2):
        assert_nchw(batch, len(batch["index"]), "ds.loader() worker")
        break
    for batch in DataLoader(ds, batch_size=None, num_workers=1):
        assert_nchw(batch, len(batch["index"]), "plain DataLoader worker")
        break
    for device in DEVICES:
        for copy in (False, True):
            for batch in ds.device_loader(streams=2, device=device, copy=copy):
                assert batch["image"].device.type == device
                assert_nchw(batch, len(batch["index"]), "device_loader(%s, copy=%s)"
                            % (device, copy))
                break
    mapped = FgbgDataset(server.target, image="float", outputs=OUTPUTS, normalize=MEAN_STD)
    sample = mapped[3]
    assert_nchw({k: sample[k][None] for k in ("image", "background")}, 1, "FgbgDataset[i]")
    assert all(s["image"].is_contiguous() for s in mapped[[0, 5, 9]])
    batch = next(iter(DataLoader(mapped, batch_size=4, num_workers=1)))
    assert_nchw(batch, 4, "FgbgDataset in a DataLoader")
    assert np.isfinite(batch["image"].numpy()).all()


@pytest.mark.parametrize("normalize,why", [
    ((0.5, 0.2), "its mean is 0.5, not 3 numbers"),
    (((0.5,) * 3,), "it has 1 item, not 2 (mean, std)"),
    (([0.5] * 3, [0.2] * 3, [0.1] * 3), "it has 3 items, not 2"),
    (([0.5] * 3, [0.2] * 2), "its std has 2 values, not 3"),
    (([0.5] * 3, [0.2, 0.0, 0.2]), "std must be > 0"),
    (([0.5] * 3, ["a", 1, 1]), "its std holds something other than numbers"),
    (([0.5] * 3, [float("nan")] * 3), "its std is not finite"),
    (0.5, "not a (mean, std) pair"),
    ({"mean": 1}, "not a (mean, std) pair"),
])
def test_a_malformed_normalize_is_refused_naming_it(normalize, why):
    for make in (FgbgIterableDataset, FgbgDataset):  # refused before any server call
        with pytest.raises(ValueError) as e:
            make("localhost:1", image="float", normalize=normalize)
        assert str(e.value).startswith("normalize must be (mean, std) with 3 values each and "
                                       "std > 0") and why in str(e.value), e.value
    assert Images("float", np.array(MEAN_STD)).mean is not None, "an array's rows still do"


def test_the_torch_meta_type_names_the_columns_meta_columns_makes():
    """fgbg.torch's TorchMeta (batch["meta"] for mypy) names the keys meta_columns gives it, in
    its order, instances with a scene's slots: a column added to one is added to the other, as
    fgbg.SampleMeta's protocols follow the proto (test_package)."""
    from fgbg._proto import pb
    from fgbg.torch import _types
    from fgbg.torch._convert import meta_columns

    metas = [pb.SampleMeta(), pb.SampleMeta()]
    assert list(typing.get_type_hints(_types._MetaColumns)) == list(meta_columns(metas))
    assert list(typing.get_type_hints(_types.TorchMeta)) == list(meta_columns(metas, slots=2))
