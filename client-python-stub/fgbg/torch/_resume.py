"""Exact mid-epoch resume: what the consumer has received, as a global epoch position.

A state is {seed, epoch, position P, skip, shards, world_size, workers, batch_size}: every
sample before P was seen, `skip` lists the few after P already seen, and `shards` is the streams
of the pass it was saved in (world_size x workers, each of batch_size: the layout, which
decides whether a drop_last resume is exact, and its warning; states of earlier clients lack
them). A resumed
pass streams from P (with any world size or number of workers) and leaves out `skip` (by
`_shards.resumed`'s rule under drop_last). Ranks are taken to step in lockstep (as under DDP),
so one rank's progress stands for all of them.
"""
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Optional, Tuple

from ._shards import Layout


@dataclass(frozen=True)
class Cursor:
    """Where one yielded batch stands: shard `shard` of `layout` (the pass's shards, from its
    start) has passed `passed` of its samples; built as rank `rank`."""

    epoch: int
    shard: int
    passed: int
    rank: int
    layout: Layout

    @property
    def shards(self) -> int:
        return self.layout.shards

    @property
    def workers(self) -> int:
        return self.layout.workers


@dataclass(frozen=True)
class Resume:
    """Where a pass starts: `position`, the positions after it to leave out, and the shards of
    the pass the state was saved in and its (world size, workers, batch size) (None: not known,
    a state of an earlier client)."""

    position: int = 0
    skip: FrozenSet[int] = frozenset()
    shards: Optional[int] = None
    saved: Optional[Tuple[int, int, int]] = None

    @property
    def batch_size(self) -> Optional[int]:
        """The batch size the state was saved with (None: not known)."""
        return None if self.saved is None else self.saved[2]

    def layout_keys(self) -> Dict[str, int]:
        """The state's keys for the layout it was saved in, as far as known."""
        keys = {} if self.shards is None else {"shards": self.shards}
        if self.saved is not None:
            keys.update(zip(LAYOUT_KEYS, self.saved))
        return keys


LAYOUT_KEYS = ("world_size", "workers", "batch_size")


class Tracker:
    """Consumption as seen by the process that consumes the batches (never a worker)."""

    def __init__(self) -> None:
        self.resume_epoch: Optional[int] = None
        self.resume = Resume()
        self.progress: Dict[int, Dict[int, int]] = {}  # epoch -> {shard: positions passed}
        self.last: Optional[Cursor] = None
        self.current: Optional[int] = None  # the epoch of the pass under way, if any
        self.generation = 0  # how many states were loaded (workers check they have the last)

    def start_of(self, epoch: int) -> Resume:
        """Where a pass over `epoch` starts."""
        return self.resume if epoch == self.resume_epoch else Resume()

    def begin(self, epoch: int) -> None:
        if epoch != self.resume_epoch:
            self.resume_epoch, self.resume = None, Resume()
        self.progress.pop(epoch, None)
        self.last = None
        self.current = epoch

    def observe(self, c: Cursor) -> None:
        prog = self.progress.setdefault(c.epoch, {})
        prog[c.shard] = max(prog.get(c.shard, 0), c.passed)
        self.last = c

    def end(self, epoch: int) -> None:
        """The consumer received the whole pass over `epoch`."""
        self.current = None
        if epoch == self.resume_epoch:
            self.resume_epoch, self.resume = None, Resume()

    def state(self, seed: int, next_epoch: int) -> Dict[str, Any]:
        c = self.last
        if self.current is None or c is None:
            # Between passes, or nothing of this pass received yet.
            epoch = next_epoch if self.current is None else self.current
            r = self.start_of(epoch)
            return dict({"seed": seed, "epoch": int(epoch), "position": r.position,
                         "skip": sorted(r.skip)}, **r.layout_keys())
        prog = self.progress.get(c.epoch, {})
        skip_before = self.start_of(c.epoch).skip
        # Shard (r', w) of every rank r' has passed as many batches as ours (lockstep): as many
        # positions, but no more than it has (without drop_last shards differ by one sample,
        # and a rank's last batch can be one another rank never has).
        passed = [min(prog.get(c.rank * c.workers + s % c.workers, 0), c.layout.samples(s))
                  for s in range(c.shards)]
        floor = min(passed)
        # A drop_last shard's tail batch comes after its head, and no stream of the last worker
        # has one, so floor never passes a head: everything before `position` was seen.
        position = c.layout.start + floor * c.shards
        seen = {p for p in skip_before if p >= position}
        for s in range(c.shards):
            for j in range(floor, passed[s]):
                seen.add(c.layout.position(s, j))
        if len(seen) == c.layout.size - position:
            position, seen = c.layout.size, set()  # all seen: as a pass's end says it
        return {"seed": seed, "epoch": int(c.epoch), "position": int(position),
                "skip": sorted(int(p) for p in seen), "shards": c.shards,
                "world_size": c.layout.world, "workers": c.workers,
                "batch_size": c.layout.batch_size}

    def load(self, state: Dict[str, Any], generation: int) -> None:
        self.generation = generation
        self.resume_epoch = int(state["epoch"])
        shards = state.get("shards")
        known = all(state.get(k) is not None for k in LAYOUT_KEYS)
        self.resume = Resume(int(state["position"]), frozenset(int(p) for p in state["skip"]),
                             None if shards is None else int(shards),
                             (int(state["world_size"]), int(state["workers"]),
                              int(state["batch_size"])) if known else None)
        self.progress = {}
        self.last = None
        self.current = None
