"""When a ring that could not be had is tried again: the one rule for GetSamples' and
StreamEpoch's rings.

A ring that cannot be had (no room by fgbg._shm_room's headroom rule, fallocate's ENOSPC, or any
other OSError) sends its call over the network. /dev/shm may be full only for a while (another
job's files), so the refusal is remembered for COOL_DOWN_S only: meanwhile this process tries no
ring (each try costs a statvfs and fallocate of the whole file, and a smaller ring that fits
would still eat room torch's batches may need), and the first call or stream after it tries
again. The no-room warning stays once per process (fgbg._shm_path.log_path); a stream that did
not try says why at INFO, as every later refusal does.
"""
import math
import time
from typing import Callable, Optional, Tuple

from . import shm

COOL_DOWN_S = 60.0


class Cooling(OSError):
    """No ring was tried: one was refused less than COOL_DOWN_S ago."""


class Refusals:
    """The last ring this process could not have, forgotten `cool_down_s` after (by `clock`).

    Read and replaced as one tuple, without a lock: a DataLoader forks its workers at any
    moment, and a child must not inherit a lock held by a thread it does not have."""

    def __init__(self, cool_down_s: float = COOL_DOWN_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.cool_down_s = cool_down_s
        self.clock = clock
        self._last: Optional[Tuple[float, str, int]] = None  # when, why, errno

    def ring(self, slots: int, slot_bytes: int,
             make: Optional[Callable[[int, int], shm.Ring]] = None) -> shm.Ring:
        """A new ring by `make` (default shm.Ring), unless one was refused within the cool-down
        (raises Cooling, in the refusal's words); a refusal raises its OSError, remembered."""
        last = self._last
        if last is not None:
            left = last[0] + self.cool_down_s - self.clock()
            if left > 0:
                raise Cooling(last[2], "%s (not tried again for another %d s)"
                              % (last[1], math.ceil(left)))
        try:
            ring = (make or shm.Ring)(slots, slot_bytes)
        except OSError as e:
            self._last = (self.clock(), str(e.strerror or e), e.errno or 0)
            raise
        self._last = None
        return ring


#: This process's refusals: its rings are all made in the one /dev/shm.
PROCESS = Refusals()


def ring(slots: int, slot_bytes: int) -> shm.Ring:
    """A new ring of `slots` slots of `slot_bytes`, by this process's rule (Refusals.ring)."""
    return PROCESS.ring(slots, slot_bytes)
