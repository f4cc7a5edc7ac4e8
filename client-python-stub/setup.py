"""Generates the gRPC stubs from the repository's proto/ while building (never hand-copied)."""
import os
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


class BuildWithStubs(build_py):
    def run(self):
        from fgbg import _codegen

        _codegen.generate()
        super().run()


setup(cmdclass={"build_py": BuildWithStubs})
