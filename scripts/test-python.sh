#!/usr/bin/env bash
# The Python client's tests, with Debian's python3 packages. Installs them with apt when they
# are missing (as root), and fails loudly when it cannot: these tests never skip silently.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3

echo "== Python client tests (Debian python3)"
# What torch's DataLoader workers depend on, for reading a failure off a CI log.
echo "   $(nproc) cores; open files $(ulimit -Sn) (hard $(ulimit -Hn)); /dev/shm$(df -h --output=avail /dev/shm 2>/dev/null | tail -1) free; kernel $(uname -r)"
bash "$ROOT/scripts/python-packages.sh"

cd "$ROOT/client-python-stub"
"$PY" -m fgbg._codegen
"$PY" -m fgbg._codegen --check
echo "== mypy --strict: the fgbg package (pyproject.toml [tool.mypy])"
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
