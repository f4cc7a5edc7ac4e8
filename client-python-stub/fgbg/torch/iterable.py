"""FgbgIterableDataset: whole batches streamed from the server, sharded over ranks and
DataLoader workers, a new epoch each pass, with exact mid-epoch resume."""
import multiprocessing
from typing import Any, Callable, Dict, Iterable, Iterator, Optional, Tuple

import numpy as np
import torch
import torch.utils.data

from ..client import Client
from ..credentials import Credentials
from ..errors import default_target
from . import _world
from ._convert import Images, Normalize, batch_dict, check_images, dataset_normalize
from ._resume import Cursor, Tracker
from ._shards import rank_batches

Transform = Callable[[Dict[str, Any]], Any]
_NONE = -1


class _Shared:
    """Counters every copy of a dataset (main process and its DataLoader workers) shares. From
    the spawn context: its semaphores are named, so they work in forked and spawned workers."""

    NEXT, PASS, PLAIN_PASSES, RESUME_EPOCH, GENERATION = range(5)

    def __init__(self) -> None:
        self.array = multiprocessing.get_context("spawn").Array("q", [0, 0, 0, _NONE, 0])

    def __getitem__(self, slot: int) -> int:
        return int(self.array[slot])

    def __setitem__(self, slot: int, value: int) -> None:
        self.array[slot] = value


class FgbgIterableDataset(torch.utils.data.IterableDataset):
    """Batches (dicts of tensors) from an fgbg server; iterate it, or use `loader()`.

    Each pass is the next epoch (or pin one with set_epoch). Every sample of an epoch is seen
    exactly once across ranks x DataLoader workers: rank and world size are taken in the process
    that builds the loader (rank=/world_size=, else torch.distributed, else RANK/WORLD_SIZE) and
    travel to the workers. Batches hold image, mask, depth, meta and index (the outputs the
    dataset has, unless `outputs` lists some); `transform` is applied to each batch dict in the
    worker. image="uint8" is zero-copy NHWC; image="float" is [n, 3, H, W] on [0, 1],
    normalised with `normalize=(mean, std)` or "dataset" (its exact Stats).
    """

    def __init__(self, target: Optional[str] = None, dataset: str = "builtin", seed: int = 0,
                 shuffle: bool = True, batch_size: int = 64,
                 outputs: Optional[Iterable[str]] = None, rank: Optional[int] = None,
                 world_size: Optional[int] = None, drop_last: bool = False,
                 image: str = "uint8", normalize: Normalize = None,
                 depth_dtype: str = "float16", transform: Optional[Transform] = None,
                 timeout: float = 30.0, stream_timeout: float = 24 * 3600.0,
                 credentials: Optional[Credentials] = None) -> None:
        super().__init__()
        if batch_size < 1:
            raise ValueError("batch_size must be positive, got %r" % (batch_size,))
        if transform is not None and not callable(transform):
            raise TypeError("transform must be callable, got %r" % (transform,))
        _world.own_view(rank, world_size)  # a half-given pair fails here, not in a worker
        self.target = default_target(target)
        self.dataset = dataset
        self.seed = seed
        self.shuffle = shuffle
        self.batch_size = batch_size
        self.outputs = None if outputs is None else tuple(outputs)
        self.rank = rank
        self.world_size = world_size
        self.drop_last = drop_last
        self.depth_dtype = depth_dtype
        self.transform = transform
        self.timeout = timeout
        self.stream_timeout = stream_timeout
        # Decided here, so that every worker reaches the server as the parent did.
        self.credentials = credentials if credentials is not None else Credentials.from_env()
        check_images(image, normalize)
        with self._client() as c:
            self.info = c.describe(dataset)
            if self.outputs is not None:  # the server's own check (and message) for them
                c.get_samples([0], dataset, seed, outputs=self.outputs, depth_dtype=depth_dtype)
            mean_std = dataset_normalize(normalize, lambda: c.stats(dataset, seed=seed,
                                                                    outputs=["image"]))
        self._images = Images(image, mean_std)
        self._shared = _Shared()
        self._tracker = Tracker()
        self._travelled: Optional[_world.World] = None
        self._loader_workers = 0  # what len() counts: the workers of the last loader()
        self._len_workers: Optional[int] = None  # workers len() was reported for

    def _client(self) -> Client:
        return Client(self.target, timeout=self.timeout, stream_timeout=self.stream_timeout,
                      credentials=self.credentials)

    def __getstate__(self) -> Dict[str, Any]:
        # Pickled for spawned DataLoader workers: the World is decided here, in the parent.
        state = self.__dict__.copy()
        if torch.utils.data.get_worker_info() is None:
            state["_travelled"] = _world.resolve(self.rank, self.world_size)
        return state

    # ------------------------------------------------------------------ epochs and lengths

    def set_epoch(self, epoch: int) -> None:
        """Pins the next pass to `epoch` (later passes continue from it)."""
        with self._shared.array.get_lock():
            self._shared[_Shared.NEXT] = int(epoch)
            self._shared[_Shared.PLAIN_PASSES] = 0

    def _begin_pass(self) -> int:
        """In the consuming process: the epoch of the pass that starts now."""
        with self._shared.array.get_lock():
            epoch = self._shared[_Shared.NEXT]
            self._shared[_Shared.NEXT] = epoch + 1
            self._shared[_Shared.PASS] = epoch
        self._tracker.begin(epoch)
        self._publish_resume()
        return epoch

    def _end_pass(self, epoch: int) -> None:
        self._tracker.end(epoch)
        self._publish_resume()

    def _publish_resume(self) -> None:
        e = self._tracker.resume_epoch
        self._shared[_Shared.RESUME_EPOCH] = _NONE if e is None else e

    def _plan(self, epoch: int) -> Tuple[int, frozenset]:
        """(start position, positions to leave out) of a pass, as the consumer decided it."""
        if self._shared[_Shared.RESUME_EPOCH] != epoch:
            return 0, frozenset()
        if (self._tracker.resume_epoch != epoch
                or self._tracker.generation != self._shared[_Shared.GENERATION]):
            raise RuntimeError("fgbg: load_state_dict() was called after this DataLoader worker "
                               "started (persistent_workers=True); build the loader after "
                               "loading the state")
        return self._tracker.resume

    def _length(self, world: _world.World, workers: int) -> int:
        epoch = self._tracker.current
        if epoch is None:
            epoch = self._shared[_Shared.NEXT]
        start, skip = self._tracker.start_of(epoch)
        return rank_batches(self.info.size, start, skip, world.rank, world.size, workers,
                            self.batch_size, self.drop_last)

    def __len__(self) -> int:
        """Batches this rank yields in the pass under way (or the next one), with the workers
        of the last `loader()` (none before one is built): what tqdm and OneCycleLR need."""
        self._len_workers = self._loader_workers
        return self._length(_world.resolve(self.rank, self.world_size), self._loader_workers)

    # ------------------------------------------------------------------ iteration

    def __iter__(self) -> Iterator[Any]:
        info = torch.utils.data.get_worker_info()
        if info is None:
            world = _world.resolve(self.rank, self.world_size)
            epoch = self._begin_pass()
            for cursor, out in self._stream(epoch, world, 0, 1):
                self._tracker.observe(cursor)
                yield out
            self._end_pass(epoch)
            return
        # A worker of a plain DataLoader (ds.loader() iterates a view instead): what it yields
        # cannot be recorded, and the epoch comes from counting the workers' passes.
        if self._len_workers is not None and self._len_workers != info.num_workers:
            raise ValueError("len(dataset) was reported for %d DataLoader workers but this "
                             "DataLoader has %d; use dataset.loader(num_workers=%d), whose len() "
                             "counts them" % (self._len_workers, info.num_workers,
                                              info.num_workers))
        world = (_world.in_worker(self._travelled, self.rank, self.world_size, info.id)
                 if self._travelled is not None  # spawned: decided by the parent
                 else _world.resolve(self.rank, self.world_size))  # forked: the parent's memory
        with self._shared.array.get_lock():
            n = self._shared[_Shared.PLAIN_PASSES]
            self._shared[_Shared.PLAIN_PASSES] = n + 1
        epoch = self._shared[_Shared.NEXT] + n // info.num_workers
        for _, out in self._stream(epoch, world, info.id, info.num_workers):
            yield out

    def _stream(self, epoch: int, world: _world.World, worker: int,
                workers: int) -> Iterator[Tuple[Cursor, Any]]:
        shards = world.size * workers
        shard = world.rank * workers + worker
        start, skip = self._plan(epoch)
        client = self._client()
        try:
            passed = 0
            for batch in client.stream_epoch(
                    self.dataset, seed=self.seed, epoch=epoch, shuffle=self.shuffle,
                    batch_size=self.batch_size, rank=shard, world_size=shards,
                    start_position=start, drop_last=self.drop_last and not skip,
                    outputs=self.outputs, depth_dtype=self.depth_dtype):
                passed += len(batch)
                keep = None
                if skip:
                    keep = np.fromiter((p not in skip for p in batch.positions.tolist()),
                                       dtype=bool, count=len(batch))
                    if not keep.any():
                        continue
                out = batch_dict(batch, self._images, keep)
                if self.transform is not None:
                    out = self.transform(out)
                yield Cursor(epoch, shard, shards, passed, start, world.rank, world.size,
                             workers), out
        finally:
            client.close()

    # ------------------------------------------------------------------ loader and resume

    def loader(self, **kwargs: Any) -> "torch.utils.data.DataLoader":
        """A DataLoader over this dataset (batch_size=None: batches come whole) that records
        what the consumer received, so that state_dict() is exact with any num_workers, and
        whose len() counts its workers. Workers are spawned: gRPC does not survive fork() in a
        process that has used it."""
        from .loader import FgbgLoader

        return FgbgLoader(self, **kwargs)

    def state_dict(self) -> Dict[str, Any]:
        """Where the consumer is: epoch, a global position before which every sample was seen,
        and the samples after it already seen (see fgbg.torch._resume)."""
        state = self._tracker.state(self.seed, self._shared[_Shared.NEXT])
        state.update(fingerprint=self.info.fingerprint, shuffle=self.shuffle)
        return state

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        """Continues from `state` on the next pass (also with another world size or workers)."""
        missing = [k for k in ("seed", "epoch", "position", "skip") if k not in state]
        if missing:
            raise ValueError("state is missing %s; pass what state_dict() returned" % missing)
        for key, mine in (("seed", self.seed), ("fingerprint", self.info.fingerprint),
                          ("shuffle", self.shuffle)):
            if key in state and state[key] != mine:
                raise ValueError("state is for %s %r, this dataset has %s %r"
                                 % (key, state[key], key, mine))
        position = int(state["position"])
        if not 0 <= position <= self.info.size or any(
                not position <= int(p) < self.info.size for p in state["skip"]):
            raise ValueError("state position %d (or a skipped position) is outside this "
                             "dataset's %d samples" % (position, self.info.size))
        self.set_epoch(int(state["epoch"]))
        with self._shared.array.get_lock():
            generation = self._shared[_Shared.GENERATION] + 1
            self._shared[_Shared.GENERATION] = generation
        self._tracker.load(state, generation)
        self._publish_resume()
