"""Every gRPC channel fgbg opens, closed when the interpreter exits if it is still open.

A channel with a call under way has a Python daemon thread waiting in gRPC's C core. Left open
at exit (a DataLoader worker told to stop mid-stream, a script that breaks out of a stream),
the interpreter ends that thread while it is inside C++ code, which aborts the process
("terminate called without an active exception"). atexit runs before that: closing the
channel cancels its calls and lets the thread end.
"""
import atexit
import threading
import weakref
from typing import Any

_open: "weakref.WeakSet[Any]" = weakref.WeakSet()
_lock = threading.Lock()


def opened(channel: Any) -> Any:
    """`channel`, to be closed at exit unless it is closed (or gone) before."""
    with _lock:
        _open.add(channel)
    return channel


def _close_open() -> None:
    with _lock:
        channels = list(_open)
        _open.clear()
    for channel in channels:
        try:
            channel.close()
        except Exception:  # noqa: BLE001 - exiting: a channel that cannot close is left
            pass


atexit.register(_close_open)
