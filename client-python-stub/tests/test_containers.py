"""A trainer in a locked-down container: a small /dev/shm (Docker's 64 MB) that rings must leave
to torch's DataLoader batches (fgbg._shm_room), and an open-files limit (ulimit -n) that a
failed call names instead of blaming the server."""
import errno
import json
import logging
import os
import pickle
import re
import subprocess
import sys

import pytest

import fgbg
from conftest import PKG
from fgbg import _shm_path, _shm_retry, _shm_room, shm
from fgbg import errors
from fgbg.errors import FgbgError

HERE = os.path.dirname(os.path.abspath(__file__))
MIB = 1 << 20


def in_small_dev_shm(*args):
    """tests/small_shm_job.py as root of its own user and mount namespaces, with a tmpfs of its
    own on /dev/shm (as `docker run` gives one). `./fgbg test` runs where namespaces can be made (as
    root, as CI does, or where unprivileged ones are on); elsewhere this fails saying so."""
    mount = 'mount -t tmpfs -o size=64m tmpfs /dev/shm && exec "$0" "$@"'
    probe = subprocess.run(["unshare", "-r", "-m", "sh", "-c", mount, "true"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.fail("cannot make a mount namespace with a tmpfs on /dev/shm here (%s): run the "
                    "suite as root, as CI does, or where unprivileged user namespaces are on"
                    % probe.stderr.strip())
    job = subprocess.run(["unshare", "-r", "-m", "sh", "-c", mount, sys.executable,
                          os.path.join(HERE, "small_shm_job.py")] + [str(a) for a in args],
                         capture_output=True, text=True, timeout=600)
    assert job.returncode == 0, job.stdout + job.stderr[-3000:]
    runs = [json.loads(line) for line in job.stdout.splitlines() if line.startswith("{")]
    return {r["size"]: r for r in runs}, job.stderr


def test_dataloader_workers_leave_torch_its_room_in_a_small_dev_shm():
    # The tester's Bus error: each worker's ring fitted in /dev/shm, then torch had no room to
    # pass the workers' batches. Batches of 256 samples of 32x32 take 1.6 MiB as torch passes
    # them: 2 workers x prefetch 2 (+2) need 9.3 MiB, +8 MiB floor; a ring is 6 MiB.
    # 8 MiB first, while /dev/shm is empty: a loader's workers may still be removing their
    # rings as the next size is mounted.
    runs, stderr = in_small_dev_shm(256, 2, "8-build", 20, 48, "20-map", "48-map")
    # 20 MiB: a ring would leave 14 MiB, under the 17.3 kept: the network, the same bytes.
    assert runs["20"]["rings"] == 0
    assert runs["20"]["digest"] == runs["20"]["java"]
    # Seen without logging set up: a warning, in each worker (once in each process).
    no_room = [line for line in stderr.splitlines() if _shm_room.NO_ROOM in line]
    assert len(no_room) == 4, stderr[-3000:]  # 2 workers of 20 and of 20-map
    # What is free depends on how much of torch's batches the other worker holds at that moment.
    said = re.search(r"has no room for a ring: ([0-9.]+) MiB of its 20.0 MiB are free, under the "
                     r"([0-9.]+) MiB it needs: ([0-9.]+) MiB for the ring and 17.3 MiB that must "
                     r"stay free \(8.0 MiB for others \+ 9.3 MiB for torch's DataLoader "
                     r"batches\)", no_room[0])
    assert said, no_room[0]
    free, needs, ring = (float(g) for g in said.groups())
    assert free <= 20.0 and free < needs and abs(needs - (ring + 17.3)) < 0.11, no_room[0]
    assert "docker run --shm-size=1g" in no_room[0]
    # 48 MiB: room for both rings and torch's batches.
    assert runs["48"]["rings"] == 2
    assert runs["48"]["digest"] == runs["48"]["java"]
    assert runs["20"]["warnings"] == runs["48"]["warnings"] == []
    # 8 MiB: too small for torch's own batches, said as the loader is built.
    said = runs["8-build"]["warnings"]
    assert len(said) == 1, said
    assert "of 8.0 MiB), but a DataLoader of 2 workers needs about 9.3 MiB" in said[0], said
    for fix in ("docker run --shm-size=1g", "emptyDir of medium Memory", "device_loader()"):
        assert fix in said[0], said
    # A map-style dataset's workers keep the same room from their GetSamples rings.
    assert runs["20-map"]["rings"] == 0 and runs["48-map"]["rings"] > 0
    assert runs["20-map"]["digest"] == runs["48-map"]["digest"] == runs["20"]["java"]


@pytest.fixture
def free(monkeypatch):
    """/dev/shm's free bytes as _shm_room reads them, set by the test (a list: the readings in
    turn, the last one repeated)."""
    readings = []
    monkeypatch.setattr(_shm_room, "free_bytes",
                        lambda path: readings.pop(0) if len(readings) > 1 else readings[0])
    monkeypatch.setattr(_shm_room, "_torch_bytes", 0)
    # The test's refusals are its own: a later test's rings are tried at once.
    monkeypatch.setattr(_shm_retry, "PROCESS", _shm_retry.Refusals())
    return readings


def test_a_ring_is_made_only_where_it_leaves_the_headroom(free):
    size = shm.HEADER_BYTES + 4 * MIB
    _shm_room.reserve_for_torch(_shm_room.torch_need(2, 2, MIB))  # 6 MiB: (2 x 2 + 2) x 1 MiB
    assert _shm_room.headroom() == _shm_room.FLOOR + 6 * MIB
    free[:] = [size + _shm_room.headroom()]
    shm.Ring(4, MIB).close()
    free[:] = [size + _shm_room.headroom() - 1]
    with pytest.raises(OSError) as e:
        shm.Ring(4, MIB)
    assert e.value.errno == errno.ENOSPC
    assert ("14.0 MiB that must stay free (8.0 MiB for others + 6.0 MiB for torch's DataLoader "
            "batches)") in str(e.value)
    # Another worker took the room between the look before and the one after: no ring either.
    before = set(os.listdir(shm.DIRECTORY))
    free[:] = [size + _shm_room.headroom(), _shm_room.headroom() - 1]
    with pytest.raises(OSError):
        shm.Ring(4, MIB)
    assert set(os.listdir(shm.DIRECTORY)) <= before, "the refused ring's file is removed"


def test_a_refusal_says_what_is_free_and_what_the_ring_and_the_headroom_need(free,
                                                                             monkeypatch):
    # With 35 of 40 MiB used, the refusal said "it would leave 0.0 MiB free": the free space
    # less the ring, floored at 0, not what is free.
    monkeypatch.setattr(_shm_room, "total_bytes", lambda path: 40 * MIB)
    _shm_room.reserve_for_torch(_shm_room.torch_need(2, 2, MIB))  # 6 MiB: (2 x 2 + 2) x 1 MiB
    ring = (shm.HEADER_BYTES + 4 * 4 * MIB) / MIB
    free[:] = [5 * MIB]
    with pytest.raises(OSError) as e:
        shm.Ring(4, 4 * MIB)
    assert ("/dev/shm has no room for a ring: 5.0 MiB of its 40.0 MiB are free, under the %.1f "
            "MiB it needs: %.1f MiB for the ring and 14.0 MiB that must stay free (8.0 MiB for "
            "others + 6.0 MiB for torch's DataLoader batches); batches go over the network"
            % (ring + 14, ring)) in str(e.value)
    # Seen again once its pages are had (another worker took the room meanwhile): what was
    # free without this ring, its own pages not counted as taken.
    free[:] = [64 * MIB, 3 * MIB]
    with pytest.raises(OSError) as e:
        shm.Ring(4, 4 * MIB)
    assert ": %.1f MiB of its 40.0 MiB are free" % (3 + ring) in str(e.value)
    # Outside a DataLoader worker the headroom is the floor alone.
    _shm_room.reserve_for_torch(0)
    free[:] = [5 * MIB]
    with pytest.raises(OSError, match=r"and 8.0 MiB that must stay free \(8.0 MiB for others\);"):
        shm.Ring(4, 4 * MIB)


def test_no_room_is_a_warning_once_per_process_and_the_bytes_are_the_networks(server, free,
                                                                            monkeypatch, caplog):
    monkeypatch.setattr(_shm_path, "_NO_ROOM_SAID", False)
    def digest(c):
        d = fgbg.SampleDigest()
        for b in c.stream_epoch(seed=3, batch_size=100):
            assert not b.shared_memory
            d.add_batch(b)
        return d.hex()

    with fgbg.Client(server.target, shared_memory=False) as c:
        net = digest(c)
    free[:] = [_shm_room.FLOOR]  # whatever a ring takes leaves less than the floor
    caplog.set_level(logging.INFO, logger="fgbg")
    with fgbg.Client(server.target) as c:
        assert digest(c) == digest(c) == net
    lines = [r for r in caplog.records if _shm_room.NO_ROOM in r.getMessage()]
    assert [r.levelname for r in lines] == ["WARNING", "INFO"]


def test_a_ring_refused_for_room_is_tried_again_after_the_cool_down(server, free, monkeypatch,
                                                                      caplog):
    # A trainer whose /dev/shm was full only for a while (another job's files) stayed on the
    # network for the rest of its process's life.
    now = [0.0]
    monkeypatch.setattr(_shm_retry, "PROCESS", _shm_retry.Refusals(clock=lambda: now[0]))
    monkeypatch.setattr(_shm_path, "_NO_ROOM_SAID", False)
    caplog.set_level(logging.INFO, logger="fgbg")

    def paths(c):
        got = c.get_samples([3, 1, 4])
        it = c.stream_epoch(seed=3, batch_size=24, limit=48)
        first = next(it)
        path = (got.shared_memory, first.shared_memory)
        first.release()
        it.close()
        return path

    with fgbg.Client(server.target) as c:
        free[:] = [_shm_room.FLOOR]  # full: whatever a ring takes leaves less than the floor
        assert paths(c) == (False, False)
        free[:] = [1 << 40]  # the other job's files are gone: seen once the cool-down ends
        now[0] = _shm_retry.COOL_DOWN_S - 1
        assert paths(c) == (False, False)
        now[0] = _shm_retry.COOL_DOWN_S
        assert paths(c) == (True, True)
        free[:] = [_shm_room.FLOOR]  # a second outage
        now[0] = 2 * _shm_retry.COOL_DOWN_S
        with fgbg.Client(server.target) as other:  # a new client needs a new ring: refused
            assert not other.get_samples([5]).shared_memory
    said = [(r.levelname, r.getMessage()) for r in caplog.records
            if r.getMessage().startswith("fgbg GetSamples")]
    assert [lv for lv, m in said if _shm_room.NO_ROOM in m] == ["WARNING", "INFO"], said
    assert len(said) == 3, said  # GetSamples says nothing while the refusal cools down
    assert ["GetSamples: batches through shared memory" in m for _, m in said].count(True) == 1
    streams = [m for r in caplog.records for m in [r.getMessage()]
               if m.startswith("fgbg StreamEpoch")]
    assert "not tried again for another" in streams[0], streams
    assert "not tried again for another 1 s" in streams[1], streams
    assert "through shared memory" in streams[2], streams
    lines = [r for r in caplog.records if _shm_room.NO_ROOM in r.getMessage()]
    assert [r.levelname for r in lines].count("WARNING") == 1, "once per process"


def fd_job(target, limit, streams):
    code = ("import resource, sys; sys.path.insert(0, %r)\n"
            "resource.setrlimit(resource.RLIMIT_NOFILE, (%d, resource.getrlimit("
            "resource.RLIMIT_NOFILE)[1]))\n"
            "import fgbg\nfrom fgbg.torch import FgbgIterableDataset\n"
            "ds = FgbgIterableDataset(%r, batch_size=8)\n"
            "try:\n"
            "    print(sum(len(b['index']) for b in ds.device_loader(streams=%d, device='cpu')))\n"
            "except fgbg.FgbgError as e:\n"
            "    print('FgbgError', e)\n" % (PKG, limit, target, streams))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300).stdout


def test_a_client_out_of_file_handles_is_told_its_own_limit_not_that_the_server_went(server):
    # The tester's case: ulimit -n 48 and 24 streams, by name (a DNS lookup needs sockets too).
    target = server.target.replace("127.0.0.1", "localhost")
    out = fd_job(target, 48, 24)
    assert out.startswith("FgbgError UNAVAILABLE: this process has 48 open files of its limit "
                          "of 48 (ulimit -n): raise it"), out
    assert "went away" not in out and "calling %s" % target in out
    # With room for its files, the same job streams the whole epoch.
    assert fd_job(target, 1024, 24).strip() == "800"


def test_the_open_files_travel_with_the_error_from_a_worker():
    e = pickle.loads(pickle.dumps(FgbgError("UNAVAILABLE", "Socket closed", "h:1", files=(48, 48))))
    assert e.files == (48, 48) and "48 open files of its limit of 48" in str(e)
    assert FgbgError("UNAVAILABLE", "Socket closed", "h:1").files is None  # far from the limit


def test_an_error_counted_far_from_the_limit_is_not_counted_again_where_it_is_unpickled(
        monkeypatch):
    far = pickle.dumps(FgbgError("UNAVAILABLE", "Socket closed", "h:1"))
    # The trainer that unpickles a worker's error is at its own limit: not the worker's fault.
    monkeypatch.setattr(errors, "files_at_limit", lambda: (1023, 1024))
    e = pickle.loads(far)
    assert e.files is None and "open files" not in str(e), str(e)
