"""Room in /dev/shm for torch: a ring is made only where it leaves torch the room it needs.

A DataLoader's workers hand each batch to the trainer through /dev/shm too (one file per
tensor), and a container's /dev/shm is small (Docker's default: 64 MB). A ring that fits there
can take the room torch then needs: the worker writing its next batch dies of SIGBUS ("DataLoader
worker ... is killed by signal: Bus error"). So a process makes a ring only if what stays free
in /dev/shm after it is at least the headroom, the one rule:

    headroom = FLOOR + (workers x prefetch_factor + 2) x a batch's bytes as torch passes it

the torch part being 0 outside a DataLoader worker. workers x prefetch_factor batches can wait
in the queue to the trainer, the +2 are the batch the trainer holds and the one a worker writes,
and FLOOR is room for everyone else (NCCL, semaphores, the trainer's own tensors). Its batch's
bytes are those of the batch dict (image="float": 4 bytes a value). Without room the call goes
on the network: the same bytes, only slower.
"""
import errno
import logging
import os
from typing import Callable

from ._ring_exit import DIRECTORY

FLOOR = 8 << 20
MIB = float(1 << 20)
FIXES = ("docker run --shm-size=1g, Kubernetes: an emptyDir of medium Memory on /dev/shm; or "
         "dataset.device_loader(), whose streams need no worker shared memory")
NO_ROOM = "has no room for a ring"  # in the reason of every ring refused for room
_LOG = logging.getLogger("fgbg")

#: Bytes torch needs in /dev/shm in this process (`reserve_for_torch`), 0 outside a worker.
_torch_bytes = 0
_warned = False
#: Free bytes, and all bytes, of a directory's file system: os.statvfs's, replaceable in a test.
free_bytes: Callable[[str], int] = lambda path: _statvfs_free(path)
total_bytes: Callable[[str], int] = lambda path: _statvfs_total(path)


def _statvfs_free(path: str) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def _statvfs_total(path: str) -> int:
    st = os.statvfs(path)
    return st.f_blocks * st.f_frsize


def torch_need(workers: int, prefetch_factor: int, batch_bytes: int) -> int:
    """What a DataLoader's batches take in /dev/shm: `workers` x `prefetch_factor` queued, one
    held by the trainer and one being written."""
    return (workers * prefetch_factor + 2) * batch_bytes


def headroom() -> int:
    """What a ring must leave free in /dev/shm in this process (the rule above)."""
    return FLOOR + _torch_bytes


def reserve_for_torch(need: int) -> None:
    """Says that this process (a DataLoader worker) passes batches taking `need` bytes of
    /dev/shm (`torch_need`): its rings leave that much free."""
    global _torch_bytes
    _torch_bytes = max(0, need)


def check(size: int, made: bool) -> None:
    """Raises OSError(ENOSPC) naming the numbers unless a ring of `size` bytes leaves the
    headroom free: before the ring's file is made (`made` False), and again once its pages are
    had (`made` True; workers starting together each saw the room before the others took it)."""
    try:
        free = free_bytes(DIRECTORY)
    except OSError:
        return  # nothing to measure with: fallocate still refuses a ring that does not fit
    before = free + size if made else free  # what was free without this ring
    keep = headroom()
    if before - size < keep:
        raise OSError(errno.ENOSPC, "%s %s: %.1f MiB%s are free, under the %.1f MiB it needs: "
                      "%.1f MiB for the ring and %.1f MiB that must stay free (%s); batches go "
                      "over the network (give it more: %s)"
                      % (DIRECTORY, NO_ROOM, before / MIB, _of_size(), (size + keep) / MIB,
                         size / MIB, keep / MIB, _kept_for(), FIXES))


def _kept_for() -> str:
    """Who the headroom is for, in MiB: others (FLOOR) and, in a worker, torch's batches."""
    others = "%.1f MiB for others" % (FLOOR / MIB)
    if not _torch_bytes:
        return others
    return "%s + %.1f MiB for torch's DataLoader batches" % (others, _torch_bytes / MIB)


def _of_size() -> str:
    """' of its N MiB': /dev/shm's size, or '' where it cannot be read."""
    try:
        return " of its %.1f MiB" % (total_bytes(DIRECTORY) / MIB)
    except OSError:
        return ""


def warn_if_short(workers: int, need: int) -> None:
    """Warns once per process when /dev/shm has less free than a DataLoader of `workers`
    workers needs to pass its batches (`need`, from `torch_need`), plus FLOOR: such a loader's
    workers die of SIGBUS, with or without fgbg's rings."""
    global _warned
    if _warned:
        return
    try:
        free = free_bytes(DIRECTORY)
        size = total_bytes(DIRECTORY)
    except OSError:
        return
    if free >= need + FLOOR:
        return
    _warned = True
    _LOG.warning("%s has %.1f MiB free (of %.1f MiB), but a DataLoader of %d workers "
                 "needs about %.1f MiB there to pass its batches (plus %.0f MiB for others): "
                 "its workers can die of a Bus error; give it more (%s), or use fewer "
                 "workers, a smaller batch_size or prefetch_factor"
                 % (DIRECTORY, free / MIB, size / MIB, workers, need / MIB, FLOOR / MIB, FIXES))
