"""fgbg: a client for the fgbg server of virtual composited training datasets.

    import fgbg
    with fgbg.Client("localhost:50051") as c:
        info = c.describe("builtin")
        for batch in c.stream_epoch("builtin", batch_size=64, shuffle=True):
            batch.images  # numpy uint8 [n, H, W, 3], a view of the message bytes

``fgbg.torch.FgbgIterableDataset`` feeds PyTorch (torch is imported only there).
"""

__version__ = "0.1.0"
__all__ = ["Client", "Batch", "FgbgError", "SampleDigest"]


def __getattr__(name):
    # Lazy, so that `python3 -m fgbg._codegen` works before the stubs exist.
    if name in ("Client", "FgbgError"):
        from . import client

        return getattr(client, name)
    if name == "Batch":
        from .batch import Batch

        return Batch
    if name == "SampleDigest":
        from .digest import SampleDigest

        return SampleDigest
    raise AttributeError("module 'fgbg' has no attribute %r" % name)
