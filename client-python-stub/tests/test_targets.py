"""Targets as the client takes them (Client, datasets, failover lists): host:port with a port
from 1 to 65535, never a URL, and a host that does not resolve said so. No server needed."""
import pytest

import fgbg
from fgbg import failover
from fgbg.errors import FgbgError
from fgbg.replicas import resolve


@pytest.mark.parametrize("bad,why", [
    ("localhost:4703o", "its port '4703o' is not a number from 1 to 65535"),
    ("localhost:0", "its port '0' is not a number from 1 to 65535"),
    ("localhost:65536", "its port '65536' is not a number from 1 to 65535"),
    ("[::1]:x", "its port 'x' is not a number"),
    ("http://localhost:47030", "is a URL: give host:port (localhost:47030) or dns:///host:port; "
                               "fgbg speaks gRPC, not http"),
])
def test_a_bad_target_is_refused_naming_the_argument_and_the_target(bad, why):
    from fgbg.torch import FgbgDataset, FgbgIterableDataset

    for make in (fgbg.Client, FgbgIterableDataset, FgbgDataset):
        with pytest.raises(ValueError) as e:
            make(bad)
        assert str(e.value).startswith("target: %r " % bad) and why in str(e.value), e.value
    for targets in (["localhost:1", bad], "localhost:1," + bad):
        with pytest.raises(ValueError) as e:
            failover.stream_epoch(targets)
        assert str(e.value).startswith("targets: %r " % bad) and why in str(e.value), e.value
        with pytest.raises(ValueError, match="^targets: "):
            failover.FailoverCalls(targets)


def test_the_targets_that_worked_still_do():
    assert resolve("localhost:47030") == ["localhost:47030"]
    assert resolve("[::1]:47030") == ["[::1]:47030"]
    assert resolve("[::1]") == ["[::1]:50051"]
    assert resolve("ipv4:127.0.0.1:47030") == ["ipv4:127.0.0.1:47030"]
    assert resolve("unix:/tmp/fgbg.sock") == ["unix:/tmp/fgbg.sock"]
    assert resolve("unix-abstract:fgbg") == ["unix-abstract:fgbg"]
    assert resolve("a:1,unix:/tmp/b.sock") == ["a:1", "unix:/tmp/b.sock"]
    assert resolve("localhost:65535") == ["localhost:65535"]


def test_a_host_that_does_not_resolve_is_said_so_naming_it():
    with pytest.raises(FgbgError) as e:
        fgbg.Client("nosuchhost.invalid:47030", timeout=10).describe("x")
    # Where DNS drops packets, gRPC's resolver outlasts the call: DEADLINE_EXCEEDED. Never
    # taken for a server that went away; the words of the answer itself are tested below.
    assert "went away" not in str(e.value)
    if e.value.code != "DEADLINE_EXCEEDED":
        assert str(e.value).startswith("UNAVAILABLE: cannot resolve host 'nosuchhost.invalid' "
                                       "of target nosuchhost.invalid:47030 ("), e.value


@pytest.mark.parametrize("said", [
    "DNS resolution failed for nosuchhost.invalid:47030: C-ares status is not ARES_SUCCESS "
    "qtype=A name=nosuchhost.invalid is_balancer=0: Domain name not found",
    "DNS resolution failed for service: nosuchhost.invalid:47030",
    "failed to connect to all addresses; last error: UNKNOWN: Name or service not known",
])
def test_grpcs_words_for_a_name_that_does_not_resolve_are_recognised(said):
    e = FgbgError("UNAVAILABLE", said, "dns:///nosuchhost.invalid:47030")
    assert str(e).startswith("UNAVAILABLE: cannot resolve host 'nosuchhost.invalid' of target "
                             "dns:///nosuchhost.invalid:47030 (%s)" % said), e


def test_a_bare_ipv6_with_a_port_an_empty_entry_and_a_dns_target_are_said_as_typed():
    with pytest.raises(ValueError) as e:
        fgbg.Client("::1:47150")
    assert str(e.value) == ("target: '::1:47150' has an IPv6 address without brackets: write "
                            "[::1]:47150 (or [::1:47150] for that address on port 50051)")
    with pytest.raises(ValueError, match=r"^targets: 'localhost:47150,' has an empty entry "):
        resolve("localhost:47150,", "targets")
    with pytest.raises(ValueError, match=r"^target: 'dns:///localhost:99999' must be host:port"):
        resolve("dns:///localhost:99999")
