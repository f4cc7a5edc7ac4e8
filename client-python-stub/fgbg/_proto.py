"""The generated messages and stubs, generated first if missing or stale."""
from . import _codegen

_codegen.ensure()

from .v1 import fgbg_pb2 as pb  # noqa: E402
from .v1 import fgbg_pb2_grpc as pb_grpc  # noqa: E402

__all__ = ["pb", "pb_grpc"]
