"""Generates fgbg/v1/*_pb2*.py from the repository's proto/ and checks that they are current.

    python3 -m fgbg._codegen           # (re)generate
    python3 -m fgbg._codegen --check   # exit 1 if the stubs are missing, older than proto/,
                                       # made for a newer protobuf/grpcio than this Python's, or
                                       # written by an old protoc this protobuf does not load

The generated package records the SHA-256 of the .proto sources it was made from. The generated
code itself records the oldest protobuf and grpcio runtimes it loads with (protoc 26+ and
grpcio-tools 1.63+ write them; older generators wrote code that loads with any protobuf >= 3.20):
stubs made by another Python's grpcio-tools (pip's build isolation fetches the newest) must not
meet this Python's older protobuf, which fails on first use with an ImportError on
`runtime_version`. setup.py declares those versions as the wheel's lower bounds.
"""
import hashlib
import importlib
import os
import re
import subprocess
import sys
from typing import List, Optional, Tuple

from . import _stub_dir

PROTOS = ["fgbg/v1/fgbg.proto"]
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # client-python-stub/
GENERATED = os.path.join(PACKAGE_ROOT, "fgbg", "v1")
STAMP = os.path.join(GENERATED, "PROTO_SHA256")


def proto_root() -> Optional[str]:
    """The proto source folder: $FGBG_PROTO_ROOT, or proto/ beside this package in the repo."""
    env = os.environ.get("FGBG_PROTO_ROOT")
    if env:
        return env
    repo = os.path.join(os.path.dirname(PACKAGE_ROOT), "proto", "src", "main", "proto")
    return repo if os.path.isdir(repo) else None


def sources_digest(root: str) -> str:
    sha = hashlib.sha256()
    for rel in PROTOS:
        sha.update(rel.encode())
        with open(os.path.join(root, rel), "rb") as f:
            sha.update(f.read())
    return sha.hexdigest()


def recorded_digest() -> Optional[str]:
    try:
        with open(STAMP) as f:
            return f.read().strip()
    except OSError:
        return None


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return ""


def needed_versions(folder: str = GENERATED) -> Tuple[Optional[str], Optional[str]]:
    """(protobuf, grpcio): the oldest runtimes the stubs in `folder` load with, as their
    generator wrote them; None where it wrote none (older generators)."""
    pb = re.search(r"^# Protobuf Python Version: (\S+)", _read(os.path.join(folder, "fgbg_pb2.py")),
                   re.M)
    rpc = re.search(r"^GRPC_GENERATED_VERSION = '([^']+)'",
                    _read(os.path.join(folder, "fgbg_pb2_grpc.py")), re.M)
    return (pb.group(1) if pb else None), (rpc.group(1) if rpc else None)


def _release(version: str) -> Tuple[int, ...]:
    """The leading release numbers of a version ("4.21.12" -> (4, 21, 12); "1.84.0rc1" ->
    (1, 84, 0))."""
    m = re.match(r"\d+(\.\d+)*", version)
    return tuple(int(x) for x in m.group(0).split(".")) if m else ()


def runtime_mismatch(folder: str = GENERATED) -> Optional[str]:
    """Why this Python cannot load the stubs in `folder` (its protobuf or grpcio is older than
    the generated code requires), or None when it can."""
    import grpc
    from google.protobuf import __version__ as protobuf_version

    have = {"protobuf": protobuf_version, "grpcio": grpc.__version__}
    need = dict(zip(("protobuf", "grpcio"), needed_versions(folder)))
    old = ["%s>=%s" % (name, v) for name, v in need.items()
           if v is not None and _release(have[name]) < _release(v)]
    if old:
        return ("the gRPC stubs in %s need %s, but this Python (%s) has protobuf %s and grpcio %s"
                % (folder, " and ".join(old), sys.executable, have["protobuf"], have["grpcio"]))
    if is_legacy(folder) and _implementation() == "upb":
        return ("the gRPC stubs in %s were written by an old protoc (before protobuf 3.19, e.g. "
                "Debian's grpcio-tools 1.14) in a form this Python's protobuf %s (upb) does not "
                "load" % (folder, protobuf_version))
    return None


def is_legacy(folder: str = GENERATED) -> bool:
    """Whether the messages in `folder` make their descriptors one by one, as protoc before
    3.19 wrote them; protobuf's upb runtime (pip's wheels since 4.21) refuses that code."""
    text = _read(os.path.join(folder, "fgbg_pb2.py"))
    return "_descriptor.FieldDescriptor(" in text and "_builder" not in text


def _implementation() -> str:
    from google.protobuf.internal import api_implementation

    return str(api_implementation.Type())


def problem(root: Optional[str] = None) -> Optional[str]:
    """Why the stubs cannot be used as they are (missing, stale, or made for a newer runtime
    than this Python's), or None when they can."""
    if not os.path.exists(os.path.join(GENERATED, "fgbg_pb2.py")):
        return "the gRPC stubs are missing"
    root = root or proto_root()
    if root is not None and recorded_digest() != sources_digest(root):
        return "the gRPC stubs are stale (older than %s)" % root
    # An installed package has no proto sources: its stubs were generated at build time.
    return runtime_mismatch()


def is_current(root: Optional[str] = None) -> bool:
    """True when the stubs exist, match the proto sources (or no sources are around), and load
    with this Python's protobuf and grpcio."""
    return problem(root) is None


def remedy() -> str:
    """What to run to get stubs this Python loads."""
    if proto_root() is not None:
        if is_legacy() and _implementation() == "upb":
            return ("install a grpcio-tools of 1.49 or later into this Python (pip install "
                    "grpcio-tools) and run %s -m fgbg._codegen; or set "
                    "PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python (slower parsing)"
                    % sys.executable)
        return "run %s -m fgbg._codegen" % sys.executable
    return ("reinstall fgbg with this Python's own grpcio-tools "
            "(pip install --no-build-isolation ./client-python-stub), "
            "or install the versions named into this Python's environment")


def _writes_legacy() -> bool:
    """Whether this Python's grpcio-tools writes the form `is_legacy` names (tried in a
    temporary folder, leaving the stubs as they are)."""
    import tempfile

    with tempfile.TemporaryDirectory() as out:
        try:
            generate(out=out)
        except RuntimeError:
            return True  # no generator either: nothing better to write
        return is_legacy(os.path.join(out, "fgbg", "v1"))


DEBIAN_PYTHON = "/usr/bin/python3"


def debian_python_hint(executable: Optional[str] = None,
                       debian: str = DEBIAN_PYTHON) -> Optional[str]:
    """Why this Python lacks grpcio-tools when Debian's Python has it (python3-grpc-tools is
    installed), in words that name the fix; None when Debian's Python lacks it too. A venv made by
    a `python3` of pyenv or conda, first on PATH, cannot see Debian's packages, and "install
    grpcio-tools" would send the user to install what is installed."""
    executable = executable or sys.executable
    try:
        found = subprocess.run([debian, "-c", "import grpc_tools.protoc"], capture_output=True,
                               timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return None
    if not found:
        return None
    if os.path.realpath(executable) == os.path.realpath(debian):
        return ("(Debian's python3-grpc-tools is installed, but this Python, %s, is a venv of "
                "Debian's Python that does not see its packages: make the venv with %s -m venv "
                "--system-site-packages)" % (executable, debian))
    return ("(Debian's python3-grpc-tools is installed, but this Python, %s, is not Debian's %s "
            "and does not see Debian's packages: make the venv with %s -m venv "
            "--system-site-packages)" % (executable, debian, debian))


def generate(root: Optional[str] = None, out: str = PACKAGE_ROOT) -> None:
    """Writes the stubs to `out`/fgbg/v1: this package's folder by default; setup.py passes its
    build folder, so that an install writes nothing into the source tree."""
    source = _source(root)
    with _stub_dir.locked(os.path.join(out, "fgbg")):
        _write(source, out)


def _source(root: Optional[str]) -> str:
    """The proto folder to generate from, once it is known that grpcio-tools is at hand."""
    root = root or proto_root()
    if root is None:
        raise RuntimeError("fgbg: cannot find proto/ to generate the gRPC stubs from; "
                           "set FGBG_PROTO_ROOT to the folder holding fgbg/v1/fgbg.proto")
    try:
        import grpc_tools.protoc  # noqa: F401
    except ImportError as e:
        raise RuntimeError("fgbg: generating the gRPC stubs needs grpcio-tools "
                           + (debian_python_hint() or "(Debian: apt-get install "
                              "python3-grpc-tools; pip: grpcio-tools)")) from e
    return root


def _write(root: str, out: str) -> None:
    """Generates the stubs into `out`/fgbg/v1 whole; the caller holds the lock on them."""
    from grpc_tools import protoc

    def write(tmp: str) -> None:
        generated = os.path.join(tmp, "fgbg", "v1")
        os.makedirs(generated)
        args = ["grpc_tools.protoc", "-I" + root, "--python_out=" + tmp,
                "--grpc_python_out=" + tmp] + PROTOS
        code = int(protoc.main(args))
        if code != 0:
            raise RuntimeError("fgbg: protoc failed with exit code %d on %s" % (code, root))
        with open(os.path.join(generated, "__init__.py"), "w") as f:
            f.write('"""Generated from proto/fgbg/v1 by fgbg._codegen; do not edit."""\n')
        with open(os.path.join(generated, os.path.basename(STAMP)), "w") as f:
            f.write(sources_digest(root) + "\n")

    _stub_dir.replace(os.path.join(out, "fgbg"), write)


def ensure() -> None:
    """Generates the stubs when they are missing, stale or made for a newer runtime and the proto
    sources and tools are at hand; raises ImportError when the result still cannot be loaded,
    rather than letting the generated code fail on some name deep in protobuf."""
    reason = problem()
    if reason is None:
        return
    if proto_root() is None:  # installed: nothing to generate from
        raise ImportError("fgbg: %s; %s" % (reason, remedy()))
    try:
        with _stub_dir.locked(os.path.dirname(GENERATED)):
            _ensure_locked()
    except OSError as e:  # e.g. a read-only checkout or site-packages
        raise ImportError("fgbg: %s, and they cannot be generated in %s: %s; run %s -m "
                          "fgbg._codegen as a user who may write there"
                          % (reason, GENERATED, e.strerror or e, sys.executable)) from None


def _ensure_locked() -> None:
    # Looked at again: another process may have generated them while this one waited.
    reason = problem()
    if reason is None:
        return
    if is_legacy() and _implementation() == "upb" and _writes_legacy():
        raise ImportError("fgbg: %s, and this Python's grpcio-tools writes that form too; %s"
                          % (reason, remedy()))
    _write(_source(None), PACKAGE_ROOT)
    importlib.invalidate_caches()  # the import system may have listed fgbg/ without v1
    sys.stderr.write("fgbg: %s, so they were generated now from %s (once; nothing to do)\n"
                     % (reason, proto_root()))
    reason = runtime_mismatch()
    if reason is not None:  # this Python's grpcio-tools does not match its protobuf or grpcio
        raise ImportError("fgbg: %s, although this Python's grpcio-tools made them; %s"
                          % (reason, remedy() if is_legacy() else
                             "install a protobuf and grpcio that match it"))


def main(argv: List[str]) -> int:
    if "--check" in argv:
        reason = problem()
        if reason is None:
            print("fgbg stubs are current")
            return 0
        print("fgbg: %s: %s" % (reason, remedy()), file=sys.stderr)
        return 1
    generate()
    print("generated fgbg stubs in %s" % GENERATED)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
