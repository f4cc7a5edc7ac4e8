"""Which rank of how many this process is, decided where the loader is built.

The rule, in order: rank= and world_size= when given (refused when an initialised
torch.distributed group says otherwise); torch.distributed when it is initialised;
RANK and WORLD_SIZE from the environment (as torchrun sets them; LOCAL_RANK when RANK is absent
on a single node); else rank 0 of 1. A DataLoader worker does not decide for itself (a spawned
worker has no process group): it receives the loader's World and raises if its own view differs.
"""
import os
from dataclasses import dataclass
from typing import Mapping, Optional

import torch

from .._checks import optional_integer


@dataclass(frozen=True)
class World:
    """Rank `rank` of `size`, and where that came from (for error messages)."""

    rank: int
    size: int
    source: str

    def __str__(self) -> str:
        return "rank %d of %d (%s)" % (self.rank, self.size, self.source)

    def same_as(self, other: "World") -> bool:
        return (self.rank, self.size) == (other.rank, other.size)


SINGLE = World(0, 1, "no torch.distributed group and no RANK/WORLD_SIZE: single process")


def _checked(rank: int, size: int, source: str) -> World:
    if size < 1 or not 0 <= rank < size:
        raise ValueError("rank %d must be in [0, world_size %d) (%s)" % (rank, size, source))
    return World(rank, size, source)


def _env_int(env: Mapping[str, str], name: str) -> Optional[int]:
    value = env.get(name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError("environment variable %s=%r is not an integer" % (name, value)) from None


def from_environment(env: Mapping[str, str] = os.environ) -> Optional[World]:
    """The World that RANK / WORLD_SIZE (/ LOCAL_RANK) describe, or None when unset."""
    rank, size = _env_int(env, "RANK"), _env_int(env, "WORLD_SIZE")
    local, local_size = _env_int(env, "LOCAL_RANK"), _env_int(env, "LOCAL_WORLD_SIZE")
    if rank is None and size is None:
        return None
    if size is None:
        raise ValueError("RANK=%s is set but WORLD_SIZE is not; set both (torchrun does)" % rank)
    if rank is None:
        if local is not None and local_size == size:
            return _checked(local, size, "LOCAL_RANK/WORLD_SIZE environment, one node")
        raise ValueError("WORLD_SIZE=%d is set but RANK is not (LOCAL_RANK alone says nothing "
                         "across nodes); set RANK, or pass rank= and world_size=" % size)
    return _checked(rank, size, "RANK/WORLD_SIZE environment")


def from_process_group() -> Optional[World]:
    dist = torch.distributed
    if dist.is_available() and dist.is_initialized():
        return _checked(dist.get_rank(), dist.get_world_size(), "torch.distributed")
    return None


def own_view(rank: Optional[int], world_size: Optional[int]) -> Optional[World]:
    """What this process sees by the rule above; None when nothing says (no group, no env)."""
    rank, world_size = optional_integer(rank, "rank"), optional_integer(world_size, "world_size")
    if (rank is None) != (world_size is None):
        raise ValueError("give both rank= and world_size=, or neither (then they come from "
                         "torch.distributed or RANK/WORLD_SIZE); got rank=%r, world_size=%r"
                         % (rank, world_size))
    group = from_process_group()
    if rank is not None and world_size is not None:
        given = _checked(rank, world_size, "given")
        if group is not None and not group.same_as(given):
            # Every rank of the group streams its own shard: a world size other than the group's
            # leaves part of each epoch unseen (or seen twice), a rank other than its own too.
            raise ValueError("rank=%d, world_size=%d were given but torch.distributed says %s; "
                             "they must agree (or leave them out: they come from "
                             "torch.distributed)" % (rank, world_size, group))
        return given
    env = from_environment()
    if group is not None and env is not None and not group.same_as(env):
        raise ValueError("torch.distributed says %s but the environment says %s; they must "
                         "agree" % (group, env))
    return group or env


def resolve(rank: Optional[int], world_size: Optional[int]) -> World:
    """The World of the process that builds (or iterates) the loader."""
    return own_view(rank, world_size) or SINGLE


def in_worker(travelled: World, rank: Optional[int], world_size: Optional[int],
              worker_id: int) -> World:
    """The loader's World inside DataLoader worker `worker_id`, checked against the worker's
    own view when it has one."""
    mine = own_view(rank, world_size)
    if mine is not None and not mine.same_as(travelled):
        raise RuntimeError("fgbg: DataLoader worker %d sees %s, but its loader was built as %s; "
                           "refusing to guess which shard to stream (build the loader in the "
                           "process that will consume it, and do not change RANK/WORLD_SIZE in "
                           "workers)" % (worker_id, mine, travelled))
    return travelled


def draws_progress(rank: Optional[int] = None, world_size: Optional[int] = None) -> bool:
    """Whether this process draws progress bars: rank 0, or a process not distributed (one bar
    for a job, not one per rank)."""
    try:
        return resolve(rank, world_size).rank == 0
    except ValueError:  # a muddled RANK/WORLD_SIZE is said where a loader needs them
        return True


def affinity_rank() -> int:
    """This process's rank for choosing a home replica (FgbgDataset, which takes no rank=):
    a muddled RANK/WORLD_SIZE only costs the spread over replicas, so it counts as rank 0."""
    try:
        return resolve(None, None).rank
    except ValueError:
        return 0


def consumer(world: World, stream: int, streams: int, worker: bool) -> str:
    """The name that starts the lines of stream `stream` of `streams` of `world`'s rank (its
    reconnect window's, its moves'): "rank 0, worker 1" under DDP, "worker 1" in a DataLoader
    worker (`worker`) of a single process, "stream 1" of a device loader's streams read in one
    process; "" for a single process's only stream. Not its shard's request's rank: with
    workers, that is rank·workers + worker, which read as a rank a job does not have."""
    names = ["rank %d" % world.rank] if world.size > 1 else []
    if worker or streams > 1:
        names.append("%s %d" % ("worker" if worker else "stream", stream))
    return ", ".join(names)
