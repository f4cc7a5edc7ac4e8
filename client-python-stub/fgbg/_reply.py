"""A Client's GetSamples ring, shared by the threads that share the Client, and the path its
replies take.

Each call reserves a slot of its own before it offers it: two calls offering one slot would
have the server write both replies into it, and each would read the other's samples. A ring
with a slot reserved or a batch alive is never replaced by a larger one. A ring refused by the
server sends this client's replies over the network from then on; one that cannot be had here
(no room in /dev/shm) is tried again by fgbg._shm_retry's rule, as a stream's is.
"""
import threading
from typing import Any, Callable, Optional, Tuple

from . import _shm_path, _shm_retry, shm

NO_RING = "no ring"  # `path` while the last ring could not be had here


class ReplyRing:
    """The ring GetSamples replies come through (made on first use, grown when idle)."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._ring: Optional[shm.Ring] = None
        self._lock = threading.Lock()
        # "" until a reply says which path it took; "ok"; NO_RING; or the server's refusal.
        self.path = ""

    def offers(self) -> bool:
        """Whether a call may offer a ring: not once the server refused one."""
        return self.path in ("", "ok", NO_RING)

    def offer(self, req: Any, need: int) -> Tuple[Optional[shm.Ring], int]:
        """`reserve`, offering the slot in `req`; (None, -1) where no ring can be had now (said
        at each refusal; a client's first call also when no ring was tried)."""
        try:
            ring, slot = self.reserve(need)
        except OSError as e:
            if not self.path or not isinstance(e, _shm_retry.Cooling):  # a refusal, or news
                _shm_path.log_path("GetSamples", None, "", "cannot create a ring: %s"
                                   % (e.strerror or e))
            self.path = NO_RING
            return None, -1
        if ring is not None:
            req.shared_memory.CopyFrom(ring.offer(slot))
        return ring, slot

    def said(self, ring: Optional[shm.Ring], refused: str, why_not: Callable[[], str]) -> None:
        """Logs the path of the first reply, and of the first through a ring again after one
        could not be had (the others take the path said); `why_not`: why no ring was offered."""
        if not self.path or (self.path == NO_RING and ring is not None):
            self.path = refused or "ok"
            _shm_path.log_path("GetSamples", ring, refused, why_not())

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
                self._ring = None  # a larger one refused leaves none, not the closed one
                ring = self._ring = _shm_retry.ring(self.slots, need)
            slot = ring.reserve() if ring.slot_bytes >= need else -1
            return (ring, slot) if slot >= 0 else (None, -1)

    def close(self) -> None:
        with self._lock:
            if self._ring is not None:
                self._ring.close()
