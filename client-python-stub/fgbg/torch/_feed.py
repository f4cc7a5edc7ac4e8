"""What every consumer of an FgbgIterableDataset shares: the epoch of each pass, what the
consumer received (for state_dict), where a resumed pass starts, and the shard streams.

The dataset's own iteration, its DataLoader (FgbgLoader) and the device loader
(FgbgDeviceLoader) all go through one Feed: a loader of rank r with k streams (DataLoader
workers, or server streams read in one process) streams shards r*k + s of world*k.
"""
import logging
import multiprocessing
import warnings
from dataclasses import dataclass
from multiprocessing.context import get_spawning_popen
from typing import Any, Dict, Generator, Optional, Sequence, Tuple

import numpy as np
from numpy.typing import NDArray

from .._checks import bounded, integer
from ..batch import Batch
from ..failover import FailoverStream
from ._resume import Cursor, Resume, Tracker
from ._shards import rank_batches, resumed_layout, rotation, unseen
from ._untyped import worker_info
from ._world import World, consumer

_NONE = -1
_LOG = logging.getLogger("fgbg")


class _Shared:
    """Counters every copy of a Feed (main process and its DataLoader workers) shares. From
    the spawn context: its semaphores are named, so they work in forked, spawned and
    forkserver workers.

    Pickled as a process starts (a spawned or forkserver DataLoader worker), the counters travel
    as themselves, shared. Pickled or copied otherwise (pickle, copy.deepcopy, Ray ...), where
    multiprocessing refuses to pickle them, the copy gets counters of its own holding their
    values then: the same next epoch, not shared."""

    NEXT, PASS, PLAIN_PASSES, RESUME_EPOCH, GENERATION, UNRECORDED = range(6)

    def __init__(self, values: Sequence[int] = (0, 0, 0, _NONE, 0, 0)) -> None:
        self.array = multiprocessing.get_context("spawn").Array("q", list(values))

    def __getstate__(self) -> Dict[str, Any]:
        if get_spawning_popen() is not None:
            return {"array": self.array}
        with self.array.get_lock():
            return {"values": [self[slot] for slot in range(len(self.array))]}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        if "array" in state:
            self.array = state["array"]
        else:
            self.__init__(state["values"])  # type: ignore[misc]

    def __getitem__(self, slot: int) -> int:
        return int(self.array[slot])

    def __setitem__(self, slot: int, value: int) -> None:
        self.array[slot] = value


@dataclass(frozen=True)
class ShardRequest:
    """The StreamEpoch fields every shard stream of a dataset asks with, and how to connect."""

    target: str  # one target or several replicas (fgbg.replicas)
    dataset: str
    seed: int
    shuffle: bool
    batch_size: int
    outputs: Optional[Tuple[str, ...]]
    drop_last: bool
    depth_dtype: str
    client_options: Dict[str, Any]
    reconnect: float = 0.0  # seconds (fgbg.reconnect): every stream of every worker keeps it
    # The dataset's (its info's): every stream of every shard, worker and pass keeps to it, so a
    # replica serving other data is skipped, never mixed in (fgbg.failover).
    fingerprint: Optional[str] = None


# A batch as a shard streams it: where it stands, the batch, and which samples to keep (None:
# all; a resumed pass leaves out samples the consumer had already received).
ShardBatch = Tuple[Cursor, Batch, Optional[NDArray[np.bool_]]]


class Feed:
    """Passes over a dataset of `size` samples and the shard streams of each pass."""

    def __init__(self, request: ShardRequest, size: int) -> None:
        self.request = request
        self.size = size
        self.streams = 0  # what len(dataset) counts: the streams of the last loader built
        self.len_streams: Optional[int] = None  # streams len(dataset) was reported for
        self._shared = _Shared()
        self._tracker = Tracker()
        self._warned_uneven = False
        self._warned_empty = False
        self._warned_resume: Optional[int] = None  # the generation of the state warned of

    # ------------------------------------------------------------------ the consumer's side

    def set_epoch(self, epoch: int) -> None:
        with self._shared.array.get_lock():
            # The shared counter is a signed 64-bit value: a wrapped epoch would stream another.
            self._shared[_Shared.NEXT] = bounded(integer(epoch, "epoch"), "epoch", 0, 2**63 - 1,
                                                 "the next pass's epoch")
            self._shared[_Shared.PLAIN_PASSES] = 0

    def begin(self, world: World, streams: int) -> int:
        """In the consuming process: the epoch of the pass that starts now, read by `world`'s
        rank in `streams` streams."""
        with self._shared.array.get_lock():
            epoch = self._shared[_Shared.NEXT]
            self._shared[_Shared.NEXT] = epoch + 1
            self._shared[_Shared.PASS] = epoch
        self._tracker.begin(epoch)
        self._publish_resume()
        self._warn_uneven(world, streams)
        self._warn_empty(world, streams, epoch)
        self.warn_resume(world, streams, epoch)
        return epoch

    def _warn_uneven(self, world: World, streams: int) -> None:
        """Says once, on rank 0 (as warn_resume: one line for the job, not one per rank), when
        the ranks of `world` would yield different numbers of batches: under DDP every step is a
        collective, and the rank with more waits for ever."""
        if self._warned_uneven or world.size < 2 or world.rank != 0:
            return
        counts = [self.length(World(r, world.size, world.source), streams)
                  for r in range(world.size)]
        if min(counts) != max(counts):
            self._warned_uneven = True
            warnings.warn("fgbg: the %d ranks yield %d to %d batches this pass (drop_last=False"
                          " leaves each shard's last batch short); under DDP, where each step "
                          "waits for every rank, a rank with more batches then waits for ever: "
                          "pass drop_last=True" % (world.size, min(counts), max(counts)),
                          stacklevel=3)

    def _warn_empty(self, world: World, streams: int, epoch: int) -> None:
        """Says once, on rank 0 (it holds for every rank alike), when drop_last leaves a whole
        epoch without a batch: a loop that trains nothing would otherwise pass for one that
        works."""
        r = self._tracker.start_of(epoch)
        if (self._warned_empty or world.rank != 0 or not self.request.drop_last or r.position
                or r.skip or self.length(world, streams) > 0):
            return
        self._warned_empty = True
        warnings.warn("fgbg: an epoch of %d samples has no batch for any of the %d ranks: "
                      "drop_last=True leaves out each rank's last batch short of batch_size %d;"
                      " pass batch_size=%d or less" % (self.size, world.size,
                                                      self.request.batch_size,
                                                      max(1, self.size // world.size)),
                      stacklevel=3)

    def warn_resume(self, world: World, streams: int, epoch: int) -> None:
        """Says once per loaded state, on rank 0, when a drop_last pass resumed in another layout
        than it was saved in leaves more of its epoch unseen than an uninterrupted pass: the
        resume starts past the last sample seen, and drop_last cuts the rest anew. Called by
        begin(), and by worker 0 of a plain DataLoader (whose consumer calls nothing here)."""
        r, req = self._tracker.start_of(epoch), self.request
        if (world.rank != 0 or not req.drop_last or not (r.position or r.skip)
                or self._warned_resume == self.generation):
            return
        now = (world.size, max(1, streams), req.batch_size)
        if r.saved == now:
            return  # exact: the uninterrupted pass's rest
        lost = unseen(self.size, r.position, r.skip, r.shards, r.batch_size, *now, True)
        usual = unseen(self.size, 0, frozenset(), None, None, *(r.saved or now), True)
        if lost <= usual:
            return
        self._warned_resume = self.generation
        saved = ("the state was saved with world %d × workers %d × batch_size %d" % r.saved
                 if r.saved else "the state does not say the layout it was saved with: an "
                 "earlier fgbg client's")
        _LOG.warning("resuming epoch %d at sample %d of %d%s with world %d × workers %d × "
                     "batch_size %d (%s); drop_last leaves out %d samples of this epoch, %d more "
                     "than an uninterrupted epoch%s; resume with the layout it was saved with "
                     "(num_workers=0 counts as 1 worker) to see them", epoch, r.position,
                     self.size, " (%d after it already seen)" % len(r.skip) if r.skip else "",
                     *now, saved, lost, lost - usual, "" if r.saved else " in this layout")

    def observe(self, cursor: Cursor) -> None:
        """The consumer received the batch at `cursor`."""
        self._tracker.observe(cursor)

    def end(self, epoch: int) -> None:
        """The consumer received the whole pass over `epoch`."""
        self._tracker.end(epoch)
        self._publish_resume()

    @property
    def generation(self) -> int:
        """How many states were loaded (a loader's persistent workers hold the one before)."""
        return self._tracker.generation

    def pass_epoch(self) -> int:
        """The epoch of the pass the consumer began (read by its loader's workers)."""
        return self._shared[_Shared.PASS]

    def plain_worker_epoch(self, workers: int) -> int:
        """In a worker of a plain DataLoader (nothing recorded): the epoch of its next pass,
        from counting the workers' passes. Marks the consumer's state unknown (state())."""
        with self._shared.array.get_lock():
            n = self._shared[_Shared.PLAIN_PASSES]
            self._shared[_Shared.PLAIN_PASSES] = n + 1
            self._shared[_Shared.UNRECORDED] = 1
        return self._shared[_Shared.NEXT] + n // workers

    def length(self, world: World, streams: int) -> int:
        """Batches the loader of `world` with `streams` streams yields in the pass under way
        (or the next one)."""
        epoch = self._tracker.current
        if epoch is None:
            epoch = self._shared[_Shared.NEXT]
        r = self._tracker.start_of(epoch)
        return rank_batches(self.size, r.position, r.skip, r.shards, r.batch_size, world.rank,
                            world.size, streams, self.request.batch_size, self.request.drop_last)

    def state(self) -> Dict[str, Any]:
        if self._shared[_Shared.UNRECORDED]:
            # Its batches went straight to the consumer: what was received is not known here,
            # and a state of the recorded passes alone would replay (or skip) whole epochs.
            raise ValueError("state_dict(): a pass over this dataset was read by DataLoader "
                             "workers it cannot see (a plain torch DataLoader with "
                             "num_workers > 0), so where the consumer stands is unknown; use "
                             "dataset.loader(num_workers=k) (or num_workers=0) for an exact "
                             "state")
        return self._tracker.state(self.request.seed, self._shared[_Shared.NEXT])

    def load(self, state: Dict[str, Any]) -> None:
        """Continues from `state` (checked by the dataset) on the next pass."""
        self.set_epoch(int(state["epoch"]))
        with self._shared.array.get_lock():
            generation = self._shared[_Shared.GENERATION] + 1
            self._shared[_Shared.GENERATION] = generation
            self._shared[_Shared.UNRECORDED] = 0  # known again: the loaded state
        self._tracker.load(state, generation)
        self._publish_resume()

    def _publish_resume(self) -> None:
        e = self._tracker.resume_epoch
        self._shared[_Shared.RESUME_EPOCH] = _NONE if e is None else e

    # ------------------------------------------------------------------ the streams

    def _plan(self, epoch: int) -> Resume:
        """Where a pass starts, as the consumer decided it."""
        if self._shared[_Shared.RESUME_EPOCH] != epoch:
            return Resume()
        if (self._tracker.resume_epoch != epoch
                or self._tracker.generation != self._shared[_Shared.GENERATION]):
            raise RuntimeError("fgbg: load_state_dict() was called after this DataLoader worker "
                               "started (persistent_workers=True); build the loader after "
                               "loading the state")
        return self._tracker.resume

    def shard(self, epoch: int, world: World, stream: int,
              streams: int) -> Generator[ShardBatch, None, None]:
        """Stream `stream` of the `streams` of `world`'s rank: a shard of the pass's Layout
        from where the pass starts, on the rank's replica (failing over). A resumed pass
        rotates which shard each stream serves, so that taking the streams' batches in turn
        from stream 0 (as a DataLoader takes its workers') gives the uninterrupted order."""
        plan = self._plan(epoch)
        r = self.request
        layout, skip = resumed_layout(self.size, plan.position, plan.skip, plan.shards,
                                      plan.batch_size, world.size, streams, r.batch_size,
                                      r.drop_last)
        turn = rotation(layout, skip, world.rank) if skip else 0
        shard = world.rank * streams + (stream + turn) % streams
        who = consumer(world, stream, streams, worker_info() is not None)
        passed = 0
        for part in layout.parts(shard):
            batches = FailoverStream(
                r.target, rank=part.rank, world_size=part.world_size,
                client_options=r.client_options, reconnect=r.reconnect, dataset=r.dataset,
                seed=r.seed, epoch=epoch, shuffle=r.shuffle, batch_size=r.batch_size,
                start_position=part.start_position, start_batch=part.start_batch,
                limit=part.limit, drop_last=part.drop_last, outputs=r.outputs,
                depth_dtype=r.depth_dtype, fingerprint=r.fingerprint, who=who)
            for batch in batches:
                passed += len(batch)
                keep = None
                if skip:
                    keep = np.fromiter((p not in skip for p in batch.positions.tolist()),
                                       dtype=bool, count=len(batch))
                    if not keep.any():
                        continue
                yield Cursor(epoch, shard, passed, world.rank, layout), batch, keep
