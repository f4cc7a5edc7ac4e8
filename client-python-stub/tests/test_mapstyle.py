"""FgbgDataset through a real server: one GetSamples call per batch, any sampler, Subset,
random_split, DistributedSampler, forked and spawned workers, the same dicts as streaming."""
import pytest
import torch
from torch.utils.data import DataLoader, DistributedSampler, Subset, random_split

import fgbg
from conftest import FOLDER_N, N, digest_of, java_stream_digest
from fgbg.torch import FgbgDataset, FgbgIterableDataset


class Hflip:
    """A per-sample transform (module level: picklable for spawned workers)."""

    def __call__(self, sample):
        return dict(sample, image=sample["image"].flip(-2), mask=sample["mask"].flip(-1))


def test_items_are_the_served_samples(server):
    ds = FgbgDataset(server.target, seed=2)
    assert len(ds) == N
    with fgbg.Client(server.target) as c:
        ref = c.get_samples([7, 799], seed=2)
    s = ds[7]
    assert set(s) == {"image", "mask", "depth", "meta", "index"}
    assert int(s["index"]) == 7 and s["image"].shape == (32, 32, 3)
    assert bytes(s["image"].numpy()) == bytes(ref.images[0]) and bytes(s["depth"].numpy()) == \
        bytes(ref.depth[0])
    assert int(s["meta"]["bg"]) == ref.meta[0].bg and s["meta"]["bbox"].shape == (4,)
    assert int(ds[-1]["index"]) == 799
    with pytest.raises(IndexError, match="out of range"):
        ds[N]
    assert [int(x["index"]) for x in ds[[3, 1, 2]]] == [3, 1, 2]


def test_a_batch_is_one_getsamples_call_and_the_same_dicts_as_streaming(server):
    ds = FgbgDataset(server.target, seed=3)
    loader = DataLoader(ds, batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(0))
    batches = list(loader)
    assert ds.requests == len(batches) == 13, "one GetSamples per batch, via __getitems__"
    assert sorted(i for b in batches for i in b["index"].tolist()) == list(range(N))
    assert digest_of(batches).hex() == java_stream_digest(server.target, "--seed", "3")
    streamed = next(iter(FgbgIterableDataset(server.target, seed=3, batch_size=64)))
    mapped = batches[0]
    assert set(mapped) == set(streamed) and set(mapped["meta"]) == set(streamed["meta"])
    for k in ("image", "mask", "depth", "index"):
        assert mapped[k].dtype == streamed[k].dtype and mapped[k].shape == streamed[k].shape, k
    for k, col in streamed["meta"].items():
        assert mapped["meta"][k].dtype == col.dtype and mapped["meta"][k].shape == col.shape, k


@pytest.mark.parametrize("context", ["fork", "spawn", "forkserver"])
def test_workers_forked_or_spawned_open_their_own_channel(server, context):
    ds = FgbgDataset(server.target, seed=4, transform=Hflip())
    loader = DataLoader(ds, batch_size=50, shuffle=True, num_workers=2,
                        multiprocessing_context=context)
    batches = list(loader)
    assert sorted(i for b in batches for i in b["index"].tolist()) == list(range(N))
    plain = FgbgDataset(server.target, seed=4)
    b = batches[0]
    ref = torch.utils.data.default_collate(plain.__getitems__(b["index"].tolist()))
    assert torch.equal(b["image"], ref["image"].flip(-2)), "transform applied per sample"
    assert torch.equal(b["mask"], ref["mask"].flip(-1)) and torch.equal(b["depth"], ref["depth"])


def test_distributed_sampler_subset_and_random_split(server):
    ds = FgbgDataset(server.target, seed=5)
    seen = []
    for rank in range(3):
        sampler = DistributedSampler(ds, num_replicas=3, rank=rank, shuffle=True, seed=1,
                                     drop_last=True)
        seen += [i for b in DataLoader(ds, batch_size=32, sampler=sampler)
                 for i in b["index"].tolist()]
    assert len(seen) == len(set(seen)) == 3 * (N // 3)
    sub = Subset(ds, range(100, 160))
    got = [i for b in DataLoader(sub, batch_size=16) for i in b["index"].tolist()]
    assert got == list(range(100, 160))
    train, val = random_split(ds, [700, 100], generator=torch.Generator().manual_seed(0))
    a = [i for b in DataLoader(train, batch_size=100) for i in b["index"].tolist()]
    b = [i for b in DataLoader(val, batch_size=100) for i in b["index"].tolist()]
    assert len(a) == 700 and len(b) == 100 and sorted(a + b) == list(range(N))
    assert a == [int(i) for i in train.indices]


def test_float_images_and_folder_datasets(server, folder_server):
    ds = FgbgDataset(server.target, image="float", normalize="dataset")
    x = torch.utils.data.default_collate(ds.__getitems__(range(N)))["image"].double()
    assert x.shape == (N, 3, 32, 32)
    assert float(x.mean(dim=(0, 2, 3)).abs().max()) < 1e-4
    plain = FgbgDataset(folder_server.target, dataset="plain")
    assert len(plain) == FOLDER_N and set(plain[0]) == {"image", "mask", "meta", "index"}
    with pytest.raises(fgbg.FgbgError) as e:
        FgbgDataset(folder_server.target, dataset="plain", outputs=["depth"])
    assert e.value.code == "FAILED_PRECONDITION" and "has no depth" in e.value.details
    modeled = FgbgDataset(folder_server.target, dataset="modeled")
    assert modeled[3]["depth"].dtype == torch.float16 and float(modeled[3]["depth"].max()) > 0
