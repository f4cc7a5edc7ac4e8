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


def copy_package(dest, with_proto):
    """The package's source files (and proto/, when with_proto) copied to dest, as a checkout or,
    without proto/, as an installed package; its stubs are generated there from the real proto."""
    pkg = dest / "client-python-stub"
    shutil.copytree(os.path.join(PKG, "fgbg"), pkg / "fgbg",
                    ignore=shutil.ignore_patterns("v1", "__pycache__"))
    if with_proto:
        shutil.copytree(PROTO, dest / "proto" / "src" / "main" / "proto")
    from fgbg import _codegen

    _codegen.generate(root=PROTO, out=str(pkg))
    return pkg


def made_by_a_newer_generator(pkg):
    """Marks the stubs as pip's build isolation leaves them when it fetches a grpcio-tools newer
    than this Python's protobuf: the header that protoc writes and the runtime check that
    fails (protobuf < 5.26 has no runtime_version module)."""
    pb2 = pkg / "fgbg" / "v1" / "fgbg_pb2.py"
    text = pb2.read_text()
    assert "import runtime_version" not in text or "Protobuf Python Version" in text
    pb2.write_text("# Protobuf Python Version: 999.0.0\n"
                   "from google.protobuf import runtime_version_999\n" + text)


def run(pkg, *args):
    env = dict(os.environ)
    env.pop("FGBG_PROTO_ROOT", None)
    return subprocess.run([sys.executable] + list(args), cwd=str(pkg), env=env,
                          capture_output=True, text=True)


def test_the_needed_runtime_versions_are_read_from_the_generated_code(tmp_path):
    from fgbg import _codegen

    (tmp_path / "fgbg_pb2.py").write_text("# -*- coding: utf-8 -*-\n"
                                          "# Protobuf Python Version: 7.35.1\n")
    (tmp_path / "fgbg_pb2_grpc.py").write_text("import grpc\nGRPC_GENERATED_VERSION = '1.84.0'\n")
    assert _codegen.needed_versions(str(tmp_path)) == ("7.35.1", "1.84.0")
    (tmp_path / "fgbg_pb2.py").write_text("# Protobuf Python Version: 1.0.0rc1\n")
    (tmp_path / "fgbg_pb2_grpc.py").write_text("import grpc\n")  # older generators write none
    assert _codegen.needed_versions(str(tmp_path)) == ("1.0.0rc1", None)
    assert _codegen.runtime_mismatch(str(tmp_path)) is None
    (tmp_path / "fgbg_pb2_grpc.py").write_text("GRPC_GENERATED_VERSION = '999.1'\n")
    reason = _codegen.runtime_mismatch(str(tmp_path))
    assert reason is not None and "grpcio>=999.1" in reason and "protobuf" in reason


def test_check_reports_stubs_made_for_a_newer_protobuf_and_import_regenerates_them(tmp_path):
    pkg = copy_package(tmp_path, with_proto=True)
    made_by_a_newer_generator(pkg)
    r = run(pkg, "-m", "fgbg._codegen", "--check")
    assert r.returncode == 1
    assert "need protobuf>=999.0.0" in r.stderr and "run %s -m fgbg._codegen" % sys.executable \
        in r.stderr, r.stderr
    # The first import regenerates them with this Python's grpcio-tools, as for stale stubs.
    r = run(pkg, "-c", "import fgbg._proto as p; print(p.pb.DESCRIPTOR.name)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["fgbg/v1/fgbg.proto"] and "need protobuf>=999.0.0" in r.stderr
    assert run(pkg, "-m", "fgbg._codegen", "--check").returncode == 0


def test_an_installed_package_with_stubs_for_a_newer_protobuf_fails_saying_what_to_run(tmp_path):
    pkg = copy_package(tmp_path, with_proto=False)  # installed: no proto/ to generate from
    made_by_a_newer_generator(pkg)
    r = run(pkg, "-m", "fgbg._codegen", "--check")
    assert r.returncode == 1 and "need protobuf>=999.0.0" in r.stderr, r.stderr
    r = run(pkg, "-c", "import fgbg; fgbg.Client")
    assert r.returncode == 1
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: fgbg: the gRPC stubs in ") and \
        "need protobuf>=999.0.0" in last and "--no-build-isolation" in last, r.stderr
    assert "runtime_version_999" not in r.stderr  # the generated code never ran
    assert "Exception ignored" not in r.stderr, "the exit hook imports nothing: " + r.stderr


LEGACY = """_descriptor.FieldDescriptor(
      name='height', full_name='fgbg.v1.DatasetSpec.height', index=0,
"""


def test_stubs_in_the_old_form_are_refused_by_name_where_protobuf_is_upb(tmp_path, monkeypatch):
    # protoc before 3.19 (Debian's grpcio-tools 1.14) made each descriptor by a call, which
    # pip's protobuf (upb) refuses with "Descriptors cannot be created directly".
    from fgbg import _codegen

    (tmp_path / "fgbg_pb2.py").write_text(LEGACY)
    (tmp_path / "fgbg_pb2_grpc.py").write_text("import grpc\n")
    assert _codegen.is_legacy(str(tmp_path))
    monkeypatch.setattr(_codegen, "_implementation", lambda: "cpp")  # Debian's: loads it
    assert _codegen.runtime_mismatch(str(tmp_path)) is None
    monkeypatch.setattr(_codegen, "_implementation", lambda: "upb")
    reason = _codegen.runtime_mismatch(str(tmp_path))
    assert reason is not None and "old protoc" in reason and "(upb) does not load" in reason
    (tmp_path / "fgbg_pb2.py").write_text("from google.protobuf.internal import builder as "
                                          "_builder\n_builder.BuildMessageAndEnumDescriptors\n")
    assert not _codegen.is_legacy(str(tmp_path))
    assert _codegen.runtime_mismatch(str(tmp_path)) is None


def generate_in_a_venv(tmp_path, *venv_flags):
    """generate() run by the Python of a venv made from this (Debian's) Python without
    --system-site-packages: it cannot see python3-grpc-tools. What it raised, in words."""
    from fgbg import _codegen

    # The suite's script installs python3-grpc-tools (./fgbg test); the hint names it.
    assert subprocess.run([_codegen.DEBIAN_PYTHON, "-c", "import grpc_tools.protoc"]).returncode \
        == 0, "Debian's python3-grpc-tools is missing: run the suite with ./fgbg test"
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", *venv_flags, str(env)],
                   check=True)
    code = ("import sys; sys.path.insert(0, %r); from fgbg import _codegen; "
            "_codegen.generate(root=%r, out=%r)" % (PKG, PROTO, str(tmp_path / "out")))
    r = subprocess.run([str(env / "bin" / "python"), "-c", code], capture_output=True, text=True)
    assert r.returncode == 1 and not (tmp_path / "out" / "fgbg").exists(), r.stderr
    return r.stderr.strip().splitlines()[-1]


def test_a_venv_that_cannot_see_debians_grpcio_tools_is_told_to_see_them(tmp_path):
    """Debian's grpcio-tools is installed, but a venv made without --system-site-packages cannot
    import it: the error names the flag rather than sending the user to install it again."""
    error = generate_in_a_venv(tmp_path)
    assert "needs grpcio-tools (Debian's python3-grpc-tools is installed, but this Python" in error
    assert "is a venv of Debian's Python that does not see its packages: make the venv with " \
           "/usr/bin/python3 -m venv --system-site-packages" in error, error


def test_a_python_that_is_not_debians_is_told_to_use_usr_bin_python3(tmp_path):
    """A venv whose interpreter is another binary (as one of pyenv or conda, first on PATH,
    makes; here a copy) is not Debian's Python: the error says to make it from /usr/bin/python3."""
    error = generate_in_a_venv(tmp_path, "--copies")
    assert "is not Debian's /usr/bin/python3 and does not see Debian's packages: make the venv " \
           "with /usr/bin/python3 -m venv --system-site-packages" in error, error


def test_without_debians_grpcio_tools_the_error_says_to_install_it():
    from fgbg import _codegen

    assert _codegen.debian_python_hint(debian="/bin/false") is None
    assert _codegen.debian_python_hint(debian="/nonexistent/python3") is None
