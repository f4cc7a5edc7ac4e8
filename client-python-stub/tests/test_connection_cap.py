"""A real server whose per-client connection cap is held by half-open sockets (10 bytes of the
HTTP/2 preface, then nothing): the client closes the oldest and is served, and --handshake-timeout
closes the others; held by connections served, the client is refused with words naming the
cap. Held by connections with only a health Watch
open, past --max-connection-idle: the client is served, and one Watch ends UNAVAILABLE saying
why."""
import socket
import threading
import time

import grpc
import pytest

from conftest import SMALL, Server
from fgbg import Client, FgbgError

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


@pytest.fixture()
def capped(tmp_path):
    s = Server(SMALL + ["--max-connections-per-client", "3", "--handshake-timeout", "3s"],
               export_root=tmp_path)
    yield s
    s.stop()


def test_half_open_sockets_hold_no_place_against_a_client_and_served_ones_refuse_it(capped):
    host, port = capped.target.split(":")
    held, served = [], []
    try:
        for _ in range(3):
            s = socket.create_connection((host, int(port)))
            s.sendall(PREFACE[:10])
            held.append(s)
            # The server's SETTINGS: it has counted this one (not the client's connection).
            s.settimeout(10)
            assert len(s.recv(9)) > 0
        # Never served: the client's connection closes the oldest of them and is served.
        with Client(capped.target) as c:
            assert c.describe().name == "builtin"
        # The server closes the others after 3 s: one line (then a count a minute).
        said = "did not finish its handshake (HTTP/2 preface and SETTINGS, after TLS if any) " \
               "within --handshake-timeout 3s"
        until = time.monotonic() + 10
        while not any(said in line for line in capped.log) and time.monotonic() < until:
            time.sleep(0.1)
        assert sum(said in line for line in capped.log) == 1, "".join(capped.log)
        # Connections served (a call each), not quiet: they hold the cap, and a client over it
        # is refused in words naming it.
        until = time.monotonic() + 10
        while len(served) < 3 and time.monotonic() < until:
            ch = grpc.insecure_channel(capped.target,
                                       options=[("grpc.use_local_subchannel_pool", 1)])
            try:
                ch.unary_unary("/fgbg.v1.Fgbg/Describe")(b"\n\x07builtin", timeout=10)
                served.append(ch)
            except grpc.RpcError:
                ch.close()  # the closed connections not yet given back
                time.sleep(0.1)
        assert len(served) == 3, "".join(capped.log)
        with Client(capped.target) as c:
            with pytest.raises(FgbgError) as e:
                c.describe()
        assert e.value.code == "UNAVAILABLE"
        # Named whether the refusal reached the client as a reset (the cap first) or as a
        # close before HTTP/2 began (TLS first, as a plaintext client of a TLS server sees it).
        assert "--max-connections-per-client" in str(e.value), str(e.value)
    finally:
        for s in held:
            s.close()
        for ch in served:
            ch.close()


def test_watches_holding_the_cap_past_the_idle_time_make_room_for_a_new_connection(tmp_path):
    s = Server(SMALL + ["--max-connections-per-client", "3", "--max-connection-idle", "2s"],
               export_root=tmp_path)
    channels, heard, ended = [], [], []

    def watch(channel):
        # Each channel its own connection: grpc-core shares subchannels between channels.
        try:
            for _ in channel.unary_stream("/grpc.health.v1.Health/Watch")(b""):
                heard.append(1)
        except grpc.RpcError as e:
            ended.append((e.code(), e.details()))

    try:
        for _ in range(3):
            channels.append(grpc.insecure_channel(
                s.target, options=[("grpc.use_local_subchannel_pool", 1)]))
            threading.Thread(target=watch, args=(channels[-1],), daemon=True).start()
        until = time.monotonic() + 30
        while len(heard) < 3 and time.monotonic() < until:
            time.sleep(0.05)
        assert len(heard) == 3, "".join(s.log)
        time.sleep(2.5)  # past --max-connection-idle: the Watches' connections are quiet
        with Client(s.target) as c:
            assert c.describe().name == "builtin"
        until = time.monotonic() + 10
        while not ended and time.monotonic() < until:
            time.sleep(0.05)
        assert len(ended) == 1, ended
        code, details = ended[0]
        assert code == grpc.StatusCode.UNAVAILABLE, ended
        assert details.startswith("closed to make room for a new connection of client "
                                  "127.0.0.1 (over --max-connections-per-client 3): this "
                                  "connection held only health watches or unread streams, and "
                                  "began no call, for "), details
    finally:
        for channel in channels:
            channel.close()
        s.stop()
