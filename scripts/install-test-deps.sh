#!/usr/bin/env bash
# Installs what the test suite needs beyond a JDK: Debian's chromium (and a font), for the headless-browser
# check of the HTML report (HtmlReportTest renders the page offline and takes a screenshot).
#
#   scripts/install-test-deps.sh
#
# Idempotent: does nothing when chromium is already on the PATH. Needs Debian/Ubuntu's apt-get,
# as root or through sudo (non-interactive: a sudo that would ask for a password fails instead).
# HtmlReportTest runs this script itself when chromium is missing, so CI needs no extra step.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "install-test-deps: chromium is already installed: $(command -v chromium)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: no apt-get on this machine; install Chromium yourself so that 'chromium' is on the PATH" >&2
  exit 3
fi
if [[ "$(id -u)" == "0" ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "install-test-deps: installing chromium needs root (or a password-less sudo); run: sudo apt-get install -y chromium" >&2
  exit 4
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-test-deps: apt-get update && apt-get install -y chromium"
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
command -v chromium
chromium --version || true
