import os
import shutil
import subprocess
import sys

from conftest import ROOT

PKG = os.path.join(ROOT, "client-python-stub")
PROTO = os.path.join(ROOT, "proto", "src", "main", "proto")


def check(env=None):
    return subprocess.run([sys.executable, "-m", "fgbg._codegen", "--check"], cwd=PKG,
                          env=env, capture_output=True, text=True)


def test_stubs_are_generated_from_proto_and_current():
    r = check()
    assert r.returncode == 0, r.stderr
    import fgbg.v1.fgbg_pb2 as pb

    assert pb.DESCRIPTOR.name == "fgbg/v1/fgbg.proto"


def test_a_changed_proto_makes_the_check_fail(tmp_path):
    copy = tmp_path / "proto"
    shutil.copytree(PROTO, copy)
    with open(copy / "fgbg" / "v1" / "fgbg.proto", "a") as f:
        f.write("\n// changed\n")
    env = dict(os.environ, FGBG_PROTO_ROOT=str(copy))
    r = check(env)
    assert r.returncode == 1
    assert "stale" in r.stderr
