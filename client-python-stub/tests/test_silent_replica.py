"""A replica whose port accepts connections and never answers (a hung process) is remembered by
the process for fgbg._silent.REMEMBER_S: the next Describes, streams and calls that would start
on it ask the other replicas first, so each no longer waits out its deadline; it is still asked
last, and first again once the time has passed (a fake clock here). Counted by the connections
the silent listener accepts."""
import logging
import socket
import threading

import pytest

import fgbg
from conftest import Server
from fgbg import _silent
from fgbg.failover import stream_epoch
from test_hung_replica import WORLD, _silent_socket


class Accepts:
    """A silent listener (test_hung_replica's) whose connections are accepted, counted, and
    never answered."""

    def __init__(self):
        self.sock, self.target = _silent_socket()
        self.sock.settimeout(0.2)
        self._peers = []
        self._seen = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop:
            try:
                conn, peer = self.sock.accept()
            except socket.timeout:
                continue
            with self._seen:
                self._peers.append((conn, peer))
                self._seen.notify_all()

    def count(self):
        """The connections made to it so far: a probe's own, accepted after them all (the
        backlog is first in, first out), says every one before it is counted."""
        with socket.create_connection(self.sock.getsockname()) as probe:
            me = probe.getsockname()
            with self._seen:
                assert self._seen.wait_for(lambda: any(p == me for _, p in self._peers), 10)
                self._peers = [(c, p) for c, p in self._peers if p != me]
                return len(self._peers)

    def close(self):
        self._stop = True
        self._thread.join()
        self.sock.close()
        for conn, _ in self._peers:
            conn.close()


def test_a_silent_replica_is_asked_last_for_a_minute_then_first_again(caplog):
    from fgbg.torch import FgbgDataset

    caplog.set_level(logging.INFO, logger="fgbg.failover")
    now = [0.0]
    _silent.SILENT.clock = lambda: now[0]
    live, hung = Server(WORLD), Accepts()
    try:
        request = dict(batch_size=8, limit=16)
        with fgbg.Client(live.target) as c:
            unbroken = fgbg.SampleDigest()
            for b in c.stream_epoch(**request):
                unbroken.add_batch(b)

        def stream(replica, failovers, **options):
            s = stream_epoch([hung.target, live.target], client_options=dict(timeout=3),
                             **dict(request, **options))
            d = fgbg.SampleDigest()
            for b in s:
                d.add_batch(b)
            assert (s.replica, s.failovers) == (replica, failovers)
            assert d.hex() == unbroken.hex(), "the same samples, whichever replica serves"

        # The dataset's Describe waits out the silent first replica once; then its calls and
        # rank 0's streams, whose home it is, start on the other: before, each waited again.
        ds = FgbgDataset([hung.target, live.target], timeout=3)
        assert hung.count() == 1
        assert len(ds[3]["image"]) and (ds.replicas().replica, ds.replicas().failovers) == (1, 0)
        stream(1, 0)
        stream(1, 0)
        assert hung.count() == 1, "asked once, not by every call"
        passed = [r.getMessage() for r in caplog.records if "passing over" in r.getMessage()]
        assert passed == [_silent.words(hung.target)], "said once"
        # A minute on, it is asked first again: still silent, passed over, remembered anew.
        now[0] += _silent.REMEMBER_S
        stream(1, 1, fingerprint=ds.info.fingerprint)
        assert hung.count() == 2
        stream(1, 0, fingerprint=ds.info.fingerprint)
        assert hung.count() == 2
        # Asked last, not dropped: with the other one down it is asked, and its error ends it.
        live.stop()
        with pytest.raises(fgbg.FgbgError) as e:
            stream(1, 0, fingerprint=ds.info.fingerprint)
        assert e.value.target == hung.target and hung.count() == 3, e.value
    finally:
        hung.close()
        live.stop()


def test_what_says_a_replica_did_not_answer_at_all():
    assert _silent.no_answer(fgbg.FgbgError("DEADLINE_EXCEEDED", "no server answered at h:1"))
    assert _silent.no_answer(fgbg.FgbgError(
        "UNAVAILABLE", "failed to connect to all addresses; last error: UNKNOWN: ipv4:h:1: "
        "connection attempt timed out before receiving SETTINGS frame"))
    assert not _silent.no_answer(fgbg.FgbgError("UNAVAILABLE", "Connection refused"))
    now = [0.0]
    s = _silent.Silent(lambda: now[0])
    s.mark("b:1")
    assert s.order(["a:1", "b:1", "c:1"], 1) == [2, 0, 1]
    assert s.order(["b:1"], 0) == [0], "the only one is still asked"
    s.answered("b:1")
    assert s.order(["a:1", "b:1", "c:1"], 1) == [1, 2, 0]
