"""FgbgDeviceLoader through a real server, on this machine's CPU branch: several server
streams in one process give the epoch's exact samples and digest, the DataLoader's shard
layout, len() and state_dict(); CPU tensors are views of the ring slots (or one copy with
copy=True); images are converted as the other paths convert them. (The CUDA branch's
bookkeeping is tested without a GPU in test_transfer.py.)"""
import contextlib
import logging

import pytest
import torch

from conftest import N, digest_of, java_stream_digest
from fgbg.torch import FgbgDeviceLoader, FgbgIterableDataset

STREAMS_HELD = "ring slots are held by live batches"


def in_a_ring(t):
    """Whether tensor `t`'s memory lies in a mapped fgbg ring file of this process."""
    with open("/proc/self/maps") as f:
        for line in f:
            if "fgbg-ring-" in line:
                start, end = (int(x, 16) for x in line.split()[0].split("-"))
                if start <= t.data_ptr() < end:
                    return True
    return False


def indices(batches):
    return [i for b in batches for i in b["index"].tolist()]


def test_several_streams_give_the_epochs_samples_and_digest_in_the_dataloaders_layout(server):
    ds = FgbgIterableDataset(server.target, seed=3, batch_size=16)
    ds.set_epoch(1)
    loader = ds.device_loader(streams=3)
    assert isinstance(loader, FgbgDeviceLoader) and loader.device == torch.device("cpu")
    assert len(loader) == len(ds) == 51, "267 + 267 + 266 samples in batches of 16"
    assert len(list(loader)) == 51
    ds.set_epoch(1)
    loader = ds.device_loader(streams=2)
    batches = list(loader)
    assert len(batches) == 50 and sorted(indices(batches)) == list(range(N))
    assert digest_of(batches).hex() == java_stream_digest(
        server.target, "--seed", "3", "--epoch", "1", "--shuffle", "--batch-size", "16")
    # The same batches as a DataLoader with 2 workers (shards 0 and 1 of 2), in its order.
    ds.set_epoch(1)
    assert [b["index"].tolist() for b in ds.loader(num_workers=2)] == \
        [b["index"].tolist() for b in batches]
    assert ds.state_dict()["epoch"] == 2 and ds.state_dict()["position"] == 0


def test_ranks_split_the_epoch_and_resume_exactly_with_other_streams(server):
    halves = []
    for rank in (0, 1):
        ds = FgbgIterableDataset(server.target, seed=4, batch_size=10, rank=rank, world_size=2)
        halves.append(indices(ds.device_loader(streams=2)))
    assert len(halves[0]) == len(halves[1]) == N // 2
    assert sorted(halves[0] + halves[1]) == list(range(N))
    ds = FgbgIterableDataset(server.target, seed=4, batch_size=10)
    it = iter(ds.device_loader(streams=4))
    seen = indices(next(it) for _ in range(7))
    state = ds.state_dict()
    it.close()
    resumed = FgbgIterableDataset(server.target, seed=4, batch_size=10)
    resumed.load_state_dict(state)
    loader = resumed.device_loader(streams=3)
    expected = len(loader)
    rest = list(loader)
    assert len(rest) == expected
    assert sorted(seen + indices(rest)) == list(range(N)), "each sample once across the resume"
    assert resumed.state_dict()["epoch"] == 1


def test_cpu_tensors_are_views_of_the_slot_or_with_copy_one_copy_each(server, caplog):
    caplog.set_level(logging.WARNING, logger="fgbg")
    ds = FgbgIterableDataset(server.target, seed=3, batch_size=24, outputs=["image", "mask"])
    ds.set_epoch(1)
    kept = list(ds.device_loader(streams=1))  # every batch kept: the slots run out
    assert in_a_ring(kept[0]["image"]) and in_a_ring(kept[3]["mask"]), "views of the slots"
    assert not in_a_ring(kept[4]["image"]), "past the ring's 4 slots: over the network"
    assert any(STREAMS_HELD in r.getMessage() for r in caplog.records)
    caplog.clear()
    ds.set_epoch(1)
    copied = list(ds.device_loader(streams=1, copy=True))
    assert not any(STREAMS_HELD in r.getMessage() for r in caplog.records), \
        "each slot was given back at once: the stream never ran out of slots"
    assert not any(in_a_ring(b[k]) for b in copied for k in ("image", "mask")), "copies"
    assert digest_of(kept).hex() == java_stream_digest(
        server.target, "--seed", "3", "--epoch", "1", "--shuffle", "--batch-size", "24",
        "--outputs", "image,mask")
    assert [b["index"].tolist() for b in copied] == [b["index"].tolist() for b in kept]
    assert all(torch.equal(a["mask"], b["mask"]) for a, b in zip(kept, copied))


def test_an_in_place_change_to_a_cpu_view_of_a_slot_alters_that_batch_alone(server):
    """README: the CPU tensors are writable views of the slots; a write never reaches a later
    batch, as the server writes a slot again only once it is given back."""
    ds = FgbgIterableDataset(server.target, seed=3, batch_size=24, outputs=["image", "mask"])
    ds.set_epoch(1)
    expected = [b["mask"] for b in ds.device_loader(streams=1, copy=True)]
    ds.set_epoch(1)
    seen = 0
    for batch, mask in zip(ds.device_loader(streams=1), expected):
        assert in_a_ring(batch["mask"]), "every batch a view: its 4 slots are used again and again"
        assert torch.equal(batch["mask"], mask), "an earlier write to this slot is gone"
        batch["mask"].add_(1)
        batch["image"].zero_()
        assert torch.equal(batch["mask"], mask + 1) and not batch["image"].any()
        seen += 1
    assert seen == len(expected) == 34


class AddIndexColumn:
    def __call__(self, batch):
        return dict(batch, twice=batch["index"] * 2)


def test_float_images_meta_and_transform_as_the_other_paths_give_them(server):
    kw = dict(seed=5, batch_size=40, image="float",
              normalize=([0.5, 0.4, 0.3], [0.2, 0.25, 0.3]))
    ds = FgbgIterableDataset(server.target, transform=AddIndexColumn(), **kw)
    ref = {int(i): (b["image"][s], b["meta"]["bbox"][s])
           for b in FgbgIterableDataset(server.target, **kw) for s, i in enumerate(b["index"])}
    batches = list(ds.device_loader(streams=2, copy=True))
    assert sum(len(b["index"]) for b in batches) == N
    for b in batches:
        assert b["image"].shape == (40, 3, 32, 32) and b["image"].dtype == torch.float32
        assert torch.equal(b["twice"], b["index"] * 2), "the transform ran here"
        for s, i in enumerate(b["index"].tolist()):
            assert torch.equal(b["image"][s], ref[i][0]) and torch.equal(b["meta"]["bbox"][s],
                                                                         ref[i][1])


def test_bad_settings_are_refused_by_name(server):
    ds = FgbgIterableDataset(server.target, batch_size=8)
    with pytest.raises(ValueError, match="streams"):
        ds.device_loader(streams=0)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="torch.cuda.is_available.. is False"):
            ds.device_loader(device="cuda")
    with pytest.raises(ValueError, match="CUDA device or the CPU"):
        ds.device_loader(device="meta")


class FakeCuda:
    """Enough of torch.cuda for the CUDA branch's own code to run on this machine: events that
    complete only when waited for, a copy stream, the consumer's stream, and a runtime that
    records page-locking. The "device" is the CPU, so a "copy" is the slot itself: a slot given
    back too early would be rendered over before the batch is digested."""

    def __init__(self, monkeypatch):
        self.calls = []
        self.events = []
        cuda = self

        class Event:
            def __init__(self):
                self.done = False
                cuda.events.append(self)

            def record(self, stream):
                assert stream is not None

            def query(self):
                return self.done

            def synchronize(self):
                self.done = True

        class Stream:
            def __init__(self, device=None):
                self.waited = []

            def wait_event(self, event):
                self.waited.append(event)

        class Runtime:
            def cudaHostRegister(self, address, size, flags):
                cuda.calls.append(("register", address))
                return 0

            def cudaHostUnregister(self, address):
                cuda.calls.append(("unregister", address))
                return 0

        self.consumer = Stream()
        monkeypatch.setattr(torch.cuda, "Event", Event)
        monkeypatch.setattr(torch.cuda, "Stream", Stream)
        monkeypatch.setattr(torch.cuda, "stream", lambda s: contextlib.nullcontext())
        monkeypatch.setattr(torch.cuda, "current_stream", lambda device=None: self.consumer)
        monkeypatch.setattr(torch.cuda, "cudart", lambda: Runtime())


def test_the_cuda_branch_gives_each_slot_back_only_after_its_copy(server, monkeypatch):
    from fgbg.torch.device import _CudaCopier, _staged

    cuda = FakeCuda(monkeypatch)
    ds = FgbgIterableDataset(server.target, seed=3, batch_size=16)
    epoch = ds.feed.begin(ds.world(), 2)
    shards = [ds.feed.shard(epoch, ds.world(), s, 2) for s in range(2)]
    copier = _CudaCopier(torch.device("cpu"), ds.image_conversion, ring_slots=4)
    batches = []
    for _, staged in _staged(shards, copier, prefetch=2):
        out = copier.take(staged)
        assert cuda.consumer.waited[-1] is staged[1], "the consumer waits for the batch's event"
        assert in_a_ring(out["image"]), "the fake copy is the slot itself"
        batches.append({k: v.clone() if torch.is_tensor(v) else v for k, v in out.items()})
    copier.close()
    assert digest_of(batches).hex() == java_stream_digest(
        server.target, "--seed", "3", "--epoch", "0", "--shuffle", "--batch-size", "16")
    registered = [a for op, a in cuda.calls if op == "register"]
    assert len(registered) == len(set(registered)) <= 8, "each slot of the 2 rings once"
    assert sorted(a for op, a in cuda.calls if op == "unregister") == sorted(registered)
    assert copier.releases.held(0) == copier.releases.held(1) == 0
