"""A real server whose per-client connection cap is held by half-open sockets (10 bytes of the
HTTP/2 preface, then nothing): the client is refused with words naming the cap, and connects
again once --handshake-timeout has closed them. Held by connections with only a health Watch
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


def test_half_open_sockets_hold_the_cap_until_the_handshake_timeout(capped):
    host, port = capped.target.split(":")
    held = []
    try:
        for _ in range(3):
            s = socket.create_connection((host, int(port)))
            s.sendall(PREFACE[:10])
            held.append(s)
            # The server's SETTINGS: it has counted this one (not the client's connection).
            s.settimeout(10)
            assert len(s.recv(9)) > 0
        start = time.monotonic()
        with Client(capped.target) as c:
            with pytest.raises(FgbgError) as e:
                c.describe()
        assert e.value.code == "UNAVAILABLE"
        # Named whether the refusal reached the client as a reset (the cap first) or as a
        # close before HTTP/2 began (TLS first, as a plaintext client of a TLS server sees it).
        assert "--max-connections-per-client" in str(e.value), str(e.value)
        # The server closes them after 3 s; a new client is served within a few seconds.
        name = None
        while name is None and time.monotonic() - start < 10:
            try:
                with Client(capped.target) as c:
                    name = c.describe().name
            except FgbgError:
                time.sleep(0.2)  # the half-open sockets are not closed yet
        assert name == "builtin", "".join(capped.log)
        # One line for the three (then a count a minute), read from the server's output.
        said = "did not finish its handshake (HTTP/2 preface and SETTINGS, after TLS if any) " \
               "within --handshake-timeout 3s"
        until = time.monotonic() + 10
        while not any(said in line for line in capped.log) and time.monotonic() < until:
            time.sleep(0.1)
        assert sum(said in line for line in capped.log) == 1, "".join(capped.log)
    finally:
        for s in held:
            s.close()


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
