"""Byte counts in words, for messages and log lines. Imports nothing of fgbg, so that any module
can use it."""

__all__ = ["size_words"]

_UNITS = ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB"))


def size_words(n: int) -> str:
    """`n` bytes in the largest unit of which there is at least one (e.g. '2.0 GiB')."""
    for unit, name in _UNITS:
        if n >= unit:
            return "%.1f %s" % (n / unit, name)
    return "%d bytes" % n
