"""Generates the gRPC stubs from the repository's proto/ while building (never hand-copied).

The stubs (package fgbg.v1) are written straight into the build folder, after the other
packages are copied there: pyproject.toml does not list fgbg.v1, since a fresh checkout has no
fgbg/v1/ when pip prepares the metadata (before build_py runs). Build byproducts (build/,
fgbg.egg-info/) go to a temporary folder, so that `pip install ./client-python-stub` leaves the
source tree as it found it (fgbg/v1/ there is made only by importing fgbg from the source tree,
and is ignored by git).
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


class BuildWithStubs(build_py):
    def run(self):
        super().run()
        from fgbg import _codegen

        _codegen.generate(out=self.build_lib)


setup(cmdclass={"build_py": BuildWithStubs},
      options={"build": {"build_base": os.path.join(SCRATCH, "build")},
               "egg_info": {"egg_base": SCRATCH}})
