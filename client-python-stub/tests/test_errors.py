"""FgbgError's wording of UNAVAILABLE (pure: no server)."""
import os
import re
import time

import grpc

from fgbg.errors import FgbgError


def test_no_server_answering_says_how_to_start_one():
    e = FgbgError("UNAVAILABLE", "failed to connect to all addresses; last error: UNKNOWN: "
                  "ipv4:127.0.0.1:1: Failed to connect to remote host: Connection refused",
                  "127.0.0.1:1")
    assert str(e).startswith("UNAVAILABLE: no fgbg server answers at 127.0.0.1:1 (failed")
    assert "./fgbg serve" in str(e)


def test_a_server_that_went_away_mid_call_is_not_said_never_to_have_answered():
    e = FgbgError("UNAVAILABLE", "Socket closed", "127.0.0.1:50071")
    assert str(e).startswith("UNAVAILABLE: the fgbg server at 127.0.0.1:50071 went away during "
                             "the call (Socket closed)")
    assert "no fgbg server answers" not in str(e)


def test_a_connection_reset_mid_stream_is_a_server_that_went_away():
    # A SIGKILLed server: gRPC says "recvmsg:Connection reset by peer", whose "connect" once
    # read as no server ever having answered.
    e = FgbgError("UNAVAILABLE", "recvmsg:Connection reset by peer", "127.0.0.1:19201")
    assert str(e).startswith("UNAVAILABLE: the fgbg server at 127.0.0.1:19201 went away during "
                             "the call (recvmsg:Connection reset by peer)")
    # A server closes a connection over its cap the same way: the cap is named as a cause.
    assert "--max-connections-per-client" in str(e)


def test_a_server_shutting_down_is_quoted_as_it_said():
    said = ("the server is shutting down and its --shutdown-grace ran out with this stream "
            "running; a client of several replicas resumes it on another")
    e = FgbgError("UNAVAILABLE", said, "pod-1:50051")
    assert str(e) == "UNAVAILABLE: %s (pod-1:50051)" % said
    assert e.code == "UNAVAILABLE" and e.details == said


def test_a_failed_tls_handshake_is_said_to_be_one():
    e = FgbgError("UNAVAILABLE", "failed to connect to all addresses; last error: UNKNOWN: "
                  "ipv4:127.0.0.1:50611: Ssl handshake failed: SSL_ERROR_SSL: "
                  "CERTIFICATE_VERIFY_FAILED", "localhost:50611")
    assert str(e).startswith("UNAVAILABLE: the TLS handshake with localhost:50611 failed")
    assert "(tls_ca or $FGBG_TLS_CA)" in str(e) and "$FGBG_TLS_KEY" in str(e), str(e)
    assert str(e).endswith("and that the server serves TLS (--tls-cert)"), str(e)


def test_a_connection_closed_before_http2_asks_whether_the_server_is_tls():
    # What grpcio says when a plaintext client meets a TLS server (tests/test_security.py).
    e = FgbgError("UNAVAILABLE", "failed to connect to all addresses; last error: UNAVAILABLE: "
                  "ipv4:127.0.0.1:50777: Socket closed", "localhost:50777")
    assert str(e).startswith("UNAVAILABLE: could not talk to localhost:50777: the connection "
                             "closed before HTTP/2 began (failed to connect"), str(e)
    assert "is it a TLS server? (use Credentials(tls=True) or tls_ca" in str(e)
    assert "went away" not in str(e)


def test_a_reset_as_it_connects_names_the_connection_cap_first():
    # What grpcio says when the server closes a connection over --max-connections-per-client.
    e = FgbgError("UNAVAILABLE", "failed to connect to all addresses; last error: UNAVAILABLE: "
                  "ipv4:127.0.0.1:50051: recvmsg:Connection reset by peer", "127.0.0.1:50051")
    assert str(e).startswith("UNAVAILABLE: could not talk to 127.0.0.1:50051: it reset the "
                             "connection before HTTP/2 began (failed to connect"), str(e)
    assert str(e).index("--max-connections-per-client") < str(e).index("TLS"), str(e)
    assert "--handshake-timeout" in str(e) and "went away" not in str(e)


def test_a_deadline_names_the_option_that_set_it_and_how_far_the_call_got():
    from fgbg.errors import deadline

    said = deadline("Deadline Exceeded", "stream_timeout", 3.0, 1280)
    assert said == ("not done within stream_timeout=3s (1280 samples done); a busy server (or a "
                    "depth model's cold cache) can take longer: raise Client(stream_timeout=...) "
                    "or leave it out")
    # grpcio's words for the server's reset at the deadline are not quoted as the server's.
    reset = deadline("Received RST_STREAM with error code 8", "stream_timeout", 1.0, 16)
    assert "RST_STREAM" not in reset and reset.startswith("not done within stream_timeout=1s ("
                                                          "16 samples done); "), reset
    # An export's words count the samples its complete shards keep (fgbg._streams.so_far).
    kept = deadline("", "stream_timeout", 2.0, 1500, "samples kept, 1 of 4 shards complete")
    assert kept.startswith("not done within stream_timeout=2s (1500 samples kept, 1 of 4 "
                           "shards complete); "), kept
    # A server's own words (a call queued past its deadline) stay.
    queued = deadline("the deadline passed while the request was queued", "timeout", 30.0)
    assert queued.startswith("not done within timeout=30s (the server: the deadline passed "
                             "while the request was queued); ")


class _Reset(grpc.RpcError):
    """What grpcio raises when it reads a server's RST_STREAM CANCEL before its own timer."""

    def code(self):
        return grpc.StatusCode.CANCELLED

    def details(self):
        return "Received RST_STREAM with error code 8"


def test_a_server_reset_at_the_deadline_is_the_deadline_not_a_cancel():
    # grpc-java resets a call when its deadline passes on the server; a busy client process
    # (threads, the GIL) reads that reset before its timer fires and grpcio says CANCELLED.
    from fgbg._streams import error

    late = error(_Reset(), "localhost:50051", (), ("timeout", 0.2), None, time.monotonic() - 0.2)
    assert late.code == "DEADLINE_EXCEEDED"
    assert str(late).startswith("DEADLINE_EXCEEDED: not done within timeout=0.2s; "), str(late)
    # Before the call's deadline, the server's reset (its shutdown grace ran out under a Stats
    # or Gallery call) is UNAVAILABLE in words, which reconnect= and failover retry; it read
    # as the user's own cancel, which nothing retries.
    early = error(_Reset(), "localhost:50051", (), ("timeout", 30.0), None,
                  time.monotonic() - 0.2)
    assert early.code == "UNAVAILABLE" and "RST_STREAM" in str(early), str(early)
    assert "went away during the call (Received RST_STREAM" in str(early), str(early)


def test_a_connection_closed_for_rapid_reset_says_so():
    # grpcio's words when Netty's rapid-reset guard sent GOAWAY ENHANCE_YOUR_CALM.
    e = FgbgError("UNAVAILABLE", "GOAWAY received; Error code: 11; Debug Text: "
                  "too_many_rststreams", "127.0.0.1:50051")
    assert str(e).startswith("UNAVAILABLE: 127.0.0.1:50051 closed this process's connection for "
                             "rapid reset (GOAWAY received"), str(e)
    assert "this process's cancels and passed deadlines count" in str(e)
    # A bare reset (the victims' words) lists rapid reset among the causes.
    went = FgbgError("UNAVAILABLE", "recvmsg:Connection reset by peer", "127.0.0.1:50051")
    assert "for rapid reset (more than 1000 calls reset in 10 s" in str(went), str(went)


def test_the_reset_limit_is_the_java_sides():
    """errors.MAX_RESETS and RESET_WINDOW_S are copies of dev.fgbg.common.ResetLimit's."""
    from conftest import ROOT
    from fgbg import errors

    with open(os.path.join(ROOT, "common", "src", "main", "java", "dev", "fgbg", "common",
                           "ResetLimit.java")) as f:
        found = dict(re.findall(r"public static final int (\w+) = (\d+);", f.read()))
    assert (errors.MAX_RESETS, errors.RESET_WINDOW_S) == (int(found["MAX_RESETS"]),
                                                          int(found["WINDOW_SECONDS"]))


def test_replicas_asked_in_turn_are_said_to_have_answered_unless_a_deadline_passed():
    # Words that do not name the last replica (a stopping server's, GOAWAY) came from a server
    # that answered: "none answered" is only for a deadline (the Java client's words too).
    asked = ["a:1", "b:2"]
    gone = FgbgError("UNAVAILABLE", "GOAWAY received", None, asked=asked)
    assert str(gone) == "UNAVAILABLE: GOAWAY received (asked a:1, b:2 in turn)"
    late = FgbgError("DEADLINE_EXCEEDED", "Deadline Exceeded", None, asked=asked)
    assert str(late) == "DEADLINE_EXCEEDED: Deadline Exceeded (asked a:1, b:2 in turn: none " \
        "answered)"
