"""The DataLoader that `FgbgIterableDataset.loader()` returns.

Workers tag each batch with its Cursor (an object the DataLoader passes through untouched);
the loader records the cursor in the consuming process and hands out the batch alone, so
batches carry only user keys while state_dict() stays exact.
"""
import pickle
from typing import Any, Callable, Iterator, Optional

import torch
import torch.utils.data

from .. import _shm_room
from . import _shm_need, _world
from ._convert import map_tensors, shared
from ._resume import Cursor
from ._streamed import StreamedDataset
from ._types import TorchBatch
from ._untyped import worker_info
from ._worker_exit import exit_with_parent


def _check_picklable(fn: Any, name: str) -> None:
    """Spawned workers receive the dataset pickled: say so before a worker fails to start."""
    if fn is None:
        return
    try:
        pickle.dumps(fn)
    except (pickle.PicklingError, AttributeError, TypeError) as e:
        raise TypeError("%s %r cannot be pickled, and spawned DataLoader workers receive it "
                        "pickled: use a module-level function or a class instance, not a "
                        "lambda or local function (%s)" % (name, fn, e)) from None


class _Tagged:
    """A batch and its cursor on their way from a worker to the consumer."""

    __slots__ = ("cursor", "payload")

    def __init__(self, cursor: Cursor, payload: TorchBatch) -> None:
        self.cursor = cursor
        self.payload = payload

    def pin_memory(self) -> "_Tagged":  # DataLoader(pin_memory=True) calls this
        pinned: TorchBatch = map_tensors(lambda t: t.pin_memory(), self.payload)
        return _Tagged(self.cursor, pinned)


class _TaggedCollate:
    """A user's collate_fn, applied to the batch inside the tag (picklable for spawn)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def __call__(self, item: _Tagged) -> _Tagged:
        return _Tagged(item.cursor, self.fn(item.payload))


class _LoaderView(torch.utils.data.IterableDataset[_Tagged]):
    """What the DataLoader iterates: the dataset's stream, tagged, with the World the loader
    decided (pickled with the view into spawned workers)."""

    def __init__(self, dataset: StreamedDataset) -> None:
        super().__init__()
        self.dataset = dataset
        self.world: Optional[_world.World] = None
        self.torch_shm = 0  # /dev/shm bytes the loader's batches take (fgbg._shm_room)

    def __iter__(self) -> Iterator[_Tagged]:
        # Not a generator: a worker's DataLoader calls iter() as the worker starts, before any
        # index comes, and from then on the worker ends with its parent (_worker_exit).
        if worker_info() is not None:
            exit_with_parent()
            _shm_room.reserve_for_torch(self.torch_shm)  # before this worker makes its ring
        return self._tagged()

    def _tagged(self) -> Iterator[_Tagged]:
        ds = self.dataset
        info = worker_info()
        if self.world is None:
            raise RuntimeError("fgbg: this view is iterated by FgbgLoader only")
        if info is None:
            world, worker, workers = self.world, 0, 1
        else:
            world = _world.in_worker(self.world, ds.rank, ds.world_size, info.id)
            worker, workers = info.id, info.num_workers
        epoch = ds.feed.pass_epoch()  # set by the consumer before the workers start
        for cursor, out in ds.batches(epoch, world, worker, workers):
            if info is not None:
                out = shared(out)
            yield _Tagged(cursor, out)


class FgbgLoader(torch.utils.data.DataLoader[_Tagged]):
    """A DataLoader over an FgbgIterableDataset: batch_size=None (the dataset batches),
    spawned workers by default, exact state_dict(), and len() = batches this rank yields."""

    def __init__(self, dataset: StreamedDataset, **kwargs: Any) -> None:
        if kwargs.get("batch_size") is not None:
            raise ValueError("the dataset yields whole batches: leave the loader's batch_size "
                             "at None and set batch_size on FgbgIterableDataset")
        kwargs["batch_size"] = None
        if kwargs.get("num_workers", 0) > 0:
            kwargs.setdefault("multiprocessing_context", "spawn")
            _check_picklable(dataset.transform, "transform")
            _check_picklable(kwargs.get("collate_fn"), "collate_fn")
        if kwargs.get("collate_fn") is not None:
            kwargs["collate_fn"] = _TaggedCollate(kwargs["collate_fn"])
        self.fgbg_dataset = dataset
        self._started_generation = dataset.feed.generation
        self._view = _LoaderView(dataset)
        super().__init__(self._view, **kwargs)
        dataset.feed.streams = self.num_workers
        if self.num_workers > 0:
            # Workers pass batches through /dev/shm: their rings leave that room, and a
            # /dev/shm too small for the batches alone is said now, not as a worker's Bus error.
            self._view.torch_shm = _shm_need.need(dataset, self.num_workers,
                                                  self.prefetch_factor or 2)
            _shm_room.warn_if_short(self.num_workers, self._view.torch_shm)

    def __iter__(self) -> Iterator[TorchBatch]:  # type: ignore[override]
        feed = self.fgbg_dataset.feed
        if self._iterator is not None and self._started_generation != feed.generation:
            # Persistent workers hold the dataset as it was when they started.
            raise RuntimeError("fgbg: load_state_dict() was called after this loader's "
                               "persistent workers started; build a new loader after loading "
                               "the state")
        self._started_generation = feed.generation
        self._view.world = self.fgbg_dataset.world()
        epoch = feed.begin(self._view.world, max(1, self.num_workers))
        for item in super().__iter__():
            feed.observe(item.cursor)
            yield item.payload
        feed.end(epoch)

    def __len__(self) -> int:
        return self.fgbg_dataset.feed.length(self.fgbg_dataset.world(), self.num_workers)
