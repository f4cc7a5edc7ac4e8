"""A replica that hangs (SIGSTOP) rather than dies: its connection stays open and silent, so
only the client's keepalive notices, and fgbg.failover resumes exactly as for a dead one."""
import logging
import os
import signal
import socket
import threading
import time
from concurrent import futures

import grpc
import pytest

import fgbg
from conftest import WORLD, Server
from fgbg._channels import MIN_KEEPALIVE_S, keepalive_options
from fgbg.failover import stream_epoch

PING = MIN_KEEPALIVE_S
ANSWER = 3.0


def test_a_stopped_replica_is_noticed_by_keepalive_and_the_stream_resumes_exactly(
        caplog, live_replica):
    caplog.set_level(logging.INFO, logger="fgbg.failover")
    stopped = Server(WORLD)
    servers = [live_replica, stopped]
    try:
        request = dict(seed=5, epoch=1, shuffle=True, batch_size=16)
        unbroken = fgbg.SampleDigest()
        with fgbg.Client(servers[0].target) as c:
            for b in c.stream_epoch(rank=1, world_size=2, **request):
                unbroken.add_batch(b)
        stream = stream_epoch([s.target for s in servers], rank=1, world_size=2,
                              client_options=dict(keepalive_time=PING, keepalive_timeout=ANSWER),
                              **request)
        assert stream.replica == 1
        resumed = fgbg.SampleDigest()
        stopped_at = noticed_after = None
        for n, b in enumerate(stream):
            assert b.batch_index == n, "each batch once, in order"
            resumed.add_batch(b)
            if n == 2:
                os.kill(stopped.proc.pid, signal.SIGSTOP)  # mid-stream, connection open
                stopped_at = time.monotonic()
            if noticed_after is None and stream.failovers == 1:
                noticed_after = time.monotonic() - stopped_at
        assert stream.failovers == 1 and stream.replica == 0
        assert resumed.hex() == unbroken.hex(), "the same samples as the unbroken stream"
        # A ping after PING of silence, then ANSWER for its reply; the rest is slack.
        assert noticed_after is not None and noticed_after < PING + ANSWER + 15, noticed_after
        moved = [r.getMessage() for r in caplog.records if "is unavailable" in r.getMessage()]
        assert len(moved) == 1 and "stopped answering" in moved[0], moved
    finally:
        os.kill(stopped.proc.pid, signal.SIGCONT)
        stopped.stop()


def test_keepalive_settings_are_checked():
    with pytest.raises(ValueError, match="keepalive_time must be 0 .off. or 20 to"):
        fgbg.Client("127.0.0.1:1", keepalive_time=5)
    with pytest.raises(ValueError, match="keepalive_timeout must be a positive"):
        fgbg.Client("127.0.0.1:1", keepalive_timeout=0)
    assert keepalive_options(0, 20) == [] == keepalive_options(0, 0), "off, whatever the timeout"
    assert ("grpc.http2.max_pings_without_data", 0) in keepalive_options(30, 20)


def _refusing_target():
    """An address nothing listens on (a connection there is refused: UNAVAILABLE)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return "127.0.0.1:%d" % s.getsockname()[1]


def test_a_hung_first_replica_is_passed_over_by_the_datasets_first_describe(live_replica):
    from fgbg.torch import FgbgDataset, FgbgIterableDataset

    hung, live = Server(WORLD), live_replica
    try:
        with fgbg.Client(live.target) as c:
            fp = c.describe().fingerprint
        os.kill(hung.proc.pid, signal.SIGSTOP)  # its port still accepts, nothing answers
        targets = "%s,%s" % (hung.target, live.target)
        # Every rank describes the first replica first: a hung one must not fail them all.
        assert FgbgIterableDataset(targets, batch_size=16, timeout=3).info.fingerprint == fp
        assert FgbgDataset(targets, timeout=3).info.fingerprint == fp
        stream = stream_epoch(targets, rank=1, world_size=2, batch_size=16, limit=32,
                              client_options=dict(timeout=3))
        assert sum(len(b) for b in stream) == 32 and stream._same.fingerprint == fp
        # None answers (refused, then hung): the error names each replica asked.
        refused = _refusing_target()
        with pytest.raises(fgbg.FgbgError) as e:
            FgbgIterableDataset("%s,%s" % (refused, hung.target), timeout=3)
        assert e.value.code == "DEADLINE_EXCEEDED"
        assert str(e.value).endswith("(asked %s, %s in turn: none answered)"
                                     % (refused, hung.target)), e.value
    finally:
        os.kill(hung.proc.pid, signal.SIGCONT)
        hung.stop()


def test_rank_zero_whose_home_replica_accepts_and_never_answers_streams_from_the_next(
        live_replica):
    from fgbg.torch import FgbgIterableDataset

    live = live_replica
    silent = socket.socket()
    try:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # connections complete in the kernel; nothing ever answers them
        targets = "127.0.0.1:%d,%s" % (silent.getsockname()[1], live.target)
        ds = FgbgIterableDataset(targets, batch_size=8, timeout=4)
        # Rank 0's home is the silent replica: its deadline before any batch moves it on.
        first = next(iter(ds))
        assert len(first["image"]) == 8
    finally:
        silent.close()


def _silent_socket():
    """A listening socket whose connections the kernel completes; nothing ever answers them."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    return silent, "127.0.0.1:%d" % silent.getsockname()[1]


def test_a_stream_to_a_silent_target_fails_naming_it_within_the_timeout():
    silent, target = _silent_socket()
    try:
        # Only the unary timeout: the ring's Describe bounds the stream's wait (not 24 h).
        with fgbg.Client(target, timeout=2, shared_memory=True) as c:
            with pytest.raises(fgbg.FgbgError) as e:
                next(iter(c.stream_epoch(batch_size=8, limit=8)))
        assert e.value.code == "DEADLINE_EXCEEDED" and e.value.target == target
        assert str(e.value).startswith(
            "DEADLINE_EXCEEDED: %s does not answer: no reply to the Describe that sizes the "
            "stream's shared-memory ring within 2 s" % target), e.value
    finally:
        silent.close()


def test_calls_to_a_target_that_never_connects_say_no_server_answered():
    # A deadline passing while the channel still connects (a silent listener here; a dead port
    # in gRPC's back-off alike) is no busy server: the words said "a busy server".
    silent, target = _silent_socket()
    try:
        with fgbg.Client(target, timeout=1, stream_timeout=1, shared_memory=False) as c:
            with pytest.raises(fgbg.FgbgError) as e:
                c.list_datasets()
            assert e.value.code == "DEADLINE_EXCEEDED"
            assert str(e.value).startswith(
                "DEADLINE_EXCEEDED: no server answered at %s within timeout=1s: the client was "
                "still connecting (" % target), e.value
            assert "busy server" not in str(e.value)
            with pytest.raises(fgbg.FgbgError) as e:
                next(iter(c.stream_epoch(batch_size=8, limit=8)))
            assert str(e.value).startswith("DEADLINE_EXCEEDED: no server answered at %s within "
                                           "stream_timeout=1s" % target), e.value
    finally:
        silent.close()


def test_failover_calls_ask_the_next_replica_when_one_sends_no_reply(caplog, live_replica):
    from fgbg.failover import FailoverCalls

    caplog.set_level(logging.INFO, logger="fgbg.failover")
    live = live_replica
    silent, hung = _silent_socket()
    try:
        with fgbg.Client(live.target) as c:
            fp = c.describe().fingerprint
            want = c.get_samples([3, 4], "builtin", 7)
        # Its home is the silent replica: before, DEADLINE_EXCEEDED after the timeout. 4 s, as
        # the Java test gives: the live replica's new channel, Describe and GetSamples in it.
        calls = FailoverCalls([hung, live.target], fingerprint=fp,
                              client_options=dict(timeout=4))
        got = calls.call("2 samples", lambda cl: cl.get_samples([3, 4], "builtin", 7))
        calls.close()
        assert calls.replica == 1 and calls.failovers == 1
        digests = [fgbg.SampleDigest(), fgbg.SampleDigest()]
        digests[0].add_batch(got)
        digests[1].add_batch(want)
        assert digests[0].hex() == digests[1].hex()
        moved = [r.getMessage() for r in caplog.records if "asking" in r.getMessage()]
        assert moved == ["calls: %s sent no reply within the call's deadline; asking %s for "
                         "the same 2 samples" % (hung, live.target)], moved
        # Every replica silent: the error names each one asked.
        other, second = _silent_socket()
        try:
            calls = FailoverCalls([hung, second], fingerprint=fp,
                                  client_options=dict(timeout=2))
            with pytest.raises(fgbg.FgbgError) as e:
                calls.call("2 samples", lambda cl: cl.get_samples([3, 4], "builtin", 7))
            calls.close()
            assert e.value.code == "DEADLINE_EXCEEDED"
            assert str(e.value).endswith("(asked %s, %s in turn: none answered)"
                                         % (hung, second)), e.value
        finally:
            other.close()
    finally:
        silent.close()


def test_failover_calls_say_the_move_past_a_replica_that_never_connected(caplog, live_replica):
    # Without a fingerprint the calls first Describe the replicas in turn: a first one that never
    # connected was passed over with no INFO line (only the final "none answered" named it).
    from fgbg.failover import FailoverCalls

    caplog.set_level(logging.INFO, logger="fgbg")
    live = live_replica
    silent, hung = _silent_socket()
    try:
        calls = FailoverCalls([hung, live.target], who="loader", client_options=dict(timeout=4))
        got = calls.call("2 samples", lambda cl: cl.get_samples([3, 4], "builtin", 7))
        calls.close()
        assert len(got) == 2
        moved = [r.getMessage() for r in caplog.records if "asking" in r.getMessage()]
        assert moved == ["loader: %s sent no reply within the call's deadline; asking %s for "
                         "the same Describe" % (hung, live.target)], moved
        assert all(r.levelname == "INFO" for r in caplog.records if "asking" in r.getMessage())
    finally:
        silent.close()


def _busy_replica(live_target, asked, release):
    """A gRPC server on loopback that answers Describe as `live_target` does and takes each
    GetSamples (counted in `asked`) until `release` is set: a replica busy, not hung."""
    upstream = grpc.insecure_channel(live_target)
    describe = upstream.unary_unary("/fgbg.v1.Fgbg/Describe")

    def get_samples(request, context):
        asked.append(request)
        release.wait(60)
        context.abort(grpc.StatusCode.UNAVAILABLE, "released")

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler("fgbg.v1.Fgbg", {
        "Describe": grpc.unary_unary_rpc_method_handler(
            lambda request, context: describe(request, timeout=10)),
        "GetSamples": grpc.unary_unary_rpc_method_handler(get_samples)})])
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, upstream, "127.0.0.1:%d" % port


def test_failover_calls_raise_a_busy_replicas_deadline_rather_than_ask_the_next(
        caplog, live_replica):
    # A connected replica past the deadline is busy (a big call, a cold depth cache): the same
    # call on the next replica costs as much. Before, it went to each replica in turn, and the
    # error said "none answered".
    from fgbg.failover import FailoverCalls

    caplog.set_level(logging.INFO, logger="fgbg.failover")
    live = live_replica
    asked, release = [], threading.Event()
    busy, upstream, target = _busy_replica(live.target, asked, release)
    try:
        with fgbg.Client(live.target) as c:
            fp = c.describe().fingerprint
        calls = FailoverCalls([target, live.target], fingerprint=fp,
                              client_options=dict(timeout=3, shared_memory=False))
        with pytest.raises(fgbg.FgbgError) as e:
            calls.call("2 samples", lambda cl: cl.get_samples([3, 4], "builtin", 7))
        calls.close()
        assert e.value.code == "DEADLINE_EXCEEDED" and e.value.target == target
        assert str(e.value).startswith("DEADLINE_EXCEEDED: not done within timeout=3s; a busy "
                                       "server"), e.value
        assert "raise Client(timeout=...)" in str(e.value) and "none answered" not in str(e.value)
        assert calls.replica == 0 and calls.failovers == 0 and len(asked) == 1
        assert not [r for r in caplog.records if "asking" in r.getMessage()]
    finally:
        release.set()
        busy.stop(None)
        upstream.close()
