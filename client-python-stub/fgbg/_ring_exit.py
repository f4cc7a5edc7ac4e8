"""A ring file's removal however the process that made it ends, short of a kill.

A Ring goes at close(), when it is collected, and when its process exits. Python's exit hooks
(atexit, weakref.finalize) do not run in a forked multiprocessing child, which ends with
os._exit after running multiprocessing's finalisers: a forked DataLoader worker's GetSamples ring
would stay. So the removal is a multiprocessing Finalize, which runs when the main process exits
and when any multiprocessing child, forked or spawned, ends.

A process that exits with daemonic multiprocessing children still running (the workers of a
persistent-workers DataLoader, or of one left mid-epoch, still alive when training ends) has
multiprocessing terminate them at its exit: SIGTERM, which runs no finaliser in them. So, just
before (atexit runs the hooks registered last first), it removes their rings, named after their
pids. A process killed (SIGKILL, or a SIGTERM it does not handle) leaves its rings to the
server, which sweeps the rings of dead clients.
"""
import atexit
import glob
import multiprocessing
import os
from multiprocessing.util import Finalize  # registers multiprocessing's exit hook before ours
from typing import Any, Callable

DIRECTORY = "/dev/shm"  # where rings are made (fgbg.shm's), here so that exit imports nothing

def removal(owner: object, path: str) -> Callable[[], Any]:
    """Removes `path` (made by this process) when called, when `owner` is collected, or when
    this process ends; never in a forked child, whose copy of `owner` is not its own."""
    return Finalize(owner, _remove, args=(path, os.getpid()), exitpriority=0)


def _remove(path: str, pid: int) -> None:
    if pid != os.getpid():
        return
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _remove_daemon_childrens_rings() -> None:
    for child in multiprocessing.active_children():
        if child.daemon and child.pid is not None:
            for path in glob.glob(os.path.join(DIRECTORY, "fgbg-ring-%d-*" % child.pid)):
                try:
                    os.unlink(path)
                except OSError:
                    pass


atexit.register(_remove_daemon_childrens_rings)
