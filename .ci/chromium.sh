#!/usr/bin/env bash
# What the status page's browser test needs on the machine: Debian's Chromium at /usr/bin/chromium,
# driven by playwright-core (which never downloads a browser). Installs it only when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y chromium
