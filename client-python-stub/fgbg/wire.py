"""Splits a serialized SampleBatch without copying its payload.

The image, mask and depth fields are located by scanning the top-level wire format (their field
numbers come from the generated descriptor, so they follow the .proto); everything else
(indices, meta, small scalars) is re-parsed with protobuf, which is cheap. The payload arrays
are then numpy views at offsets into the one bytes object gRPC handed us.
"""
from typing import Dict, List, Tuple

from ._proto import pb
from .batch import ARRAYS

_FIELDS = pb.SampleBatch.DESCRIPTOR.fields_by_name
# field number -> Batch buffer name (the proto field names of the arrays)
PAYLOAD_FIELDS: Dict[int, str] = {_FIELDS[name].number: name for name in ARRAYS}


def _varint(buf: bytes, pos: int) -> Tuple[int, int]:
    result = 0
    shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def split(raw: bytes) -> Tuple[bytes, Dict[str, Tuple[int, int]]]:
    """Returns (bytes of the other fields, {name: (offset, length)}) for a SampleBatch."""
    pos = 0
    end = len(raw)
    payload: Dict[str, Tuple[int, int]] = {}
    rest: List[Tuple[int, int]] = []
    while pos < end:
        start = pos
        key, pos = _varint(raw, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, pos = _varint(raw, pos)
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        elif wire == 2:
            length, pos = _varint(raw, pos)
            if field in PAYLOAD_FIELDS:
                payload[PAYLOAD_FIELDS[field]] = (pos, length)
                pos += length
                continue
            pos += length
        else:
            raise ValueError("unexpected wire type %d in SampleBatch" % wire)
        rest.append((start, pos))
    small = b"".join(raw[a:b] for a, b in rest)
    return small, payload
