"""Generates the gRPC stubs from the repository's proto/ while building (never hand-copied).

Build byproducts (build/, fgbg.egg-info/) go to a temporary folder, so that
`pip install ./client-python-stub` leaves the source tree as it found it (the generated stubs in
fgbg/v1/ are the only output, and they are ignored by git).
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
        from fgbg import _codegen

        _codegen.generate()
        super().run()


setup(cmdclass={"build_py": BuildWithStubs},
      options={"build": {"build_base": os.path.join(SCRATCH, "build")},
               "egg_info": {"egg_base": SCRATCH}})
