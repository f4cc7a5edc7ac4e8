#!/usr/bin/env bash
# The Debian python3 packages the tests use: the Python client's tests, and the Java tests that
# compare with Pillow (python3-pil). Installs them with apt when they are missing (as root), and
# fails loudly when it cannot: tests never skip silently.
set -euo pipefail
PY=/usr/bin/python3
# python3-pil reads exported JPEG/PNG files back and is the reference decoder of the asset
# tests; python3-venv (with its pip and setuptools wheels) is what the offline-install test
# builds its environment with; python3-cryptography makes the TLS tests' certificates;
# python3-mypy type-checks the Python package.
PKGS=(python3 python3-grpcio python3-grpc-tools python3-protobuf python3-numpy python3-pytest
      python3-torch python3-tqdm python3-pil python3-venv python3-cryptography python3-mypy)

have() {
  [[ -x "$PY" ]] && "$PY" -c 'import grpc, grpc_tools, google.protobuf, numpy, pytest, torch, tqdm, PIL, ensurepip, venv, cryptography, mypy' 2>/dev/null \
    && "$PY" -c 'import ensurepip, sys; sys.exit(0 if ensurepip.version() else 1)' 2>/dev/null
}

if ! have; then
  echo "fgbg: installing Debian packages for the tests: ${PKGS[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    echo "fgbg: error: the tests need ${PKGS[*]}; install them (apt-get install) or run as root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${PKGS[@]}" >/dev/null
  have || { echo "fgbg: error: the Python packages are still not importable after apt-get" >&2; exit 1; }
fi
