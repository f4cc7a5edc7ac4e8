"""Arguments from the user, checked in one place, one checker per kind, each error naming the
argument and what it accepts.

Integers (sample indices, seeds, batch sizes, ranges, ranks): a Python or numpy integer (or
another integer scalar with __index__, such as a 0-d integer tensor) is taken as an int; a
float, a string or a bool is a TypeError naming the argument, never silently converted (1.5 is
not sample 1, "7" is not sample 7); `bounded` refuses one outside a range (fgbg._requests gives
each request field its wire type's range). Flags are True or False (numpy's too), not "yes" or
None; seconds are positive finite numbers (a call's timeout past 10 years is 10 years: no
practical limit); names (outputs) are a list, never one string split into letters; paths are
str or os.PathLike.

Needs numpy only (no gRPC), so that reading an export uses it too.
"""
import math
import numbers
import operator
import os
from typing import Any, Dict, Iterable, List, Optional, Tuple

import numpy as np

__all__ = ["integer", "optional_integer", "integers", "int_args", "world_size_arg", "sample_count",
           "bounded", "flag", "optional_flag", "seconds_arg", "deadline_arg", "MAX_DEADLINE_S",
           "text", "names", "path_arg"]

_BOOL_DTYPES = ("bool", "torch.bool")  # numpy's and torch's: both have __index__


def _as_int(value: Any) -> Optional[int]:
    if isinstance(value, bool) or str(getattr(value, "dtype", "")) in _BOOL_DTYPES:
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def _refuse(name: str, value: Any) -> TypeError:
    return TypeError("%s must be an integer, got %r (%s)" % (name, value, type(value).__name__))


def integer(value: Any, name: str) -> int:
    """`value` as an int; TypeError naming `name` when it is not an integer."""
    k = _as_int(value)
    if k is None:
        raise _refuse(name, value)
    return k


def optional_integer(value: Any, name: str) -> Optional[int]:
    """None, or `value` as an int (see `integer`)."""
    return None if value is None else integer(value, name)


def integers(values: Iterable[Any], name: str) -> List[int]:
    """A list of ints from integers (a list, a range, a 1-D integer numpy array or tensor);
    TypeError naming `name` and the position of the first that is not one."""
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "iu":
        return [int(v) for v in values.tolist()]
    try:
        if isinstance(values, (str, bytes)):
            raise TypeError
        items = iter(values)
    except TypeError:
        raise TypeError("%s must be a sequence of integers, got %r (%s)"
                        % (name, values, type(values).__name__)) from None
    out = []
    for i, v in enumerate(items):
        k = _as_int(v)
        if k is None:
            raise _refuse("%s[%d]" % (name, i), v)
        out.append(k)
    return out


def int_args(**values: Any) -> Dict[str, int]:
    """The keyword arguments as ints (each checked, named by its keyword), e.g. request fields:
    ``pb.StatsRequest(**int_args(seed=seed, start=start, end=end))``."""
    return {name: integer(value, name) for name, value in values.items()}


def world_size_arg(value: Any) -> int:
    """A request's `world_size`: 0 or less is refused, since on the wire 0 means 1 (an unset
    field), which world_size=0 would silently ask for."""
    n = integer(value, "world_size")
    if n < 1:
        raise ValueError("world_size=%d must be at least 1 (the number of ranks)" % n)
    return n


def sample_count(sample: Any) -> int:
    """A selection's `sample` as its request field: None (all samples) is 0. 0 or less is
    refused: on the wire 0 means all samples, which `sample=0` would silently ask for."""
    if sample is None:
        return 0
    n = integer(sample, "sample")
    if n < 1:
        raise ValueError("sample=%d must be at least 1; leave it out (None) for all samples" % n)
    return n


def bounded(value: int, name: str, low: int, high: int, what: str) -> int:
    """`value` when low <= value <= high, else a ValueError naming `name`, the range and `what`
    it is (e.g. "a uint64 request field")."""
    if not low <= value <= high:
        raise ValueError("%s=%d is out of range: it must be in [%d, %d] (%s)"
                         % (name, value, low, high, what))
    return value


def flag(value: Any, name: str) -> bool:
    """`value` as a bool: True or False (numpy's too); TypeError naming `name` otherwise, so
    that shuffle="no" or shuffle=None is not silently taken for a truth value."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError("%s must be True or False, got %r (%s)" % (name, value, type(value).__name__))


def optional_flag(value: Any, name: str) -> Optional[bool]:
    """None (the default decides), or `value` as a bool (see `flag`)."""
    return None if value is None else flag(value, name)


def seconds_arg(value: Any, name: str) -> float:
    """`value` as seconds: a positive finite number (int, float, numpy); TypeError or
    ValueError naming `name` otherwise."""
    if not isinstance(value, numbers.Real) or isinstance(value, (bool, np.bool_)):
        raise TypeError("%s must be a number of seconds, got %r (%s)"
                        % (name, value, type(value).__name__))
    if not 0 < float(value) < math.inf:
        raise ValueError("%s must be a positive, finite number of seconds, got %r" % (name, value))
    return float(value)


# The longest deadline a call is given: 10 years. grpcio adds a call's timeout to the wall clock
# in nanoseconds, which overflows past about 9.2e9 s (less what the clock reads): 1e10 ended
# every call DEADLINE_EXCEEDED at once. Users pass sys.maxsize to mean "no limit": a longer
# timeout is this one (the wire's grpc-timeout holds about 3 years at most anyway).
MAX_DEADLINE_S = 10 * 365.25 * 24 * 3600.0


def deadline_arg(value: Any, name: str) -> float:
    """`value` as a call's timeout: seconds as `seconds_arg` takes them, a value over
    MAX_DEADLINE_S (10 years) being that: no practical limit."""
    return min(seconds_arg(value, name), MAX_DEADLINE_S)


def text(value: Any, name: str, secret: bool = False) -> str:
    """`value` when it is a str; TypeError naming `name` otherwise (without the value when it
    is a `secret`, such as a token given as bytes)."""
    if not isinstance(value, str):
        if secret:
            raise TypeError("%s must be a str, got a value of type %s (not shown: it may be a "
                            "secret)" % (name, type(value).__name__))
        raise TypeError("%s must be a str, got %r (%s)" % (name, value, type(value).__name__))
    return value


def names(values: Optional[Iterable[str]], name: str) -> Optional[Tuple[str, ...]]:
    """None, or `values` as a tuple of str: a list such as ['image', 'mask'], never one str
    (which would be split into letters); TypeError naming `name` otherwise."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)):
        raise TypeError("%s must be a list of names such as ['image', 'mask'], not %r"
                        % (name, values))
    try:
        out = tuple(values)
    except TypeError:
        raise TypeError("%s must be a list of names such as ['image', 'mask'], got %r (%s)"
                        % (name, values, type(values).__name__)) from None
    for i, v in enumerate(out):
        text(v, "%s[%d]" % (name, i))
    return out


def path_arg(value: Any, name: str) -> str:
    """`value` as a str path (a str or an os.PathLike of one); TypeError naming `name`
    otherwise."""
    path = os.fspath(value) if isinstance(value, os.PathLike) else value
    if not isinstance(path, str):
        raise TypeError("%s must be a path (str or os.PathLike), got %r (%s)"
                        % (name, value, type(value).__name__))
    return path
