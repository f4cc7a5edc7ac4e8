"""FgbgIterableDataset: whole batches streamed from the server, sharded over ranks and
DataLoader workers, a new epoch each pass, with exact mid-epoch resume."""
import copy
from typing import Any, Dict, Iterable, Iterator, Optional, Tuple

import torch
import torch.utils.data

from .. import _shm_room
from .._checks import integer, integers, names
from .._proto import pb
from .._requests import dtype_enum, field
from .._default_dataset import or_default, say_default
from ..credentials import Credentials
from ..errors import default_target, served
from ..reconnect import Reconnect, describe, seconds
from . import _shm_need, _world
from ._convert import (Images, Normalize, batch_dict, check_images, dataset_normalize, shared,
                       transform_arg)
from ._feed import Feed, ShardRequest
from ._instances import spec_slots
from ._resume import LAYOUT_KEYS, Cursor
from ._settings import differences, settings
from ._types import TorchBatch, Transform, transformed
from ._untyped import worker_info
from ._worker_exit import exit_with_parent
from .device import Device, FgbgDeviceLoader
from .loader import FgbgLoader


class FgbgIterableDataset(torch.utils.data.IterableDataset[TorchBatch]):
    """Batches (dicts of tensors) from an fgbg server; iterate it, or use `loader()` (a
    DataLoader) or `device_loader()` (several server streams in this process, batches on the
    GPU).

    Each pass is the next epoch (after set_epoch(e): e, then e + 1, ...). Every sample of an
    epoch is seen exactly once across ranks x DataLoader workers: rank and world size are taken
    in the process that builds the loader (rank=/world_size=, else torch.distributed, else
    RANK/WORLD_SIZE) and travel to the workers. Batches (TorchBatch dicts) hold image, mask,
    depth, meta and index (the outputs the dataset has, unless `outputs` lists some; a scene's
    meta also has instances, its labelled objects padded to objects_max: see
    fgbg.torch.detection_targets); `transform` is applied to each batch dict in the worker.
    image="uint8" is zero-copy NHWC; image="float" is [n, 3, H, W] (contiguous) on [0, 1],
    normalised with `normalize=(mean, std)` or "dataset" (its exact Stats).

    It yields whole batches: a plain DataLoader needs `batch_size=None`, else it batches them
    again (`batch_size=4` over batch_size=16 gives masks [4, 16, H, W]); torch tells a dataset
    nothing of its DataLoader's batch_size, so this cannot be caught here.

    `reconnect` (seconds or a timedelta; 0: off) keeps every stream trying that long when its
    server (every replica) stops answering, e.g. restarts, and then resumes it exactly; the
    first Describe tries each replica in turn, then waits the same way for a server still
    starting (see fgbg.reconnect). Without `dataset` it reads builtin, and says so (a WARNING,
    once per process) when the server serves other datasets too.

    `limit` (0: every sample) makes each epoch its first `limit` positions, as
    Client.stream_epoch's `limit` does for one rank: with shuffle a random subset of that many
    samples, another each epoch; without, indices 0 to limit - 1. Ranks and workers share it as
    they share a whole epoch (each sample once), and state_dict() resumes within it.
    """

    def __init__(self, target: Optional[str] = None, dataset: Optional[str] = None,
                 seed: int = 0, shuffle: bool = True, batch_size: int = 64,
                 outputs: Optional[Iterable[str]] = None, rank: Optional[int] = None,
                 world_size: Optional[int] = None, drop_last: bool = False,
                 image: str = "uint8", normalize: Normalize = None,
                 depth_dtype: str = "float16", transform: Optional[Transform] = None,
                 timeout: float = 30.0, stream_timeout: float = 24 * 3600.0,
                 credentials: Optional[Credentials] = None, reconnect: Reconnect = 0,
                 limit: int = 0) -> None:
        super().__init__()
        named = dataset  # None: the default, said when the server serves others too
        # As its stream requests take them: errors name the argument here, not in a worker.
        seed, batch_size, shuffle, drop_last, limit = (
            field(pb.StreamEpochRequest, k, v) for k, v in (
                ("seed", seed), ("batch_size", batch_size), ("shuffle", shuffle),
                ("drop_last", drop_last), ("limit", limit)))
        if limit < 0:
            raise ValueError("limit must be 0 (every sample) or more, got %r" % (limit,))
        dataset = str(field(pb.StreamEpochRequest, "dataset", or_default(dataset)))
        if batch_size < 1:
            raise ValueError("batch_size must be positive, got %r" % (batch_size,))
        dtype_enum(depth_dtype)  # here, not as a KeyError in a worker (fgbg._sample_bytes)
        transform_arg(transform)
        _world.own_view(rank, world_size)  # a half-given pair fails here, not in a worker
        self.target = default_target(target)
        self.dataset = dataset
        self.seed = seed
        self.shuffle = shuffle
        self.batch_size = batch_size
        self.outputs = names(outputs, "outputs")
        self.rank = rank
        self.world_size = world_size
        self.drop_last = drop_last
        self.limit = limit
        self.depth_dtype = depth_dtype
        self.transform = transform
        # Decided here, so that every worker reaches the server as the parent did.
        self.credentials = Credentials.of(credentials, None)
        options: Dict[str, Any] = dict(timeout=timeout, stream_timeout=stream_timeout,
                                       credentials=self.credentials)
        check_images(image, normalize)
        self.reconnect = seconds(reconnect)
        # The first replica in the targets' order that answers decides the data, for every
        # rank alike (the streams keep to its fingerprint; they spread by rank themselves).
        c, self.info = describe(self.target, dataset, self.reconnect, **options)
        with c:
            if named is None:
                say_default(c)
            if self.outputs is not None:  # the server's own check (and message) for them
                c.get_samples([0], dataset, seed, outputs=self.outputs, depth_dtype=depth_dtype)
            progress = _world.draws_progress(rank, world_size)
            mean_std = dataset_normalize(normalize, lambda: c.stats(
                self.dataset, seed=seed, outputs=["image"], progress=progress))
        self.image_conversion = Images(image, mean_std)
        self._served = c.target  # in a spawned worker too: see batches()
        #: The passes, what the consumer received and the shard streams (see fgbg.torch._feed).
        self.feed = Feed(ShardRequest(self.target, dataset, seed, shuffle, batch_size,
                                      self.outputs, drop_last, depth_dtype, options,
                                      self.reconnect, self.info.fingerprint),
                         min(limit, self.info.size) if limit else self.info.size)
        self._travelled: Optional[_world.World] = None

    def world(self) -> _world.World:
        """The rank and world size this process streams as (see fgbg.torch._world)."""
        return _world.resolve(self.rank, self.world_size)

    def __getstate__(self) -> Dict[str, Any]:
        # Pickled for spawned DataLoader workers: the World is decided here, in the parent.
        state = self.__dict__.copy()
        if worker_info() is None:
            state["_travelled"] = self.world()
        return state

    def __copy__(self) -> "FgbgIterableDataset":
        # A shallow copy, but for the Feed: shared, two datasets would advance one epoch
        # counter. Not through __getstate__, which would pin the world as it is now.
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.feed = copy.deepcopy(self.feed)
        return other

    def __repr__(self) -> str:
        return ("FgbgIterableDataset(target=%r, dataset=%r, seed=%d, size=%d, batch_size=%d, "
                "shuffle=%r, outputs=%r)" % (self.target, self.dataset, self.seed, self.info.size,
                                             self.batch_size, self.shuffle, self.outputs))

    def set_epoch(self, epoch: int) -> None:
        """Makes the next pass epoch `epoch`, and later passes `epoch` + 1, ... (it sets where
        the count goes on from, unlike DistributedSampler.set_epoch, which holds until called
        again; calling it before every pass, as for that sampler, gives the same epochs)."""
        self.feed.set_epoch(epoch)

    def __len__(self) -> int:
        """Batches this rank yields in the pass under way (or the next one), with the workers
        (or streams) of the last loader built (none before one is): what tqdm and OneCycleLR
        need."""
        self.feed.len_streams = self.feed.streams
        return self.feed.length(self.world(), self.feed.streams)

    def batches(self, epoch: int, world: _world.World, stream: int,
                streams: int) -> Iterator[Tuple[Cursor, TorchBatch]]:
        """Stream `stream` of `streams` of a pass as batch dicts (with the cursor of each),
        converted and transformed here (in a DataLoader worker, in the worker)."""
        served(self._served)  # a refusal then says it stopped (fgbg.errors)
        for cursor, batch, keep in self.feed.shard(epoch, world, stream, streams):
            out = batch_dict(batch, self.image_conversion, keep, spec_slots(self.info),
                             self.info.spec.mask_threshold)
            yield cursor, transformed(self.transform, out)

    def __iter__(self) -> Iterator[TorchBatch]:
        # Not a generator: a plain DataLoader's worker calls iter() as it starts, and from then
        # on ends with its parent (_worker_exit).
        if worker_info() is not None:
            exit_with_parent()
        return self._passes()

    def _passes(self) -> Iterator[TorchBatch]:
        info = worker_info()
        counted = self.feed.len_streams
        if info is None:
            if counted is not None and counted > 1:  # 0 and 1 worker: one stream, as here
                raise ValueError("len(dataset) was reported for %d DataLoader workers but this "
                                 "process iterates it itself (num_workers=0); use "
                                 "dataset.loader(num_workers=0), whose len() counts it"
                                 % counted)
            world = self.world()
            epoch = self.feed.begin(world, 1)
            for cursor, out in self.batches(epoch, world, 0, 1):
                self.feed.observe(cursor)
                yield out
            self.feed.end(epoch)
            return
        # A worker of a plain DataLoader (ds.loader() iterates a view instead): what it yields
        # cannot be recorded, and the epoch comes from counting the workers' passes.
        if counted is not None and counted != info.num_workers:
            asked = ("len() was asked of the dataset itself (a plain DataLoader's len(), e.g. "
                     "by tqdm), which counts the batches of one process" if counted == 0 else
                     "len(dataset) was reported for %d DataLoader workers" % counted)
            raise ValueError("%s, but this DataLoader has %d workers, whose batches differ; use "
                             "dataset.loader(num_workers=%d), whose len() counts them"
                             % (asked, info.num_workers, info.num_workers))
        world = (_world.in_worker(self._travelled, self.rank, self.world_size, info.id)
                 if self._travelled is not None  # spawned: decided by the parent
                 else self.world())  # forked: the parent's memory
        epoch = self.feed.plain_worker_epoch(info.num_workers)
        if info.id == 0:  # one worker says it for the rank (its stderr, unless logging is set)
            self.feed.warn_resume(world, info.num_workers, epoch)
        # A plain DataLoader's prefetch_factor is not seen here: torch's default (2) is assumed.
        _shm_room.reserve_for_torch(_shm_need.need(self, info.num_workers, 2))
        for _, out in self.batches(epoch, world, info.id, info.num_workers):
            yield shared(out)

    # ------------------------------------------------------------------ loaders and resume

    def loader(self, **kwargs: Any) -> FgbgLoader:
        """A DataLoader over this dataset (batch_size=None: batches come whole) that records
        what the consumer received, so that state_dict() is exact with any num_workers, and
        whose len() counts its workers. Workers are spawned: gRPC does not survive fork() in a
        process that has used it."""
        return FgbgLoader(self, **kwargs)

    def device_loader(self, streams: int = 4, device: Device = None, prefetch: int = 2,
                      copy: bool = False) -> FgbgDeviceLoader:
        """Batches from `streams` server streams read in this process, copied to `device`
        (default: the current CUDA device, else the CPU) straight from the shared-memory slots:
        see FgbgDeviceLoader. state_dict() is exact as with loader()."""
        return FgbgDeviceLoader(self, streams=streams, device=device, prefetch=prefetch,
                                copy=copy)

    def state_dict(self) -> Dict[str, Any]:
        """Where the consumer is: epoch, a global position before which every sample was seen,
        and the samples after it already seen (see fgbg.torch._resume). Raises ValueError after a
        pass read by a plain DataLoader's workers, whose batches it never sees."""
        state = self.feed.state()
        state.update(fingerprint=self.info.fingerprint, shuffle=self.shuffle,
                     settings=settings(self.info))
        if self.limit:  # recorded when set: states of whole epochs stay as they were
            state["limit"] = self.limit
        return state

    def _served_otherwise(self, state: Dict[str, Any]) -> str:
        """How the dataset a state of another fingerprint was saved on differed from this one,
        as far as the state records its settings (states before they were recorded: none)."""
        saved = state.get("settings")
        if not isinstance(saved, dict):
            return "with other assets or options (its folders, --size, --placements, ...)"
        changed = differences(saved, settings(self.info))
        if not changed:
            return ("with other assets or options: its asset files or depth model (the settings "
                    "the state records are alike)")
        return "with other assets or options: " + "; ".join(changed)

    def _samples(self) -> str:
        """An epoch's samples in words: "800 samples", "100 samples (limit 100 of 800)"."""
        return "%d samples%s" % (self.feed.size, " (limit %d of %d)" % (
            self.limit, self.info.size) if self.feed.size < self.info.size else "")

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        """Continues from `state` on the next pass (also with another world size or workers)."""
        missing = [k for k in ("seed", "epoch", "position", "skip") if k not in state]
        if missing:
            raise ValueError("state is missing %s; pass what state_dict() returned" % missing)
        named = {k: integer(state[k], "state[%r]" % k) for k in ("seed", "epoch", "position")}
        state = dict(state, skip=integers(state["skip"], "state['skip']"), **named)
        for key in ("shards",) + LAYOUT_KEYS:  # the saving layout: absent from older states
            if state.get(key) is not None:
                state[key] = integer(state[key], "state[%r]" % key)
                if state[key] < 1:
                    raise ValueError("state[%r] is %d; pass what state_dict() returned"
                                     % (key, state[key]))
        for key, mine in (("seed", self.seed), ("fingerprint", self.info.fingerprint),
                          ("shuffle", self.shuffle)):
            if key in state and state[key] != mine and key == "fingerprint":
                raise ValueError("state is for fingerprint %r, this dataset (%r, %d samples) has "
                                 "fingerprint %r: the state was saved on a dataset served %s; "
                                 "load it into the dataset it came from"
                                 % (state[key], self.info.name, self.info.size, mine,
                                    self._served_otherwise(state)))
            if key in state and state[key] != mine:
                raise ValueError("state is for %s %r, this dataset has %s %r"
                                 % (key, state[key], key, mine))
        limit = integer(state.get("limit", 0), "state['limit']")
        if limit != self.limit:  # another subset of each epoch
            raise ValueError("state is for %s, this dataset has %s"
                             % tuple("limit %d" % n if n else "no limit (every sample)"
                                     for n in (limit, self.limit)))
        position, size = state["position"], self.feed.size  # an epoch's: the limit's first
        if not 0 <= position <= size or any(not position <= p < size for p in state["skip"]):
            raise ValueError("state position %d (or a skipped position) is outside this "
                             "dataset's %s" % (position, self._samples()))
        self.feed.load(state)
