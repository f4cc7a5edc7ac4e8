"""A replica frozen mid-epoch (SIGSTOP) while the map-style dataset's connection to it is open:
its next GetSamples passes its deadline on a connected channel, as a busy replica's does. A
probe (Describe, which a real server answers beside its renders) tells the two apart: the frozen
one does not answer it, so the same call goes to the next replica, which serves the same
samples."""
import logging
import os
import signal

import torch

import fgbg
from conftest import Server
from fgbg import _silent
from fgbg.failover import stream_epoch
from test_hung_replica import WORLD


def _same(got, want):
    """Equal samples: every tensor (nested in lists and dicts too) the same values."""
    assert type(got) is type(want)
    if isinstance(want, torch.Tensor):
        assert torch.equal(got, want)
    elif isinstance(want, dict):
        assert sorted(got) == sorted(want)
        for k in want:
            _same(got[k], want[k])
    elif isinstance(want, (list, tuple)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
    else:
        assert got == want


def test_map_style_dataset_moves_on_from_a_replica_frozen_mid_epoch(caplog):
    from fgbg.torch import FgbgDataset

    caplog.set_level(logging.INFO, logger="fgbg.failover")
    servers = [Server(WORLD) for _ in range(2)]
    frozen, live = servers
    try:
        want = FgbgDataset(live.target, timeout=3)[[1, 2]]
        ds = FgbgDataset([frozen.target, live.target], timeout=3)
        ds[0]  # served by its home replica, which it stays connected to
        assert ds.replicas().replica == 0
        os.kill(frozen.proc.pid, signal.SIGSTOP)
        # Before: DEADLINE_EXCEEDED "not done within timeout=3s; a busy server ...", raised.
        _same(ds[[1, 2]], want)
        assert ds.replicas().replica == 1 and ds.replicas().failovers == 1
        moved = [r.getMessage() for r in caplog.records if "asking" in r.getMessage()]
        assert moved == ["FgbgDataset rank 0: %s stopped answering (no reply within 3 s, not "
                         "even to a probe); asking %s for the same 2 samples"
                         % (frozen.target, live.target)], moved
        # Remembered as silent: the process's next consumers ask it last.
        assert _silent.SILENT.order([frozen.target, live.target], 0) == [1, 0]
    finally:
        os.kill(frozen.proc.pid, signal.SIGCONT)
        for s in servers:
            s.stop()


def test_a_stream_leaving_a_frozen_replica_says_so_in_few_words(caplog):
    # A replica that served this process, then froze: a new stream's connection to it is
    # accepted by the kernel and never answered. Before, the move's INFO line said "the client
    # was still connecting (none listens there, ...)" in some 600 characters.
    caplog.set_level(logging.INFO, logger="fgbg.failover")
    servers = [Server(WORLD) for _ in range(2)]
    frozen, live = servers
    targets = [frozen.target, live.target]
    try:
        request = dict(seed=3, epoch=1, batch_size=16, limit=48)
        unbroken = fgbg.SampleDigest()
        for b in stream_epoch(targets, client_options=dict(timeout=3), **request):
            unbroken.add_batch(b)
        with fgbg.Client(live.target) as c:  # the job's data: no Describe of the frozen one
            fingerprint = c.describe().fingerprint
        os.kill(frozen.proc.pid, signal.SIGSTOP)
        stream = stream_epoch(targets, client_options=dict(timeout=3), fingerprint=fingerprint,
                              **request)
        resumed = fgbg.SampleDigest()
        for b in stream:
            resumed.add_batch(b)
        assert stream.failovers == 1 and resumed.hex() == unbroken.hex()
        moved = [r.getMessage() for r in caplog.records if "resuming" in r.getMessage()]
        assert moved == ["rank 0: %s stopped answering (no reply within 3 s); resuming at "
                         "batch 0 on %s" % (frozen.target, live.target)], moved
    finally:
        os.kill(frozen.proc.pid, signal.SIGCONT)
        for s in servers:
            s.stop()
