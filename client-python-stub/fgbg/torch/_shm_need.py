"""What a DataLoader's batches of an FgbgIterableDataset take in /dev/shm as torch passes them
from its workers to the trainer (fgbg._shm_room's rule keeps that much free of rings)."""
from typing import Any, Optional, Sequence, Tuple

from .. import _shm_room

PAGE = 4096
# torch passes each tensor in a file of its own, of whole pages: meta's 13 columns and index
# take a page each, however few their bytes.
SMALL_TENSORS = 14


def batch_bytes(info: Any, outputs: Optional[Sequence[str]], depth_dtype: str, image: str,
                n: int) -> int:
    """A batch dict's bytes of `n` samples in /dev/shm, before any transform: images as
    converted (image="float": 4 bytes a value), each tensor rounded up to whole pages (sizes as
    fgbg._streams.sample_bytes counts them for a ring's slot)."""
    want = set(outputs or ("image", "mask", "depth"))
    picture = (4 if image == "float" else 1) * _count(info.image_shape)
    depth = (_count(info.depth_shape) * (4 if depth_dtype == "float32" else 2)
             if info.has_depth else 0)
    per = {"image": picture, "mask": _count(info.mask_shape), "depth": depth,
           "instances": _count(info.mask_shape), "background": picture,
           "background_depth": depth}
    total = SMALL_TENSORS * PAGE
    for name, b in per.items():
        if name in want:
            total += -(-n * b // PAGE) * PAGE
    return total


def _count(shape: Tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def need(dataset: Any, workers: int, prefetch_factor: int) -> int:
    """/dev/shm bytes a DataLoader of an FgbgIterableDataset with `workers` workers and
    `prefetch_factor` needs."""
    return _shm_room.torch_need(workers, prefetch_factor, batch_bytes(
        dataset.info, dataset.outputs, dataset.depth_dtype, dataset.image_conversion.image,
        dataset.batch_size))
