"""What a DataLoader's batches of an FgbgIterableDataset take in /dev/shm as torch passes them
from its workers to the trainer (fgbg._shm_room's rule keeps that much free of rings)."""
from typing import Dict, Optional, Sequence

from .. import _sample_bytes, _shm_room
from ..info import DatasetInfo
from ..shm import PAGE, align
from ._convert import IMAGE_KEYS
from ._streamed import StreamedDataset

# torch passes each tensor in a file of its own, of whole pages: meta's 13 columns and index
# take a page each, however few their bytes.
SMALL_TENSORS = 14
FLOAT_IMAGE = 4  # image="float": a float32 for each served uint8 value


def as_torch(per_output: Dict[str, int], image: str) -> Dict[str, int]:
    """Bytes per sample of each output as a batch dict holds it: image and background as
    converted (image="float": FLOAT_IMAGE times the served bytes), the others as served."""
    scale = FLOAT_IMAGE if image == "float" else 1
    return {name: b * scale if name in IMAGE_KEYS else b for name, b in per_output.items()}


def batch_bytes(info: DatasetInfo, outputs: Optional[Sequence[str]], depth_dtype: str, image: str,
                n: int) -> int:
    """A batch dict's bytes of `n` samples in /dev/shm, before any transform: the served bytes
    per sample (fgbg._sample_bytes, as a ring's slot counts them) as torch holds them
    (`as_torch`), each tensor rounded up to whole pages, and the small tensors' pages."""
    per = as_torch(_sample_bytes.per_output(info, outputs, depth_dtype), image)
    return SMALL_TENSORS * PAGE + sum(align(n * b, PAGE) for b in per.values())


def need(dataset: StreamedDataset, workers: int, prefetch_factor: int) -> int:
    """/dev/shm bytes a DataLoader of an FgbgIterableDataset with `workers` workers and
    `prefetch_factor` needs."""
    return _shm_room.torch_need(workers, prefetch_factor, batch_bytes(
        dataset.info, dataset.outputs, dataset.depth_dtype, dataset.image_conversion.image,
        dataset.batch_size))
