"""A drop_last pass resumed with another world size, through a real server: the samples it
leaves out of its epoch are said once, on rank 0, and are the ones no rank streams."""
import logging

import pytest
import torch.utils.data

from conftest import N
from fgbg.torch import FgbgIterableDataset


def _said(caplog):
    return [r.getMessage() for r in caplog.records if "drop_last leaves out" in r.getMessage()]


def _resumed_with_another_world(target, drop_last):
    """The indices 2 ranks read in 3 batches of 48 each, then 4 ranks from rank 0's state."""
    seen, state = set(), None
    for rank in range(2):
        ds = FgbgIterableDataset(target, seed=3, batch_size=48, drop_last=drop_last, rank=rank,
                                 world_size=2)
        it = iter(ds)
        for _ in range(3):
            seen.update(next(it)["index"].tolist())
        if rank == 0:
            state = ds.state_dict()
        it.close()
    for rank in range(4):
        ds = FgbgIterableDataset(target, seed=3, batch_size=48, drop_last=drop_last, rank=rank,
                                 world_size=4)
        ds.load_state_dict(state)
        for batch in ds:
            seen.update(batch["index"].tolist())
    return seen, state


def test_a_drop_last_resume_with_another_world_size_says_what_it_leaves_out(server, caplog):
    caplog.set_level(logging.WARNING, logger="fgbg")
    seen, state = _resumed_with_another_world(server.target, True)
    assert _said(caplog) == [
        "resuming epoch 0 at sample 288 of 800 with world 4 × workers 1 × batch_size 48 "
        "(the state was saved with world 2 × workers 1 × batch_size 48); drop_last leaves out "
        "128 samples of this epoch, 96 more than an uninterrupted epoch; resume with the layout "
        "it was saved with (num_workers=0 counts as 1 worker) to see them"]
    # Uninterrupted, 2 ranks of batches of 48 leave out 800 - 2*8*48 = 32 samples.
    assert N - len(seen) == 128, "the rest of 512 cut anew for 4 ranks: 2 batches each"
    assert (state["position"], state["world_size"], state["workers"], state["batch_size"]) \
        == (288, 2, 1, 48)


def test_an_exact_resume_with_another_world_size_says_nothing(server, caplog):
    caplog.set_level(logging.WARNING, logger="fgbg")
    seen, _ = _resumed_with_another_world(server.target, False)
    assert len(seen) == N and _said(caplog) == []


def test_a_plain_dataloaders_first_worker_says_it_on_its_stderr(server, capfd):
    ds = FgbgIterableDataset(server.target, seed=3, batch_size=48, drop_last=True, rank=0,
                             world_size=4)
    ds.load_state_dict(dict(ds.state_dict(), position=288, shards=2, world_size=2, workers=1,
                            batch_size=48))
    loader = torch.utils.data.DataLoader(ds, batch_size=None, num_workers=2,
                                         multiprocessing_context="spawn")
    batches = 0
    for _ in loader:  # not list(): it would ask len(), which counts one process
        batches += 1
    err = capfd.readouterr().err
    assert batches == 2 and err.count("drop_last leaves out") == 1, err
    assert "with world 4 × workers 2 × batch_size 48 (the state was saved with world 2 × " \
        "workers 1 × batch_size 48); drop_last leaves out 128 samples of this epoch, 96 more " \
        "than an uninterrupted epoch;" in err, err


@pytest.mark.parametrize("key, value", [("world_size", 0), ("batch_size", "16")])
def test_a_bad_saving_layout_is_refused_by_name(server, key, value):
    ds = FgbgIterableDataset(server.target, seed=3, batch_size=48, drop_last=True)
    state = dict(ds.state_dict(), shards=1, world_size=1, workers=1, batch_size=48)
    ds.load_state_dict(state)
    with pytest.raises((ValueError, TypeError), match=key):
        ds.load_state_dict(dict(state, **{key: value}))


@pytest.mark.parametrize("change, error, words", [
    (dict(position=101), ValueError, r"state position 101 \(or a skipped position\) is outside "
     r"this dataset's 100 samples \(limit 100 of 800\)"),
    (dict(skip=[100]), ValueError, "is outside this dataset's 100 samples"),
    (dict(limit="100"), TypeError, r"state\['limit'\]"),
    (dict(limit=50), ValueError, "state is for limit 50, this dataset has limit 100")])
def test_a_limited_state_is_bounded_by_its_limit_and_its_limit_checked_by_name(
        server, change, error, words):
    ds = FgbgIterableDataset(server.target, seed=3, batch_size=48, limit=100)
    state = ds.state_dict()
    ds.load_state_dict(dict(state, position=100))  # the epoch's end: nothing left of it
    with pytest.raises(error, match=words):
        ds.load_state_dict(dict(state, **change))
