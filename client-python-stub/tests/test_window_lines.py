"""The reconnect window's lines name the consumer whose window it is, as its moves' lines do:
a job's ranks and DataLoader workers each open one when their server goes away, and each
WARNING said the same words with nothing to tell whose it was."""
import logging
import socket

import pytest

import fgbg
from fgbg.failover import FailoverCalls, stream_epoch


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
