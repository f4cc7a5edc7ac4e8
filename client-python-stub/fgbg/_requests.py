"""Request fields from the client's keyword arguments: output names, depth dtypes, export
formats, each checked with a message naming the bad value; `request` builds a request message
with every integer, bool and string field checked against the field's wire type first (so that
seed=-1 names seed and [0, 2**64-1], not protobuf's "Value out of range: -1")."""
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from google.protobuf.descriptor import FieldDescriptor

from ._dtypes import DEPTH_DTYPES, depth_dtype_name
from ._checks import bounded, flag, integer, integers, names, text
from ._proto import pb

_F = FieldDescriptor
# Each integer wire type's range and its name in the message.
_RANGES: Dict[int, Tuple[int, int, str]] = {
    _F.TYPE_INT32: (-(1 << 31), (1 << 31) - 1, "int32"),
    _F.TYPE_SINT32: (-(1 << 31), (1 << 31) - 1, "int32"),
    _F.TYPE_SFIXED32: (-(1 << 31), (1 << 31) - 1, "int32"),
    _F.TYPE_INT64: (-(1 << 63), (1 << 63) - 1, "int64"),
    _F.TYPE_SINT64: (-(1 << 63), (1 << 63) - 1, "int64"),
    _F.TYPE_SFIXED64: (-(1 << 63), (1 << 63) - 1, "int64"),
    _F.TYPE_UINT32: (0, (1 << 32) - 1, "uint32"),
    _F.TYPE_FIXED32: (0, (1 << 32) - 1, "uint32"),
    _F.TYPE_UINT64: (0, (1 << 64) - 1, "uint64"),
    _F.TYPE_FIXED64: (0, (1 << 64) - 1, "uint64"),
}


def request(cls: Any, **fields: Any) -> Any:
    """`cls(**fields)`, a request message, each field checked first (see `field`): errors name
    the keyword argument and what it accepts, before any call."""
    return cls(**{name: field(cls, name, value) for name, value in fields.items()})


def field(cls: Any, name: str, value: Any) -> Any:
    """`value` for field `name` of request message `cls`: an integer field (or each item of a
    repeated one) an integer in its wire type's range, a bool field True or False, a string
    field a str; else TypeError/ValueError naming `name` and what it accepts. Enum and message
    fields go as given (output_enums, dtype_enum check those)."""
    desc = cls.DESCRIPTOR.fields_by_name[name]
    if desc.type in _RANGES:
        low, high, kind = _RANGES[desc.type]
        what = "an %s request field" % kind if kind[0] == "i" else "a %s request field" % kind
        if desc.label == _F.LABEL_REPEATED:
            return [bounded(v, "%s[%d]" % (name, i), low, high, what)
                    for i, v in enumerate(integers(value, name))]
        return bounded(integer(value, name), name, low, high, what)
    if desc.type == _F.TYPE_BOOL:
        return flag(value, name)
    if desc.type == _F.TYPE_STRING:
        return text(value, name)
    return value


# Names to the proto enums' values (ints; the generated module is untyped).
OUTPUTS: Dict[str, int] = {
    "image": pb.OUTPUT_IMAGE, "mask": pb.OUTPUT_MASK, "depth": pb.OUTPUT_DEPTH,
    "meta": pb.OUTPUT_META, "instances": pb.OUTPUT_INSTANCES,
    "background": pb.OUTPUT_BACKGROUND, "background_depth": pb.OUTPUT_BACKGROUND_DEPTH}
DTYPES: Dict[str, int] = {name: enum for enum, name in DEPTH_DTYPES.items()}
FORMATS: Dict[str, int] = {
    "folders": pb.EXPORT_FORMAT_FOLDERS, "zip": pb.EXPORT_FORMAT_ZIP,
    "webdataset": pb.EXPORT_FORMAT_WEBDATASET, "npy": pb.EXPORT_FORMAT_NPY,
    "coco": pb.EXPORT_FORMAT_COCO}


def output_enums(outputs: Optional[Iterable[str]],
                 allowed: Sequence[str] = tuple(OUTPUTS)) -> List[int]:
    """Proto enums for output names; None or empty: everything the dataset has (image, mask,
    depth, meta: background and background_depth come only when named)."""
    given = names(outputs, "outputs")
    if given is None:
        return []
    bad = [o for o in given if o not in allowed]
    if bad:
        raise ValueError("outputs %r: each must be one of %s" % (bad, list(allowed)))
    return [OUTPUTS[o] for o in given]


def dtype_enum(depth_dtype: str) -> int:
    """A depth dtype's enum; ValueError naming depth_dtype unless it is float16 or float32."""
    if not isinstance(depth_dtype, str) or depth_dtype not in DTYPES:
        raise ValueError("depth_dtype %r must be float16 or float32" % (depth_dtype,))
    return DTYPES[depth_dtype]


def output_names(enums: Iterable[int]) -> List[str]:
    """A request's outputs by name (as output_enums took them)."""
    names = {v: k for k, v in OUTPUTS.items()}
    return [names[e] for e in enums if e in names]


def dtype_name(enum: int) -> str:
    """A request's depth dtype by name (unset: float16, as the server reads it)."""
    return depth_dtype_name(enum)
