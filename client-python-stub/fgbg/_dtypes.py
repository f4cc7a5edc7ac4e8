"""Depth dtypes by their wire numbers (fgbg.v1.DepthDtype), in a module without the gRPC stubs:
DatasetInfo (fgbg.info) is read with exports too, where no stubs are needed."""
from typing import Dict

# DEPTH_DTYPE_FLOAT16 = 1, DEPTH_DTYPE_FLOAT32 = 2 (tests/test_sample_bytes checks them against
# the stubs); 0 is unset, which the server reads as float16.
DEPTH_DTYPES: Dict[int, str] = {1: "float16", 2: "float32"}


def depth_dtype_name(enum: int) -> str:
    """A depth dtype's name by its wire number (unset or unknown: float16, as the server reads
    it)."""
    return DEPTH_DTYPES.get(enum, "float16")
