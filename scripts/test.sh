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
# Run by ./fgbg test: the launcher's build lock (its build_lock, exported) while Maven rewrites
# the jars, so other verbs wait for it; only then, not while the packages above install.
locked=""
if declare -F build_lock >/dev/null; then
  build_lock building
  locked=1
fi
mvn -B -ntp install "$@"
[[ -z "$locked" ]] || build_unlock

if [[ -d client-python-stub ]]; then
  bash "$ROOT/scripts/test-python.sh"
fi
