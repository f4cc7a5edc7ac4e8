import numpy as np
import pytest

import fgbg
from conftest import N, java_stream_digest


def test_describe_and_list(server):
    with fgbg.Client(server.target) as c:
        info = c.describe("builtin")
        assert info.size == N
        assert list(info.image_shape.dims) == [32, 32, 3]
        assert info.depth_units == "metres"
        assert [d.name for d in c.list_datasets()] == ["builtin"]


def test_arrays_are_views_of_the_message_bytes(server):
    with fgbg.Client(server.target) as c:
        b = c.get_samples([0, 5, 799])
    assert b.images.shape == (3, 32, 32, 3) and b.images.dtype == np.uint8
    assert b.masks.shape == (3, 32, 32)
    assert b.depth.shape == (3, 32, 32) and b.depth.dtype == np.dtype("<f2")
    # Zero-copy: each array's memory lies inside the one bytes object gRPC returned for the
    # whole serialized message (image, mask and depth share it, at their field offsets).
    raw = b.buffers["images"][0]
    assert isinstance(raw, bytes)
    whole = np.frombuffer(raw, dtype=np.uint8)
    for name, arr in (("images", b.images), ("masks", b.masks), ("depth", b.depth)):
        buf, off, length = b.buffers[name]
        assert buf is raw, name
        assert not arr.flags.owndata
        assert arr.base is raw or arr.base.base is raw
        assert arr.ctypes.data == whole.ctypes.data + off
        assert arr.nbytes == length
        assert np.shares_memory(arr, whole)
    assert list(b.indices) == [0, 5, 799]
    assert b.meta[2].index == 799
    assert float(b.depth.max()) > 0


def test_torch_tensors_share_the_array_memory(server):
    import torch
    from fgbg.torch import _tensor

    with fgbg.Client(server.target) as c:
        b = c.get_samples([1, 2])
    t = _tensor(b.images)
    assert t.data_ptr() == b.images.ctypes.data
    assert t.dtype == torch.uint8 and tuple(t.shape) == (2, 32, 32, 3)


def test_stream_digest_matches_the_java_cli(server):
    d = fgbg.SampleDigest()
    with fgbg.Client(server.target) as c:
        for batch in c.stream_epoch(seed=3, epoch=1, shuffle=True, batch_size=50):
            d.add_batch(batch)
    assert d.count == N
    assert d.hex() == java_stream_digest(server.target, "--seed", "3", "--epoch", "1",
                                         "--shuffle", "--batch-size", "64")


def test_big_batches_arrive_joined(server):
    with fgbg.Client(server.target) as c:
        batches = list(c.stream_epoch(batch_size=4096, limit=700))
    assert len(batches) == 1 and len(batches[0]) == 700
    assert batches[0].images.shape == (700, 32, 32, 3)
    assert list(batches[0].positions[:3]) == [0, 1, 2]


def test_errors_are_exceptions_with_status_and_message(server):
    with fgbg.Client(server.target) as c:
        with pytest.raises(fgbg.FgbgError) as e:
            c.describe("nope")
        assert e.value.code == "NOT_FOUND" and "unknown dataset 'nope'" in e.value.details
        with pytest.raises(fgbg.FgbgError) as e:
            c.get_samples([N])
        assert e.value.code == "INVALID_ARGUMENT" and "index 800 is out of range" in str(e.value)
        with pytest.raises(fgbg.FgbgError) as e:
            list(c.stream_epoch(batch_size=0))
        assert e.value.code == "INVALID_ARGUMENT" and "batch_size 0" in e.value.details
        with pytest.raises(ValueError):
            c.get_samples([0], outputs=["colour"])


def test_server_down_is_a_clear_error():
    with fgbg.Client("localhost:1", timeout=5) as c:
        with pytest.raises(fgbg.FgbgError) as e:
            c.describe()
    assert e.value.code == "UNAVAILABLE"
    assert "is the server running" in str(e.value)


def test_export_stats_and_gallery(server):
    with fgbg.Client(server.target) as c:
        done = c.export("py-npy", format="npy", start=100, end=300, seed=6, progress=False)
        assert done.finished and done.total == 200
        d = fgbg.SampleDigest()
        for batch in c.stream_epoch(seed=6, start_position=100, limit=200, batch_size=64):
            d.add_batch(batch)
        assert done.digest == d.hex(), "export digest = stream digest"
        with pytest.raises(fgbg.FgbgError) as e:
            c.export("../escape", format="zip", progress=False)
        assert e.value.code == "PERMISSION_DENIED"
        s = c.stats()
        assert s.samples == N and len(s.image.mean) == 3 and s.depth.unit == "metres"
        png = c.gallery(count=3)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_normalize_with_the_datasets_own_stats(server):
    from fgbg.torch import FgbgIterableDataset

    ds = FgbgIterableDataset(server.target, batch_size=N, image="float", normalize="dataset",
                             shuffle=False)
    b = next(iter(ds))
    # Normalised with exact whole-dataset stats: per-channel mean 0 and std 1 over the epoch.
    img = b["image"].double()
    assert abs(float(img.mean(dim=(0, 2, 3)).abs().max())) < 1e-4
    assert abs(float(img.std(dim=(0, 2, 3), unbiased=False).max()) - 1) < 1e-3
