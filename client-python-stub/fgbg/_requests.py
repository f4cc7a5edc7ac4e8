"""Request fields from the client's keyword arguments: output names, depth dtypes, export
formats, each checked with a message naming the bad value."""
from typing import Iterable, List, Optional, Sequence

from ._proto import pb

OUTPUTS = {"image": pb.OUTPUT_IMAGE, "mask": pb.OUTPUT_MASK, "depth": pb.OUTPUT_DEPTH,
           "meta": pb.OUTPUT_META, "instances": pb.OUTPUT_INSTANCES,
           "background": pb.OUTPUT_BACKGROUND, "background_depth": pb.OUTPUT_BACKGROUND_DEPTH}
DTYPES = {"float16": pb.DEPTH_DTYPE_FLOAT16, "float32": pb.DEPTH_DTYPE_FLOAT32}
FORMATS = {"folders": pb.EXPORT_FORMAT_FOLDERS, "zip": pb.EXPORT_FORMAT_ZIP,
           "webdataset": pb.EXPORT_FORMAT_WEBDATASET, "npy": pb.EXPORT_FORMAT_NPY,
           "coco": pb.EXPORT_FORMAT_COCO}


def output_enums(outputs: Optional[Iterable[str]],
                 allowed: Sequence[str] = tuple(OUTPUTS)) -> List[int]:
    """Proto enums for output names; None or empty: everything the dataset has (image, mask,
    depth, meta: background and background_depth come only when named)."""
    if outputs is None:
        return []
    if isinstance(outputs, str):
        raise ValueError("outputs must be a list of names such as ['image', 'mask'], not %r"
                         % (outputs,))
    names = list(outputs)
    bad = [o for o in names if o not in allowed]
    if bad:
        raise ValueError("outputs %r: each must be one of %s" % (bad, list(allowed)))
    return [OUTPUTS[o] for o in names]


def dtype_enum(depth_dtype: str) -> int:
    if depth_dtype not in DTYPES:
        raise ValueError("depth_dtype %r must be float16 or float32" % (depth_dtype,))
    return DTYPES[depth_dtype]


def output_names(enums: Iterable[int]) -> List[str]:
    """A request's outputs by name (as output_enums took them)."""
    names = {v: k for k, v in OUTPUTS.items()}
    return [names[e] for e in enums if e in names]


def dtype_name(enum: int) -> str:
    """A request's depth dtype by name (unset: float16, as the server reads it)."""
    return "float32" if enum == pb.DEPTH_DTYPE_FLOAT32 else "float16"
