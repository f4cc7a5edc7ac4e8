"""Three server processes as replicas: ranks spread by affinity, and exact failover."""
import logging
import time

import pytest

import fgbg
from conftest import WORLD, Server
from fgbg.failover import stream_epoch
from fgbg.replicas import resolve

# WORLD: 10 bg x 20 fg x 2 x 4 = 1600 samples of 64x64: a rank's quarter (~10 MB) is far more
# than gRPC buffers, so a rank is mid-stream when its replica dies. The replica that does not
# die is conftest's shared live_replica; each test starts those it kills.
N = 1600
RANKS = 4


def test_targets_are_a_list_or_every_address_of_a_dns_name():
    assert resolve("a:1, b:2,c:3") == ["a:1", "b:2", "c:3"]
    assert resolve(["a:1", "a:1", "b:2"]) == ["a:1", "b:2"]
    assert "127.0.0.1:7" in resolve("dns:///localhost:7")
    assert resolve("unix:///tmp/fgbg.sock") == ["unix:///tmp/fgbg.sock"]
    # A bare host is fgbg's port, not gRPC's default (443).
    assert resolve("localhost") == ["localhost:50051"]
    assert resolve("[::1]") == ["[::1]:50051"]
    assert resolve("a:1,b") == ["a:1", "b:50051"], "bare in a list too, as in Java"
    assert "127.0.0.1:50051" in resolve("dns:///localhost")
    with pytest.raises(ValueError, match=r"'b:x' must be host:port \(or a bare host, port "
                                         r"50051\)"):
        resolve("a:1,b:x")
    with pytest.raises(ValueError, match="does not resolve"):
        resolve("dns:///no-such-host.invalid:5")


def test_a_client_of_several_replicas_connects_to_its_ranks_one():
    c = fgbg.Client("a:1,b:2,c:3", rank=4)
    assert c.targets == ["a:1", "b:2", "c:3"] and c.target == "b:2"
    c.close()


def test_four_ranks_over_three_replicas_match_one_server_and_survive_a_replica_dying(
        live_replica):
    own = [Server(WORLD) for _ in range(2)]
    servers = own + [live_replica]
    try:
        targets = ",".join(s.target for s in servers)
        request = dict(seed=3, epoch=2, shuffle=True, batch_size=16)
        one = fgbg.SampleDigest()
        with fgbg.Client(servers[2].target) as c:
            for b in c.stream_epoch(**request):
                one.add_batch(b)
        streams = [stream_epoch(targets, rank=r, world_size=RANKS, **request)
                   for r in range(RANKS)]
        assert [s.replica for s in streams] == [0, 1, 2, 0]
        its = [iter(s) for s in streams]
        every = fgbg.SampleDigest()
        nxt = [0] * RANKS
        live = set(range(RANKS))
        killed = False
        while live:
            for r in sorted(live):
                b = next(its[r], None)
                if b is None:
                    live.discard(r)
                    continue
                assert b.batch_index == nxt[r], "rank %d resumes exactly" % r
                nxt[r] += 1
                every.add_batch(b)
            if not killed and nxt[0] == 3:
                servers[0].proc.kill()  # SIGKILL: ranks 0 and 3 are mid-epoch on it
                servers[0].proc.wait(10)
                killed = True
        assert every.count == N
        assert every.hex() == one.hex(), "the same samples as one server, each once"
        assert [s.failovers for s in streams] == [1, 0, 0, 1]
    finally:
        for s in own:
            s.stop()


def test_a_limited_stream_that_fails_over_delivers_exactly_the_unbroken_streams_samples(
        live_replica):
    servers = [live_replica, Server(WORLD)]
    try:
        # Rank 1 of 2 from its batch 2, at most 500 samples (not a whole number of batches).
        request = dict(seed=3, epoch=2, shuffle=True, batch_size=16, start_batch=2, limit=500)
        unbroken = fgbg.SampleDigest()
        with fgbg.Client(servers[0].target) as c:
            for b in c.stream_epoch(rank=1, world_size=2, **request):
                unbroken.add_batch(b)
        assert unbroken.count == 500
        stream = stream_epoch([s.target for s in servers], rank=1, world_size=2, **request)
        assert stream.replica == 1
        resumed = fgbg.SampleDigest()
        for n, b in enumerate(stream):
            assert b.batch_index == 2 + n, "the batch numbering goes on"
            resumed.add_batch(b)
            if n == 2:  # 48 of the 500 samples delivered
                servers[1].proc.kill()
                servers[1].proc.wait(10)
        assert stream.failovers == 1
        assert resumed.count == 500, "the rest was limited to what the limit had left"
        assert resumed.hex() == unbroken.hex(), "the same samples as the unbroken stream"
    finally:
        servers[1].stop()


def test_a_replica_stopped_with_sigterm_ends_its_streams_unavailable_and_they_fail_over(
        live_replica):
    # A rolled pod: SIGTERM, the grace, then its streams end UNAVAILABLE (not a bare CANCELLED).
    servers = [live_replica, Server(WORLD + ["--shutdown-grace", "300ms"])]
    try:
        request = dict(seed=4, epoch=1, shuffle=True, batch_size=16, limit=500)
        unbroken = fgbg.SampleDigest()
        with fgbg.Client(servers[0].target) as c:
            for b in c.stream_epoch(rank=1, world_size=2, **request):
                unbroken.add_batch(b)
        stream = stream_epoch([s.target for s in servers], rank=1, world_size=2, **request)
        assert stream.replica == 1
        resumed = fgbg.SampleDigest()
        for n, b in enumerate(stream):
            resumed.add_batch(b)
            if n == 2:
                servers[1].proc.terminate()
            if n >= 2 and stream.failovers == 0:
                time.sleep(0.1)  # a trainer's step: the grace runs out mid-stream
        assert stream.failovers == 1
        assert resumed.hex() == unbroken.hex(), "the same samples as the unbroken stream"
        assert servers[1].proc.wait(10) is not None
    finally:
        servers[1].stop()


def test_the_device_loader_over_two_replicas_gives_the_epoch_when_one_dies(caplog,
                                                                          live_replica):
    from conftest import digest_of
    from fgbg.torch import FgbgIterableDataset

    caplog.set_level(logging.INFO, logger="fgbg.failover")
    servers = [live_replica, Server(WORLD)]
    try:
        one = fgbg.SampleDigest()
        with fgbg.Client(servers[0].target) as c:
            for b in c.stream_epoch(seed=3, batch_size=16, shuffle=True):
                one.add_batch(b)
        ds = FgbgIterableDataset(",".join(s.target for s in servers), seed=3, batch_size=16)
        batches = []
        for n, b in enumerate(ds.device_loader(streams=2)):  # stream s on replica s
            batches.append(b)
            if n == 5:
                servers[1].proc.kill()  # stream 1 moves to replica 0, resumed by the one rule
                servers[1].proc.wait(10)
        assert sorted(i for b in batches for i in b["index"].tolist()) == list(range(N))
        assert digest_of(batches).hex() == one.hex()
        assert ds.state_dict()["epoch"] == 1, "the pass was received whole"
        moved = [r.getMessage() for r in caplog.records if "is unavailable" in r.getMessage()]
        # Stream 1 of this one process, not "rank 1" (its request's) in a job of one rank.
        assert len(moved) == 1 and moved[0].startswith("stream 1: %s" % servers[1].target)
    finally:
        servers[1].stop()


def test_when_every_replica_is_gone_the_last_error_comes_through():
    servers = [Server(WORLD) for _ in range(2)]
    targets = [s.target for s in servers]
    for s in servers:
        s.proc.kill()
        s.proc.wait(10)
    stream = stream_epoch(targets, rank=1, world_size=2, batch_size=8,
                          client_options={"timeout": 5})
    with pytest.raises(fgbg.FgbgError) as e:
        list(stream)
    assert e.value.code == "UNAVAILABLE"
    # The data is decided first (Describe, in the targets' order): each replica was asked.
    assert ", ".join(targets) in str(e.value)


def test_a_replica_serving_other_data_is_skipped_and_never_mixed_in():
    other = list(WORLD)
    other[other.index("4")] = "3"  # placements: another fingerprint (a rolling update)
    servers = [Server(WORLD), Server(other), Server(WORLD)]
    try:
        request = dict(seed=3, epoch=2, shuffle=True, batch_size=16)
        unbroken = fgbg.SampleDigest()
        with fgbg.Client(servers[2].target) as c:
            for b in c.stream_epoch(**request):
                unbroken.add_batch(b)
        stream = stream_epoch([s.target for s in servers], **request)
        resumed = fgbg.SampleDigest()
        for n, b in enumerate(stream):
            resumed.add_batch(b)
            if n == 2:
                servers[0].proc.kill()
                servers[0].proc.wait(10)
        assert stream.failovers == 2 and stream.replica == 2, "past the other data's replica"
        assert resumed.hex() == unbroken.hex()
        # With only the replica of other data left, the stream ends saying so.
        stream = stream_epoch([servers[2].target, servers[1].target], **request)
        with pytest.raises(fgbg.FgbgError) as e:
            for n, b in enumerate(stream):
                if n == 0:
                    servers[2].proc.kill()
                    servers[2].proc.wait(10)
        assert e.value.code == "FAILED_PRECONDITION"
        assert e.value.details.startswith(
            "no replica serves dataset 'builtin' with fingerprint "), e.value.details
        assert "%s is unavailable; %s serves fingerprint " % (
            servers[2].target, servers[1].target) in e.value.details, e.value.details
    finally:
        for s in servers:
            s.stop()


def _one_server_digest(target, seed):
    one = fgbg.SampleDigest()
    with fgbg.Client(target) as c:
        for b in c.stream_epoch(seed=seed, batch_size=64):
            one.add_batch(b)
    return one.hex()


def test_a_map_style_loader_over_two_replicas_gives_every_index_once_when_one_dies(
        live_replica):
    import torch
    from torch.utils.data import DataLoader

    from conftest import digest_of
    from fgbg.torch import FgbgDataset

    servers = [Server(WORLD), live_replica]
    try:
        one = _one_server_digest(servers[1].target, 3)
        ds = FgbgDataset(",".join(s.target for s in servers), seed=3)
        # RandomSampler, 2 workers (forked): worker w's home is replica w.
        loader = DataLoader(ds, batch_size=40, shuffle=True, num_workers=2,
                            generator=torch.Generator().manual_seed(0))
        batches = []
        for n, b in enumerate(loader):
            batches.append(b)
            if n == 3:  # worker 0 still has most of its batches to ask replica 0 for
                servers[0].proc.kill()
                servers[0].proc.wait(10)
        assert sorted(i for b in batches for i in b["index"].tolist()) == list(range(N))
        assert digest_of(batches).hex() == one, "the same bytes as one server, each once"
    finally:
        servers[0].stop()


def test_a_map_style_dataset_retries_the_same_call_on_the_next_replica(caplog):
    from fgbg.torch import FgbgDataset

    caplog.set_level(logging.INFO, logger="fgbg.failover")
    servers = [Server(WORLD) for _ in range(2)]
    try:
        ds = FgbgDataset(",".join(s.target for s in servers), seed=5)
        picks = [1599, 3, 800, 41]
        first = ds.__getitems__(picks)
        assert ds.replicas().replica == 0 and ds.replicas().failovers == 0
        servers[0].proc.kill()
        servers[0].proc.wait(10)
        again = ds.__getitems__(picks)
        assert ds.replicas().replica == 1 and ds.replicas().failovers == 1
        for a, b in zip(first, again):
            assert int(a["index"]) == int(b["index"])
            for k in ("image", "mask", "depth"):
                assert bytes(a[k].numpy()) == bytes(b[k].numpy()), k
        moved = [r.getMessage() for r in caplog.records if "is unavailable" in r.getMessage()]
        assert moved == ["FgbgDataset rank 0: %s is unavailable; asking %s for the same 4 "
                         "samples" % (servers[0].target, servers[1].target)]
        servers[1].proc.kill()  # every replica gone: the last error comes through
        servers[1].proc.wait(10)
        with pytest.raises(fgbg.FgbgError) as e:
            ds.__getitems__(picks)
        assert e.value.code == "UNAVAILABLE"
    finally:
        for s in servers:
            s.stop()


# Two servers of one dataset name and other data (placements: another fingerprint), as a
# rolling update or a config edited on one host leaves them: 4 x 5 x 2 x 4 = 160 samples on A.
PAIR = ["--builtin-size", "32", "--builtin-counts", "4:5", "--workers", "1"]
PAIR_N = 160
A = PAIR + ["--builtin-placements", "4"]


@pytest.fixture(scope="module")
def pair():
    """A and C, shared by the tests that stop neither (a server start is seconds)."""
    a = Server(A)
    try:
        c = Server(PAIR + ["--builtin-placements", "3"])
    except BaseException:
        a.stop()
        raise
    yield a, c
    a.stop()
    c.stop()


def _fingerprint(target):
    with fgbg.Client(target) as c:
        return c.describe("builtin").fingerprint


def _digest(target, **request):
    one = fgbg.SampleDigest()
    with fgbg.Client(target) as c:
        for b in c.stream_epoch(**request):
            one.add_batch(b)
    return one.hex()


def test_loaders_over_replicas_of_other_data_stream_only_the_datasets_data(pair):
    from conftest import digest_of
    from fgbg.torch import FgbgIterableDataset

    a, c = pair
    ds = FgbgIterableDataset("%s,%s" % (a.target, c.target), seed=3, batch_size=8)
    assert ds.info.fingerprint == _fingerprint(a.target) != _fingerprint(c.target)
    # Worker (or stream) 1's home is C: it must move on to A, never stream C's samples.
    for epoch, loader in enumerate((ds.loader(num_workers=2), ds.device_loader(streams=2))):
        batches = list(loader)
        assert sorted(i for b in batches for i in b["index"].tolist()) == list(range(PAIR_N))
        assert digest_of(batches).hex() == _digest(a.target, seed=3, epoch=epoch,
                                                   batch_size=8), "A's data alone"
    assert ds.state_dict()["fingerprint"] == ds.info.fingerprint


def test_every_rank_keeps_to_the_first_replica_that_answers(monkeypatch, pair):
    from conftest import digest_of
    from fgbg.failover import FailoverCalls
    from fgbg.torch import FgbgDataset, FgbgIterableDataset

    a, c = pair
    targets = "%s,%s" % (a.target, c.target)
    fp = _fingerprint(a.target)
    request = dict(seed=3, batch_size=8)
    rank1 = _digest(a.target, rank=1, world_size=2, **request)  # as fgbg.failover streams
    # Rank 1's home replica is C: the data is still A's, as rank 0's.
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    ds = FgbgIterableDataset(targets, **request)
    assert ds.info.fingerprint == fp
    alone = FgbgIterableDataset(a.target, **request)
    assert digest_of(list(ds)).hex() == digest_of(list(alone)).hex()
    assert FgbgIterableDataset(targets, rank=1, world_size=2, **request).info.fingerprint == fp
    mapped = FgbgDataset(targets, seed=3)
    assert mapped.info.fingerprint == fp
    assert mapped.replicas().replica == 1, "its calls still start on its home"
    assert int(mapped[5]["index"]) == 5 and mapped.replicas().replica == 0
    # fgbg.failover's own users: no fingerprint given, the first replica's decides.
    stream = stream_epoch(targets, rank=1, world_size=2, **request)
    one = fgbg.SampleDigest()
    for b in stream:
        one.add_batch(b)
    assert one.hex() == rank1 and stream.failovers == 1
    calls = FailoverCalls(targets, home_index=1)
    got = calls.call("2 samples", lambda cl: cl.get_samples([0, 1], "builtin", 3))
    assert got.fingerprint == fp and calls.replica == 0
    calls.close()


def test_when_no_replica_serves_the_datasets_data_each_pass_says_what_each_serves(pair):
    from fgbg.torch import FgbgIterableDataset

    a, c = Server(A), pair[1]  # A of its own: it is killed
    try:
        fp_a, fp_c = _fingerprint(a.target), _fingerprint(c.target)
        ds = FgbgIterableDataset("%s,%s" % (a.target, c.target), seed=3, batch_size=8)
        a.proc.kill()
        a.proc.wait(10)
        for _ in range(2):  # this pass, and the next one: never C's samples instead
            with pytest.raises(fgbg.OtherDataError) as e:
                list(ds)
            assert e.value.details.startswith(
                "no replica serves dataset 'builtin' with fingerprint %s, the data this "
                "consumer has: %s is unavailable; %s serves fingerprint %s;"
                % (fp_a, a.target, c.target, fp_c)), e.value.details
    finally:
        a.stop()


def test_a_replicas_own_refusal_after_one_of_other_data_is_the_users_to_see(pair):
    from fgbg.failover import FailoverCalls

    a, c = pair  # A: 160 samples, C: 120 (and another fingerprint)
    fp_c = _fingerprint(c.target)
    targets = [a.target, c.target]
    # The data is C's; A (first) serves other data, C refuses what A took: its own status.
    calls = FailoverCalls(targets, fingerprint=fp_c)
    with pytest.raises(fgbg.FgbgError) as e:
        calls.call("sample 130", lambda cl: cl.get_samples([130], "builtin", 3))
    calls.close()
    assert e.value.code == "INVALID_ARGUMENT" and e.value.target == c.target, e.value
    assert not isinstance(e.value, fgbg.OtherDataError)
    stream = stream_epoch(targets, fingerprint=fp_c, start_position=130, batch_size=8)
    with pytest.raises(fgbg.FgbgError) as e:
        list(stream)
    assert e.value.code == "INVALID_ARGUMENT" and "start_position 130" in str(e.value)
    assert stream.failovers == 1, "past A's other data, then C's refusal"
