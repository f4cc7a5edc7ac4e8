"""The first import of fgbg in a checkout generates the stubs: several processes that start at
once (torchrun's ranks, trainers on a fresh checkout or after proto/ changed) must each import
whole stubs, never one another's half-written files."""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from conftest import ROOT

PKG = os.path.join(ROOT, "client-python-stub")
PROTO = os.path.join(ROOT, "proto", "src", "main", "proto")
PROCESSES = 8
ROUNDS = 3
# Uses messages from the start, the middle and the end of fgbg_pb2.py, and the service stub.
USE = ("import fgbg, fgbg._proto as p; "
       "b = p.pb.SampleBatch(); s = p.pb.DatasetSpec(); p.pb_grpc.FgbgStub; "
       "print(type(b).__name__, fgbg.Client.__name__)")


def checkout(dest):
    """The package's sources without stubs, beside a copy of proto/, as a fresh checkout (a copy,
    so that removing its stubs does not pull the repository's from under other tests)."""
    pkg = dest / "client-python-stub"
    shutil.copytree(os.path.join(PKG, "fgbg"), pkg / "fgbg",
                    ignore=shutil.ignore_patterns("v1", "__pycache__", ".v1*"))
    shutil.copytree(PROTO, dest / "proto" / "src" / "main" / "proto")
    return pkg


def start_at_once(pkg, code=USE):
    env = dict(os.environ, PYTHONPATH=str(pkg))
    env.pop("FGBG_PROTO_ROOT", None)
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=str(pkg), env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(PROCESSES)]
    return [(p.wait(), *p.communicate()) for p in procs]


def assert_all_imported(results):
    for code, out, err in results:
        assert code == 0 and out.split() == ["SampleBatch", "Client"], err


def test_processes_that_start_at_once_on_a_fresh_checkout_all_import_whole_stubs(tmp_path):
    for r in range(ROUNDS):
        pkg = checkout(tmp_path / str(r))
        results = start_at_once(pkg)
        assert_all_imported(results)
        told = [err for _, _, err in results if "so they were generated now" in err]
        assert told, "one of them says it generated the stubs"
        assert "the gRPC stubs are missing" in told[0]
        assert sorted(set(os.listdir(pkg / "fgbg" / "v1")) - {"__pycache__"}) == [
            "PROTO_SHA256", "__init__.py", "fgbg_pb2.py", "fgbg_pb2_grpc.py"]
        assert not [n for n in os.listdir(pkg / "fgbg") if n.startswith(".v1-")], \
            "no temporary folder is left behind"


def test_processes_that_start_at_once_after_proto_changed_all_import_whole_stubs(tmp_path):
    pkg = checkout(tmp_path)
    assert_all_imported(start_at_once(pkg))
    proto = tmp_path / "proto" / "src" / "main" / "proto" / "fgbg" / "v1" / "fgbg.proto"
    for r in range(ROUNDS):
        with open(proto, "a") as f:
            f.write("\n// changed %d\n" % r)
        results = start_at_once(pkg)
        assert_all_imported(results)
        assert any("the gRPC stubs are stale" in err for _, _, err in results)
        r = subprocess.run([sys.executable, "-m", "fgbg._codegen", "--check"], cwd=str(pkg),
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr


def test_a_half_made_folder_left_by_a_killed_generator_does_not_stop_the_next(tmp_path):
    pkg = checkout(tmp_path)
    half = pkg / "fgbg" / ".v1-new-killed" / "fgbg" / "v1"
    half.mkdir(parents=True)
    (half / "fgbg_pb2.py").write_text("# cut off by a kill\nDESCRIPTOR = None\n_")
    (pkg / "fgbg" / ".v1.lock").write_text("")  # its lock file too (the lock died with it)
    assert_all_imported(start_at_once(pkg))
    assert not (pkg / "fgbg" / ".v1-new-killed").exists(), "the next generator removes it"


def test_a_package_folder_that_cannot_be_written_is_named_with_the_reason():
    """A checkout (or proto/ named by FGBG_PROTO_ROOT) whose package folder this user may not
    write: the import says where and why it cannot generate, not a PermissionError from inside."""
    # Root writes anywhere, so the import runs as nobody where the suite runs as root.
    as_user = dict(user=65534, group=65534, extra_groups=[]) if os.geteuid() == 0 else {}
    top = tempfile.mkdtemp()  # not pytest's tmp_path: its base folder is private to its user
    try:
        pkg = checkout(pathlib.Path(top))
        for path, _, _ in os.walk(top):
            os.chmod(path, 0o555)
        env = dict(os.environ, PYTHONPATH=str(pkg), HOME=top)
        env.pop("FGBG_PROTO_ROOT", None)
        r = subprocess.run([sys.executable, "-c", "import fgbg; fgbg.Client"], cwd=str(pkg),
                           env=env, capture_output=True, text=True, **as_user)
    finally:
        for path, _, _ in os.walk(top):
            os.chmod(path, 0o755)
        shutil.rmtree(top)
    assert r.returncode == 1
    last = r.stderr.strip().splitlines()[-1]
    assert last == ("ImportError: fgbg: the gRPC stubs are missing, and they cannot be generated "
                    "in %s: Permission denied; run %s -m fgbg._codegen as a user who may write "
                    "there" % (pkg / "fgbg" / "v1", sys.executable)), r.stderr
    assert "PermissionError" not in r.stderr, r.stderr
