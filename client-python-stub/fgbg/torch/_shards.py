"""How an epoch falls into shards and batches (mirrors the server's EpochPlan), for len().

The loader of rank r with k workers streams shards s = r*k + w (w < k) of S = world*k: shard s
takes epoch positions start + s + j*S, in batches of B, each worker one shard.
"""
from collections import Counter
from typing import AbstractSet


def shard_samples(remaining: int, shard: int, shards: int, batch_size: int,
                  drop_last: bool) -> int:
    """Samples shard `shard` of `shards` streams from `remaining` positions."""
    if drop_last:
        per = remaining // shards
        return per - per % batch_size
    return (remaining - shard + shards - 1) // shards if remaining > shard else 0


def rank_batches(size: int, start: int, skip: AbstractSet[int], rank: int, world: int,
                 workers: int, batch_size: int, drop_last: bool) -> int:
    """Batches the loader of `rank` yields: its shards' batches, less those whose every sample
    is in `skip` (already seen before a resume: they are not yielded)."""
    k = max(1, workers)
    shards = world * k
    drop = drop_last and not skip  # as the dataset streams a resumed pass
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
