"""Every gRPC channel fgbg opens: closed when the interpreter exits if still open, and never
caught mid-shutdown by a fork.

A channel with a call under way has a Python daemon thread waiting in gRPC's C core. Left open
at exit (a DataLoader worker told to stop mid-stream, a script that breaks out of a stream),
the interpreter ends that thread while it is inside C++ code, which aborts the process
("terminate called without an active exception"). atexit runs before that: closing the
channel cancels its calls and lets the thread end.

Closing the last channel shuts gRPC's core down, usually at once, but now and then on its own
threads a moment later (about 2 forks in 100 right after a close found them still running). A
DataLoader forking its workers then (FgbgIterableDataset's parent has just asked the server
for the dataset's shapes) meets gRPC's fork handlers mid-shutdown: the parent can hang in
fork() joining an executor thread, or the child hang or crash in the post-fork handler. So
before a fork, in a process where fgbg holds no open channel, fgbg waits (up to SETTLE_S after
its last close) until gRPC's core threads have ended; the fork then finds gRPC not running and
its handlers have nothing to do. Where fgbg's channels are open, gRPC's fork support handles
them as it is documented to.

A fork while another thread is inside a gRPC call (a trainer's thread in describe() or
get_samples() as its DataLoader forks the workers) copies gRPC's mutexes and condition
variables held or waited on by that thread into the child, where they are never released: the
workers died ("mutex.cc … Check w->waitp->cv_word == nullptr failed", segfaults). So every
gRPC operation fgbg makes (a unary call, opening a stream, each read of one, cancelling it,
opening and closing a channel) holds the gate (`with CALL:`), and before a fork the gate
closes: calls about to start wait until the fork is done, and the fork waits (up to SETTLE_S:
a stream blocked on a slow server must not hang it) for those under way to return. A stream's
generator holds the gate only inside each read, never while suspended between batches, so the
forking thread never waits for itself.

A channel a child makes to the same server with the same options as one its parent held open
at the fork would share that channel's connection through gRPC's process-wide subchannel pool,
whose socket the fork handlers closed in the child: its first call failed UNAVAILABLE "Bad file
descriptor". So in such a child, fgbg's channels keep their connections to themselves (a local
subchannel pool): a dataset used in a parent works in a child forked from it.
"""
import atexit
import numbers
import os
import threading
import time
import weakref
from typing import Any, List, Optional, Tuple

import numpy as np

from ._checks import seconds_arg
from ._forked import CLOSE_FIRST, FORK_HINT, FORKED_FROM, forked_open, inherit, streams_at_fork
from .errors import FgbgError

SETTLE_S = 2.0
# The most often an fgbg server lets a client ping (its PERMIT_KEEPALIVE_TIME): more often, it
# ends the connection (GOAWAY too_many_pings).
MIN_KEEPALIVE_S = 20.0
# The names (as /proc shows them, cut to 15 characters) of the threads gRPC's core runs.
_CORE_THREADS = ("grpc_", "default-executo", "resolver-execut", "timer_manager", "event_engine")

_open: "weakref.WeakSet[Any]" = weakref.WeakSet()
# Reentrant, as is the gate's: the forking thread holds both across the fork, and a collector
# run there (a stream's generator closed, cancelling its call) may take them again.
_lock = threading.RLock()
_last_close: Optional[float] = None
_streaming = 0  # streams this process is reading now
# The fork gate: gRPC operations under way in this process (CALL), and whether a fork closed it.
# Its lock is held by the forking thread from before the fork to after it (parent and child).
_gate = threading.Condition(threading.RLock())
_in_calls = 0
_forking = False
_forker: Optional[int] = None  # the forking thread, which never waits at its own gate


def options(max_message_bytes: int, keepalive_time: float,
            keepalive_timeout: float) -> List[Tuple[str, int]]:
    """A Client's channel options: message sizes, keepalive, and in a child forked while its
    parent held a channel open, connections of its own (see above)."""
    own = [("grpc.use_local_subchannel_pool", 1)] if forked_open() else []
    return own + [("grpc.max_receive_message_length", max_message_bytes),
                  ("grpc.max_send_message_length", 16 << 20)] + keepalive_options(
                      keepalive_time, keepalive_timeout)


def keepalive_options(time_s: float, timeout_s: float) -> List[Tuple[str, int]]:
    """Channel options that ping the server after `time_s` seconds while a call is open and
    close the connection (its calls end UNAVAILABLE) when a ping goes unanswered for
    `timeout_s`: what notices a server that hangs (stopped, frozen) rather than dies, so that
    fgbg.failover moves on. A busy server still answers: its transport answers pings, not its
    workers. `time_s` 0 turns pings off.

    gRPC's core, unlike grpc-java, stops pinging after 2 pings while the client sends nothing
    (max_pings_without_data) and, in older releases, spaces such pings 5 minutes apart
    (min_time_between_pings_ms): on a server-streaming call the client sends nothing after its
    request, so both are lifted, or a hang later in a long stream would go unnoticed."""
    if isinstance(time_s, numbers.Real) and not isinstance(time_s, (bool, np.bool_)) \
            and time_s == 0:
        if not (isinstance(timeout_s, numbers.Real) and timeout_s == 0):
            seconds_arg(timeout_s, "keepalive_timeout")  # unused, but a bad one is named
        return []  # off: keepalive_timeout=0 with it is fine too
    timeout_s = seconds_arg(timeout_s, "keepalive_timeout")
    time_s = seconds_arg(time_s, "keepalive_time")
    if not MIN_KEEPALIVE_S <= time_s <= 2_000_000:
        raise ValueError("keepalive_time must be 0 (off) or %g to 2000000 seconds (an fgbg "
                         "server closes the connection of a client that pings more often), "
                         "got %r" % (MIN_KEEPALIVE_S, time_s))
    if not 0 < timeout_s <= 2_000_000:
        raise ValueError("keepalive_timeout must be positive seconds (at most 2000000), got %r"
                         % (timeout_s,))
    ms = int(time_s * 1000)
    return [("grpc.keepalive_time_ms", ms),
            ("grpc.keepalive_timeout_ms", int(timeout_s * 1000)),
            ("grpc.keepalive_permit_without_calls", 0),
            ("grpc.http2.max_pings_without_data", 0),
            ("grpc.http2.min_time_between_pings_ms", ms)]


def refuse_if_forked_open() -> None:
    """Raises, naming the fix, in a process forked while its parent was reading an fgbg stream:
    gRPC there shares the parent's connection mid-call (seen: the child hung, and the server
    reset the parent's stream for the frames the two sent on it)."""
    if streams_at_fork():
        raise fork_error(FORKED_FROM % "was reading %d fgbg stream(s)" % streams_at_fork(),
                         CLOSE_FIRST)


def refuse_if_not_made_in(made_in: int) -> None:
    """Raises, naming the fix, in a process other than `made_in`, the one that made a Client:
    its channel is the parent's connection (a call from the child hangs, and the frames both
    send on it make the server reset the parent's streams). The per-call check: a pid compare."""
    if made_in != os.getpid():
        fix = "make a new fgbg.Client in the child"
        if streams_at_fork():  # then no Client works here (refuse_if_forked_open)
            fix = ("the parent was reading %d fgbg stream(s) at the fork, so no Client works in "
                   "this child: finish them before forking, then %s" % (streams_at_fork(), fix))
        raise fork_error("this Client was made in process %d before a fork (this is process "
                         "%d)" % (made_in, os.getpid()), fix)


def fork_error(why: str, fix: str) -> FgbgError:
    """The FgbgError of every refusal of gRPC across fork() (one wording, one code)."""
    return FgbgError("FAILED_PRECONDITION", FORK_HINT % (why, fix))


class Streaming:
    """Counts the streams this process is reading (a context manager around each call)."""

    def __enter__(self) -> None:
        global _streaming
        with _lock:
            _streaming += 1

    def __exit__(self, *exc: Any) -> None:
        global _streaming
        with _lock:
            _streaming -= 1


class _Call:
    """`with CALL:` around a gRPC operation: counted, so that a fork waits until it returned;
    waits while a fork is under way. A lock and a counter: about a microsecond."""

    def __enter__(self) -> None:
        global _in_calls
        with _gate:
            while _forking and _forker != threading.get_ident():
                _gate.wait()
            _in_calls += 1

    def __exit__(self, *exc: Any) -> None:
        global _in_calls
        with _gate:
            _in_calls -= 1
            if _forking and _in_calls == 0:
                _gate.notify_all()


CALL = _Call()


def opened(channel: Any) -> Any:
    """`channel`, to be closed at exit unless it is closed (or gone) before."""
    with _lock:
        _open.add(channel)
    return channel


def close(channel: Any) -> None:
    """Closes `channel`, one fgbg opened."""
    global _last_close
    try:
        with CALL:
            channel.close()
    finally:
        with _lock:
            _open.discard(channel)
            _last_close = time.monotonic()


def core_threads() -> int:
    """How many of gRPC's core threads this process runs (0 where /proc cannot tell)."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 0
    count = 0
    for task in tasks:
        try:
            with open("/proc/self/task/%s/comm" % task) as f:
                name = f.read().strip()
        except OSError:
            continue  # a thread that ended meanwhile
        if name.startswith(_CORE_THREADS):
            count += 1
    return count


def settle_before_fork() -> None:
    """Waits until gRPC's core has shut down after fgbg's last close (at most until SETTLE_S
    after it), when fgbg holds no open channel; returns at once otherwise."""
    with _lock:
        if len(_open) > 0 or _last_close is None:
            return
        until = _last_close + SETTLE_S
    while time.monotonic() < until and core_threads() > 0:
        time.sleep(0.002)


def _before_fork() -> None:
    """Settles gRPC after a last close, then closes the gate and waits (at most SETTLE_S) for
    the gRPC operations under way to return; returns holding the gate's lock and _lock, so
    that no thread holds either at the fork (a child would find it held for ever)."""
    global _forking, _forker
    settle_before_fork()
    _gate.acquire()
    _forking, _forker = True, threading.get_ident()
    until = time.monotonic() + SETTLE_S
    while _in_calls > 0:
        left = until - time.monotonic()
        if left <= 0:
            break  # gRPC's fork support is left with the call (a stream blocked on its server)
        _gate.wait(left)
    _lock.acquire()


def _after_fork_in_parent() -> None:
    global _forking, _forker
    _lock.release()
    _forking, _forker = False, None
    _gate.notify_all()
    _gate.release()


def _close_open() -> None:
    with _lock:
        channels = list(_open)
    for channel in channels:
        try:
            close(channel)
        except Exception:  # noqa: BLE001 - exiting: a channel that cannot close is left
            pass


def _in_forked_child() -> None:
    """The parent's counts as this process's first state; the gate open and both locks new
    (the forking thread, this process's only one, held them)."""
    global _streaming, _last_close, _lock, _gate, _in_calls, _forking, _forker
    inherit(len(_open), _streaming)
    _streaming = 0
    _open.clear()  # the parent's, not this process's to close
    _last_close = None
    _in_calls, _forking, _forker = 0, False, None
    _lock, _gate = threading.RLock(), threading.Condition(threading.RLock())


atexit.register(_close_open)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_parent=_after_fork_in_parent,
                        after_in_child=_in_forked_child)


def connecting(channel: Any) -> bool:
    """Whether `channel` has no connection and is trying to make one (CONNECTING, or
    TRANSIENT_FAILURE: waiting out gRPC's back-off between tries, which every channel of the
    process to that target shares): a call's deadline passing then means nothing answered, not
    a busy server. Asked of gRPC's core once (grpcio's public API only subscribes, a thread per
    channel); False where that cannot be told."""
    try:
        with CALL:  # into gRPC's core: a fork waits for it, as for every call
            return channel._channel.check_connectivity_state(False) in (1, 3)  # cygrpc's numbers
    except Exception:  # another channel type, a closed channel: the usual words
        return False
