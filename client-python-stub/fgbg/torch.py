"""PyTorch integration: an IterableDataset that shards, shuffles per epoch and resumes exactly.

    ds = FgbgIterableDataset("localhost:50051", batch_size=64, shuffle=True)
    loader = ds.loader(num_workers=2)        # a DataLoader that also records what was consumed
    for epoch in range(10):                  # the epoch advances by itself on every new pass
        for batch in loader:
            batch["image"], batch["mask"], batch["depth"], batch["meta"]
    torch.save(ds.state_dict(), "ckpt.pt")  # exact mid-epoch resume, even with another world size

Every sample of an epoch is seen exactly once across all distributed ranks (from
torch.distributed when it is initialised, or given) and DataLoader workers: shard
`rank * num_workers + worker` of `world_size * num_workers` takes global epoch positions
`start + shard + j * shards`. torch is imported only by this module.
"""
import multiprocessing
import warnings

import numpy as np
import torch
import torch.utils.data

from .client import Client

_META_FIELDS = ("bg", "fg", "flip", "k", "x", "y", "fg_width", "fg_height", "bg_label",
                "fg_label")


def _tensor(array):
    """torch.from_numpy without a copy; the message bytes are read-only, so is the tensor."""
    if array is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return torch.from_numpy(array)


class FgbgIterableDataset(torch.utils.data.IterableDataset):
    """Batches (dicts of tensors) from an fgbg server; use with DataLoader(batch_size=None).

    image: "uint8" gives uint8 [n, H, W, 3] (zero-copy); "float" gives float32 [n, 3, H, W] in
    [0, 1], normalised with `normalize=(mean, std)` (per channel, on the [0, 1] scale) when given,
    or with the dataset's own exact statistics (the Stats RPC) for normalize="dataset".
    """

    def __init__(self, target="localhost:50051", dataset="builtin", seed=0, shuffle=True,
                 batch_size=64, outputs=("image", "mask", "depth", "meta"), rank=None,
                 world_size=None, drop_last=False, image="uint8", normalize=None,
                 depth_dtype="float16", timeout=30.0, stream_timeout=24 * 3600.0):
        super().__init__()
        if image not in ("uint8", "float"):
            raise ValueError("image must be 'uint8' or 'float', got %r" % (image,))
        if normalize is not None and image != "float":
            raise ValueError("normalize needs image='float'")
        if batch_size < 1:
            raise ValueError("batch_size must be positive, got %r" % (batch_size,))
        self.target = target
        self.dataset = dataset
        self.seed = seed
        self.shuffle = shuffle
        self.batch_size = batch_size
        self.outputs = tuple(outputs)
        self.rank = rank
        self.world_size = world_size
        self.drop_last = drop_last
        self.image = image
        if isinstance(normalize, str):
            if normalize != "dataset":
                raise ValueError("normalize must be (mean, std) or 'dataset', got %r" % normalize)
            with Client(target, timeout=timeout, stream_timeout=stream_timeout) as c:
                s = c.stats(dataset, seed=seed)
            normalize = (list(s.image.mean), list(s.image.std))
        self.normalize = None if normalize is None else (
            torch.tensor(normalize[0], dtype=torch.float32).view(1, 3, 1, 1),
            torch.tensor(normalize[1], dtype=torch.float32).view(1, 3, 1, 1))
        self.depth_dtype = depth_dtype
        self.timeout = timeout
        self.stream_timeout = stream_timeout
        # Shared with DataLoader workers: the first epoch and how many __iter__ calls were made,
        # so that each new pass gets the next epoch without anyone calling set_epoch.
        # From the spawn context: its semaphores are named, so the counters work in forked and
        # in spawned workers alike (a fork-context lock crashes a spawned child).
        shared = multiprocessing.get_context("spawn")
        self._base_epoch = shared.Value("q", 0)
        self._passes = shared.Value("q", 0)
        self._resume = (0, frozenset())  # (start position, consumed positions after it)
        self._resume_epoch = None
        self._progress = {}  # epoch -> {shard: positions passed} as seen by the consumer
        self._shards = None
        self._observed = False

    # ------------------------------------------------------------------ epochs and shards

    def set_epoch(self, epoch):
        """Pins the next pass to `epoch` (later passes continue from it)."""
        with self._base_epoch.get_lock():
            self._base_epoch.value = int(epoch)
            self._passes.value = 0

    def _world(self):
        rank, world = self.rank, self.world_size
        if rank is None or world is None:
            dist = torch.distributed
            if dist.is_available() and dist.is_initialized():
                rank = dist.get_rank() if rank is None else rank
                world = dist.get_world_size() if world is None else world
        rank = 0 if rank is None else rank
        world = 1 if world is None else world
        if not 0 <= rank < world:
            raise ValueError("rank %d must be in [0, world_size %d)" % (rank, world))
        return rank, world

    def _next_epoch(self, workers):
        with self._passes.get_lock():
            n = self._passes.value
            self._passes.value = n + 1
        return self._base_epoch.value + n // max(1, workers)

    # ------------------------------------------------------------------ iteration

    def __iter__(self):
        info = torch.utils.data.get_worker_info()
        worker, workers = (info.id, info.num_workers) if info is not None else (0, 1)
        rank, world = self._world()
        shards = world * workers
        shard = rank * workers + worker
        epoch = self._next_epoch(workers)
        start, skip = self._resume if epoch == self._resume_epoch else (0, frozenset())
        in_main = info is None
        if in_main:
            self._shards = (rank, world, workers)
        client = Client(self.target, timeout=self.timeout, stream_timeout=self.stream_timeout)
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
                    keep = np.array([p not in skip for p in batch.positions], dtype=bool)
                    if not keep.any():
                        continue
                out = self._to_tensors(batch, keep)
                out["fgbg_cursor"] = torch.tensor([epoch, shard, shards, passed, start, rank,
                                                   world, workers], dtype=torch.int64)
                if in_main:
                    self.observe(out)
                yield out
        finally:
            client.close()

    def _to_tensors(self, batch, keep):
        def sel(a):
            if a is None:
                return None
            return a if keep is None else a[keep]

        out = {"index": _tensor(sel(batch.indices)), "position": _tensor(sel(batch.positions))}
        if batch.images is not None:
            img = _tensor(sel(batch.images))
            if self.image == "float":
                img = img.permute(0, 3, 1, 2).float().div_(255.0)
                if self.normalize is not None:
                    img = (img - self.normalize[0]) / self.normalize[1]
            out["image"] = img
        if batch.masks is not None:
            out["mask"] = _tensor(sel(batch.masks))
        if batch.depth is not None:
            out["depth"] = _tensor(sel(batch.depth))
        if batch.meta:
            metas = batch.meta if keep is None else [m for m, k in zip(batch.meta, keep) if k]
            meta = {f: torch.tensor([getattr(m, f) for m in metas], dtype=torch.int64)
                    for f in _META_FIELDS}
            meta["scale"] = torch.tensor([m.scale for m in metas], dtype=torch.float64)
            meta["fg_depth"] = torch.tensor([m.fg_depth for m in metas], dtype=torch.float32)
            meta["bbox"] = torch.tensor([[m.bbox.x0, m.bbox.y0, m.bbox.x1, m.bbox.y1]
                                         for m in metas], dtype=torch.int64).view(-1, 4)
            out["meta"] = meta
        return out

    # ------------------------------------------------------------------ exact resume

    def observe(self, batch):
        """Records that the consumer received `batch` (done by the dataset itself with
        num_workers=0, and by `loader()` with workers)."""
        epoch, shard, shards, passed, start, rank, world, workers = batch["fgbg_cursor"].tolist()
        self._observed = True
        self._shards = (rank, world, workers)
        prog = self._progress.setdefault(epoch, {})
        prog[shard] = max(prog.get(shard, 0), passed)
        self._last = (epoch, shards, start)

    def loader(self, **kwargs):
        """A torch DataLoader over this dataset (batch_size=None) that records consumption, so
        that state_dict() is exact with any num_workers. Workers are started with 'spawn': gRPC
        does not survive fork() in a process that has used it (the child can deadlock)."""
        kwargs.setdefault("batch_size", None)
        if kwargs.get("num_workers", 0) > 0:
            kwargs.setdefault("multiprocessing_context", "spawn")
        return _RecordingLoader(self, torch.utils.data.DataLoader(self, **kwargs))

    def state_dict(self):
        """Where the consumer is: epoch, a global position P before which every sample was seen,
        and the samples after P already seen. Ranks are taken to step in lockstep (as under DDP),
        so the state of one rank describes all of them."""
        if not self._observed:
            passes = self._passes.value
            return {"seed": self.seed, "epoch": self._base_epoch.value + passes,
                    "position": 0, "skip": []}
        epoch, shards, start = self._last
        rank, world, workers = self._shards
        prog = self._progress.get(epoch, {})
        skip_before = self._resume[1] if epoch == self._resume_epoch else frozenset()
        # Shard (r, w) of every rank has passed as many positions as ours (lockstep).
        passed = [prog.get(rank * workers + (s % workers), 0) for s in range(shards)]
        floor = min(passed)
        position = start + floor * shards
        seen = {p for p in skip_before if p >= position}
        for s in range(shards):
            for j in range(floor, passed[s]):
                seen.add(start + s + j * shards)
        return {"seed": self.seed, "epoch": int(epoch), "position": int(position),
                "skip": sorted(int(p) for p in seen)}

    def load_state_dict(self, state):
        """Continues from `state` on the next pass (also with another world size or workers)."""
        if state.get("seed", self.seed) != self.seed:
            raise ValueError("state is for seed %r, this dataset has seed %r"
                             % (state["seed"], self.seed))
        self.set_epoch(state["epoch"])
        self._resume_epoch = int(state["epoch"])
        self._resume = (int(state["position"]), frozenset(int(p) for p in state["skip"]))
        self._progress = {}
        self._observed = False


class _RecordingLoader:
    """Iterates a DataLoader and tells the dataset which batches the consumer received."""

    def __init__(self, dataset, loader):
        self.dataset = dataset
        self.loader = loader

    def __iter__(self):
        for batch in self.loader:
            self.dataset.observe(batch)
            yield batch

    def __len__(self):
        raise TypeError("an fgbg loader streams; its length is not known up front")
