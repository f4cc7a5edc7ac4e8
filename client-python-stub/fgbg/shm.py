"""Same-host batches through shared memory: a ring of slots in /dev/shm.

The client creates the ring file (mode 0600, named fgbg-ring-<pid>-<random>), writes a header
(magic, a random nonce, slot count, its pid, slot size; layout in fgbg.proto's
SharedMemoryOffer) and offers it in the request. The server proves it opened the same file by
reading the nonce, renders each batch into a free slot and sends only the slot, offsets and
meta. Arrays handed out are numpy views of the slot (no copy). A slot is freed (its state word
set back to 0) when the batch is released: explicitly (Batch.release()), or when the last array
or tensor made from it is gone. A stream's ring is offered with `keep`: when the stream ends
with OK and every slot is free again, the client's next stream of the same shape takes the same
ring (`RingPool`), whose pages neither process then faults in again; any other ring file is
removed when its stream ends, and the server sweeps rings of dead clients every minute.
"""
import errno
import mmap
import os
import secrets
import struct
import threading
import weakref
from multiprocessing.util import Finalize
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from . import _ring_exit, _shm_room
from ._checks import integer
from ._proto import pb
from .batch import ARRAYS, Part


DIRECTORY = _ring_exit.DIRECTORY
PAGE = 4096  # slots, rings and torch's shared-memory files are whole pages
HEADER_BYTES = PAGE  # a ring's header, as the server lays it out
SLOTS = 4  # slots of a client's ring unless it asks for another number
POOLED = 8  # stream rings a client keeps for its next streams, at most
MAGIC = b"FGBGRNG1"
_STATES = 64
def align(n: int, to: int = 64) -> int:
    """`n` rounded up to a multiple of `to` (e.g. PAGE)."""
    return (n + to - 1) // to * to


def slot_bytes(n: int, *per_sample: int) -> int:
    """Bytes a slot needs for a batch of n samples (per-sample bytes of each array in slot
    order — image, mask, depth, instances, backgrounds, background depths —; 0 when absent; a
    background array at most one per sample); at least a page, also for a batch of meta only."""
    return max(PAGE, align(sum(align(n * b) for b in per_sample), PAGE))


_RESERVED = object()  # a slot offered for a GetSamples reply still under way


def _allocate(fd: int, size: int) -> None:
    """Gives the ring file all its pages now: on a full or small /dev/shm (a container's 64 MB)
    the ring is refused here, and the call goes on the network, instead of the server failing
    the stream at its first write to a page that cannot be had."""
    try:
        os.posix_fallocate(fd, 0, size)
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            raise OSError(e.errno, "%s %s of %.1f MiB (%s); batches go over the network (give "
                          "it more: %s)" % (DIRECTORY, _shm_room.NO_ROOM, size / 1048576,
                                            e.strerror, _shm_room.FIXES)) from e
        # A file system without fallocate: the pages come as they are written.


class Ring:
    """A ring of `slots` slots of `slot_bytes` in a new /dev/shm file, mapped here."""

    def __init__(self, slots: int, slot_bytes: int) -> None:
        if slots < 1 or slot_bytes < 64:
            raise ValueError("a ring needs at least one slot of 64 bytes")
        self.slots = slots
        self.slot_bytes = align(slot_bytes, PAGE)
        self.path = os.path.join(DIRECTORY, "fgbg-ring-%d-%s" % (os.getpid(),
                                                                  secrets.token_hex(8)))
        self.nonce = secrets.token_bytes(16)
        size = HEADER_BYTES + slots * self.slot_bytes
        _shm_room.check(size, made=False)  # room left for torch's batches: see _shm_room
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            os.ftruncate(fd, size)
            _allocate(fd, size)
            _shm_room.check(size, made=True)
            self._mm = mmap.mmap(fd, size)
            st = os.fstat(fd)
            self._file = (st.st_dev, st.st_ino)
        except BaseException:
            os.unlink(self.path)
            raise
        finally:
            os.close(fd)
        struct.pack_into("<8s16sIIQ", self._mm, 0, MAGIC, self.nonce, slots, os.getpid(),
                         self.slot_bytes)
        self._states = np.frombuffer(self._mm, dtype="<i4", count=slots, offset=_STATES)
        self._owner: Dict[int, object] = {}  # slot -> its batch's token, or _RESERVED
        self._lock = threading.RLock()
        # A ring nobody closed goes with its Ring object, or as its process ends (_ring_exit).
        self._pid = os.getpid()
        self._unlink = _ring_exit.removal(self, self.path)

    def offer(self, slot: int = -1, keep: bool = False) -> Any:
        return pb.SharedMemoryOffer(path=self.path, slots=self.slots, slot_bytes=self.slot_bytes,
                                    nonce=self.nonce, slot=slot, keep=keep)

    def owned(self) -> bool:
        """Whether this process made the ring (a forked child inherits its parent's: not its to
        offer, nor to remove)."""
        return self._pid == os.getpid()

    def kept(self) -> bool:
        """Whether the ring is this process's, the file at its path is still the one mapped here
        (a server that does not know `keep` removes it at the end of the stream) and the mapping
        is open."""
        if not self.owned() or self._mm is None or self._mm.closed:
            return False
        try:
            st = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == self._file

    def reusable(self) -> bool:
        """Whether the ring may carry another stream now: kept, no batch of it alive here and
        every slot free."""
        return self.kept() and not self.held() and not self._states.any()

    def held(self) -> int:
        """Slots whose batch is still alive here."""
        return len(self._owner)

    def reserve(self) -> int:
        """A slot neither alive here, reserved, nor written by the server, now reserved for one
        GetSamples reply (until `take` or `unreserve`), or -1."""
        with self._lock:
            for s in range(self.slots):
                if s not in self._owner and self._states[s] == 0:
                    self._owner[s] = _RESERVED
                    return s
        return -1

    def unreserve(self, slot: int) -> None:
        """Ends the reservation of `slot` if no batch took it (the reply came another way)."""
        with self._lock:
            if self._owner.get(slot) is _RESERVED:
                del self._owner[slot]

    def take(self, slot: int, where: Any) -> Tuple[Dict[str, Part], Callable[[], None]]:
        """The payload parts of a batch in `slot` (read-only views), and its release function,
        also called when the last view of the slot is gone."""
        token = object()
        with self._lock:
            self._owner[slot] = token
        base = np.frombuffer(self._mm, dtype=np.uint8, count=self.slot_bytes,
                             offset=HEADER_BYTES + slot * self.slot_bytes)
        base.flags.writeable = False
        parts: Dict[str, Part] = {}
        for field in ARRAYS:
            off, n = getattr(where, field + "_offset"), getattr(where, field + "_length")
            if off < 0 or n < 0 or off + n > self.slot_bytes:
                raise ValueError("the server named bytes %d..%d of a %d-byte slot"
                                 % (off, off + n, self.slot_bytes))
            parts[field] = (base, off, n)

        def release(ring: "Ring" = self) -> None:
            ring._release(slot, token)

        weakref.finalize(base, release)
        return parts, release

    def _release(self, slot: int, token: object) -> None:
        with self._lock:  # reentrant: a view's finaliser may run inside reserve
            if self._owner.get(slot) is token:
                del self._owner[slot]
                if self._mm is not None and not self._mm.closed:
                    self._states[slot] = 0

    def close(self) -> None:
        """Removes the file (the server may have removed it already); the mapping goes when the
        last view of it does."""
        self._unlink()


class RingPool:
    """Stream rings kept for later streams (a client's, or a process's: `process_pool()`): a
    ring goes back here when its stream ended with OK, and a later stream of the same slot count
    and size takes it instead of a new file (a new ring's every page faults in again, in the
    server as it writes and here as the trainer reads). At most `most` are kept; close() removes
    them. A forked child starts with none of its parent's."""

    def __init__(self, most: int = POOLED) -> None:
        most = integer(most, "most")
        if most < 1:
            raise ValueError("most must be at least 1 (a pool keeps at least one ring), got %r"
                             % (most,))
        self._most = most
        self._lock = threading.Lock()
        self._idle: List[Ring] = []
        self._pid = -1
        self._here()

    def _here(self) -> None:
        """A fresh list in a new process (a fork's copy of the parent's rings is not its own)."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._idle = []
            # A DataLoader worker ends with os._exit, which runs no weakref finalizer but does
            # run multiprocessing's: its kept rings are removed as it exits (and when the pool
            # goes). Finalize ignores itself in any other process.
            Finalize(self, _close_all, args=(self._idle,), exitpriority=0)

    def take(self, slots: int, slot_bytes: int) -> Optional[Ring]:
        """A kept ring of this shape that can carry a stream now, or None."""
        size = align(slot_bytes, PAGE)
        with self._lock:
            self._here()
            same = [r for r in self._idle if r.slots == slots and r.slot_bytes == size]
            for r in same:
                self._idle.remove(r)
        found = None
        for r in same:
            if found is None and r.reusable():
                found = r
            else:
                self.give(r)  # batches still alive, or its file gone: give() decides
        return found

    def give(self, ring: Ring) -> None:
        """Keeps `ring` for a later stream (its last batches may still be alive: a stream takes
        it only once they are gone), the oldest kept ring going when `most` are kept; removes a
        ring that cannot be kept."""
        gone = [ring]
        with self._lock:
            self._here()
            if ring.kept():
                self._idle.append(ring)
                gone = self._idle[:-self._most]
                del self._idle[:-self._most]
        _close_all(gone)

    def close(self) -> None:
        with self._lock:
            self._here()
            idle = list(self._idle)
            self._idle.clear()
        _close_all(idle)

    def __len__(self) -> int:
        with self._lock:
            return len(self._idle)


_PROCESS_POOLS: Dict[int, RingPool] = {}


def process_pool() -> RingPool:
    """This process's pool of stream rings, for streams of short-lived clients (fgbg.failover,
    the torch datasets): its rings go when the process exits."""
    pool = _PROCESS_POOLS.get(os.getpid())
    if pool is None:
        pool = _PROCESS_POOLS[os.getpid()] = RingPool()
    return pool


def _close_all(rings: List[Ring]) -> None:
    for r in list(rings):
        r.close()
