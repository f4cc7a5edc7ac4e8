"""Bearer tokens as long as identity providers issue them (JWTs of several KB): a real server
process on loopback that takes 64 KiB of call metadata, and both clients."""
import os
import re
import subprocess

import pytest

import fgbg
from conftest import CLIENT_JAR, CLI_JVM, ROOT, SMALL, Server, java, java_cli
from fgbg import errors

TOKEN = "jwt-" + "a" * 20000  # 20 KB: over gRPC's default limit of 8 KiB
WORDS = "refused the call's metadata as too large ("
LIMIT = "up to its limit (64 KiB for fgbg servers: a token of at most 49152 characters)"


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    tokens = tmp_path_factory.mktemp("tokens") / "tokens"
    tokens.write_text("idp:%s\n" % TOKEN)
    os.chmod(tokens, 0o600)
    s = Server(SMALL + ["--token-file", str(tokens)])
    yield s
    s.stop()


def test_the_bounds_are_the_java_sides():
    """errors.MAX_* are copies of dev.fgbg.common.MetadataLimit's (its source, evaluated)."""
    with open(os.path.join(ROOT, "common", "src", "main", "java", "dev", "fgbg", "common",
                           "MetadataLimit.java")) as f:
        java_source = f.read()
    found = dict(re.findall(r"public static final int (\w+) = ([\d\s*+-]+|MAX_BYTES[^;]*);",
                            java_source))
    max_bytes = eval(found["MAX_BYTES"])  # e.g. "64 * 1024"
    assert errors.MAX_METADATA_BYTES == max_bytes
    assert errors.MAX_TOKEN_BYTES == eval(found["MAX_TOKEN_BYTES"], {"MAX_BYTES": max_bytes})


def test_a_twenty_kilobyte_token_works_through_both_clients(big):
    with fgbg.Client(big.target, token=TOKEN) as c:
        assert c.describe("builtin").size == 800
        assert sum(len(b) for b in c.stream_epoch(batch_size=64, limit=100)) == 100
    out = java_cli("stream", "--target", big.target, "--limit", "10",
                   env=dict(os.environ, FGBG_TOKEN=TOKEN))
    assert out[0] == "samples: 10"


def test_a_token_over_the_bound_is_refused_before_any_call(tmp_path):
    most = "t" * errors.MAX_TOKEN_BYTES
    fgbg.Credentials(token=most)
    said = ("a token has at most 49152 characters (fgbg servers take call metadata up to 64 "
            "KiB, and keep 16 KiB of it for other headers): this one has 49153")
    with pytest.raises(ValueError) as e:
        fgbg.Client("127.0.0.1:1", token=most + "t")
    assert str(e.value) == said
    cli = subprocess.run([java()] + CLI_JVM + ["-jar", CLIENT_JAR, "stream", "--target",
                                               "127.0.0.1:1", "--limit", "1"],
                         capture_output=True, text=True, env=dict(os.environ,
                                                                  FGBG_TOKEN=most + "t"))
    assert cli.returncode != 0 and said in cli.stderr, cli.stderr
    tokens = tmp_path / "tokens"
    tokens.write_text("# from the identity provider\nidp:%s\n" % (most + "t"))
    os.chmod(tokens, 0o600)
    with pytest.raises(RuntimeError) as start:
        Server(SMALL + ["--token-file", str(tokens)])
    assert "--token-file %s line 2: %s" % (tokens, said) in str(start.value), start.value


@pytest.mark.parametrize("extra, code, how", [
    (50000, "UNKNOWN", "HTTP 431; gRPC said: Received http2 header with status: 431"),
    (100000, "RESOURCE_EXHAUSTED", "it closed the connection; gRPC said: ")])
def test_metadata_over_the_servers_limit_is_worded(big, extra, code, how):
    """A custom header past the client's own check: 64 KiB to 80 KiB in all, the server answers
    431; more, it closes the connection (not UNAVAILABLE then: a retry would fail the same)."""
    with fgbg.Client(big.target, token=TOKEN, timeout=30) as c:
        c._metadata = c._metadata + (("x-big", "b" * extra),)
        with pytest.raises(fgbg.FgbgError) as e:
            c.describe("builtin")
    assert e.value.code == code
    sent = 20056 + 5 + extra + 32  # each header's name, value and 32
    assert e.value.details.startswith("%s %s%s" % (big.target, WORDS, how)), e.value.details
    assert e.value.details.endswith("): the token sent is 20004 bytes, the call's metadata %d "
                                    "bytes with it; the server takes metadata %s"
                                    % (sent, LIMIT)), e.value.details
