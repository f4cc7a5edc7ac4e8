#!/usr/bin/env bash
# The headless Chromium that the web UI's browser tests (server/…/ui/WebUi*Test) and
# `./fgbg bench ui` drive over the DevTools protocol: Debian's chromium, or $FGBG_CHROMIUM.
# Installed with apt when missing (as root); fails loudly otherwise: those tests never skip.
set -euo pipefail
BIN="${FGBG_CHROMIUM:-/usr/bin/chromium}"
if [[ -x "$BIN" ]]; then
  exit 0
fi
echo "fgbg: installing Debian's chromium for the web UI's browser tests"
if [[ $(id -u) -ne 0 ]]; then
  echo "fgbg: error: the web UI's browser tests need $BIN; install it (apt-get install chromium) or run as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
[[ -x "$BIN" ]] || { echo "fgbg: error: $BIN is still missing after apt-get" >&2; exit 1; }
