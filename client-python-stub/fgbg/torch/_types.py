"""The batch and sample dicts the torch datasets yield, as TypedDicts: plain dicts at run time,
but `batch["image"]` is a torch.Tensor to mypy and IDEs, not Any, and a misspelt key an error.

A batch dict (FgbgIterableDataset, its loaders) holds [n, ...] tensors; a sample dict
(FgbgDataset, fgbg.exported) is one row of it, the same keys with one dimension less (what
default_collate stacks back into a batch dict). Which arrays a dict has depends on the outputs
served or exported: those keys may be absent (total=False); index always is, and meta holds
every column whenever it is there (instances: scene datasets only).
"""
from typing import Any, Callable, Dict, Optional, TypedDict, Union, cast

import torch


class TorchInstances(TypedDict):
    """meta["instances"] of a scene dataset: its labelled objects padded to objects_max (boxes
    int64 [.., slots, 4], labels, ids int64 [.., slots], visible_fraction float64 [.., slots];
    see fgbg.torch._instances)."""

    boxes: torch.Tensor
    labels: torch.Tensor
    ids: torch.Tensor
    visible_fraction: torch.Tensor


class _MetaColumns(TypedDict):
    bg: torch.Tensor
    fg: torch.Tensor
    flip: torch.Tensor
    k: torch.Tensor
    x: torch.Tensor
    y: torch.Tensor
    fg_width: torch.Tensor
    fg_height: torch.Tensor
    bg_label: torch.Tensor
    fg_label: torch.Tensor
    scale: torch.Tensor  # float64
    fg_depth: torch.Tensor  # float32
    bbox: torch.Tensor  # int64 [.., 4]: x0, y0, x1, y1 (x1, y1 exclusive)
    mask_threshold: torch.Tensor


class TorchMeta(_MetaColumns, total=False):
    """batch["meta"]: one tensor per SampleMeta field (int64 unless noted), and for a scene
    dataset its instances."""

    instances: TorchInstances


class _Indexed(TypedDict):
    index: torch.Tensor  # int64: the dataset index of each sample


class TorchBatch(_Indexed, total=False):
    """A batch (or sample) dict: image (uint8 NHWC, or float32 NCHW with image="float"), mask,
    depth, instances, background, background_depth (those served), meta and index."""

    image: torch.Tensor
    mask: torch.Tensor
    depth: torch.Tensor
    instances: torch.Tensor
    background: torch.Tensor
    background_depth: torch.Tensor
    meta: TorchMeta


# A dataset's transform: takes a sample or batch dict, returns what the loader yields. Either
# parameter type is taken, so that transforms written for the untyped dicts (Dict[str, Any])
# still type-check; what it returns is not checked (a modified plain dict, say), and is typed as
# the TorchBatch it is meant to be.
Transform = Union[Callable[[TorchBatch], Any], Callable[[Dict[str, Any]], Any]]


def transformed(transform: Optional[Transform], out: TorchBatch) -> TorchBatch:
    """`out` through the dataset's `transform` (itself when there is none)."""
    if transform is None:
        return out
    result: TorchBatch = cast(Callable[[TorchBatch], Any], transform)(out)
    return result
