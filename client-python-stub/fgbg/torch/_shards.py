"""How a pass falls into shards and batches (built on the server's EpochPlan), for the streams,
len() and state_dict().

The loader of rank r with k streams (DataLoader workers) streams shards s = r*k + w (w < k) of
S = world*k. Without drop_last, shard s takes positions start + s + j*S, in batches of B (its
last one short). With drop_last every rank takes nb = (R // world) // B whole batches of the
R = size - start positions left, as DistributedSampler with drop_last does, whatever k is: the
first q = nb // k batches of every shard as above (its head: j < q*B, Q = S*q*B positions in
all), then the rank's t = nb % k tail batches from the positions after Q, rank r taking
start + Q + r + i*world as the server deals ranks, tail batch w to worker w. Only fewer than B
samples per rank (and R % world) are left out, and every rank has nb batches. A pass resumed
in another layout (shards or batch size) than the one it was saved in can leave out more: see
`resumed` and `unseen`.
"""
from collections import Counter
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Tuple


class Part(NamedTuple):
    """One StreamEpoch request a shard is read with."""

    rank: int
    world_size: int
    start_position: int
    start_batch: int
    limit: int  # 0: to the end
    drop_last: bool


@dataclass(frozen=True)
class Layout:
    """The shards of a pass over `size` samples from position `start` (see the module doc)."""

    size: int
    start: int
    world: int
    workers: int
    batch_size: int
    drop_last: bool

    @property
    def shards(self) -> int:
        return self.world * self.workers

    def _split(self) -> Tuple[int, int]:
        """(head samples of every shard, tail batches of every rank) under drop_last."""
        whole = (self.size - self.start) // self.world // self.batch_size
        return whole // self.workers * self.batch_size, whole % self.workers

    def samples(self, shard: int) -> int:
        """Samples shard `shard` streams."""
        remaining, S = self.size - self.start, self.shards
        if not self.drop_last:
            return (remaining - shard + S - 1) // S if remaining > shard else 0
        head, tail = self._split()
        return head + (self.batch_size if shard % self.workers < tail else 0)

    def position(self, shard: int, j: int) -> int:
        """The epoch position of sample `j` of shard `shard`."""
        head = self._split()[0] if self.drop_last else j + 1
        if j < head:
            return self.start + shard + j * self.shards
        rank, worker = divmod(shard, self.workers)
        local = worker * self.batch_size + j - head
        return self.start + head * self.shards + rank + local * self.world

    def streams(self, position: int) -> bool:
        """Whether some shard streams epoch position `position`."""
        at = self.locate(position)
        return at is not None and at[1] < self.samples(at[0])

    def locate(self, position: int) -> Optional[Tuple[int, int]]:
        """(shard, j) of an epoch position, None when no shard streams it (or before start)."""
        g = position - self.start
        if g < 0:
            return None
        head, tail = self._split() if self.drop_last else (g // self.shards + 1, 0)
        if g < head * self.shards:
            return g % self.shards, g // self.shards
        rank, local = (g - head * self.shards) % self.world, (g - head * self.shards) // self.world
        worker, i = divmod(local, self.batch_size)
        if worker >= tail:
            return None
        return rank * self.workers + worker, head + i

    def parts(self, shard: int) -> List[Part]:
        """The requests that stream shard `shard`, in order."""
        if not self.drop_last:  # limited to its samples: `size` may be an epoch's first ones
            n = self.samples(shard)
            return [Part(shard, self.shards, self.start, 0, n, False)] if n else []
        head, tail = self._split()
        rank, worker = divmod(shard, self.workers)
        parts = [Part(shard, self.shards, self.start, 0, head, False)] if head else []
        if worker < tail:
            parts.append(Part(rank, self.world, self.start + head * self.shards, worker,
                              self.batch_size, True))
        return parts


def resumed(position: int, skip: FrozenSet[int], drop_last: bool, saved_shards: Optional[int],
            saved_batch: Optional[int], shards: int,
            batch_size: int) -> Tuple[int, FrozenSet[int]]:
    """(start, positions to leave out) of a pass resumed at `position` with `skip`, streamed
    in `shards` shards of batches of `batch_size`. Without drop_last, or in the shards and batch
    size the state was saved in (a state that does not record its batch size, an earlier
    client's, is taken to be of this one), the state's own: the uninterrupted epoch's rest
    exactly (each skipped sample lies in a batch of its shard that was wholly seen). A drop_last
    state resumed in another layout starts past its last seen sample instead, so that every
    batch stays whole (skipped samples would cut short batches of another size) and every rank
    has as many (DDP steps in lockstep): the few unseen samples before it are dropped, as
    drop_last drops a tail."""
    same = saved_shards == shards and saved_batch in (None, batch_size)
    if drop_last and skip and not same:
        return max(skip) + 1, frozenset()
    return position, skip


def resumed_layout(size: int, position: int, skip: FrozenSet[int], saved_shards: Optional[int],
                   saved_batch: Optional[int], world: int, workers: int, batch_size: int,
                   drop_last: bool) -> Tuple[Layout, FrozenSet[int]]:
    """The Layout of a pass resumed at `position` with `skip` (see `resumed`) by `world` ranks
    of `workers` streams (0: one, in the process), and the positions it leaves out."""
    k = max(1, workers)
    start, left_out = resumed(position, skip, drop_last, saved_shards, saved_batch, world * k,
                              batch_size)
    return Layout(size, start, world, k, batch_size, drop_last), left_out


def unseen(size: int, position: int, skip: FrozenSet[int], saved_shards: Optional[int],
           saved_batch: Optional[int], world: int, workers: int, batch_size: int,
           drop_last: bool) -> int:
    """Samples of the epoch that no rank sees when its pass resumes at `position` with `skip`
    (every sample before it and those in `skip` seen) in this layout: the unseen ones the
    resume passes over, and those drop_last leaves out of the rest. At 0 with no skip: those an
    uninterrupted pass leaves out."""
    layout, _ = resumed_layout(size, position, skip, saved_shards, saved_batch, world, workers,
                               batch_size, drop_last)
    streamed = sum(layout.samples(s) for s in range(layout.shards))
    again = sum(1 for p in skip if layout.streams(p))  # seen before, streamed once more
    return size - position - len(skip) - (streamed - again)


def skipped_batches(layout: Layout, skip: Iterable[int], shards: Iterable[int]) -> Dict[int, int]:
    """Batches of each of `shards` whose every sample is in `skip` (seen before a resume)."""
    wanted = set(shards)
    hits: Counter[Tuple[int, int]] = Counter()  # (shard, batch): samples in skip
    for p in skip:
        at = layout.locate(p)
        if at is not None and at[0] in wanted and layout.streams(p):
            hits[(at[0], at[1] // layout.batch_size)] += 1
    out = {s: 0 for s in wanted}
    for (s, b), n in hits.items():
        if n == min(layout.batch_size, layout.samples(s) - b * layout.batch_size):
            out[s] += 1
    return out


def rotation(layout: Layout, skip: Iterable[int], rank: int) -> int:
    """Which of rank `rank`'s streams the loader's worker 0 serves in a resumed pass: a
    DataLoader takes batches from its workers in turn from worker 0, but after d batches the
    uninterrupted pass owed the next one to stream d mod k, the first that had not run ahead
    (streams run ahead, in turn, by one batch of `skip`)."""
    k = layout.workers
    ahead = skipped_batches(layout, skip, range(rank * k, rank * k + k))
    least = min(ahead.values())
    return sum(1 for n in ahead.values() if n > least)


def rank_batches(size: int, position: int, skip: FrozenSet[int], saved_shards: Optional[int],
                 saved_batch: Optional[int], rank: int, world: int, workers: int,
                 batch_size: int, drop_last: bool) -> int:
    """Batches the loader of `rank` yields: its shards' batches, less those whose every sample
    is in `skip` (already seen before a resume: they are not yielded)."""
    layout, skip = resumed_layout(size, position, skip, saved_shards, saved_batch, world,
                                  workers, batch_size, drop_last)
    k = layout.workers
    own = range(rank * k, rank * k + k)
    total = sum((layout.samples(s) + batch_size - 1) // batch_size for s in own)
    return total - sum(skipped_batches(layout, skip, own).values())
