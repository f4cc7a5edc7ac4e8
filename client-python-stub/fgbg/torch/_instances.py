"""A scene's labelled objects as fixed-size meta columns: meta["instances"].

Each sample of a scene dataset has between objects_min and objects_max labelled instances
(SampleMeta.scene.instances; instance id = position + 1, as in the "instances" output). So that
default_collate can stack sample dicts and every batch of a dataset has one shape, they are
padded to `slots` = the spec's objects_max: boxes int64 [slots, 4] ([x0, y0, x1, y1), x1/y1
exclusive, all 0 for a padded slot or an instance with nothing visible), labels int64 [slots]
(indices into foreground_labels, -1 for a padded slot), ids int64 [slots] (1..n, 0 for a padded
slot) and visible_fraction float64 [slots] (0 for a padded slot). A batch has one more leading
dimension. detection_targets() turns them into torchvision's target dicts.
"""
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import torch

from ..info import DatasetInfo
from ..sample_meta import SampleMeta

Box = Tuple[int, int, int, int]
Instance = Tuple[Box, int, float]  # visible box, fg_label, visible fraction


def spec_slots(info: DatasetInfo) -> int:
    """objects_max of a DatasetInfo's spec when it is a scene, else 0 (no meta["instances"])."""
    return int(info.spec.objects_max)


def from_proto(meta: SampleMeta) -> List[Instance]:
    """A SampleMeta's scene instances."""
    return [((i.bbox.x0, i.bbox.y0, i.bbox.x1, i.bbox.y1), i.fg_label, i.visible_fraction)
            for i in meta.scene.instances]


def from_json(meta: Mapping[str, Any]) -> List[Instance]:
    """A SampleMeta as JSON (a webdataset's KEY.json: proto field names, zeros left out)."""
    out: List[Instance] = []
    for i in meta.get("scene", {}).get("instances", []):
        b = i.get("bbox", {})
        box = (int(b.get("x0", 0)), int(b.get("y0", 0)), int(b.get("x1", 0)),
               int(b.get("y1", 0)))
        out.append((box, int(i.get("fg_label", i.get("fgLabel", 0))),
                    float(i.get("visible_fraction", i.get("visibleFraction", 0.0)))))
    return out


def columns(samples: Sequence[Sequence[Instance]], slots: int) -> Dict[str, torch.Tensor]:
    """meta["instances"] of a batch: the samples' instances padded to `slots`."""
    n = len(samples)
    # Built as flat lists and made tensors once: a batch of 256 scenes is 1000+ instances.
    boxes = [(0, 0, 0, 0)] * (n * slots)
    labels = [-1] * (n * slots)
    ids = [0] * (n * slots)
    visible = [0.0] * (n * slots)
    for s, instances in enumerate(samples):
        if len(instances) > slots:
            raise ValueError("sample has %d instances, more than the spec's objects_max %d"
                             % (len(instances), slots))
        for k, (box, label, fraction) in enumerate(instances):
            boxes[s * slots + k], labels[s * slots + k] = box, label
            ids[s * slots + k], visible[s * slots + k] = k + 1, fraction
    return {"boxes": torch.tensor(boxes, dtype=torch.int64).view(n, slots, 4),
            "labels": torch.tensor(labels, dtype=torch.int64).view(n, slots),
            "ids": torch.tensor(ids, dtype=torch.int64).view(n, slots),
            "visible_fraction": torch.tensor(visible, dtype=torch.float64).view(n, slots)}
