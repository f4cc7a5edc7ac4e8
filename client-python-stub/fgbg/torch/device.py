"""FgbgDeviceLoader: batches from several server streams, read in the training process and
copied to the GPU straight out of their shared-memory slots.

    ds = FgbgIterableDataset(batch_size=64, image="float", normalize="dataset")
    for batch in ds.device_loader(streams=4):    # CUDA tensors (CPU tensors without CUDA)
        ...

The server is the worker pool: each of the `streams` StreamEpoch calls renders on its own lane
of the server's render threads, so no DataLoader workers are needed and no batch is pickled
between processes. Rank r with k streams streams shards r*k + s of world*k, exactly as a
DataLoader with k workers would (the same samples, digests, len() and exact state_dict()).
"""
from collections import deque
from typing import Any, Deque, Dict, Iterator, Optional, Sequence, Tuple, Union, cast

import numpy as np
from numpy.typing import NDArray
import torch

from .. import shm
from .._checks import integer
from ..batch import Batch
from ._convert import IMAGE_KEYS, Images, arrays, batch_dict, labels, map_tensors, tensor
from ._feed import ShardBatch
from ._instances import spec_slots
from ._resume import Cursor
from ._streamed import StreamedDataset
from ._types import TorchBatch, transformed
from ._transfer import HostRegistry, Releases
from ._untyped import cuda_stream, cudart, recorded_event

Device = Union[None, str, int, torch.device]
Staged = Any  # what a copier hands back for a batch until the consumer takes it


def default_device(device: Device) -> torch.device:
    """`device`, else the current CUDA device, else the CPU."""
    if device is not None:
        return torch.device(device)
    if torch.cuda.is_available():
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


class _HostCopier:
    """CPU tensors: views of the slot (no copy; writable, as torch tensors are, but only this
    batch sees a write; the slot is given back when the last tensor made from it is gone), or
    with `copy`, one copy each and the slot given back now."""

    def __init__(self, images: Images, copy: bool, slots: int = 0, threshold: int = 128) -> None:
        self.images = images
        self.copy = copy
        self.slots = slots
        self.threshold = threshold

    def make_room(self, stream: int) -> None:
        pass  # the user's references hold the slots; the client spills when all are held

    def put(self, stream: int, batch: Batch, keep: Optional[NDArray[np.bool_]]) -> Staged:
        out = cast(Dict[str, Any], batch_dict(batch, self.images, keep, self.slots,
                                              self.threshold))
        if self.copy and batch.shared_memory:
            for key in arrays(batch):
                if key not in IMAGE_KEYS or not self.images.copies:
                    out[key] = out[key].clone()
            batch.release()
        return out

    def take(self, staged: Staged) -> TorchBatch:
        out: TorchBatch = staged  # what put made
        return out

    def close(self) -> None:
        pass


class _CudaCopier:
    """Copies each batch to `device` on a copy stream of its own, from the slot itself (page-
    locked once by cudaHostRegister; a batch that came over the network is staged through
    pinned memory), converts the image there, and gives the slot back once the copy's event has
    completed. The consumer's stream waits for the batch's event; its tensors are recorded on
    that stream, as the caching allocator needs for memory made on another stream."""

    def __init__(self, device: torch.device, images: Images, ring_slots: int,
                 slots: int = 0, threshold: int = 128) -> None:
        self.device = device
        self.slots = slots  # meta["instances"] padding (not a ring's slots)
        self.threshold = threshold
        self.images = images.to(device)
        self.stream = cuda_stream(device)
        self.releases = Releases()
        self.registry = HostRegistry(cudart())
        # At most this many slots of a stream in copy when the next batch is asked for: the
        # client moves a stream to the network once every slot is held, and the server needs
        # one free to render ahead into.
        self.in_copy = max(0, ring_slots - 2)

    def make_room(self, stream: int) -> None:
        self.releases.wait(stream, self.in_copy)

    def put(self, stream: int, batch: Batch, keep: Optional[NDArray[np.bool_]]) -> Staged:
        host = {key: tensor(a) for key, a in arrays(batch).items()}
        slot = batch.slot()
        pinned = slot is not None and self.registry.register(slot)
        if not pinned:
            host = {key: t.pin_memory() for key, t in host.items()}  # torch's host allocator
            batch.release()  # keeps these blocks until their copies are done
        with torch.cuda.stream(self.stream):
            out: Dict[str, Any] = {key: t.to(self.device, non_blocking=True)
                                   for key, t in host.items()}
            if pinned:
                copied = recorded_event(self.stream)
                self.releases.add(copied, batch.release, stream, (batch, host))
            if keep is not None:
                rows = torch.from_numpy(np.flatnonzero(keep)).to(self.device)
                out = {key: t.index_select(0, rows) for key, t in out.items()}
            for key in IMAGE_KEYS:
                if key in out:
                    out[key] = self.images(out[key])
            ready = recorded_event(self.stream)
        out.update(labels(batch, keep, self.slots, self.threshold))
        return out, ready

    def take(self, staged: Staged) -> TorchBatch:
        out, ready = staged
        consumer: Any = torch.cuda.current_stream(self.device)  # typed torch._C.Stream in 1.13
        consumer.wait_event(ready)

        def hand_over(t: torch.Tensor) -> torch.Tensor:
            if t.device.type == "cuda":
                t.record_stream(consumer)
            return t

        self.releases.poll()
        moved: TorchBatch = map_tensors(hand_over, out)  # a batch dict, as put made it
        return moved

    def close(self) -> None:
        """Waits for the copies still reading slots, then unregisters the slots."""
        self.releases.drain()
        self.registry.close()


class FgbgDeviceLoader:
    """Batches of an FgbgIterableDataset from `streams` server streams read in this process,
    as tensors on `device` (default: the current CUDA device, else the CPU). Build it with
    `dataset.device_loader(...)`; iterate it as a DataLoader (each pass is the dataset's next
    epoch); `len()` and `dataset.state_dict()` are exact as with `dataset.loader()`.

    On CUDA (pin_memory + non_blocking semantics, without the extra copies): each shared-memory
    slot is page-locked once, the host-to-device copy reads the slot itself on a copy stream,
    up to `prefetch` batches ahead of the one being consumed, and the slot is given back when
    that copy's CUDA event has completed. image="float" is converted and normalised on the GPU.
    Batches are device tensors of their own (keep them as long as you like); `meta` and
    `index` stay on the CPU. The dataset's transform runs here, on the device tensors.

    On the CPU: the same batches as CPU tensors that are views of the slot (no copy; the slot
    is given back when the last tensor made from it is gone, and a stream whose slots are all
    held continues over the network; an in-place change alters that batch alone, as the server
    writes a slot again only once it is given back), or, with `copy=True`, one copy each and the
    slot given back at once.
    """

    def __init__(self, dataset: StreamedDataset, streams: int = 4, device: Device = None,
                 prefetch: int = 2, copy: bool = False) -> None:
        streams, prefetch = integer(streams, "streams"), integer(prefetch, "prefetch")
        for name, value in (("streams", streams), ("prefetch", prefetch)):
            if value < 1:
                raise ValueError("%s must be at least 1, got %r" % (name, value))
        self.dataset = dataset
        self.streams = streams
        self.device = default_device(device)
        if self.device.type not in ("cpu", "cuda"):
            raise ValueError("device must be a CUDA device or the CPU, got %s" % self.device)
        if self.device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError("device %s: torch.cuda.is_available() is False here; leave device "
                             "at None for the CPU" % self.device)
        self.prefetch = prefetch
        self.copy = copy
        dataset.feed.streams = streams

    def __len__(self) -> int:
        return int(self.dataset.feed.length(self.dataset.world(), self.streams))

    def _copier(self) -> Union[_HostCopier, _CudaCopier]:
        info = self.dataset.info
        if self.device.type == "cuda":
            return _CudaCopier(self.device, self.dataset.image_conversion, shm.SLOTS,
                               spec_slots(info), info.spec.mask_threshold)
        return _HostCopier(self.dataset.image_conversion, self.copy, spec_slots(info),
                           info.spec.mask_threshold)

    def __iter__(self) -> Iterator[TorchBatch]:
        feed = self.dataset.feed
        world = self.dataset.world()
        epoch = feed.begin(world, self.streams)
        shards = [feed.shard(epoch, world, s, self.streams) for s in range(self.streams)]
        copier = self._copier()
        transform = self.dataset.transform
        try:
            for cursor, staged in _staged(shards, copier, self.prefetch):
                out = copier.take(staged)
                feed.observe(cursor)
                yield transformed(transform, out)
        finally:
            copier.close()
            for shard in shards:
                shard.close()
        feed.end(epoch)


def _staged(shards: Sequence[Iterator[ShardBatch]], copier: Union[_HostCopier, _CudaCopier],
            prefetch: int) -> Iterator[Tuple[Cursor, Staged]]:
    """Batches of the shards in turn (as a DataLoader takes its workers' batches: 0, 1, ...,
    k-1, 0, ...; a finished shard drops out), each put to the copier `prefetch` batches ahead
    of the one handed on."""
    live = list(range(len(shards)))
    turn = 0
    ahead: Deque[Tuple[Cursor, Staged]] = deque()
    while live or ahead:
        while live and len(ahead) < prefetch:
            turn %= len(live)
            stream = live[turn]
            copier.make_room(stream)
            item = next(shards[stream], None)
            if item is None:
                live.pop(turn)
                continue
            turn += 1
            cursor, batch, keep = item
            ahead.append((cursor, copier.put(stream, batch, keep)))
            del item, batch
        if ahead:
            yield ahead.popleft()
