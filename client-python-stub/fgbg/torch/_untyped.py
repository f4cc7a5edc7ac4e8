"""Typed doors to the torch calls that torch 1.13 (Debian's) leaves unannotated, so that the
package passes mypy --strict with no ignores: each says what torch documents the call returns
and casts that once, here. Nothing else is done: each is the bare torch call (two for
recorded_event, as the callers made them)."""
from typing import Any, Callable, Optional, Protocol, cast

import torch
import torch.utils.data


class WorkerInfo(Protocol):
    """What get_worker_info() returns in a DataLoader worker (torch sets these attributes)."""

    id: int
    num_workers: int
    seed: int
    dataset: Any


def worker_info() -> Optional[WorkerInfo]:
    """torch.utils.data.get_worker_info(): this DataLoader worker's info, None outside one."""
    get = cast(Callable[[], Optional[WorkerInfo]], torch.utils.data.get_worker_info)
    return get()


def share_memory(t: torch.Tensor) -> torch.Tensor:
    """t.share_memory_(): `t` with its storage moved into shared memory (`t` itself)."""
    share = cast(Callable[[], torch.Tensor], t.share_memory_)
    return share()


def cuda_stream(device: torch.device) -> torch.cuda.Stream:
    """torch.cuda.Stream(device): a new CUDA stream on `device`."""
    make = cast(Callable[[torch.device], torch.cuda.Stream], torch.cuda.Stream)
    return make(device)


def cudart() -> Any:
    """torch.cuda.cudart(): the CUDA runtime's bindings (cudaHostRegister, ...), untyped."""
    return cast(Callable[[], Any], torch.cuda.cudart)()


def recorded_event(stream: torch.cuda.Stream) -> torch.cuda.Event:
    """torch.cuda.Event() recorded on `stream` (event.record(stream)): completes when the work
    queued on `stream` so far has."""
    event = cast(Callable[[], torch.cuda.Event], torch.cuda.Event)()
    cast(Callable[[torch.cuda.Stream], None], event.record)(stream)
    return event
