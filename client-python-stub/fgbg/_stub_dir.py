"""The generated stubs' folder (fgbg/v1), written whole and by one process at a time.

Several processes may import fgbg for the first time at once (torchrun's ranks, trainers on a
fresh checkout or after proto/ changed). Were each to run protoc into fgbg/v1, one would import
a fgbg_pb2.py that another was rewriting in place. So the writer holds a lock (fgbg/.v1.lock),
writes the new stubs into a private folder beside fgbg/v1 and renames that folder into place:
a process that checks the stubs without the lock sees old stubs, no stubs, or new stubs, never
part of a file, and one that waited for the lock finds the stubs current and writes nothing.
"""
import contextlib
import fcntl
import os
import shutil
import tempfile
from typing import Callable, Iterator, Optional

LOCK = ".v1.lock"
NEW = ".v1-new-"  # a folder being written (protoc's output root: NEW.../fgbg/v1)
OLD = ".v1-old-"  # the replaced stubs, on their way out


@contextlib.contextmanager
def locked(parent: str) -> Iterator[None]:
    """Holds the lock on the stubs in `parent`/v1 (waiting for another process that holds it).
    The lock ends with its holder's file descriptor, also when the holder is killed."""
    os.makedirs(parent, exist_ok=True)
    fd = os.open(os.path.join(parent, LOCK), os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def replace(parent: str, write: Callable[[str], None]) -> None:
    """Calls write(root), which writes the stubs into root/fgbg/v1, and moves that folder to
    `parent`/v1, replacing what was there. The caller holds `locked(parent)`, so any folder
    that another writer left (killed half way) is no one's now and is removed first."""
    for name in os.listdir(parent):
        if name.startswith((NEW, OLD)):
            shutil.rmtree(os.path.join(parent, name), ignore_errors=True)
    new = tempfile.mkdtemp(prefix=NEW, dir=parent)
    old: Optional[str] = None
    try:
        write(new)
        target = os.path.join(parent, "v1")
        if os.path.lexists(target):
            # A folder cannot be renamed onto a folder that holds files: move the old one aside
            # first. A process that looks between the two renames finds no stubs, and so waits
            # for this lock, as for missing stubs.
            old = tempfile.mkdtemp(prefix=OLD, dir=parent)
            os.rename(target, os.path.join(old, "v1"))
        os.rename(os.path.join(new, "fgbg", "v1"), target)
    finally:
        shutil.rmtree(new, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
