"""DataLoader workers of a training script killed with SIGKILL end by themselves, their rings
removed and their server streams ended (fgbg.torch._worker_exit), before and after the
script's first batch; a worker ended by SIGTERM (as torch ends one slow to stop) removes its
rings too. Under forkserver (Python 3.14's default on Linux) a worker's parent process is the
fork server, not the trainer: it watches the trainer all the same."""
import glob
import os
import signal
import subprocess
import sys
import time

import pytest

import fgbg
from conftest import PKG, SMALL, Server

TRAINER = r"""
import sys
sys.path.insert(0, %(pkg)r)
from fgbg.torch import FgbgIterableDataset
if __name__ == "__main__":
    ds = FgbgIterableDataset(sys.argv[1], batch_size=8, shuffle=True)
    for b in ds.loader(num_workers=2, multiprocessing_context=sys.argv[2]):
        print("batch", flush=True)
        sys.stdin.read()  # a step that never ends: the script dies holding its loader
"""


@pytest.fixture(scope="module")
def own_server():
    """A server of this module alone: its stream counters count only these trainers."""
    s = Server(SMALL)
    yield s
    s.stop()


def children_of(pid, mark):
    """The child processes of process `pid` whose command line holds `mark`."""
    found = []
    for proc in glob.glob("/proc/[0-9]*"):
        try:
            with open(proc + "/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(proc + "/cmdline", "rb") as f:
                marked = mark in f.read()
        except OSError:
            continue
        if parent == pid and marked:
            found.append(int(proc.split("/")[2]))
    return found


def workers_of(pid, context="spawn"):
    """The DataLoader workers of process `pid` (not its resource tracker): its spawned
    children, or under forkserver the children of its fork server."""
    if context == "spawn":
        return children_of(pid, b"spawn_main")
    return [w for server in children_of(pid, b"forkserver") for w in children_of(server, b"")]


def until(condition, seconds, poll=0.05):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(poll)
    return True


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open("/proc/%d/stat" % pid) as f:  # a zombie is gone for what it held
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def open_streams(server):
    with fgbg.Client(server.target) as c:
        s = c.server_stats()
    return s.streams_started - s.streams_cancelled  # none of these trainers ends a stream


@pytest.mark.parametrize("context", ["spawn", "forkserver"])
@pytest.mark.parametrize("when", ["before the first batch", "after the first batch"])
def test_workers_of_a_killed_trainer_exit_and_leave_no_ring_nor_stream(own_server, tmp_path,
                                                                        when, context):
    script = tmp_path / "trainer.py"
    script.write_text(TRAINER % {"pkg": PKG})
    trainer = subprocess.Popen([sys.executable, str(script), own_server.target, context],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    workers = []
    try:
        def started():
            workers[:] = workers_of(trainer.pid, context)
            return len(workers) == 2

        assert until(started, 60), "the loader's 2 workers did not start"
        if when == "after the first batch":
            assert trainer.stdout.readline() == "batch\n"
            assert until(lambda: open_streams(own_server) == 2, 30, poll=0.2), \
                "each worker streams its shard"
        # Before: the workers are still starting (importing torch), so torch's own watchdog,
        # made later, takes the reparented pid for its parent's and never fires.
        trainer.send_signal(signal.SIGKILL)
        trainer.wait()
        assert until(lambda: not any(alive(w) for w in workers), 10), \
            "workers %s outlived their killed parent" % workers
        rings = [p for w in workers for p in glob.glob("/dev/shm/fgbg-ring-%d-*" % w)]
        assert rings == [], "rings of the dead workers remain"
        assert until(lambda: open_streams(own_server) == 0, 10, poll=0.2), \
            "the server still streams to the dead workers"
    finally:
        trainer.kill()
        trainer.wait()
        for w in workers:  # only those of a failed run are still there
            if alive(w):
                os.kill(w, signal.SIGKILL)


def test_a_worker_ended_by_sigterm_removes_its_rings(own_server, tmp_path):
    script = tmp_path / "trainer.py"
    script.write_text(TRAINER % {"pkg": PKG})
    trainer = subprocess.Popen([sys.executable, str(script), own_server.target, "spawn"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    workers = []
    try:
        assert trainer.stdout.readline() == "batch\n"
        workers[:] = workers_of(trainer.pid)
        assert len(workers) == 2
        # The first batch came from one worker; the other may still be making its ring.
        assert until(lambda: all(glob.glob("/dev/shm/fgbg-ring-%d-*" % w) for w in workers),
                     30), "each worker streams through a ring"
        for w in workers:
            os.kill(w, signal.SIGTERM)
        assert until(lambda: not any(alive(w) for w in workers), 10), "SIGTERM ends them"
        rings = [p for w in workers for p in glob.glob("/dev/shm/fgbg-ring-%d-*" % w)]
        assert rings == [], "rings of the workers ended by SIGTERM remain"
    finally:
        trainer.kill()
        trainer.wait()
        for w in workers:
            if alive(w):
                os.kill(w, signal.SIGKILL)
