"""fgbg: a client for the fgbg server of virtual composited training datasets.

    import fgbg
    with fgbg.Client() as c:                 # target: $FGBG_TARGET, else localhost:50051
        info = c.describe("builtin")         # a DatasetInfo dataclass
        for batch in c.stream_epoch("builtin", batch_size=64, shuffle=True):
            batch.images                     # numpy uint8 [n, H, W, 3], a view of the message bytes
    ds = fgbg.exported("exports/office_v1")  # train from an export, no server

``fgbg.torch`` holds the PyTorch datasets (torch is imported only there and by `exported`).
"""
from typing import TYPE_CHECKING, Any, List

if TYPE_CHECKING:
    # What __getattr__ serves, for type checkers (mypy, IDEs): at runtime each is imported on
    # first use, so `fgbg.Client(timeout="x")` is still checked, not Any.
    from . import digest, failover, reconnect, replicas, resume, shm
    from .batch import Batch
    from .client import Client
    from .credentials import Credentials
    from .digest import SampleDigest
    from .errors import AnswerTooLargeError, FgbgError, default_target
    from .exports import ExportError
    from .failover import OtherDataError
    from .info import ChannelStats, DatasetInfo, DatasetSpec, SceneSettings, SkippedFile, Stats
    from .sample_meta import SampleMeta
    from .torch.exported import exported

__version__ = "0.2.0"
__all__ = ["Client", "Batch", "FgbgError", "SampleDigest", "DatasetInfo", "DatasetSpec",
           "SceneSettings", "SkippedFile", "Stats", "ChannelStats", "Credentials",
           "default_target", "exported",
           "ExportError", "OtherDataError", "AnswerTooLargeError", "SampleMeta"]

_LAZY = {
    # Lazy, so that `python3 -m fgbg._codegen` works before the stubs exist, and so that
    # reading an export needs neither gRPC nor the stubs.
    "Client": "client", "Batch": "batch", "SampleDigest": "digest", "FgbgError": "errors",
    "default_target": "errors", "DatasetInfo": "info", "DatasetSpec": "info",
    "SceneSettings": "info", "SkippedFile": "info", "Stats": "info", "ChannelStats": "info",
    "ExportError": "exports",
    "Credentials": "credentials", "OtherDataError": "failover",
    "AnswerTooLargeError": "errors", "SampleMeta": "sample_meta",
}
# Modules README calls as `fgbg.failover.stream_epoch(...)` or `fgbg.shm.process_pool()` after a
# plain `import fgbg`.
_MODULES = ("failover", "reconnect", "replicas", "resume", "digest", "shm")


if not TYPE_CHECKING:  # hidden from type checkers, so that fgbg.Nonexistent is an error there
    def __getattr__(name: str) -> Any:
        if name == "exported":
            from .torch.exported import exported

            return exported
        if name in _LAZY or name in _MODULES:
            import importlib

            module = importlib.import_module("." + _LAZY.get(name, name), __name__)
            return module if name in _MODULES else getattr(module, name)
        raise AttributeError("module 'fgbg' has no attribute %r" % name)


def __dir__() -> List[str]:
    # dir(fgbg) and completion list the lazy names too, not only what was imported so far.
    return sorted(set(globals()) | set(__all__) | set(_MODULES))
