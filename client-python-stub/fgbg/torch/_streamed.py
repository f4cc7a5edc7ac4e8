"""StreamedDataset: an FgbgIterableDataset as its loaders see it (FgbgLoader, FgbgDeviceLoader,
and _shm_need's count of the /dev/shm its DataLoader's batches take). The dataset builds its
loaders (dataset.loader(), dataset.device_loader()); they name this, not the dataset's module."""
from typing import Iterator, Optional, Protocol, Tuple

from ..info import DatasetInfo
from ._convert import Images
from ._feed import Feed
from ._resume import Cursor
from ._types import TorchBatch, Transform
from ._world import World


class StreamedDataset(Protocol):
    """What a loader reads of the dataset it loads: the shared Feed (epochs, what the consumer
    received), the World it streams as, its batches, and what sizes and converts them."""

    @property
    def feed(self) -> Feed: ...

    @property
    def info(self) -> DatasetInfo: ...

    @property
    def rank(self) -> Optional[int]: ...

    @property
    def world_size(self) -> Optional[int]: ...

    @property
    def batch_size(self) -> int: ...

    @property
    def outputs(self) -> Optional[Tuple[str, ...]]: ...

    @property
    def depth_dtype(self) -> str: ...

    @property
    def image_conversion(self) -> Images: ...

    @property
    def transform(self) -> Optional[Transform]: ...

    def world(self) -> World:
        """The rank and world size this process streams as."""

    def batches(self, epoch: int, world: World, stream: int,
                streams: int) -> Iterator[Tuple[Cursor, TorchBatch]]:
        """Stream `stream` of `streams` of a pass as batch dicts, with the cursor of each."""
