"""Detection targets in torchvision's convention, from fgbg's sample or batch dicts.

    from fgbg.torch import FgbgDataset, detection_collate
    ds = FgbgDataset(dataset="scenes", image="float", outputs=["image", "meta", "instances"])
    loader = DataLoader(ds, batch_size=8, shuffle=True, collate_fn=detection_collate)
    for images, targets in loader:            # lists, one entry per sample
        loss = sum(model(images, targets).values())

A target is {"boxes": float32 [k, 4], "labels": int64 [k], "masks": uint8 [k, H, W] (when
asked for or available)}, one row per object that shows: fgbg's boxes are [x0, y0, x1, y1) with
x1/y1 exclusive, which are the pixel-edge coordinates torchvision's boxes use (a one-pixel
object at column 3 is x 3..4; torchvision.ops.masks_to_boxes gives the inclusive 3..3
instead). Labels are fg_label + 1 (0 is torchvision's background class; fg_label indexes
DatasetInfo.foreground_labels, which sorts label names as strings). Objects with an empty box
(nothing visible, or a mask with no pixel at or above the threshold) are left out, since
torchvision refuses degenerate boxes; distractors are never targets (they are unannotated).
"""
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union, cast

import torch

from ._convert import shared
from ._untyped import worker_info

Target = Dict[str, torch.Tensor]


def _one(sample: Mapping[str, Any], masks: Optional[bool]) -> Target:
    meta = sample["meta"]  # detection_targets checked it is there
    scene = meta.get("instances")
    if scene is not None:
        boxes, labels, ids = scene["boxes"], scene["labels"], scene["ids"]
        source = sample.get("instances")
    else:  # the classic spec: one object, the sample's cut-out (instance 1)
        boxes, labels = meta["bbox"].view(1, 4), meta["fg_label"].view(1)
        ids = torch.ones(1, dtype=torch.int64, device=labels.device)
        # The served box is drawn around the alpha at or above the spec's mask_threshold: the
        # instances output is exactly that; a soft mask is alpha, cut at the same threshold.
        source = sample.get("instances")
        mask = sample.get("mask")
        if source is None and mask is not None:
            threshold = meta.get("mask_threshold", 128)
            source = (mask >= threshold).to(torch.uint8)
    keep = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1]) & (labels >= 0)
    target = {"boxes": boxes[keep].to(torch.float32), "labels": labels[keep] + 1}
    if masks or (masks is None and source is not None):
        if source is None:
            raise ValueError("masks need the %s output" % (
                "'instances'" if scene is not None else "'mask'"))
        kept = ids[keep].to(source.device)
        target["masks"] = (source.unsqueeze(0) == kept.view(-1, 1, 1).to(source.dtype)).to(
            torch.uint8)
    return target


def detection_targets(data: Mapping[str, Any],
                      masks: Optional[bool] = None) -> Union[Target, List[Target]]:
    """torchvision's target dict(s) of a sample dict (FgbgDataset, fgbg.exported: one dict) or
    of a batch dict (FgbgIterableDataset, default_collate'd samples: a list, one per sample).

    Scene datasets give one row per labelled instance that shows (meta["instances"]), the
    classic spec one row for the cut-out (meta["bbox"], meta["fg_label"]). masks=None adds
    "masks" when the sample holds what they are made from (a scene's "instances" output, a
    classic sample's "mask"); True requires it, False leaves them out. The tensors are on the
    device the meta and the arrays are on."""
    meta = data.get("meta")
    if meta is None:
        raise ValueError("detection_targets needs meta: add 'meta' to outputs")
    if meta["fg_label"].dim() == 0:
        return _one(data, masks)
    from ._convert import samples
    return [_one(s, masks) for s in samples(data)]


def detection_collate(batch: Sequence[Mapping[str, Any]]
                      ) -> Tuple[List[torch.Tensor], List[Target]]:
    """collate_fn for DataLoaders over sample dicts (FgbgDataset, fgbg.exported): (images,
    targets), lists of the samples' image tensors and detection_targets, as torchvision's
    detection models take them. In a DataLoader worker they are moved into shared memory here,
    as default_collate's are, not on the worker's queue feeder thread (see _convert.shared)."""
    targets: List[Target] = []
    for s in batch:
        t = detection_targets(s)
        assert isinstance(t, dict)
        targets.append(t)
    out = ([s["image"] for s in batch], targets)
    return cast(Tuple[List[torch.Tensor], List[Target]], shared(out)) if worker_info() else out
