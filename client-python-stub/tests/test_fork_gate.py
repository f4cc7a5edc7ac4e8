"""A fork waits for the fgbg calls other threads have under way (fgbg._channels' fork gate): a
DataLoader forking its workers while a trainer's other threads call the server gets workers that
work. Each case runs in a process of its own (it forks)."""
import subprocess
import sys

from conftest import N, PKG

HAMMERED = """
import collections, sys, threading
import fgbg
from fgbg.torch import FgbgIterableDataset

target, epochs = sys.argv[1], int(sys.argv[2])
stop = threading.Event()
done = collections.Counter()

def hammer(i):  # a trainer's other thread: a connection per call, as a monitor might make
    while not stop.is_set():
        with fgbg.Client(target) as c:
            c.describe() if i % 2 else c.get_samples([i, i + 7, i + 100])
        done[i] += 1

threads = [threading.Thread(target=hammer, args=(i,)) for i in range(2)]
for t in threads:
    t.start()
try:
    ds = FgbgIterableDataset(target, batch_size=32, shuffle=True, seed=3)
    for epoch in range(epochs):
        seen = collections.Counter()
        for b in ds.loader(num_workers=2, multiprocessing_context="fork"):
            seen.update(int(i) for i in b["index"])
        assert sorted(seen) == list(range(N_SAMPLES)) and set(seen.values()) == {1}, epoch
    print("epochs %d whole" % epochs)
finally:
    stop.set()
    for t in threads:
        t.join()
print("calls beside them", sum(done.values()))
""".replace("N_SAMPLES", str(N))


def test_workers_forked_while_other_threads_call_the_server_work(server):
    # Without the gate the workers died within 1 to 3 epochs ("mutex.cc … Check
    # w->waitp->cv_word == nullptr failed", "DataLoader worker … exited unexpectedly").
    out = subprocess.run([sys.executable, "-c", HAMMERED, server.target, "6"],
                         env={"PYTHONPATH": PKG}, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "epochs 6 whole" in out.stdout, out.stdout + out.stderr
    assert "calls beside them 0" not in out.stdout, out.stdout  # they did call meanwhile


GATED = """
import os, threading, time
from fgbg import _channels

inside, leave = threading.Event(), threading.Event()
order = []

def call():  # stands for a gRPC call that returns 0.5 s after the fork began
    with _channels.CALL:
        inside.set()
        leave.wait()
        order.append("call returned")

def late():  # a call that starts while the fork is under way
    with _channels.CALL:
        order.append("late call ran")

threads = [threading.Thread(target=call), threading.Thread(target=late)]
threads[0].start()
inside.wait()
threading.Timer(0.1, threads[1].start).start()  # while the fork waits for `call`
threading.Timer(0.5, leave.set).start()
pid = os.fork()
if pid == 0:
    os._exit(0)
order.append("forked")
os.waitpid(pid, 0)
for t in threads:
    t.join()
print(order)
"""


def test_a_fork_waits_for_calls_under_way_and_holds_new_ones_until_it_is_done():
    out = subprocess.run([sys.executable, "-c", GATED], env={"PYTHONPATH": PKG},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "['call returned', 'forked', 'late call ran']" in out.stdout, out.stdout + out.stderr


REENTERED = """
import threading
from fgbg import _channels

# Inside the fork hook, the forking thread may run fgbg's code again (the collector closing a
# stream's generator cancels its call, closing a channel takes the channel lock): never waits.
_channels._before_fork()
done = threading.Event()

def again():
    with _channels.CALL:
        with _channels._lock:
            done.set()

again()
_channels._after_fork_in_parent()
other = threading.Thread(target=again)
other.start()
other.join(10)
print("reentered" if done.is_set() and not other.is_alive() else "stuck")
"""


def test_the_forking_thread_may_call_again_inside_the_fork_hook():
    out = subprocess.run([sys.executable, "-c", REENTERED], cwd=PKG, capture_output=True,
                         text=True, timeout=30)
    assert out.stdout.strip() == "reentered", out.stderr
