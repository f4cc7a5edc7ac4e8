#!/usr/bin/env bash
# The Python client's tests, with Debian's python3 packages. Installs them with apt when they
# are missing (as root), and fails loudly when it cannot: these tests never skip silently.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3
# python3-pil reads exported JPEG/PNG files back; python3-venv (with its pip and setuptools
# wheels) is what the offline-install test builds its environment with; python3-cryptography
# makes the TLS tests' certificates; python3-mypy type-checks the package.
PKGS=(python3 python3-grpcio python3-grpc-tools python3-protobuf python3-numpy python3-pytest
      python3-torch python3-tqdm python3-pil python3-venv python3-cryptography python3-mypy)

have() {
  [[ -x "$PY" ]] && "$PY" -c 'import grpc, grpc_tools, google.protobuf, numpy, pytest, torch, tqdm, PIL, ensurepip, venv, cryptography, mypy' 2>/dev/null \
    && "$PY" -c 'import ensurepip, sys; sys.exit(0 if ensurepip.version() else 1)' 2>/dev/null
}

echo "== Python client tests (Debian python3)"
if ! have; then
  echo "fgbg: installing Debian packages for the Python tests: ${PKGS[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "fgbg: error: the Python tests need ${PKGS[*]}; install them (apt-get install) or run as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${PKGS[@]}" >/dev/null
  have || { echo "fgbg: error: the Python packages are still not importable after apt-get" >&2; exit 1; }
fi

cd "$ROOT/client-python-stub"
"$PY" -m fgbg._codegen
"$PY" -m fgbg._codegen --check
echo "== mypy: the fgbg package, every function typed (pyproject.toml [tool.mypy])"
"$PY" -m mypy --cache-dir "${TMPDIR:-/tmp}/fgbg-mypy-cache"
set +e
"$PY" -m pytest -q -p no:cacheprovider tests
rc=$?
set -e
if [[ $rc -eq 5 ]]; then
  echo "fgbg: error: pytest collected no tests" >&2
  exit 1
fi
exit $rc
