#!/usr/bin/env bash
# Every test of the project: the Maven build with all Java tests (unit, in-process gRPC,
# loopback Netty, and the web UI in a headless Chromium, installed first when missing), then the
# Python client's tests when that package is present.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The asset tests compare decodes with Pillow (python3-pil), and the web UI's run in a headless
# Chromium: the packages come first.
bash "$ROOT/scripts/python-packages.sh"
bash "$ROOT/scripts/browser.sh"

echo "== Java: mvn verify (all modules, all tests)"
mvn -B -ntp install "$@"
# ./fgbg test holds the launcher's build lock while Maven builds (other verbs wait for it):
# done with the jars, let go of it.
if [[ -n "${FGBG_BUILD_LOCK_FD:-}" ]]; then
  exec {FGBG_BUILD_LOCK_FD}>&-
  unset FGBG_BUILD_LOCK_FD
fi

if [[ -d client-python-stub ]]; then
  bash "$ROOT/scripts/test-python.sh"
fi
