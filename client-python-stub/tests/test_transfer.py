"""The device loader's bookkeeping without a GPU (pure): a slot is given back only after its
copy's event completed and never before an older copy's; slots are page-locked once and
unlocked at the end; streams are taken in turn with room made before each one is asked."""
import gc
import logging
import weakref

import numpy as np

from fgbg.torch._transfer import HostRegistry, Releases
from fgbg.torch.device import _staged


class FakeEvent:
    """A CUDA event of a copy that completes when the test says (or when waited for)."""

    def __init__(self, log, name):
        self.done = False
        self.log = log
        self.name = name

    def query(self):
        return self.done

    def synchronize(self):
        self.log.append("wait " + self.name)
        self.done = True


class Source:
    """Stands for the batch and host tensors a copy reads."""


def copies(log, names_streams):
    releases = Releases()
    events = {}
    sources = {}
    for name, stream in names_streams:
        events[name] = FakeEvent(log, name)
        source = Source()
        sources[name] = weakref.ref(source)
        releases.add(events[name], lambda n=name: log.append("release " + n), stream, source)
        del source
    return releases, events, sources


def test_a_slot_is_given_back_only_when_its_copy_is_done_in_order():
    log = []
    releases, events, sources = copies(log, [("a0", 0), ("b0", 1), ("a1", 0)])
    gc.collect()
    assert all(s() is not None for s in sources.values()), "the copies' sources are held"
    releases.poll()
    assert log == [], "no copy done: no slot given back"
    events["b0"].done = True
    releases.poll()
    assert log == [], "b0 is done but a0, older, is not: CUDA completes them in order"
    events["a0"].done = True
    releases.poll()
    assert log == ["release a0", "release b0"]
    gc.collect()
    assert sources["a0"]() is None and sources["b0"]() is None and sources["a1"]() is not None
    assert releases.held(0) == 1 and releases.held(1) == 0


def test_making_room_in_one_stream_waits_for_its_oldest_copy_and_frees_those_before_it():
    log = []
    releases, events, _ = copies(log, [("a0", 0), ("b0", 1), ("b1", 1), ("a1", 0), ("b2", 1)])
    releases.wait(1, 1)  # stream 1 has 3 in copy: wait until 1 is left
    assert log == ["wait b0", "release a0", "release b0", "wait b1", "release b1"], \
        "waits for its own oldest copies only; a0, older than b0, is done by then"
    assert releases.held(1) == 1 and releases.held(0) == 1
    log.clear()
    releases.wait(0, 1)
    assert log == [], "stream 0 is within its room: nothing waited for"
    events["a1"].done = True
    releases.drain()
    assert log == ["release a1", "wait b2", "release b2"]
    assert releases.held(0) == releases.held(1) == 0


class FakeCudart:
    def __init__(self, fail=False):
        self.calls = []
        self.fail = fail

    def cudaHostRegister(self, address, size, flags):
        self.calls.append(("register", address, size, flags))
        return 2 if self.fail else 0  # 2: cudaErrorMemoryAllocation

    def cudaHostUnregister(self, address):
        self.calls.append(("unregister", address))
        return 0


def test_each_slot_is_page_locked_once_and_unlocked_at_the_end():
    ring = np.zeros(3 * 8192, dtype=np.uint8)
    slots = [ring[i * 8192:(i + 1) * 8192] for i in range(3)]
    cudart = FakeCudart()
    registry = HostRegistry(cudart)
    for s in (0, 1, 0, 2, 1):
        assert registry.register(slots[s])
    addresses = [int(s.ctypes.data) for s in slots]
    assert cudart.calls == [("register", a, 8192, 1) for a in addresses], "portable, once each"
    assert registry.registered() == addresses
    registry.close()
    assert cudart.calls[3:] == [("unregister", a) for a in addresses]
    assert registry.registered() == []


def test_a_failed_registration_is_said_once_and_the_caller_stages_instead(caplog):
    caplog.set_level(logging.WARNING, logger="fgbg")
    cudart = FakeCudart(fail=True)
    registry = HostRegistry(cudart)
    slot = np.zeros(4096, dtype=np.uint8)
    assert not registry.register(slot) and not registry.register(slot[:64])
    assert len(cudart.calls) == 1, "not asked again"
    (line,) = [r.getMessage() for r in caplog.records]
    assert "cudaHostRegister of a 4096-byte slot returned 2" in line and "pinned memory" in line
    registry.close()
    assert len(cudart.calls) == 1, "nothing to unregister"


class FakeCopier:
    def __init__(self, log):
        self.log = log

    def make_room(self, stream):
        self.log.append("room %d" % stream)

    def put(self, stream, batch, keep):
        self.log.append("put %s" % batch)
        return batch


def test_streams_are_taken_in_turn_prefetched_and_a_finished_one_drops_out():
    log = []
    shards = [iter([("c", "a0", None), ("c", "a1", None), ("c", "a2", None)]),
              iter([("c", "b0", None)]),
              iter([("c", "c0", None), ("c", "c1", None)])]
    got = []
    for _, staged in _staged(shards, FakeCopier(log), prefetch=2):
        got.append(staged)
        log.append("yield %s" % staged)
    assert got == ["a0", "b0", "c0", "a1", "c1", "a2"], "the DataLoader's order over workers"
    assert log[:7] == ["room 0", "put a0", "room 1", "put b0", "yield a0", "room 2", "put c0"]
    assert all(log[i - 1] == "room %d" % "abc".index(e[4]) for i, e in enumerate(log)
               if e.startswith("put")), "room is made in a stream before it is asked"
