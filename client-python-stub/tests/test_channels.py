"""Channels left open are closed at exit (pure: no server; in a process of its own, since the
hook closes every channel of the process)."""
import subprocess
import sys

from conftest import PKG

SCRIPT = """
from fgbg import _channels
from fgbg.credentials import Credentials

ch = Credentials().channel("localhost:1", [])
_channels._close_open()  # what atexit runs
try:
    ch.unary_unary("/fgbg.v1.Fgbg/Describe")(b"", timeout=1)
except ValueError as e:
    print(e)
"""


def test_a_channel_still_open_at_exit_is_closed_by_the_exit_hook():
    out = subprocess.run([sys.executable, "-c", SCRIPT], env={"PYTHONPATH": PKG},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "closed channel" in out.stdout, out.stdout + out.stderr



FORKS = """
import os, sys

def core_threads():  # read here: this hook is registered before fgbg's, so it runs after it
    names = []
    for task in os.listdir("/proc/self/task"):
        try:
            names.append(open("/proc/self/task/%s/comm" % task).read())
        except OSError:
            pass
    return sum(n.startswith(("grpc_", "default-executo", "resolver-execut", "timer_manager",
                             "event_engine")) for n in names)

running = []
os.register_at_fork(before=lambda: running.append(core_threads()))
from fgbg import Client

for _ in range(int(sys.argv[2])):
    with Client(sys.argv[1]) as c:
        c.describe()
    pid = os.fork()  # as a DataLoader forks its workers right after the dataset's first call
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
print("forks %d, gRPC running at %d" % (len(running), sum(1 for r in running if r)))
"""


def test_a_fork_right_after_a_close_waits_for_grpc_to_shut_down(server):
    # Without the wait, gRPC's core still shut down on its own threads now and then (2 forks in
    # 100) and its fork handlers hung the parent (within 500 forks in each of two runs).
    try:
        out = subprocess.run([sys.executable, "-c", FORKS, server.target, "400"],
                             env={"PYTHONPATH": PKG}, capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        raise AssertionError("a fork right after a close hung (gRPC's fork handlers)") from None
    assert out.returncode == 0, out.stdout + out.stderr
    assert "forks 400, gRPC running at 0" in out.stdout, out.stdout + out.stderr



STREAMING_ACROSS_FORK = """
import sys, torch
from fgbg.torch import FgbgIterableDataset

ds = FgbgIterableDataset(sys.argv[1], batch_size=16)
it = iter(ds)
first = next(it)  # a look at the first batch; the stream stays open while the DataLoader forks
try:
    for b in torch.utils.data.DataLoader(ds, batch_size=None, num_workers=2,
                                         multiprocessing_context="fork"):
        pass
except Exception as e:
    print("refused:", e)
print("the parent's stream goes on:", sum(len(b["index"]) for b in it) + len(first["index"]))
"""


def test_a_worker_forked_while_its_parent_read_a_stream_is_refused_naming_the_fix(server):
    # gRPC in such a child shares the parent's connection mid-call: a child hung, and the
    # server reset the parent's stream for the frames the two sent on it.
    out = subprocess.run([sys.executable, "-c", STREAMING_ACROSS_FORK, server.target],
                         env={"PYTHONPATH": PKG}, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "refused: Caught FgbgError in DataLoader worker" in out.stdout, out.stdout + out.stderr
    assert "FAILED_PRECONDITION: this process was forked (a DataLoader worker?) while its parent " \
        "was reading 1 fgbg stream(s)" in out.stdout, out.stdout + out.stderr
    assert "multiprocessing_context='spawn'" in out.stdout
    assert "the parent's stream goes on: 800" in out.stdout, out.stdout + out.stderr


def test_a_broken_socket_in_a_child_forked_with_a_channel_open_is_worded_as_the_fork():
    from fgbg import _forked
    from fgbg.errors import _unavailable

    plain = _unavailable("Socket operation on non-socket", "localhost:1")
    assert "went away during the call" in plain  # not forked: as any broken connection
    _forked.inherit(1, 0)  # as the fork hook notes a parent's open channel in its child
    try:
        said = [_unavailable(d, "localhost:1")
                for d in ("Socket operation on non-socket", "Bad file descriptor")]
    finally:
        _forked.inherit(0, 0)
    for forked in said:
        assert forked.startswith("this process was forked (a DataLoader worker?) while its "
                                 "parent held an open fgbg channel") and "'spawn'" in forked, \
            forked
