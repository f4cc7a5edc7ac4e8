"""How a pass falls into shards, pure: drop_last drops only a rank's own short tail whatever the
number of workers, and a resumed pass yields the uninterrupted pass's rest in its order."""
import itertools
import logging
import warnings

import pytest

from fgbg.torch._feed import Feed, ShardRequest
from fgbg.torch._resume import Cursor, Tracker
from fgbg.torch._shards import Layout, rank_batches, resumed, rotation, unseen
from fgbg.torch._world import World


def served(part, size, batch_size):
    """The positions the server streams for one request (as its EpochPlan deals them)."""
    remaining = size - part.start_position
    if part.drop_last:
        per = remaining // part.world_size
        total = per - per % batch_size
    else:
        total = (remaining - part.rank + part.world_size - 1) // part.world_size \
            if remaining > part.rank else 0
    first = min(total, part.start_batch * batch_size)
    count = total - first if part.limit == 0 else min(part.limit, total - first)
    return [part.start_position + part.rank + j * part.world_size
            for j in range(first, first + count)]


def shard_batches(layout, shard, skip=frozenset()):
    """(passed, positions kept) of each batch the shard's stream yields (as Feed.shard does)."""
    out, passed, B = [], 0, layout.batch_size
    for part in layout.parts(shard):
        positions = served(part, layout.size, B)
        for a in range(0, len(positions), B):
            batch = positions[a:a + B]
            passed += len(batch)
            kept = [p for p in batch if p not in skip]
            if kept:
                out.append((passed, kept))
    return out


def loader_order(layout, rank, skip=frozenset(), turn=0):
    """(shard, passed, positions) in the order a DataLoader takes its workers' batches: in turn
    from worker 0, a finished worker dropping out; worker i serves stream (i + turn) % k."""
    k = layout.workers
    shards = [rank * k + (i + turn) % k for i in range(k)]
    queues = [[(s, p, b) for p, b in shard_batches(layout, s, skip)] for s in shards]
    order = []
    for row in itertools.zip_longest(*queues):
        order.extend(x for x in row if x is not None)
    return order


@pytest.mark.parametrize("workers", [0, 1, 2, 4, 8])
def test_drop_last_drops_only_each_ranks_short_tail_whatever_the_workers(workers):
    # The tester's numbers: 3968 samples an epoch with 0 workers, but 3840, 3584, 3072 with more.
    samples = [rank_batches(4000, 0, frozenset(), None, None, r, 2, workers, 64, True) * 64
               for r in range(2)]
    assert samples == [1984, 1984]
    assert [rank_batches(129, 0, frozenset(), None, None, r, 2, 2, 64, True) for r in range(2)] \
        == [1, 1], "129 samples in 2 ranks of batches of 64: one batch each, not none"


@pytest.mark.parametrize("size, start, world, workers, batch", [
    (4000, 0, 2, 8, 64), (129, 0, 2, 2, 64), (800, 37, 3, 4, 7), (100, 0, 1, 3, 10),
    (50, 3, 4, 2, 16), (1000, 999, 2, 2, 1)])
def test_every_rank_streams_the_same_whole_batches_disjointly(size, start, world, workers, batch):
    layout = Layout(size, start, world, workers, batch, True)
    whole = (size - start) // world // batch
    seen = []
    for rank in range(world):
        got = [b for s in range(rank * workers, rank * workers + workers)
               for _, b in shard_batches(layout, s)]
        assert all(len(b) == batch for b in got), "whole batches only"
        assert len(got) == whole == rank_batches(size, start, frozenset(), None, None, rank, world,
                                                 workers, batch, True)
        seen += [p for b in got for p in b]
    assert len(seen) == len(set(seen)) and all(start <= p < size for p in seen)
    for s in range(layout.shards):
        for j in range(layout.samples(s)):
            assert layout.locate(layout.position(s, j)) == (s, j)
    dropped = set(range(start, size)) - set(seen)
    assert all(layout.locate(p) is None for p in dropped)


def test_an_epoch_empty_for_a_rank_is_warned_of_once():
    request = ShardRequest("localhost:1", "builtin", 0, True, 64, None, True, "float16", {})
    feed = Feed(request, 100)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        feed.begin(World(0, 2, "given"), 2)
        feed.begin(World(0, 2, "given"), 2)
    said = [str(w.message) for w in said]
    assert said == ["fgbg: an epoch of 100 samples has no batch for any of the 2 ranks: "
                    "drop_last=True leaves out each rank's last batch short of batch_size 64; "
                    "pass batch_size=50 or less"], said


CASES = [(200, 1, 2, 8, True), (200, 2, 2, 8, True), (200, 1, 3, 8, True), (203, 2, 3, 6, True),
         (200, 1, 2, 8, False), (203, 2, 3, 6, False), (90, 1, 4, 7, False), (130, 2, 4, 5, True)]


@pytest.mark.parametrize("size, world, workers, batch, drop_last", CASES)
def test_a_resumed_pass_yields_the_uninterrupted_rest_in_its_order(size, world, workers, batch,
                                                                    drop_last):
    layout = Layout(size, 0, world, workers, batch, drop_last)
    whole = loader_order(layout, 0)
    for taken in range(len(whole) + 1):
        tracker = Tracker()
        tracker.begin(0)
        for shard, passed, _ in whole[:taken]:
            tracker.observe(Cursor(0, shard, passed, 0, layout))
        state = tracker.state(0, 1)
        ranks = range(world) if drop_last else [0]  # without drop_last ranks are not in lockstep
        for rank in ranks:
            expected = [b for _, _, b in loader_order(layout, rank)[taken:]]
            start, skip = resumed(state["position"], frozenset(state["skip"]), drop_last,
                                  state.get("shards"), batch, layout.shards, batch)
            again = Layout(size, start, world, workers, batch, drop_last)
            turn = rotation(again, skip, rank) if skip else 0
            rest = [b for _, _, b in loader_order(again, rank, skip, turn)]
            assert rest == expected, (taken, rank, state)
            assert rank_batches(size, state["position"], frozenset(state["skip"]),
                                state.get("shards"), batch, rank, world, workers, batch,
                                drop_last) == len(expected)


def test_the_testers_resume_in_another_world_size_leaves_out_50_samples_not_18():
    # 210 samples, world 2, batch 16: 3 batches a rank read (position 96), resumed by 4 ranks.
    assert unseen(210, 0, frozenset(), None, None, 2, 0, 16, True) == 18
    assert unseen(210, 96, frozenset(), 2, 16, 2, 0, 16, True) == 18, "its own layout: exact"
    assert unseen(210, 96, frozenset(), 2, 16, 4, 0, 16, True) == 50
    assert unseen(210, 96, frozenset(), 2, 16, 4, 0, 16, False) == 0


def test_a_drop_last_resume_with_another_batch_size_is_one_in_another_layout():
    skip = frozenset({100, 103})
    assert resumed(96, skip, True, 2, 16, 2, 16) == (96, skip), "its own layout: exact"
    assert resumed(96, skip, True, 2, 16, 2, 10) == (104, frozenset()), "past the last seen"
    assert resumed(96, skip, True, 2, None, 2, 10) == (96, skip), "an earlier client's state"
    assert resumed(96, skip, False, 2, 16, 2, 10) == (96, skip), "no drop_last: exact"


def _streamed(layout):
    """Every position the server streams for the layout's shards (as served() deals them)."""
    return {p for s in range(layout.shards) for part in layout.parts(s)
            for p in served(part, layout.size, layout.batch_size)}


@pytest.mark.parametrize("size, world, workers, batch, drop_last", CASES)
def test_unseen_counts_what_no_rank_streams_before_or_after_a_resume(size, world, workers, batch,
                                                                     drop_last):
    layout = Layout(size, 0, world, workers, batch, drop_last)
    whole = loader_order(layout, 0)
    usual = size - len(_streamed(layout))
    assert unseen(size, 0, frozenset(), None, None, world, workers, batch, drop_last) == usual
    for taken in range(len(whole) + 1):
        tracker = Tracker()
        tracker.begin(0)
        for shard, passed, _ in whole[:taken]:
            tracker.observe(Cursor(0, shard, passed, 0, layout))
        state = tracker.state(0, 1)
        position, skip = state["position"], frozenset(state["skip"])
        assert position <= size, "every saved state loads"
        before = set(range(position)) | skip
        for w2, k2, b2 in [(world, workers, batch), (world + 1, workers, batch),
                           (world, workers + 1, batch), (2 * world, 1, batch + 3)]:
            start, _ = resumed(position, skip, drop_last, state.get("shards"), batch, w2 * k2,
                               b2)
            after = _streamed(Layout(size, start, w2, k2, b2, drop_last))
            got = unseen(size, position, skip, state.get("shards"), batch, w2, k2, b2,
                         drop_last)
            assert got == size - len(before | after), (taken, w2, k2, b2)
            if (w2, k2, b2) == (world, workers, batch):
                assert got == usual, "resumed in its own layout: exactly the uninterrupted rest"


def _resumed_feed(state, drop_last=True, batch=16, size=210):
    request = ShardRequest("localhost:1", "builtin", 0, True, batch, None, drop_last, "float16",
                           {})
    feed = Feed(request, size)
    feed.load(dict(state, seed=0, epoch=0, skip=[]))
    return feed


def _said(caplog):
    return [r.getMessage() for r in caplog.records if "drop_last leaves out" in r.getMessage()]


def test_a_drop_last_resume_in_another_layout_is_said_once_on_rank_0(caplog):
    caplog.set_level(logging.WARNING, logger="fgbg")
    saved = dict(position=96, shards=2, world_size=2, workers=1, batch_size=16)
    feed = _resumed_feed(saved)
    feed.begin(World(1, 4, "given"), 1)
    assert _said(caplog) == [], "rank 0 only"
    feed.set_epoch(0)
    feed.begin(World(0, 4, "given"), 1)
    feed.set_epoch(0)
    feed.begin(World(0, 4, "given"), 1)  # the same loaded state, again: said once
    assert _said(caplog) == [
        "resuming epoch 0 at sample 96 of 210 with world 4 × workers 1 × batch_size 16 "
        "(the state was saved with world 2 × workers 1 × batch_size 16); drop_last leaves out "
        "50 samples of this epoch, 32 more than an uninterrupted epoch; resume with the layout "
        "it was saved with (num_workers=0 counts as 1 worker) to see them"]


@pytest.mark.parametrize("saved, drop_last, world", [
    (dict(position=96, shards=2, world_size=2, workers=1, batch_size=16), False, 4),
    (dict(position=96, shards=2, world_size=2, workers=1, batch_size=16), True, 2),
    (dict(position=0, shards=2, world_size=2, workers=1, batch_size=16), True, 4),
    (dict(position=96, shards=2), True, 2)])
def test_an_exact_resume_or_one_that_leaves_out_nothing_more_says_nothing(saved, drop_last,
                                                                          world, caplog):
    caplog.set_level(logging.WARNING, logger="fgbg")
    _resumed_feed(saved, drop_last).begin(World(0, world, "given"), 1)
    assert _said(caplog) == []


def test_a_state_of_an_earlier_client_is_said_not_to_record_its_layout(caplog):
    caplog.set_level(logging.WARNING, logger="fgbg")
    _resumed_feed(dict(position=96, shards=2)).begin(World(0, 4, "given"), 1)
    said = _said(caplog)
    assert len(said) == 1 and "(the state does not say the layout it was saved with: an " \
        "earlier fgbg client's); drop_last leaves out 50 samples of this epoch, 32 more than " \
        "an uninterrupted epoch in this layout;" in said[0], said


def test_the_ranks_warnings_are_said_by_rank_0_alone():
    # Each rank's process has its Feed: 3 ranks said the uneven-batches warning 3 times, and
    # the empty-epoch one twice with 2 ranks; README says fgbg warns once (as for a resume).
    uneven = ShardRequest("localhost:1", "builtin", 0, True, 7, None, False, "float16", {})
    empty = ShardRequest("localhost:1", "builtin", 0, True, 64, None, True, "float16", {})
    for request, size, world in ((uneven, 800, 3), (empty, 100, 2)):
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            for rank in range(world):
                Feed(request, size).begin(World(rank, world, "given"), 1)
        said = [str(w.message) for w in said]
        assert len(said) == 1, said
        assert said[0].startswith("fgbg: the 3 ranks yield 38 to 39 batches" if world == 3
                                  else "fgbg: an epoch of 100 samples has no batch"), said
