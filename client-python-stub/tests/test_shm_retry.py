"""A ring that could not be had is tried again after a cool-down (fgbg._shm_retry), by a fake
clock: no /dev/shm, no server."""
import errno

import pytest

from fgbg import _shm_retry

MIB = 1 << 20


class Made:
    """A stand-in for shm.Ring that records each try and is refused while `full`."""

    def __init__(self):
        self.tries = []
        self.full = True

    def __call__(self, slots, slot_bytes):
        self.tries.append(slot_bytes)
        if self.full:
            raise OSError(errno.ENOSPC, "/dev/shm has no room for a ring of %d bytes" % slot_bytes)
        return ("ring", slots, slot_bytes)


def test_a_refused_ring_is_not_tried_again_until_the_cool_down_ends():
    now = [1000.0]
    rule = _shm_retry.Refusals(clock=lambda: now[0])
    make = Made()
    with pytest.raises(OSError) as e:
        rule.ring(4, MIB, make)
    assert not isinstance(e.value, _shm_retry.Cooling) and e.value.errno == errno.ENOSPC
    make.full = False  # the room came back: not seen until the cool-down ends
    now[0] += 59.5
    with pytest.raises(_shm_retry.Cooling) as e:
        rule.ring(4, MIB, make)
    assert e.value.errno == errno.ENOSPC
    assert "has no room for a ring" in str(e.value) and "another 1 s" in str(e.value)
    for size in (MIB // 4, 2 * MIB):  # smaller or larger: no ring is tried meanwhile
        with pytest.raises(_shm_retry.Cooling):
            rule.ring(4, size, make)
    assert make.tries == [MIB]
    now[0] += 0.5
    assert rule.ring(4, MIB, make) == ("ring", 4, MIB)
    assert rule.ring(4, 2 * MIB, make)
    assert make.tries == [MIB, MIB, 2 * MIB]


def test_a_new_refusal_starts_a_new_cool_down():
    now = [0.0]
    rule = _shm_retry.Refusals(cool_down_s=60.0, clock=lambda: now[0])
    make = Made()
    with pytest.raises(OSError):
        rule.ring(4, MIB, make)
    now[0] = 60.0
    with pytest.raises(OSError) as e:
        rule.ring(4, MIB, make)  # tried again, and still no room
    assert not isinstance(e.value, _shm_retry.Cooling)
    now[0] = 119.0
    with pytest.raises(_shm_retry.Cooling):
        rule.ring(4, MIB, make)
    make.full = False
    now[0] = 120.0
    assert rule.ring(4, MIB, make)
    assert make.tries == [MIB, MIB, MIB]
