"""What a DataLoader's batches of an FgbgIterableDataset take in /dev/shm as torch passes them
from its workers to the trainer (fgbg._shm_room's rule keeps that much free of rings)."""
from typing import Any, Tuple

from .. import _shm_room

PAGE = 4096
# torch passes each tensor in a file of its own, of whole pages: meta's 13 columns and index
# take a page each, however few their bytes.
SMALL_TENSORS = 14


def batch_bytes(dataset: Any) -> int:
    """A batch dict's bytes in /dev/shm, before any transform: images as converted (float: 4
    bytes a value), each tensor rounded up to whole pages (sizes as fgbg._streams.sample_bytes
    counts them for a ring's slot)."""
    info = dataset.info
    want = set(dataset.outputs or ("image", "mask", "depth"))
    image = (4 if dataset.image_conversion.image == "float" else 1) * _count(info.image_shape)
    depth = (_count(info.depth_shape) * (4 if dataset.depth_dtype == "float32" else 2)
             if info.has_depth else 0)
    per = {"image": image, "mask": _count(info.mask_shape), "depth": depth,
           "instances": _count(info.mask_shape), "background": image, "background_depth": depth}
    total = SMALL_TENSORS * PAGE
    for name, b in per.items():
        if name in want:
            total += -(-dataset.batch_size * b // PAGE) * PAGE
    return total


def _count(shape: Tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def need(dataset: Any, workers: int, prefetch_factor: int) -> int:
    """/dev/shm bytes a DataLoader of `workers` workers with `prefetch_factor` needs."""
    return _shm_room.torch_need(workers, prefetch_factor, batch_bytes(dataset))
