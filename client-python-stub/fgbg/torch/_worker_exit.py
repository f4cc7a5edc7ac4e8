"""A DataLoader worker's exit: made to wait for its queue's feeder thread, and made to happen
when the process that started the worker dies.

A worker told to stop (its consumer broke out of the loop) closes its data queue without
waiting for the queue's daemon feeder thread, and a spawned worker then exits through the
interpreter's shutdown. If the feeder is still pickling a batch's tensor handles (torch's C++
code), shutdown ends it there and the worker aborts ("terminate called without an active
exception"). An atexit hook, registered once in each worker process, first gives the feeder a
moment to send what it holds and end.

A worker whose training script is killed (SIGKILL) must end by itself. Torch's own check
(ManagerWatchdog) compares os.getppid() with the parent pid it read when the worker loop began;
a spawned worker takes seconds to import torch and unpickle the dataset, and when the script
dies in that time the watchdog reads the pid of the process it was handed to (init) and never
fires: the worker then waits for indices for ever, holding its server stream (a generator
suspended between batches, not waiting anywhere in fgbg), its ring in /dev/shm and its memory.
So each worker runs one daemon thread of its own that watches the process that started it (the
trainer) and, once it is gone, removes this process's rings (named after its pid, pooled ones
included) and ends the process, whose sockets closing ends its streams on the server. It
watches two things, every CHECK_SECONDS:
- multiprocessing's sentinel of the parent (parent_process().sentinel, a pipe whose other end
  only the parent holds): it reads as closed once the parent is gone, whatever the start
  method. Under forkserver (Python 3.14's default on Linux) it is the only sign, as the
  worker's own parent process is the fork server, not the trainer;
- where the worker's parent process was the trainer (fork, spawn), os.getppid() against the
  pid multiprocessing recorded in the trainer as it started the worker: a forked worker's
  sentinel can stay open while a sibling forked after it holds a copy of its other end.

A worker ended by SIGTERM runs no finaliser, so its rings would stay until a server's start-up
sweep. Torch sends it to a worker that has not stopped within 5 s of being told to, which happens
when the loader is collected by the garbage collector (a loader whose worker raised sits in a
reference cycle): the collector closes the index queues' feeders before the loader's __del__
tells the workers to stop, so the word never arrives. So a worker handles SIGTERM by removing
its rings and then exiting as torch's own handler, which this one replaces, does when the parent
sent the signal: at once, with code 0 (a worker dead of the signal would make torch's SIGCHLD
handler raise in the parent as it exits). A SIGTERM from elsewhere ends it the same way; torch
then reports the worker as exited unexpectedly.
"""
import atexit
import glob
import logging
import multiprocessing
import os
import signal
import threading
import time
from multiprocessing.connection import wait
from typing import Any

from .. import shm

_FEEDER = "QueueFeederThread"  # multiprocessing.queues names its feeder threads so
CHECK_SECONDS = 0.5
ORPHAN_EXIT = 1  # nobody waits for it (the parent is gone); nonzero as the worker did not finish
_LOG = logging.getLogger("fgbg")
_registered_in = -1
_watching_in = -1


def wait_for_feeders_at_exit() -> None:
    """Registers the hook in this process, once (call it in a DataLoader worker)."""
    global _registered_in
    if _registered_in != os.getpid():
        _registered_in = os.getpid()
        atexit.register(_join_feeders, 2.0)


def _join_feeders(timeout: float) -> None:
    for t in threading.enumerate():
        if t.name == _FEEDER and t is not threading.current_thread():
            t.join(timeout)


def exit_with_parent() -> None:
    """In a DataLoader worker (a multiprocessing child), once per process: ends the process,
    its rings removed, within CHECK_SECONDS of its parent's death."""
    global _watching_in
    parent = multiprocessing.parent_process()
    if parent is None or parent.pid is None or _watching_in == os.getpid():
        return
    _watching_in = os.getpid()
    threading.Thread(target=_watch, args=(parent,), daemon=True,
                     name="fgbg-parent-watch").start()
    if threading.current_thread() is threading.main_thread():  # where handlers may be set
        signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: Any) -> None:
    remove_own_rings()
    os._exit(0)


def _watch(parent: Any) -> None:
    started_by_parent = os.getppid() == parent.pid  # not under forkserver
    while not _gone(parent, started_by_parent):
        pass
    _LOG.warning("DataLoader worker %d: its parent process %d is gone; removing its "
                 "rings and exiting", os.getpid(), parent.pid)
    remove_own_rings()
    os._exit(ORPHAN_EXIT)  # the main thread may wait in torch's loop or in a read: end here


def _gone(parent: Any, started_by_parent: bool) -> bool:
    """Whether `parent` (multiprocessing.parent_process()) is gone, waiting up to CHECK_SECONDS
    for its sentinel to say so."""
    if started_by_parent and os.getppid() != parent.pid:
        return True
    try:
        return bool(wait([parent.sentinel], CHECK_SECONDS))
    except (AttributeError, OSError, ValueError):  # no sentinel to watch: the pid alone
        time.sleep(CHECK_SECONDS)
        return False


def remove_own_rings() -> None:
    """Removes every ring this process made (the stream's, kept and GetSamples ones)."""
    for path in glob.glob(os.path.join(shm.DIRECTORY, "fgbg-ring-%d-*" % os.getpid())):
        try:
            os.unlink(path)
        except OSError:
            pass
