#!/usr/bin/env bash
# Makes sure Debian's Chromium is on the machine at /usr/bin/chromium, for the browser tests
# (packages/browser-tests, driven by playwright-core, which never downloads a browser of its own) and for
# examples/browser-relay. Idempotent: does nothing when /usr/bin/chromium is already there.
# Call it from .ci/run before `pnpm test`.
set -euo pipefail

CHROMIUM="${RENDEZVOUS_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  echo "chromium: found $CHROMIUM" >&2
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "chromium: $CHROMIUM not found and not root; install the Debian package chromium" >&2
  exit 1
fi

echo "chromium: installing Chromium (Debian package chromium)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium

[ -x "$CHROMIUM" ] || { echo "chromium: installed, but $CHROMIUM is still not there" >&2; exit 1; }
echo "chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")" >&2
