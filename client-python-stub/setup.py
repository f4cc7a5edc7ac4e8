"""Generates the gRPC stubs from the repository's proto/ while building (never hand-copied).

The stubs (package fgbg.v1) are written straight into the build folder, after the other
packages are copied there: pyproject.toml does not list fgbg.v1, since a fresh checkout has no
fgbg/v1/ when pip prepares the metadata (before build_py runs). Build byproducts (build/,
fgbg.egg-info/) go to a temporary folder, so that `pip install ./client-python-stub` leaves the
source tree as it found it (fgbg/v1/ there is made only by importing fgbg from the source tree,
and is ignored by git).

The stubs are generated once, before setup() runs, because their generator decides the wheel's
dependencies: code made by a recent grpcio-tools (which pip's build isolation fetches) loads only
with a protobuf and grpcio at least as new as the generator's, and says so in its header. Declaring
those lower bounds makes pip install them, also into a venv that sees Debian's older protobuf
(--system-site-packages); a build with Debian's own grpcio-tools (--no-build-isolation) gets
Debian's versions as the bounds, which its packages meet.
"""
import atexit
import os
import shutil
import sys
import tempfile

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
SCRATCH = tempfile.mkdtemp(prefix="fgbg-build-")
atexit.register(shutil.rmtree, SCRATCH, True)


from fgbg import _codegen  # noqa: E402  (after the sys.path line above)

STUBS = os.path.join(SCRATCH, "stubs")
_codegen.generate(out=STUBS)
PROTOBUF, GRPCIO = _codegen.needed_versions(os.path.join(STUBS, "fgbg", "v1"))
REQUIRES = ["grpcio>=" + (GRPCIO or "1.51"), "protobuf>=" + (PROTOBUF or "3.20"), "numpy>=1.21"]


class BuildWithStubs(build_py):
    def run(self):
        super().run()
        shutil.copytree(os.path.join(STUBS, "fgbg", "v1"),
                        os.path.join(self.build_lib, "fgbg", "v1"), dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithStubs}, install_requires=REQUIRES,
      options={"build": {"build_base": os.path.join(SCRATCH, "build")},
               "egg_info": {"egg_base": SCRATCH}})
