"""The reconnect window's lines name the consumer whose window it is, as its moves' lines do:
a job's ranks and DataLoader workers each open one when their server goes away, and each
WARNING said the same words with nothing to tell whose it was."""
import logging
import socket

import pytest

import fgbg
from fgbg.failover import FailoverCalls, FailoverStream, stream_epoch
from fgbg.torch import _world


def _closed_target():
    """An address nothing listens on: every call there is refused, UNAVAILABLE."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return "127.0.0.1:%d" % s.getsockname()[1]


def test_a_consumers_window_warning_names_the_consumer(caplog):
    caplog.set_level(logging.WARNING, logger="fgbg.reconnect")
    target = _closed_target()
    window = "the fgbg server at %s is not answering; trying again for up to 0.5 s " \
             "(reconnect window)" % target
    stream = stream_epoch(target, rank=1, world_size=2, batch_size=8, reconnect=0.5,
                          fingerprint="f")
    with pytest.raises(fgbg.FgbgError, match="gave up after 0.5 s"):
        list(stream)
    calls = FailoverCalls(target, fingerprint="f", who="FgbgDataset rank 0 worker 1",
                          reconnect=0.5)
    with pytest.raises(fgbg.FgbgError, match="gave up after 0.5 s"):
        calls.call("2 samples", lambda c: c.get_samples([0, 1]))
    calls.close()
    warned = [r.getMessage() for r in caplog.records]
    # Before: the window's words alone, twice.
    assert warned == ["rank 1: " + window, "FgbgDataset rank 0 worker 1: " + window], warned


def test_a_dataloader_workers_window_warning_names_the_worker_not_its_shard(caplog):
    # A one-rank job's DataLoader worker 1 streams shard 1 of 2, the request's rank: its window
    # said "rank 1: ..." in a job of one rank. The dataset's shard streams name the consumer.
    caplog.set_level(logging.WARNING, logger="fgbg.reconnect")
    target = _closed_target()
    window = "the fgbg server at %s is not answering; trying again for up to 0.2 s " \
             "(reconnect window)" % target
    single = _world.World(0, 1, "given")
    for who in (_world.consumer(single, 1, 2, True), _world.consumer(single, 0, 1, False)):
        stream = FailoverStream(target, rank=1, world_size=2, batch_size=8, reconnect=0.2,
                                fingerprint="f", who=who)
        with pytest.raises(fgbg.FgbgError, match="gave up after 0.2 s"):
            list(stream)
    warned = [r.getMessage() for r in caplog.records]
    assert warned == ["worker 1: " + window, window], warned


def test_a_shard_streams_name_says_rank_and_worker_as_the_job_has_them():
    ddp, single = _world.World(2, 3, "given"), _world.World(0, 1, "given")
    assert _world.consumer(ddp, 1, 4, True) == "rank 2, worker 1"
    assert _world.consumer(ddp, 0, 1, False) == "rank 2"
    assert _world.consumer(ddp, 1, 2, False) == "rank 2, stream 1"  # device_loader(streams=2)
    assert _world.consumer(single, 1, 2, True) == "worker 1"
    assert _world.consumer(single, 0, 1, True) == "worker 0"  # num_workers=1: still a worker
    assert _world.consumer(single, 1, 2, False) == "stream 1"
    assert _world.consumer(single, 0, 1, False) == ""  # nothing to tell apart
