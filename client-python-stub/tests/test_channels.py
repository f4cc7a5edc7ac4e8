"""Channels left open are closed at exit (pure: no server; in a process of its own, since the
hook closes every channel of the process)."""
import subprocess
import sys

from conftest import PKG

SCRIPT = """
from fgbg import _channels
from fgbg.credentials import Credentials

ch = Credentials().channel("localhost:1", [])
_channels._close_open()  # what atexit runs
try:
    ch.unary_unary("/fgbg.v1.Fgbg/Describe")(b"", timeout=1)
except ValueError as e:
    print(e)
"""


def test_a_channel_still_open_at_exit_is_closed_by_the_exit_hook():
    out = subprocess.run([sys.executable, "-c", SCRIPT], env={"PYTHONPATH": PKG},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "closed channel" in out.stdout, out.stdout + out.stderr
