"""Samples as tensors: the batch dicts every fgbg dataset yields, and their per-sample parts.

A batch dict has only user keys: image, mask, depth, background, background_depth (each when
present; background is each sample's own, converted as image is), meta (a dict of
columns: bg, fg, flip, k, x, y, fg_width, fg_height, bg_label, fg_label int64; scale float64;
fg_depth float32; bbox int64 [n, 4]; for a scene dataset also instances, a dict of its
labelled objects padded to objects_max, see fgbg.torch._instances) and index (int64 [n]). A
sample dict is one row of it, so default_collate of sample dicts gives back a batch dict.
"""
import copy
import warnings
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union, cast

import numpy as np
from numpy.typing import NDArray
import torch

from ..batch import Batch
from ..sample_meta import SampleMeta
from . import _instances
from ._types import Transform, TorchBatch
from ._untyped import share_memory
from ._worker_exit import wait_for_feeders_at_exit

IMAGE_KEYS = ("image", "background")  # converted (dtype, layout, normalization) alike
META_INT = ("bg", "fg", "flip", "k", "x", "y", "fg_width", "fg_height", "bg_label", "fg_label")
MeanStd = Tuple[Sequence[float], Sequence[float]]
Normalize = Union[None, str, MeanStd]


def transform_arg(transform: Optional[Transform]) -> Optional[Transform]:
    """`transform` when it is None or callable; TypeError naming it otherwise (before any
    server call, not in a worker)."""
    if transform is not None and not callable(transform):
        raise TypeError("transform must be callable, got %r" % (transform,))
    return transform


def check_images(image: str, normalize: Normalize) -> None:
    """Validates image= and normalize= (before any server call)."""
    if isinstance(normalize, str) and normalize != "dataset":
        raise ValueError("normalize must be (mean, std) or 'dataset', got %r" % normalize)
    Images(image, None if isinstance(normalize, str) else normalize)


def dataset_normalize(normalize: Normalize, stats: Callable[[], Any]) -> Optional[MeanStd]:
    """(mean, std) for Images: as given, or the dataset's exact image Stats for "dataset"."""
    if normalize is None or not isinstance(normalize, str):
        return normalize
    s = stats()
    return (s.image.mean, s.image.std)


def tensor(array: NDArray[Any]) -> torch.Tensor:
    """torch.from_numpy without a copy. Torch has no read-only tensors (hence its warning for a
    read-only array, silenced): a write changes this batch's bytes (its message or its ring slot,
    which the server writes again only once it is given back), nothing else."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return torch.from_numpy(array)


def map_tensors(fn: Callable[[torch.Tensor], torch.Tensor], value: Any) -> Any:
    """`value` (a tensor, or dicts, lists and tuples of them) with `fn` applied to each tensor."""
    if isinstance(value, torch.Tensor):
        return fn(value)
    if isinstance(value, dict):
        return {k: map_tensors(fn, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(map_tensors(fn, v) for v in value)
    return value


def shared(batch: Any) -> Any:
    """A DataLoader worker's batch with its tensors moved into shared memory, here, in the
    worker's own thread. The worker's queue would make that one copy anyway, but on a daemon
    feeder thread: a worker told to stop (the consumer broke out of its loop) can reach
    interpreter shutdown while the feeder is inside that copy, and Python then ends the thread
    inside torch's C++ code, which aborts the worker ("terminate called without an active
    exception", "DataLoader worker ... killed by signal: Aborted"). Moved here, the feeder only
    passes a handle; and the worker's exit waits for the feeder (`_worker_exit`)."""
    wait_for_feeders_at_exit()
    return map_tensors(share_memory, batch)


class Images:
    """image="uint8": uint8 [n, H, W, 3] as served (zero-copy). image="float": float32
    [n, 3, H, W], contiguous, on [0, 1], minus mean over std per channel when `normalize` is
    (mean, std). Every dataset and loader converts its images (and backgrounds) here."""

    def __init__(self, image: str, normalize: Optional[MeanStd]) -> None:
        if image not in ("uint8", "float"):
            raise ValueError("image must be 'uint8' or 'float', got %r" % (image,))
        if normalize is not None and image != "float":
            raise ValueError("normalize needs image='float'")
        self.image = image
        self.mean: Optional[torch.Tensor] = None
        self.std: Optional[torch.Tensor] = None
        if normalize is not None:
            mean, std = _mean_std(normalize)
            self.mean = torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1)
            self.std = torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1)

    @property
    def copies(self) -> bool:
        """Whether the conversion makes new tensors (image="float") rather than passing the
        served bytes through."""
        return self.image != "uint8"

    def to(self, device: torch.device) -> "Images":
        """The same conversion, with its mean and std on `device`."""
        moved = copy.copy(self)
        if self.mean is not None and self.std is not None:
            moved.mean, moved.std = self.mean.to(device), self.std.to(device)
        return moved

    def __call__(self, nhwc: torch.Tensor) -> torch.Tensor:
        if self.image == "uint8":
            return nhwc
        n, h, w, c = nhwc.shape
        # Written in NCHW order as it is converted (one pass; a permuted view would hand models
        # channels-last strides, which DDP's buckets and .view() refuse), then scaled in place.
        img = torch.empty((n, c, h, w), dtype=torch.float32, device=nhwc.device)
        img.copy_(nhwc.permute(0, 3, 1, 2)).div_(255.0)
        if self.mean is not None and self.std is not None:
            img = img.sub_(self.mean).div_(self.std)
        return img


def _mean_std(normalize: Any) -> Tuple[List[float], List[float]]:
    """`normalize` as (mean, std), 3 finite numbers each, std > 0; ValueError naming it and
    what it must be otherwise (any shape: a flat pair, one sequence, a string...)."""
    def bad(why: str) -> ValueError:
        return ValueError("normalize must be (mean, std) with 3 values each and std > 0 (e.g. "
                          "((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))), or 'dataset'; got "
                          "%.200r: %s" % (normalize, why))

    def three(v: Any, name: str) -> List[float]:
        if isinstance(v, (str, bytes)) or not hasattr(v, "__iter__"):
            raise bad("its %s is %.40r, not 3 numbers" % (name, v))
        try:
            out = [float(x) for x in v]
        except (TypeError, ValueError):
            raise bad("its %s holds something other than numbers" % name) from None
        if len(out) != 3:
            raise bad("its %s has %d value%s, not 3 (one per RGB channel)"
                      % (name, len(out), "" if len(out) == 1 else "s"))
        if not all(np.isfinite(out)):
            raise bad("its %s is not finite" % name)
        return out

    if isinstance(normalize, (str, bytes, dict)) or not hasattr(normalize, "__iter__"):
        raise bad("not a (mean, std) pair")
    pair = list(normalize)
    if len(pair) != 2:
        raise bad("it has %d item%s, not 2 (mean, std)"
                  % (len(pair), "" if len(pair) == 1 else "s"))
    mean, std = three(pair[0], "mean"), three(pair[1], "std")
    if min(std) <= 0:
        raise bad("std must be > 0")
    return mean, std


def meta_columns(metas: Sequence[SampleMeta], slots: int = 0,
                 threshold: int = 128) -> Dict[str, Any]:
    """SampleMeta messages as columns (one tensor per field); with `slots` (a scene dataset's
    objects_max), their scene instances as meta["instances"]; `threshold`: the spec's
    mask_threshold, as meta["mask_threshold"] (what a classic bbox is drawn at)."""
    meta: Dict[str, Any] = {f: torch.tensor([getattr(m, f) for m in metas], dtype=torch.int64)
                            for f in META_INT}
    meta["scale"] = torch.tensor([m.scale for m in metas], dtype=torch.float64)
    meta["fg_depth"] = torch.tensor([m.fg_depth for m in metas], dtype=torch.float32)
    meta["bbox"] = torch.tensor([[m.bbox.x0, m.bbox.y0, m.bbox.x1, m.bbox.y1] for m in metas],
                                dtype=torch.int64).view(-1, 4)
    meta["mask_threshold"] = torch.full((len(metas),), threshold, dtype=torch.int64)
    if slots:
        meta["instances"] = _instances.columns([_instances.from_proto(m) for m in metas], slots)
    return meta


def arrays(batch: Batch) -> Dict[str, NDArray[Any]]:
    """The batch's image (NHWC uint8), mask, depth and instances arrays, those it has: views of
    the message bytes or of the shared-memory slot (no copy); background and background_depth
    per sample (one copy of the distinct backgrounds, expanded)."""
    found = (("image", batch.images), ("mask", batch.masks), ("depth", batch.depth),
             ("instances", batch.instances), ("background", batch.background),
             ("background_depth", batch.background_depth))
    return {key: a for key, a in found if a is not None}


def labels(batch: Batch, keep: Optional[NDArray[np.bool_]] = None,
           slots: int = 0, threshold: int = 128) -> Dict[str, Any]:
    """The batch's meta columns (when it has meta) and index, for the samples in `keep`;
    `slots`: see meta_columns."""
    out: Dict[str, Any] = {}
    if batch.meta:
        metas = batch.meta if keep is None else [m for m, k in zip(batch.meta, keep) if k]
        out["meta"] = meta_columns(metas, slots, threshold)
    out["index"] = tensor(batch.indices if keep is None else batch.indices[keep])
    return out


def batch_dict(batch: Batch, images: Images, keep: Optional[NDArray[np.bool_]] = None,
               slots: int = 0, threshold: int = 128) -> TorchBatch:
    """A fgbg.Batch as a batch dict; `keep` (bool per sample) leaves samples out; `slots`: see
    meta_columns."""
    out: Dict[str, Any] = {}
    for key, a in arrays(batch).items():
        t = tensor(a if keep is None else a[keep])
        out[key] = images(t) if key in IMAGE_KEYS else t
    out.update(labels(batch, keep, slots, threshold))
    return cast(TorchBatch, out)


def samples(batch: Mapping[str, Any]) -> List[TorchBatch]:
    """The rows of a batch dict (views, no copies)."""
    n = len(batch["index"])
    rows: List[Any] = [{} for _ in range(n)]
    for key, value in batch.items():
        if key == "meta":
            for s in range(n):
                rows[s]["meta"] = row(value, s)
        else:
            for s in range(n):
                rows[s][key] = value[s]
    return rows


def row(columns: Dict[str, Any], s: int) -> Dict[str, Any]:
    """Row `s` of meta columns (nested dicts, as meta["instances"], row by row too)."""
    return {f: row(col, s) if isinstance(col, dict) else col[s] for f, col in columns.items()}
