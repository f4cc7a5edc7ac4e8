"""FgbgDataset: map-style access to an fgbg server, sample by index.

A DataLoader with a sampler (RandomSampler, DistributedSampler, a Subset's indices ...) asks
for a whole batch through `__getitems__`: one GetSamples call per batch, split into sample
dicts that default_collate stacks back into the same batch dicts FgbgIterableDataset yields.

With several replicas as `target`, the calls go through fgbg.failover.FailoverCalls: each process
starts on its home replica and moves on when that one dies (GetSamples is idempotent: the same
call on the next replica gives the same samples).
"""
import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union, overload

import numpy as np
import torch
import torch.utils.data

from .. import _shm_room
from .._checks import integer, integers, names
from .._sample_bytes import per_output
from .._split_get import MAX_BYTES, check_size
from .._proto import pb
from .._requests import dtype_enum, field
from .._default_dataset import or_default, say_default
from ..credentials import Credentials
from ..errors import default_target, served
from ..reconnect import Reconnect, describe, seconds
from ..failover import FailoverCalls
from . import _world
from ._shm_need import batch_bytes
from ._convert import (Images, Normalize, batch_dict, check_images, dataset_normalize, samples,
                       transform_arg)
from ._instances import spec_slots
from ._types import TorchBatch, Transform, transformed
from ._untyped import worker_info


class FgbgDataset(torch.utils.data.Dataset[TorchBatch]):
    """Sample i of a served dataset as a dict: image, mask, depth (the outputs it has, unless
    `outputs` lists some), meta (0-d tensors, bbox [4]) and index. `transform` is applied to
    each sample dict (the map-style convention; FgbgIterableDataset's applies to batches).
    image/normalize as for FgbgIterableDataset. A scene's meta also has instances (its
    labelled objects: see fgbg.torch.detection_targets). Each process (DataLoader workers included,
    forked or spawned) opens its own channel: a gRPC channel never crosses a fork.

    `target` may name several replicas (see fgbg.replicas; the dataset is described by the
    first in their order that answers, in every rank and worker): a process's GetSamples calls
    go to replica `home(rank · workers + worker id, n)`, the stream FgbgIterableDataset's shards
    use, so a job's workers spread over the replicas; when it is UNAVAILABLE (or serves other
    data than `info.fingerprint`) the same call goes to the next one, until every replica
    failed it (then its error is raised, unless `reconnect` seconds keep it trying, as for
    FgbgIterableDataset; see fgbg.reconnect). Without `dataset` it reads builtin, and says so
    (a WARNING, once per process) when the server serves other datasets too."""

    def __init__(self, target: Optional[str] = None, dataset: Optional[str] = None, seed: int = 0,
                 outputs: Optional[Iterable[str]] = None, image: str = "uint8",
                 normalize: Normalize = None, depth_dtype: str = "float16",
                 transform: Optional[Transform] = None, timeout: float = 30.0,
                 credentials: Optional[Credentials] = None, reconnect: Reconnect = 0) -> None:
        transform_arg(transform)
        check_images(image, normalize)
        dtype_enum(depth_dtype)  # here, not as a KeyError in a worker (fgbg._sample_bytes)
        self.target = default_target(target)
        named = dataset  # None: the default, said when the server serves others too
        self.dataset = field(pb.GetSamplesRequest, "dataset", or_default(dataset))
        self.seed = field(pb.GetSamplesRequest, "seed", seed)
        self.outputs = names(outputs, "outputs")
        self.depth_dtype = depth_dtype
        self.transform = transform
        self.timeout = timeout
        self.credentials = Credentials.of(credentials, None)
        self.reconnect = seconds(reconnect)
        # The first replica in the targets' order that answers decides the data, for every rank
        # and worker alike (their calls keep to its fingerprint, spread by rank and worker).
        c, self.info = describe(self.target, self.dataset, self.reconnect, timeout=timeout,
                                credentials=self.credentials)
        with c:
            if named is None:
                say_default(c)
            if self.outputs is not None:  # the server's own check (and message) for them
                c.get_samples([0], self.dataset, seed, outputs=self.outputs,
                              depth_dtype=depth_dtype)
            progress = _world.draws_progress()
            mean_std = dataset_normalize(normalize, lambda: c.stats(
                self.dataset, seed=seed, outputs=["image"], progress=progress))
        self._images = Images(image, mean_std)
        self._per_sample = per_output(self.info, self.outputs, depth_dtype)  # what a list holds
        self._served = c.target  # in a spawned worker too: see replicas()
        self._calls: Optional[FailoverCalls] = None
        self._calls_pid = 0
        self._rank: Optional[int] = None  # the rank a spawned worker's parent had
        self.requests = 0  # GetSamples calls made by this process

    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        state["_calls"], state["_calls_pid"] = None, 0
        if worker_info() is None:  # decided here: a spawned worker has
            state["_rank"] = _world.affinity_rank()   # no process group to ask
        return state

    def replicas(self) -> FailoverCalls:
        """This process's calls (`replica` now used, `failovers` so far); made on first use."""
        if self._calls is None or self._calls_pid != os.getpid():  # new, or forked from a parent
            rank = self._rank if self._rank is not None else _world.affinity_rank()
            worker = worker_info()
            stream, who = rank, "FgbgDataset rank %d" % rank
            if worker is not None:
                stream = rank * worker.num_workers + worker.id
                who += " worker %d" % worker.id
            served(self._served)  # a refusal then says it stopped (fgbg.errors)
            self._calls = FailoverCalls(
                self.target, home_index=stream, dataset=self.dataset,
                fingerprint=self.info.fingerprint, who=who,
                client_options=dict(timeout=self.timeout, credentials=self.credentials),
                reconnect=self.reconnect)
            self._calls_pid = os.getpid()
        return self._calls

    def __len__(self) -> int:
        return self.info.size

    def _index(self, k: int) -> int:
        n = self.info.size
        if not -n <= k < n:
            raise IndexError("index %d is out of range for dataset %r of %d samples"
                             % (k, self.dataset, n))
        return k + n if k < 0 else k

    @overload
    def __getitem__(self, index: int) -> TorchBatch: ...

    @overload
    def __getitem__(self, index: Sequence[int]) -> List[TorchBatch]: ...

    def __getitem__(self, index: Union[int, Sequence[int]]
                    ) -> Union[TorchBatch, List[TorchBatch]]:
        """One sample dict; a list of indices gives a list of them (one call)."""
        if isinstance(index, (list, tuple, range)) or (
                isinstance(index, (torch.Tensor, np.ndarray)) and index.ndim == 1):
            return self.__getitems__(index)
        return self.__getitems__([integer(index, "index")])[0]

    def __getitems__(self, indices: Sequence[int]) -> List[TorchBatch]:
        """The samples at `indices`, in order, fetched with as few GetSamples calls as fit
        (one for any batch up to DatasetInfo.max_get_samples)."""
        idx = [self._index(i) for i in integers(indices, "indices")]
        # A list is held whole here as get_samples' joined answer is: the same bound, first.
        check_size(len(idx), self._per_sample, MAX_BYTES, self.dataset, self.target)
        worker = worker_info()
        if worker is not None:  # this worker's GetSamples ring leaves torch room for its batches
            # (a DataLoader's prefetch_factor is not seen here: torch's default, 2, is assumed)
            _shm_room.reserve_for_torch(_shm_room.torch_need(worker.num_workers, 2, batch_bytes(
                self.info, self.outputs, self.depth_dtype, self._images.image, len(idx))))
        out: List[TorchBatch] = []
        step = max(1, self.info.max_get_samples)
        for a in range(0, len(idx), step):
            part = idx[a:a + step]
            batch = self.replicas().call("%d samples" % len(part), lambda c: c.get_samples(
                part, self.dataset, self.seed, outputs=self.outputs,
                depth_dtype=self.depth_dtype))
            self.requests += 1
            out.extend(samples(batch_dict(batch, self._images, slots=spec_slots(self.info),
                                          threshold=self.info.spec.mask_threshold)))
        return [transformed(self.transform, s) for s in out]

    def __repr__(self) -> str:
        return "FgbgDataset(target=%r, dataset=%r, seed=%d, size=%d)" % (
            self.target, self.dataset, self.seed, self.info.size)
