"""Resumes through a real server where the ranks' shards are uneven: a state saved at any point
of the loop loads, and the resumed ranks see the rest of the epoch exactly (no drop_last), or
only whole batches (drop_last, resumed with another batch size), as the warning counts."""
import logging
from collections import Counter

import pytest

from conftest import N
from fgbg.torch import FgbgIterableDataset


def _rank(target, rank, world, workers, batch, drop_last=False):
    ds = FgbgIterableDataset(target, seed=5, batch_size=batch, drop_last=drop_last, rank=rank,
                             world_size=world)
    return ds, (lambda: iter(ds.device_loader(streams=workers, device="cpu", copy=True)))


def _indices(batch):
    return batch["index"].tolist()


# 800 samples: 800 % 3 == 2 and 800 % 6 == 2, so rank 0's shards hold one sample more than the
# last rank's, and its last batch is one that rank never has.
@pytest.mark.parametrize("world, workers, batch", [(3, 1, 16), (3, 2, 48), (7, 1, 40)])
def test_a_state_saved_at_any_batch_of_an_uneven_pass_resumes_the_exact_rest(server, world,
                                                                             workers, batch):
    _, it0 = _rank(server.target, 0, world, workers, batch)
    total = sum(1 for _ in it0())
    for stop in range(1, total + 1):
        seen, state = Counter(), None
        for rank in range(world):
            ds, it = _rank(server.target, rank, world, workers, batch)
            batches = it()
            for _ in range(stop):  # in lockstep, as far as the rank has batches
                got = next(batches, None)
                if got is None:
                    break
                seen.update(_indices(got))
            if rank == 0:
                state = ds.state_dict()  # inside the loop, after the stop-th batch
            del batches
        assert state["position"] <= N, (stop, state)
        for rank in range(world):
            ds, it = _rank(server.target, rank, world, workers, batch)
            ds.load_state_dict(state)
            for got in it():
                seen.update(_indices(got))
        assert sorted(seen) == list(range(N)) and set(seen.values()) == {1}, (stop, state)
        if stop == total:
            assert state["position"] == N and state["skip"] == [], "the end: nothing left"


def _said(caplog):
    return [r.getMessage() for r in caplog.records if "drop_last leaves out" in r.getMessage()]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_drop_last_resume_with_another_batch_size_keeps_every_batch_whole(server, workers,
                                                                           caplog):
    caplog.set_level(logging.WARNING, logger="fgbg")
    world, seen, state = 2, set(), None
    for rank in range(world):  # 3 batches of 48 a rank: stream 0 runs one ahead with 2 streams
        ds, it = _rank(server.target, rank, world, workers, 48, True)
        batches = it()
        for _ in range(3):
            seen.update(_indices(next(batches)))
        if rank == 0:
            state = ds.state_dict()
        del batches
    assert state["skip"] or workers == 1
    sizes = []
    for rank in range(world):
        ds, it = _rank(server.target, rank, world, workers, 40, True)
        ds.load_state_dict(state)
        for got in it():
            sizes.append(len(_indices(got)))
            assert not seen & set(_indices(got)), "nothing seen before streams again"
            seen.update(_indices(got))
    assert sizes and set(sizes) == {40}, sizes
    said, unseen = _said(caplog), N - len(seen)
    if workers == 1:  # nothing seen past the position: as many as an uninterrupted epoch's
        assert said == [] and unseen == N - 2 * 8 * 48, (said, unseen)
        return
    assert len(said) == 1 and "batch_size 40 (the state was saved with world 2 × workers 2 × " \
        "batch_size 48); drop_last leaves out %d samples of this epoch" % unseen in said[0], \
        (said, unseen)
