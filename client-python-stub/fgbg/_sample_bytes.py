"""Bytes one sample takes of each output, from a dataset's description: the one figure that a
ring's slot (fgbg.shm.slot_bytes adds its alignment and page) and a DataLoader's batch in
/dev/shm (fgbg.torch._shm_need adds torch's conversion and pages) are both sized from.

It is the server's table (core's render.SampleArray, through BatchShape.delivered, which sizes
what the server writes into a slot): image H x W x 3 uint8, mask and instance ids H x W uint8,
depth h x w in the request's depth dtype (none for a dataset without depth), a background as an
image and its depth as depth, at most one of each per sample. The Java client's
RingChoice.slotBytes counts the same bytes.
"""
from typing import Dict, Iterable, Optional

from .info import DatasetInfo

#: The outputs with arrays, in the order a slot holds them (fgbg.batch.ARRAYS, the server's
#: SlotLayout).
ORDER = ("image", "mask", "depth", "instances", "background", "background_depth")
#: What no outputs (or only meta) asks for: instance ids and backgrounds come only by name.
DEFAULT = ("image", "mask", "depth")
DEPTH_VALUE_BYTES = {"float16": 2, "float32": 4}


def per_output(info: DatasetInfo, outputs: Optional[Iterable[str]],
               depth_dtype: str) -> Dict[str, int]:
    """Bytes per sample of each output in ORDER, 0 where not asked for or the dataset has none,
    for a dataset described by `info` (a DatasetInfo: image_shape, mask_shape, depth_shape,
    has_depth), `outputs` by name (None or empty: DEFAULT) and depth in `depth_dtype`."""
    want = set(outputs or DEFAULT)
    picture = _count(info.image_shape)
    depth = _count(info.depth_shape) * DEPTH_VALUE_BYTES[depth_dtype] if info.has_depth else 0
    sizes = {"image": picture, "mask": _count(info.mask_shape), "depth": depth,
             "instances": _count(info.mask_shape), "background": picture,
             "background_depth": depth}
    return {name: sizes[name] if name in want else 0 for name in ORDER}


def _count(shape: Iterable[int]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n
