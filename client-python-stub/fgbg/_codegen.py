"""Generates fgbg/v1/*_pb2*.py from the repository's proto/ and checks that they are current.

    python3 -m fgbg._codegen           # (re)generate
    python3 -m fgbg._codegen --check   # exit 1 if the stubs are missing or older than proto/

The generated package records the SHA-256 of the .proto sources it was made from.
"""
import hashlib
import os
import sys
from typing import List, Optional

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


def is_current(root: Optional[str] = None) -> bool:
    """True when the stubs exist and match the proto sources (or no sources are around)."""
    if not os.path.exists(os.path.join(GENERATED, "fgbg_pb2.py")):
        return False
    root = root or proto_root()
    if root is None:
        return True  # an installed package: it was generated at build time
    return recorded_digest() == sources_digest(root)


def generate(root: Optional[str] = None, out: str = PACKAGE_ROOT) -> None:
    """Writes the stubs to `out`/fgbg/v1: this package's folder by default; setup.py passes its
    build folder, so that an install writes nothing into the source tree."""
    root = root or proto_root()
    if root is None:
        raise RuntimeError("fgbg: cannot find proto/ to generate the gRPC stubs from; "
                           "set FGBG_PROTO_ROOT to the folder holding fgbg/v1/fgbg.proto")
    try:
        from grpc_tools import protoc
    except ImportError as e:
        raise RuntimeError("fgbg: generating the gRPC stubs needs grpcio-tools "
                           "(Debian: apt-get install python3-grpc-tools; pip: grpcio-tools)") from e
    generated = os.path.join(out, "fgbg", "v1")
    os.makedirs(generated, exist_ok=True)
    args = ["grpc_tools.protoc", "-I" + root, "--python_out=" + out,
            "--grpc_python_out=" + out] + PROTOS
    code = int(protoc.main(args))
    if code != 0:
        raise RuntimeError("fgbg: protoc failed with exit code %d on %s" % (code, root))
    with open(os.path.join(generated, "__init__.py"), "w") as f:
        f.write('"""Generated from proto/fgbg/v1 by fgbg._codegen; do not edit."""\n')
    with open(os.path.join(generated, os.path.basename(STAMP)), "w") as f:
        f.write(sources_digest(root) + "\n")


def ensure() -> None:
    """Generates the stubs when they are missing or stale and the tools are at hand."""
    if is_current():
        return
    generate()
    sys.stderr.write("fgbg: generated gRPC stubs from %s\n" % proto_root())


def main(argv: List[str]) -> int:
    if "--check" in argv:
        if is_current():
            print("fgbg stubs are current")
            return 0
        print("fgbg stubs are missing or stale: run python3 -m fgbg._codegen", file=sys.stderr)
        return 1
    generate()
    print("generated fgbg stubs in %s" % GENERATED)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
