"""PyTorch datasets for fgbg (torch is imported only by this package).

    from fgbg.torch import FgbgIterableDataset, FgbgDataset
    ds = FgbgIterableDataset(batch_size=64, shuffle=True)   # streamed whole batches
    loader = ds.loader(num_workers=2)                       # exact state_dict(), len()
    gpu = ds.device_loader(streams=4)                       # no workers: CUDA tensors, same state
    m = FgbgDataset()                                       # map-style: any sampler
    e = fgbg.exported("exports/office_v1")                  # an export on disk, no server
    targets = detection_targets(batch)                      # torchvision detection targets

Batches and samples are dicts, typed as TorchBatch (a TypedDict: batch["image"] is a
torch.Tensor to mypy; batch["meta"] a TorchMeta of tensors).

FgbgIterableDataset: every sample of an epoch once across ranks x workers; rank and world size
from rank=/world_size=, torch.distributed or RANK/WORLD_SIZE in the process that builds the
loader. FgbgDataset: one GetSamples call per batch (__getitems__). ExportedDataset: the same
sample dicts from folders, webdataset or npy exports.
"""
from ._world import World
from .detection import detection_collate, detection_targets
from .device import FgbgDeviceLoader
from .exported import ExportedDataset, exported
from .iterable import FgbgIterableDataset
from .loader import FgbgLoader
from .mapstyle import FgbgDataset
from ._types import TorchBatch, TorchInstances, TorchMeta

__all__ = ["FgbgIterableDataset", "FgbgDataset", "FgbgLoader", "FgbgDeviceLoader",
           "ExportedDataset", "exported", "World", "detection_targets", "detection_collate",
           "TorchBatch", "TorchMeta", "TorchInstances"]
