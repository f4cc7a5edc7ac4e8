"""How an epoch falls into shards and batches (mirrors the server's EpochPlan), for len().

The loader of rank r with k workers streams shards s = r*k + w (w < k) of S = world*k: shard s
takes epoch positions start + s + j*S, in batches of B, each worker one shard.
"""
from collections import Counter
from typing import AbstractSet, FrozenSet, Optional, Tuple


def shard_samples(remaining: int, shard: int, shards: int, batch_size: int,
                  drop_last: bool) -> int:
    """Samples shard `shard` of `shards` streams from `remaining` positions."""
    if drop_last:
        per = remaining // shards
        return per - per % batch_size
    return (remaining - shard + shards - 1) // shards if remaining > shard else 0


def resumed(position: int, skip: FrozenSet[int], drop_last: bool, saved_shards: Optional[int],
            shards: int) -> Tuple[int, FrozenSet[int]]:
    """(start, positions to leave out) of a pass resumed at `position` with `skip`, streamed
    in `shards` shards. Without drop_last, or in the shards the state was saved in, the state's
    own: the uninterrupted epoch's rest exactly (each skipped sample lies in a batch of its shard
    that was wholly seen). A drop_last state resumed in other shards starts past its last seen
    sample instead, so that every batch stays whole and every rank has as many (DDP steps in
    lockstep): the few unseen samples before it are dropped, as drop_last drops a tail."""
    if drop_last and skip and saved_shards != shards:
        return max(skip) + 1, frozenset()
    return position, skip


def rank_batches(size: int, position: int, skip: FrozenSet[int], saved_shards: Optional[int],
                 rank: int, world: int, workers: int, batch_size: int, drop_last: bool) -> int:
    """Batches the loader of `rank` yields: its shards' batches, less those whose every sample
    is in `skip` (already seen before a resume: they are not yielded)."""
    k = max(1, workers)
    shards = world * k
    start, skip = resumed(position, skip, drop_last, saved_shards, shards)
    drop = drop_last
    counts = {s: shard_samples(size - start, s, shards, batch_size, drop)
              for s in range(rank * k, rank * k + k)}
    total = sum((n + batch_size - 1) // batch_size for n in counts.values())
    hits: Counter = Counter()
    for p in skip:
        s, j = (p - start) % shards, (p - start) // shards
        if s in counts and j < counts[s]:
            hits[(s, j // batch_size)] += 1
    for (s, b), n in hits.items():
        if n == min(batch_size, counts[s] - b * batch_size):
            total -= 1
    return total
