"""What a stream over replicas says and does when they fail (the Java client's
ReplicaFailuresTest): every replica named when none answers, the move's reason in its log line,
and a close that ends a Describe in flight on a hung replica."""
import logging
import os
import pickle
import signal
import socket
import sys
import threading
import time

import pytest

import fgbg
from conftest import Server
from fgbg.failover import stream_epoch

# 10 bg x 20 fg x 2 x 4 = 1600 samples of 64x64: far more than gRPC buffers, so the stream is
# mid-epoch when its replicas die.
WORLD = ["--builtin-size", "64", "--builtin-counts", "10:20", "--builtin-placements", "4",
         "--workers", "1"]
OTHER = WORLD[:5] + ["3"] + WORLD[6:]  # placements: another fingerprint, the same name


def _closed_port():
    """A loopback target where nothing listens (a connection there is refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return "127.0.0.1:%d" % s.getsockname()[1]


def _fingerprint(server):
    with fgbg.Client(server.target) as c:
        return c.describe().fingerprint


def test_when_every_replica_dies_mid_stream_the_error_names_every_one():
    servers = [Server(WORLD) for _ in range(2)]
    try:
        targets = [s.target for s in servers]
        stream = stream_epoch(targets, batch_size=16, seed=3, shuffle=True)
        got = 0
        with pytest.raises(fgbg.FgbgError) as e:
            for n, _ in enumerate(stream):
                got += 1
                if n == 2:  # mid-stream on the first replica: both die
                    for s in servers:
                        s.proc.kill()
                        s.proc.wait(10)
        assert 3 <= got < 100 and stream.failovers == 1
        assert e.value.code == "UNAVAILABLE"
        # Before: only the last replica tried was named ("... answers at B (...").
        assert str(e.value).startswith("UNAVAILABLE: no fgbg server answers at %s, %s ("
                                       % tuple(targets)), e.value
        assert e.value.target == targets[1] and e.value.asked == tuple(targets)
        again = pickle.loads(pickle.dumps(e.value))  # as a DataLoader worker sends it
        assert str(again) == str(e.value) and again.asked == e.value.asked
    finally:
        for s in servers:
            s.stop()


def test_the_moves_log_line_says_whether_the_replica_is_down_or_serves_other_data(caplog):
    caplog.set_level(logging.INFO, logger="fgbg.failover")
    down = _closed_port()
    a, c = Server(WORLD), Server(OTHER)
    try:
        f, g = _fingerprint(a), _fingerprint(c)
        assert f != g
        # Rank 1's home, c, serves other data; then `down` is down; a serves the job's data.
        stream = stream_epoch([a.target, c.target, down], rank=1, world_size=3, batch_size=64)
        assert all(b.fingerprint == f for b in stream) and stream.replica == 0
        moves = [r.getMessage() for r in caplog.records if "resuming at batch" in r.getMessage()]
        assert len(moves) == 2, moves
        # Before: "... is unavailable (FAILED_PRECONDITION: ... serves dataset 'builtin' ...)".
        assert moves[0] == ("rank 1: %s serves other data (fingerprint %s, not %s); resuming "
                            "at batch 0 on %s" % (c.target, g, f, down)), moves[0]
        # Before: "(UNAVAILABLE: no fgbg ...": the code said twice.
        assert moves[1].startswith("rank 1: %s is unavailable (no fgbg server answers at %s ("
                                   % (down, down)), moves[1]
        assert moves[1].endswith("); resuming at batch 0 on %s" % a.target), moves[1]
    finally:
        a.stop()
        c.stop()


def _describing(thread):
    """Whether `thread` waits in a Client.describe call."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "describe" and code.co_filename.endswith(
                os.path.join("fgbg", "client.py")):
            return True
        frame = frame.f_back
    return False


def test_close_ends_a_describe_in_flight_on_a_hung_replica():
    hung, live = Server(WORLD), Server(WORLD)
    try:
        f = _fingerprint(hung)
        os.kill(hung.proc.pid, signal.SIGSTOP)  # its port still accepts, nothing answers
        # No keepalive, an hour's timeout: only a close can end a call to `hung` soon.
        options = dict(timeout=3600, keepalive_time=0)
        targets = [hung.target, live.target]
        # The job's Describe (hung first in the targets' order), and with the job's fingerprint
        # given, the Describe that sizes the home replica's shared-memory ring.
        for fingerprint in (None, f):
            stream = stream_epoch(targets, batch_size=16, client_options=options,
                                  fingerprint=fingerprint)
            ended = []

            def read():
                try:
                    ended.append(list(stream))
                except fgbg.FgbgError as e:
                    ended.append(e)

            reader = threading.Thread(target=read, daemon=True)
            reader.start()
            while not _describing(reader):
                assert reader.is_alive(), ended
                time.sleep(0.05)  # until its Describe waits for the hung replica
            stream.close()
            # Before: no close; the reader waited out the Describe's timeout (an hour).
            reader.join(60)
            assert not reader.is_alive(), "the reader still waits in its Describe"
            assert ended == [[]], ended  # ended, with no batch and no error
            assert list(stream) == [], "closed"
    finally:
        os.kill(hung.proc.pid, signal.SIGCONT)
        hung.stop()
        live.stop()
