"""A real server whose per-client connection cap is held by half-open sockets (10 bytes of the
HTTP/2 preface, then nothing): the client is refused with words naming the cap, and connects
again once --handshake-timeout has closed them."""
import socket
import time

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
