"""A Client's GetSamples ring, shared by the threads that share the Client.

Each call reserves a slot of its own before it offers it: two calls offering one slot would
have the server write both replies into it, and each would read the other's samples. A ring
with a slot reserved or a batch alive is never replaced by a larger one.
"""
import threading
from typing import Optional, Tuple

from . import shm


class ReplyRing:
    """The ring GetSamples replies come through (made on first use, grown when idle)."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._ring: Optional[shm.Ring] = None
        self._lock = threading.Lock()

    def reserve(self, need: int) -> Tuple[Optional[shm.Ring], int]:
        """(ring, slot) with `slot` reserved for one reply of `need` bytes (the ring's
        `unreserve` or `take` ends the reservation), or (None, -1) when no slot is free or
        large enough now. OSError when no ring can be made."""
        with self._lock:
            ring = self._ring
            if ring is not None and not ring.owned():
                ring = None  # a forked child's copy of its parent's ring
            if ring is None or (ring.slot_bytes < need and ring.held() == 0):
                if ring is not None:
                    ring.close()
                ring = self._ring = shm.Ring(self.slots, need)
            slot = ring.reserve() if ring.slot_bytes >= need else -1
            return (ring, slot) if slot >= 0 else (None, -1)

    def close(self) -> None:
        with self._lock:
            if self._ring is not None:
                self._ring.close()
