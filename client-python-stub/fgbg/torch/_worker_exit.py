"""A DataLoader worker's exit, made to wait for its queue's feeder thread.

A worker told to stop (its consumer broke out of the loop) closes its data queue without
waiting for the queue's daemon feeder thread, and a spawned worker then exits through the
interpreter's shutdown. If the feeder is still pickling a batch's tensor handles (torch's C++
code), shutdown ends it there and the worker aborts ("terminate called without an active
exception"). An atexit hook, registered once in each worker process, first gives the feeder a
moment to send what it holds and end.
"""
import atexit
import os
import threading

_FEEDER = "QueueFeederThread"  # multiprocessing.queues names its feeder threads so
_registered_in = -1


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
