"""When a shared-memory slot may be given back after an asynchronous copy out of it, and which
slots are page-locked for such copies. Pure bookkeeping over an event type (anything with
query() and synchronize(), as torch.cuda.Event has) and a CUDA runtime (cudaHostRegister and
cudaHostUnregister, as torch.cuda.cudart() has), so that it is tested without a GPU.
"""
import logging
from collections import deque
from typing import Any, Callable, Deque, Dict, List, NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray

_LOG = logging.getLogger("fgbg")

# cudaHostRegisterPortable: pinned for every CUDA context, not only the current device's.
_PORTABLE = 1


class Event(Protocol):
    def query(self) -> bool: ...

    def synchronize(self) -> None: ...


class _Copy(NamedTuple):
    event: Event  # recorded on the copy stream right after the copies out of the slot
    release: Callable[[], None]  # gives the slot back
    stream: int  # which server stream (which ring) the slot belongs to
    source: Any  # what keeps the slot's views alive until the copy is done


class Releases:
    """Copies in flight, oldest first. All are issued on one CUDA stream, so they complete in
    that order: a slot is given back only once its copy's event has completed, and never before
    an older copy's slot."""

    def __init__(self) -> None:
        self._copies: Deque[_Copy] = deque()

    def add(self, event: Event, release: Callable[[], None], stream: int, source: Any) -> None:
        """`release` gives back the slot a copy recorded by `event` reads; `source` (the batch,
        its host tensors) is held until then, so that nothing frees the slot earlier."""
        self._copies.append(_Copy(event, release, stream, source))

    def held(self, stream: int) -> int:
        """Slots of `stream` still being copied from."""
        return sum(1 for c in self._copies if c.stream == stream)

    def poll(self) -> None:
        """Gives back every slot whose copy is done (stopping at the first one still running)."""
        while self._copies and self._copies[0].event.query():
            self._copies.popleft().release()

    def wait(self, stream: int, at_most: int) -> None:
        """Waits until at most `at_most` slots of `stream` are being copied from (its oldest
        copies done), giving back the slots of every copy done by then."""
        self.poll()
        while self.held(stream) > at_most:
            oldest = next(c for c in self._copies if c.stream == stream)
            oldest.event.synchronize()
            while True:  # everything up to it is done too (one CUDA stream, in order)
                done = self._copies.popleft()
                done.release()
                if done is oldest:
                    break

    def drain(self) -> None:
        """Waits for every copy still running and gives back every slot."""
        self.poll()
        while self._copies:
            done = self._copies.popleft()
            done.event.synchronize()
            done.release()


class HostRegistry:
    """Page-locks each shared-memory slot once (cudaHostRegister on the mapped slot), so that
    host-to-device copies read the slot itself, asynchronously; close() unregisters them. Holds
    a view of every slot it registered, so that the mapping outlives the registration. When
    registration fails (a driver limit on locked memory, say) it says so once and returns False
    from then on: the caller then stages through ordinary pinned memory."""

    def __init__(self, cudart: Any) -> None:
        self._cudart = cudart
        self._slots: Dict[int, NDArray[np.uint8]] = {}
        self.failed = ""

    def register(self, slot: NDArray[np.uint8]) -> bool:
        """Whether `slot` (the whole slot's byte array) is page-locked now."""
        address = int(slot.ctypes.data)
        if address in self._slots:
            return True
        if self.failed:
            return False
        status = self._cudart.cudaHostRegister(address, slot.nbytes, _PORTABLE)
        if int(status) != 0:
            self.failed = "cudaHostRegister of a %d-byte slot returned %s" % (slot.nbytes,
                                                                            status)
            _LOG.warning("%s; staging batches through pinned memory (one more copy)",
                         self.failed)
            return False
        self._slots[address] = slot
        return True

    def registered(self) -> List[int]:
        return sorted(self._slots)

    def close(self) -> None:
        """Unregisters every slot (call once no copy reads them any more)."""
        for address in self._slots:
            self._cudart.cudaHostUnregister(address)
        self._slots.clear()
