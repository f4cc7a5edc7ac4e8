"""The shared-memory path (issue 13) through real server processes: the same bytes as the
network, zero-copy views of the ring, the fallback when the handshake fails, the memory budget,
and no ring left behind (a client killed with SIGKILL, a dead client's stale ring)."""
import glob
import logging
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import fgbg
from conftest import PKG, SMALL, Server, java_stream_digest
from fgbg import _shm_path, shm


def digest(batches):
    d = fgbg.SampleDigest()
    for b in batches:
        d.add_batch(b)
    return d.hex()


def stream(c, **kw):
    """The stream's digest; every batch released as soon as it is digested."""
    d = fgbg.SampleDigest()
    paths = set()
    for b in c.stream_epoch(seed=3, epoch=1, shuffle=True, batch_size=24, **kw):
        d.add_batch(b)
        paths.add(b.shared_memory)
    return d.hex(), paths


def rings_of(pid):
    return set(glob.glob(os.path.join(shm.DIRECTORY, "fgbg-ring-%d-*" % pid)))


def rings_of_the_dead():
    """Rings whose maker has exited: a leak (a live process's ring, such as another test run's
    on this machine, is not this test's)."""
    dead = set()
    for path in glob.glob(os.path.join(shm.DIRECTORY, "fgbg-ring-*")):
        pid = os.path.basename(path).split("-")[2]
        if pid.isdigit() and not os.path.exists("/proc/%s" % pid):
            dead.add(path)
    return dead


@pytest.fixture
def new_rings():
    """Rings of this process made since the test began (earlier tests' open clients keep
    theirs until they are closed or collected)."""
    before = rings_of(os.getpid())
    return lambda: rings_of(os.getpid()) - before


@pytest.fixture(scope="module")
def shm_off():
    s = Server(SMALL + ["--no-shared-memory"])
    yield s
    s.stop()


@pytest.fixture(scope="module")
def small_budget():
    s = Server(SMALL + ["--memory-budget-mb", "1"])
    yield s
    s.stop()


def test_digests_are_identical_on_both_paths_and_the_java_cli(server, caplog, new_rings):
    caplog.set_level(logging.INFO, logger="fgbg")
    with fgbg.Client(server.target) as c:
        ring, ring_paths = stream(c)
        net, net_paths = stream(c, shared_memory=False)
        got = c.get_samples([0, 5, 799, 3])
        assert got.shared_memory
        sent = c.get_samples([0, 5, 799, 3], depth_dtype="float16")
    with fgbg.Client(server.target, shared_memory=False) as c:
        plain = c.get_samples([0, 5, 799, 3])
    assert ring_paths == {True} and net_paths == {False}
    assert ring == net == java_stream_digest(server.target, "--seed", "3", "--epoch", "1",
                                             "--shuffle", "--batch-size", "24")
    for name in ("images", "masks", "depth"):
        assert np.array_equal(getattr(got, name), getattr(plain, name)), name
        assert np.array_equal(getattr(sent, name), getattr(plain, name)), name
    assert [m.SerializeToString() for m in got.meta] == [m.SerializeToString() for m in plain.meta]
    lines = [r.getMessage() for r in caplog.records]
    assert sum("StreamEpoch: batches through shared memory" in m for m in lines) == 1
    assert sum("StreamEpoch: batches over the network (shared memory off: shared_memory=False)"
               in m for m in lines) == 1
    assert not new_rings(), "closing a client removes its GetSamples ring"


def test_arrays_are_read_only_views_of_the_ring_slot(server, new_rings):
    with fgbg.Client(server.target) as c:
        # More batches than slots: the stream (and its ring file) lasts while batch 0 is held.
        it = c.stream_epoch(batch_size=8, outputs=["image", "mask"], limit=64)
        b = next(it)
        base, off, length = b.buffers["images"]
        assert b.shared_memory and isinstance(base, np.ndarray)
        assert b.images.ctypes.data == base.ctypes.data + off and b.images.nbytes == length
        assert not b.images.flags.writeable and not b.images.flags.owndata
        assert b.depth is None
        (ring_file,) = new_rings()
        assert oct(os.stat(ring_file).st_mode & 0o777) == "0o600"
        with open(ring_file, "rb") as f:  # the batch's bytes lie in one of the file's slots
            data = f.read()
        slot_bytes = int.from_bytes(data[32:40], "little")
        at = b.buffers["masks"][1]
        assert any(data[start + at:start + at + b.masks.nbytes] == b.masks.tobytes()
                   for start in range(shm.HEADER_BYTES, len(data), slot_bytes))
        from fgbg.torch._convert import tensor

        t = tensor(b.images)
        assert t.data_ptr() == b.images.ctypes.data
        b.release()
        assert b.images is None
        rest = list(it)
        assert sum(len(x) for x in rest) == 56
        it.close()
    assert not new_rings(), "the stream's ring is removed when its client closes"


def test_threads_sharing_a_client_each_get_their_own_samples_through_its_ring(server):
    # Each call reserves a slot before offering it: two calls offering one slot would each read
    # the other's reply (seen: 3 runs in 4 with 4 threads before the fix).
    def per_sample(b):
        return [(int(i), b.images[s].tobytes(), b.masks[s].tobytes(), b.depth[s].tobytes())
                for s, i in enumerate(b.indices)]

    with fgbg.Client(server.target, shared_memory=False) as net:
        ref = {x[0]: x for x in per_sample(net.get_samples(range(96)))}
    with fgbg.Client(server.target) as c:
        c.get_samples(range(8)).release()  # the ring, made and idle
        wrong, through_ring, errors = [], [], []

        def work(t, barrier):
            try:
                for r in range(5):
                    barrier.wait()
                    b = c.get_samples(range(t * 12 + r, t * 12 + r + 8))
                    through_ring.append(b.shared_memory)
                    wrong.extend(x[0] for x in per_sample(b) if x != ref[x[0]])
                    b.release()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        barrier = threading.Barrier(4)
        threads = [threading.Thread(target=work, args=(t, barrier)) for t in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(60)
        assert not errors and not wrong, (errors, wrong)
        assert len(through_ring) == 20 and any(through_ring)


def test_a_stream_that_ends_leaves_its_ring_to_the_clients_next_stream(server, caplog,
                                                                       new_rings):
    caplog.set_level(logging.INFO, logger="fgbg")
    with fgbg.Client(server.target) as c:
        accepted = c.server_stats().rings_accepted
        first, _ = stream(c)
        (ring,) = new_rings()
        again, paths = stream(c)
        assert paths == {True} and again == first
        assert new_rings() == {ring}, "the same ring carried the second stream"
        # A batch still alive holds its slot: the next stream takes a ring of its own, and the
        # kept one serves again once that batch is gone.
        (held,) = list(c.stream_epoch(seed=3, epoch=1, shuffle=True, batch_size=24, limit=24))
        assert held.shared_memory
        third, _ = stream(c)
        assert third == first and len(new_rings()) == 2
        held.release()
        fourth, _ = stream(c)
        assert fourth == first and len(new_rings()) == 2
        assert c.server_stats().rings_accepted - accepted == 5
        net, _ = stream(c, shared_memory=False)
        assert net == first
    assert not new_rings(), "closing the client removes the rings it kept"
    through = [r.getMessage() for r in caplog.records
               if "StreamEpoch: batches through shared memory" in r.getMessage()]
    assert len(through) == 5 and sum(ring in m for m in through) >= 3


def test_keeping_the_first_batch_to_look_at_later_does_not_stop_the_stream(server, caplog):
    # Its slot stays the client's; the server writes the rest into the other three (it once
    # waited for slot k mod 4, the kept one, for ever, and the stream stopped at batch 4).
    caplog.set_level(logging.INFO, logger="fgbg")
    with fgbg.Client(server.target, stream_timeout=30) as c:
        it = c.stream_epoch(seed=3, epoch=1, shuffle=True, batch_size=24)
        first = next(it)
        d = fgbg.SampleDigest()
        rest = 0
        for b in it:
            assert b.shared_memory, "through the ring all along"
            d.add_batch(b)
            rest += len(b)
        d.add_batch(first)  # still readable: its slot was never written again
        net, _ = stream(c, shared_memory=False)
    assert first.shared_memory and rest == 800 - 24
    assert d.hex() == net
    assert not any("ring slots are held" in r.getMessage() for r in caplog.records)


def test_keeping_every_batch_continues_over_the_network_with_the_same_samples(server, caplog):
    caplog.set_level(logging.INFO, logger="fgbg")
    with fgbg.Client(server.target) as c:
        kept = list(c.stream_epoch(seed=3, epoch=1, shuffle=True, batch_size=24))
        assert [b.shared_memory for b in kept[:4]] == [True] * 4
        assert not any(b.shared_memory for b in kept[4:])
        net, _ = stream(c, shared_memory=False)
    assert digest(kept) == net
    assert sum(len(b) for b in kept) == 800
    assert any("all 4 ring slots are held" in r.getMessage() for r in caplog.records)


def test_keeping_every_batch_of_a_limited_stream_spills_exactly_to_the_limit(server, caplog):
    caplog.set_level(logging.INFO, logger="fgbg")
    with fgbg.Client(server.target) as c:
        kept = list(c.stream_epoch(seed=3, epoch=1, shuffle=True, batch_size=24, start_batch=1,
                                   limit=150))
        net = list(c.stream_epoch(seed=3, epoch=1, shuffle=True, batch_size=24, start_batch=1,
                                  limit=150, shared_memory=False))
    assert [b.shared_memory for b in kept] == [True] * 4 + [False] * 3
    assert [len(b) for b in kept] == [24] * 6 + [6], "150 samples: the limit less the 96 kept"
    assert [b.batch_index for b in kept] == list(range(1, 8))
    assert digest(kept) == digest(net)
    assert any("continuing over the network at batch 5" in r.getMessage() for r in caplog.records)


def _refused_stream(target, caplog, spoil=None, **client):
    """Streams with a ring spoiled by `spoil(ring)` (or a server that refuses it); returns
    (digest, paths, warning lines)."""
    caplog.clear()
    caplog.set_level(logging.INFO, logger="fgbg")
    real = shm.Ring

    def spoiled(*a, **k):
        ring = real(*a, **k)
        spoil(ring)
        return ring

    if spoil:
        shm.Ring = spoiled
    try:
        with fgbg.Client(target, **client) as c:
            d, paths = stream(c)
    finally:
        shm.Ring = real
    return d, paths, [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_a_wrong_nonce_or_a_missing_file_falls_back_to_the_network(server, caplog, new_rings):
    with fgbg.Client(server.target, shared_memory=False) as c:
        net, _ = stream(c)

    def wrong_nonce(ring):
        ring._mm[8:24] = bytes(16)

    d, paths, warned = _refused_stream(server.target, caplog, wrong_nonce)
    assert (d, paths) == (net, {False})
    assert len(warned) == 1 and "nonce" in warned[0] and "over the network" in warned[0]
    # Another host (or a container without a shared /dev/shm): the server finds no such file.
    d, paths, warned = _refused_stream(server.target, caplog, lambda ring: os.unlink(ring.path))
    assert (d, paths) == (net, {False})
    assert len(warned) == 1 and "does not exist" in warned[0]
    assert not new_rings()


def test_a_server_with_shared_memory_off_answers_on_the_network(server, shm_off, caplog,
                                                                new_rings):
    with fgbg.Client(server.target, shared_memory=False) as c:
        net, _ = stream(c)
    d, paths, warned = _refused_stream(shm_off.target, caplog)
    assert (d, paths) == (net, {False})
    assert len(warned) == 1 and "--no-shared-memory" in warned[0]
    with fgbg.Client(shm_off.target) as c:
        assert not c.get_samples([1, 2]).shared_memory
        assert not c.get_samples([1, 2]).shared_memory  # asked once, then not offered again
    assert not new_rings()


def test_fgbg_shm_0_turns_it_off(server, monkeypatch, caplog):
    monkeypatch.setenv("FGBG_SHM", "0")
    caplog.set_level(logging.INFO, logger="fgbg")
    with fgbg.Client(server.target) as c:
        _, paths = stream(c)
    assert paths == {False}
    assert any("shared memory off: FGBG_SHM=0" in r.getMessage() for r in caplog.records)


@pytest.fixture
def refusals_unsaid(monkeypatch):
    """A process that has warned of no refusal yet (an earlier test's streams may have)."""
    monkeypatch.setattr(_shm_path, "_REFUSALS_SAID", set())


def test_a_ring_over_the_memory_budget_is_refused_naming_it(small_budget, caplog,
                                                            refusals_unsaid):
    # 4 slots of 64 samples x (image + mask + depth) of 32x32 = 4 x 393,216 bytes, over the
    # 1 MiB budget: refused naming the flag, and the stream runs on the network within it.
    caplog.clear()
    caplog.set_level(logging.INFO, logger="fgbg")
    with fgbg.Client(small_budget.target) as c:
        n = 0
        for b in c.stream_epoch(batch_size=64, limit=256):
            assert not b.shared_memory
            n += len(b)
    assert n == 256
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and "--memory-budget-mb" in warned[0], warned


def test_the_same_refusal_is_one_warning_a_process_and_debug_lines_after(small_budget, caplog,
                                                                        refusals_unsaid):
    # Every stream of a small budget is refused its ring for the same reason: a trainer of 50
    # streams logged the line 50 times.
    caplog.set_level(logging.DEBUG, logger="fgbg")
    for _ in range(2):  # a new client (a new channel) too
        with fgbg.Client(small_budget.target) as c:
            for _ in range(3):
                assert sum(len(b) for b in c.stream_epoch(batch_size=64, limit=64)) == 64
    said = [r for r in caplog.records if "the server refused shared memory" in r.getMessage()]
    assert [r.levelno for r in said] == [logging.WARNING] + [logging.DEBUG] * 5, said
    assert "--memory-budget-mb" in said[0].getMessage()
    assert "said once per process" in said[0].getMessage()


def test_refusals_naming_other_rings_are_one_reason(caplog, refusals_unsaid):
    # Each stream's ring has its own name: a refusal quoting it was warned once per stream.
    caplog.set_level(logging.DEBUG, logger="fgbg")
    for ring in ("fgbg-ring-9457-3fa0c1", "fgbg-ring-9457-b7e2d9", "fgbg-ring-12-ffff"):
        _shm_path.log_path("stream_epoch", None, f"'/dev/shm/{ring}' is owned by uid 10001, "
                           "not by the server's uid 0", "")
    said = [r.levelno for r in caplog.records if "refused shared memory" in r.getMessage()]
    assert said == [logging.WARNING, logging.DEBUG, logging.DEBUG]


CHILD = """
import os, sys, time
sys.path.insert(0, %r)
import fgbg
c = fgbg.Client(%r)
it = c.stream_epoch(batch_size=8)
b = next(it)
print(b.shared_memory, flush=True)
sys.stdin.read()   # hold the ring until killed
"""


def test_a_client_killed_with_sigkill_leaves_no_ring_once_the_server_notices(server):
    child = subprocess.Popen([sys.executable, "-c", CHILD % (PKG, server.target)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "True"
        assert len(rings_of(child.pid)) == 1
        with fgbg.Client(server.target) as c:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(10)
            # The ring was offered to be kept; its client is gone, so the server removes it when
            # it sees the stream end (an RPC per check paces the loop; no sleep).
            deadline = time.monotonic() + 30
            while rings_of(child.pid):
                assert time.monotonic() < deadline, "the server never removed the dead " \
                    "client's ring"
                c.server_stats()
    finally:
        if child.poll() is None:
            child.kill()


def test_rings_of_dead_clients_are_swept_at_start_up(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    ring = shm.Ring(2, 4096)
    # The same header, naming a process that has exited.
    stale = os.path.join(shm.DIRECTORY, "fgbg-ring-%d-stale" % dead.pid)
    with open(ring.path, "rb") as f:
        header = bytearray(f.read())
    header[28:32] = dead.pid.to_bytes(4, "little")
    try:
        # The other servers of this suite sweep every minute too: should one of them remove the
        # file first, the new server had nothing to say, and the test tries again.
        for attempt in range(3):
            with open(stale, "wb") as f:
                f.write(header)
            s = Server(SMALL)
            try:
                assert not os.path.exists(stale)
                assert os.path.exists(ring.path), "a live client's ring stays"
                if any("shared-memory rings of dead clients" in line for line in s.log):
                    break
            finally:
                s.stop()
        else:
            raise AssertionError("the server never said it removed the dead client's ring")
    finally:
        ring.close()
        if os.path.exists(stale):
            os.unlink(stale)


def test_each_dataloader_worker_streams_through_its_own_ring(server):
    from conftest import digest_of
    from fgbg.torch import FgbgIterableDataset

    before = rings_of_the_dead()
    ds = FgbgIterableDataset(server.target, seed=9, batch_size=16)
    with fgbg.Client(server.target) as c:
        accepted = c.server_stats().rings_accepted
        batches = list(ds.loader(num_workers=2))
        assert c.server_stats().rings_accepted - accepted == 2, "one ring per worker"
    assert sum(len(b["index"]) for b in batches) == 800
    assert digest_of(batches).hex() == java_stream_digest(server.target, "--seed", "9",
                                                          "--shuffle")
    assert rings_of_the_dead() <= before, "the exited workers removed their rings"


class WorkerRings:
    """A per-sample transform (module level: picklable for workers) recording the process that
    ran it and how many rings that process had then."""

    def __call__(self, sample):
        return dict(sample, pid=os.getpid(), rings=len(rings_of(os.getpid())))


def test_forked_dataloader_workers_remove_their_getsamples_rings_as_they_end(server):
    # A forked worker ends with os._exit, after multiprocessing's finalisers but no atexit hook
    # or weakref finaliser: its GetSamples ring stayed in /dev/shm until a server swept it.
    from torch.utils.data import DataLoader
    from fgbg.torch import FgbgDataset

    ds = FgbgDataset(server.target, seed=4, transform=WorkerRings())
    batches = list(DataLoader(ds, batch_size=100, num_workers=2, multiprocessing_context="fork"))
    workers = {int(p) for b in batches for p in b["pid"]}
    assert len(workers) == 2 and os.getpid() not in workers
    assert {int(n) for b in batches for n in b["rings"]} == {1}, "each read through its ring"
    assert not set().union(*map(rings_of, workers)), "a worker's ring goes when it ends"


TRAINER = """
import glob, os, sys
sys.path.insert(0, sys.argv[2])
from torch.utils.data import DataLoader
from fgbg.torch import FgbgDataset, FgbgIterableDataset

said = set()


class Said:
    # Prints, once per worker, its pid and how many rings it has (module level: spawned workers
    # import it).
    def __call__(self, x):
        if os.getpid() not in said:
            said.add(os.getpid())
            rings = glob.glob("/dev/shm/fgbg-ring-%d-*" % os.getpid())
            print("worker", os.getpid(), len(rings), flush=True)
        return x


if __name__ == "__main__":
    target = sys.argv[1]
    mapped = DataLoader(FgbgDataset(target, transform=Said()), batch_size=100, num_workers=1,
                        persistent_workers=True, multiprocessing_context="fork")
    streamed = FgbgIterableDataset(target, batch_size=100, transform=Said()).loader(
        num_workers=1, persistent_workers=True)
    for loader in (mapped, streamed):
        assert sum(1 for _ in loader) == 8
    # Both loaders are alive as the script ends: multiprocessing ends their workers (SIGTERM).
"""


def test_dataloader_workers_still_alive_when_the_trainer_exits_remove_their_rings(server,
                                                                                    tmp_path):
    # Persistent workers outlive a pass; when the training script ends with its loaders still
    # alive, multiprocessing terminates them (SIGTERM), which runs no finaliser: a map-style
    # worker's GetSamples ring and a streaming worker's kept ring stayed in /dev/shm.
    script = tmp_path / "trainer.py"
    script.write_text(TRAINER)
    run = subprocess.run([sys.executable, str(script), server.target, PKG], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    workers = {int(w[1]): int(w[2]) for w in map(str.split, run.stdout.splitlines())
               if w and w[0] == "worker"}
    assert len(workers) == 2 and set(workers.values()) == {1}, run.stdout
    assert not set().union(*map(rings_of, workers)), "the workers' rings went with them"


def test_a_pool_keeps_rings_for_this_process_only(monkeypatch, tmp_path):
    monkeypatch.setattr(shm, "DIRECTORY", str(tmp_path))  # no server: no need of /dev/shm
    pool = shm.RingPool(most=2)
    ring = shm.Ring(2, 4096)
    pool.give(ring)
    assert len(pool) == 1
    pid = os.fork()
    if pid == 0:  # the child: its copy of the parent's ring is neither offered nor removed
        ok = pool.take(2, 4096) is None and not ring.owned() and not ring.kept()
        ring.close()
        pool.close()
        os._exit(0 if ok and os.path.exists(ring.path) else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert os.path.exists(ring.path), "the child left the parent's file alone"
    assert pool.take(2, 4096) is ring, "the parent takes its kept ring again"
    assert pool.take(2, 4096) is None
    others = [shm.Ring(2, 4096) for _ in range(3)]
    for r in others:
        pool.give(r)
    assert len(pool) == 2 and not os.path.exists(others[0].path), "the newest `most` kept"
    assert pool.take(2, 4096) is others[1]
    others[1].close()
    pool.close()
    assert not any(os.path.exists(r.path) for r in others)
    ring.close()
    assert not os.path.exists(ring.path)


def test_short_lived_clients_of_one_process_share_its_pool(server, caplog, new_rings):
    from fgbg.failover import stream_epoch

    caplog.set_level(logging.INFO, logger="fgbg")
    for _ in range(3):  # a new Client per stream, as fgbg.failover and the torch datasets make
        n = sum(len(b) for b in stream_epoch(server.target, seed=3, batch_size=24, limit=96))
        assert n == 96
    used = {m.split("(")[1].split(",")[0] for m in (r.getMessage() for r in caplog.records)
            if "StreamEpoch: batches through shared memory" in m}
    assert len(used) == 1, "one ring carried the three streams: %s" % used
    assert len(new_rings()) <= 1, "kept in the process's pool (an earlier test may have made it)"
    assert shm.process_pool() is shm.process_pool()


def test_a_full_dev_shm_sends_the_stream_over_the_network_saying_why(server, monkeypatch, caplog,
                                                                     new_rings):
    # A container's 64 MB /dev/shm: the ring's pages cannot all be had. The system call's
    # ENOSPC is simulated; before, the sparse file was offered and the server failed the stream
    # at its first write to a missing page ("the client shrank or removed its memory").
    import errno

    with fgbg.Client(server.target, shared_memory=False) as c:
        net, _ = stream(c)

    def full(fd, offset, length):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "posix_fallocate", full)
    from fgbg import _shm_retry

    # The refusal is this test's own: a later test's rings are tried at once.
    monkeypatch.setattr(_shm_retry, "PROCESS", _shm_retry.Refusals())
    caplog.clear()
    caplog.set_level(logging.INFO, logger="fgbg")
    with fgbg.Client(server.target) as c:
        d, paths = stream(c)
        assert not c.get_samples([1, 2]).shared_memory
    assert (d, paths) == (net, {False})
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "/dev/shm has no room for a ring of" in said, said
    assert not new_rings(), "the file of the ring that could not be had is removed"


def lan_address():
    """This host's outgoing IPv4 address, found without fgbg's own rule: a UDP socket
    'connected' towards documentation addresses (no packet is sent); None with no route."""
    import socket

    for towards in ("192.0.2.1", "198.51.100.1", "10.255.255.255"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                s.connect((towards, 9))
            except OSError:
                continue
            ip = s.getsockname()[0]
            if not ip.startswith("127.") and ip != "0.0.0.0":
                return ip
    return None


def test_a_target_named_by_the_hosts_lan_address_streams_through_shared_memory(caplog):
    # The Java client counted the host's interface addresses as local, Python did not: a
    # stream to this machine by its LAN address went over TCP, said at INFO only.
    import socket

    from fgbg import _shm_path

    ip = lan_address()
    s = Server(SMALL + ["--host", "0.0.0.0", "--insecure"])
    try:
        # Without a LAN address (a sandbox with loopback alone), the host's name.
        target = (ip or socket.gethostname()) + ":" + s.target.rsplit(":", 1)[1]
        assert _shm_path.is_local(target), target
        caplog.set_level(logging.INFO, logger="fgbg")
        with fgbg.Client(target) as c:
            got, paths = stream(c, limit=48)
        assert paths == {True}, target
        assert any("StreamEpoch: batches through shared memory" in r.getMessage()
                   for r in caplog.records), target
        assert got == java_stream_digest(target, "--seed", "3", "--epoch", "1", "--shuffle",
                                         "--batch-size", "24", "--limit", "48")
    finally:
        s.stop()
    assert _shm_path.is_local(socket.gethostname()) and not _shm_path.is_local("203.0.113.7:1")
    # The Java client's forms: a dns:/// target, the IPv6 wildcard; names are not looked up.
    assert _shm_path.is_local("dns:///localhost:5") and _shm_path.is_local("[::]:5")
    assert _shm_path.is_local("unix-abstract:fgbg")
    assert not _shm_path.is_local("fgbg.example.com:50051")
    assert not _shm_path.is_local("[2001:db8::1]:50051")
