"""The reconnect window (fgbg.reconnect): a trainer whose only server restarts (killed, then
started again on the same port) rides through the restart and gets the unbroken epoch, each
sample once; without the window, today's error; a server that came back with other data, or
one that never comes back, ends the stream with its error."""
import logging
import pickle
import socket
import threading
import time
from datetime import timedelta
from fractions import Fraction

import numpy as np
import pytest

import fgbg
from conftest import Server, digest_of
from fgbg.failover import stream_epoch
from fgbg.reconnect import Window, pause, seconds

# 4 bg x 4 fg x 2 flips x 20 placements = 640 samples of 32x32: 40 batches of 16, 20 a
# worker, far more than a worker holds ahead (its ring's 4 slots and the loader's prefetch).
SMALL = ["--builtin-counts", "4:4", "--builtin-size", "32"]
N = 640
DOWN_S = 2.5  # how long the server is away: a pod's restart, shortened


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unbroken(target, **request):
    d = fgbg.SampleDigest()
    with fgbg.Client(target) as c:
        for b in c.stream_epoch(**request):
            d.add_batch(b)
    return d.hex()


class _Restart(threading.Thread):
    """Kills `server` (SIGKILL), and after DOWN_S starts `args` on its port (`started`)."""

    def __init__(self, server, args):
        super().__init__(daemon=True)
        self.server, self.args, self.started = server, args, None
        self.port = int(server.target.rsplit(":", 1)[1])

    def run(self):
        self.server.proc.kill()
        self.server.proc.wait(10)
        time.sleep(DOWN_S)
        self.started = Server(self.args, port=self.port)


def _stop(*servers):
    for s in servers:
        if s is not None:
            s.stop()


def test_reconnect_is_seconds_or_a_timedelta():
    assert seconds(None) == 0 and seconds(2) == 2.0 and seconds(timedelta(minutes=1)) == 60.0
    with pytest.raises(ValueError, match="reconnect must be 0 .off. or positive seconds"):
        seconds(-1)
    with pytest.raises(TypeError, match="reconnect must be seconds"):
        seconds("60s")
    # Values read from a config or an array: numpy scalars and fractions are numbers too.
    assert seconds(np.int64(60)) == 60.0 and seconds(np.float32(1.5)) == 1.5
    assert seconds(Fraction(1, 2)) == 0.5
    # Past the Java client's bound (36500 days), or too large for a float: refused in words.
    for huge in (2 ** 1100, 1e300, timedelta.max, float("inf")):
        with pytest.raises(ValueError, match="at most 36500 days"):
            seconds(huge)
    with pytest.raises(TypeError, match=r"got True \(bool_\)"):
        seconds(np.bool_(True))


def test_a_loader_rides_through_its_servers_restart_with_the_unbroken_epoch(capfd):
    from fgbg.torch import FgbgIterableDataset

    server = Server(SMALL, port=_free_port())
    restart = _Restart(server, SMALL)
    try:
        unbroken = _unbroken(server.target, seed=2, epoch=0, shuffle=True, batch_size=16)
        ds = FgbgIterableDataset(server.target, seed=2, batch_size=16, reconnect=30)
        batches = []
        for b in ds.loader(num_workers=2):
            batches.append(b)
            if len(batches) == 1:
                restart.start()  # both workers are mid-stream
        restart.join()
        indices = sorted(i for b in batches for i in b["index"].tolist())
        assert indices == list(range(N)), "each sample once"
        assert digest_of(batches).hex() == unbroken
        with fgbg.Client(restart.started.target) as c:
            resumed = c.server_stats().streams_started
        assert resumed >= 2, "both workers' streams were resumed on the restarted server"
        # Each worker's window, named as the job has it: a job of one rank said "rank 0: ..."
        # and "rank 1: ..." (the workers' shards).
        windows = sorted(line for line in capfd.readouterr().err.splitlines()
                         if line.endswith("(reconnect window)"))
        assert windows == ["worker %d: the fgbg server at %s is not answering; trying again for "
                           "up to 30 s (reconnect window)" % (w, server.target) for w in (0, 1)], \
            windows
    finally:
        restart.join()
        _stop(server, restart.started)


def test_without_reconnect_a_restart_ends_the_stream_as_before():
    server = Server(SMALL, port=_free_port())
    restart = _Restart(server, SMALL)
    try:
        stream = stream_epoch(server.target, seed=2, batch_size=16)
        started = time.monotonic()
        with pytest.raises(fgbg.FgbgError) as e:
            for n, _ in enumerate(stream):
                if n == 0:
                    restart.start()
        assert e.value.code == "UNAVAILABLE"
        assert "gave up" not in str(e.value)
        assert time.monotonic() - started < DOWN_S, "at once, not after the restart"
    finally:
        restart.join()
        _stop(server, restart.started)


def test_a_server_that_served_this_job_and_stopped_is_not_said_never_to_have_been_started():
    # Mid-training, "no fgbg server answers ...; start one with ./fgbg serve" blames the setup:
    # the server answered before, so the words say it stopped and name reconnect=.
    import torch
    from fgbg.torch import FgbgDataset, FgbgIterableDataset

    server = Server(SMALL, port=_free_port())
    ds = FgbgIterableDataset(server.target, batch_size=16)
    mapped = FgbgDataset(server.target)
    server.proc.kill()
    server.proc.wait(10)
    with pytest.raises(fgbg.FgbgError) as e:
        list(stream_epoch(server.target, batch_size=16))  # in this process
    assert str(e.value).startswith("UNAVAILABLE: the fgbg server at %s stopped answering ("
                                   % server.target), e.value
    assert "it served this process before" in str(e.value)
    assert "reconnect=SECONDS" in str(e.value) and "no fgbg server answers" not in str(e.value)
    # A spawned DataLoader worker's first stream: its dataset was served in this process.
    with pytest.raises(Exception, match=r"(?s)FgbgError.*the fgbg server at %s stopped "
                       r"answering.*reconnect=SECONDS" % server.target):
        list(ds.loader(num_workers=1))
    with pytest.raises(Exception, match=r"(?s)FgbgError.*the fgbg server at %s stopped "
                       r"answering.*reconnect=SECONDS" % server.target):
        next(iter(torch.utils.data.DataLoader(mapped, batch_size=4, num_workers=1,
                                              multiprocessing_context="spawn")))


def test_a_server_that_comes_back_with_other_data_is_refused_at_once():
    other = SMALL + ["--builtin-placements", "10"]  # another fingerprint: the data changed
    server = Server(SMALL, port=_free_port())
    restart = _Restart(server, other)
    try:
        stream = stream_epoch(server.target, seed=2, batch_size=16, reconnect=60)
        with pytest.raises(fgbg.FgbgError) as e:
            for n, _ in enumerate(stream):
                if n == 0:
                    restart.start()
                    started = time.monotonic()
        assert e.value.code == "FAILED_PRECONDITION", e.value
        assert "fingerprint" in e.value.details
        # A public class, to catch, also as a DataLoader worker pickles it.
        assert type(e.value) is fgbg.OtherDataError and "OtherDataError" in fgbg.__all__
        again = pickle.loads(pickle.dumps(e.value))
        assert type(again) is fgbg.OtherDataError and str(again) == str(e.value)
        assert time.monotonic() - started < 20, "not after waiting out the window"
    finally:
        restart.join()
        _stop(server, restart.started)


def test_a_dataset_waits_for_a_starting_server_and_a_window_that_passes_says_so(caplog):
    from fgbg.torch import FgbgIterableDataset

    caplog.set_level(logging.INFO, logger="fgbg.reconnect")
    port = _free_port()
    later = []
    starter = threading.Timer(DOWN_S, lambda: later.append(Server(SMALL, port=port)))
    starter.start()
    try:
        ds = FgbgIterableDataset("127.0.0.1:%d" % port, reconnect=timedelta(seconds=60))
        assert ds.info.size == N
        starter.join()
        warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert warned == ["the fgbg server at 127.0.0.1:%d is not answering; trying again for "
                          "up to 60 s (reconnect window)" % port], warned
        said = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
        assert len(said) == 1 and said[0].startswith(
            "the fgbg server at 127.0.0.1:%d answered again after " % port), said
        # The server goes away for good: the window passes, and the error says how long it
        # tried.
        later[0].proc.kill()
        later[0].proc.wait(10)
        stream = stream_epoch(later[0].target, batch_size=16, reconnect=1.5)
        started = time.monotonic()
        with pytest.raises(fgbg.FgbgError) as e:
            list(stream)
        assert 1.5 <= time.monotonic() - started < 10
        assert e.value.code == "UNAVAILABLE"
        assert str(e.value).startswith("UNAVAILABLE: the fgbg server at 127.0.0.1:%d stopped "
                                       "answering" % port), e.value
        assert str(e.value).endswith(" (gave up after 1.5 s of trying)"), e.value
    finally:
        starter.join()
        _stop(*later)


def test_pauses_are_jittered_by_one_rule_around_a_doubling_back_off():
    assert [pause(2.0, d) for d in (0.0, 0.5, 0.99)] == [1.0, 2.0, 2.98]
    down = fgbg.FgbgError("UNAVAILABLE", "connection refused", "a:1")
    for draw, expected in ((0.0, [0.25, 0.5, 1.0, 2.0, 2.5, 2.5]),
                           (0.5, [0.5, 1.0, 2.0, 4.0, 5.0, 5.0])):
        pauses = []
        window = Window(60, random=lambda: draw, sleep=pauses.append)
        for _ in range(6):
            window.wait(down, ["a:1"])
        assert pauses == expected
    # The default source: pauses of consumers that failed together differ.
    drawn = []
    for _ in range(2):
        Window(60, sleep=drawn.append).wait(down, ["a:1"])
    assert drawn[0] != drawn[1] and all(0.25 <= p < 0.75 for p in drawn), drawn
    pickle.dumps(stream_epoch("a:1", reconnect=60))  # a consumer still travels to a worker


def test_a_dataset_describes_the_next_replica_when_the_first_is_down(caplog):
    from fgbg.torch import FgbgDataset, FgbgIterableDataset

    caplog.set_level(logging.WARNING, logger="fgbg.reconnect")
    closed = "127.0.0.1:%d" % _free_port()
    server = Server(SMALL, port=_free_port())
    try:
        started = time.monotonic()
        ds = FgbgIterableDataset("%s,%s" % (closed, server.target), reconnect=60)
        mapped = FgbgDataset("%s,%s" % (closed, server.target), reconnect=60)
        assert ds.info.size == mapped.info.size == N
        assert time.monotonic() - started < 10, "at once, not after a back-off"
        assert caplog.records == [], "no window was opened"
    finally:
        server.stop()
    other = "127.0.0.1:%d" % _free_port()
    with pytest.raises(fgbg.FgbgError) as e:
        FgbgIterableDataset("%s,%s" % (closed, other))
    assert e.value.code == "UNAVAILABLE"
    assert str(e.value).startswith("UNAVAILABLE: no fgbg server answers at %s, %s ("
                                   % (closed, other)), e.value
    assert "gave up" not in str(e.value)


def test_a_map_style_dataset_asks_the_restarted_server_for_the_same_samples(caplog):
    from fgbg.torch import FgbgDataset

    caplog.set_level(logging.INFO, logger="fgbg.failover")

    server = Server(SMALL, port=_free_port())
    restart = _Restart(server, SMALL)
    try:
        ds = FgbgDataset(server.target, seed=5, reconnect=30)
        picks = [639, 3, 320, 41]
        first = ds.__getitems__(picks)
        restart.start()
        server.proc.wait(10)  # killed: the call comes while it is away
        again = ds.__getitems__(picks)
        assert restart.started is not None, "answered by the restarted server, after waiting"
        assert ds.replicas().failovers >= 2, "it tried again, after a pause"
        moved = [r.getMessage() for r in caplog.records if "is unavailable" in r.getMessage()]
        assert len(moved) == 1, "once for the outage, not on every try: %s" % moved
        for a, b in zip(first, again):
            assert int(a["index"]) == int(b["index"])
            for k in ("image", "mask", "depth"):
                assert bytes(a[k].numpy()) == bytes(b[k].numpy()), k
    finally:
        restart.join()
        _stop(server, restart.started)
