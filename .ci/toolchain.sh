#!/usr/bin/env bash
# Puts Node >= 22.18 and pnpm 10 on PATH, fetching them only when the machine's own are missing or too old.
# Sourced by .ci/run and by ./pnpmw (which people run instead of sourcing this into their shell). It never
# changes the shell's options (no `set -e`/`-u`/`-o pipefail`): sourced into an interactive shell, a failing
# command afterwards must not close the terminal. It reports failure by returning 1.
#
# The machines this project is built on ship Node 20, so when the machine's Node is older we take Node 24
# from the npm registry (packages node-<os>-<arch>: binary plus headers) and build native addons against
# its headers. Other platforms get a message saying what to install.

rendezvous_toolchain () {
  local node_version="${RENDEZVOUS_NODE_VERSION:-24.21.0}"
  local pnpm_version="10.34.9"
  local tools_dir="${RENDEZVOUS_TOOLS_DIR:-${HOME:-/tmp}/.cache/rendezvous-toolchain}"
  local dir os arch pkg

  if ! command -v node >/dev/null 2>&1 || ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null; then
    case "$(uname -s)" in
      Linux) os=linux ;;
      Darwin) os=darwin ;;
      *) os="" ;;
    esac
    case "$(uname -m)" in
      x86_64|amd64) arch=x64 ;;
      aarch64|arm64) arch=arm64 ;;
      *) arch="" ;;
    esac
    if [ -z "$os" ] || [ -z "$arch" ]; then
      echo "toolchain: this project needs Node.js 22.18 or newer; no prebuilt Node for $(uname -s) $(uname -m) is fetched automatically: install one from https://nodejs.org and run again" >&2
      return 1
    fi
    if ! command -v npm >/dev/null 2>&1; then
      echo "toolchain: this project needs Node.js 22.18 or newer, and npm to fetch it: install Node.js 24 from https://nodejs.org and run again" >&2
      return 1
    fi
    pkg="node-$os-$arch"
    dir="$tools_dir/node-$node_version-$os-$arch"
    if [ ! -x "$dir/node_modules/$pkg/bin/node" ]; then
      echo "toolchain: the machine's Node ($(node --version 2>/dev/null || echo none)) is older than 22.18: installing Node $node_version ($pkg) from the npm registry into $dir" >&2
      mkdir -p "$dir" || return 1
      if ! npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "$pkg@$node_version" >&2; then
        echo "toolchain: could not install $pkg@$node_version; install Node.js 22.18 or newer from https://nodejs.org and run again" >&2
        return 1
      fi
    fi
    export PATH="$dir/node_modules/$pkg/bin:$PATH"
    # native addons (better-sqlite3, classic-level) compile against these headers
    export npm_config_nodedir="$dir/node_modules/$pkg"
  fi

  if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
    dir="$tools_dir/pnpm-$pnpm_version"
    if [ ! -x "$dir/node_modules/.bin/pnpm" ]; then
      echo "toolchain: installing pnpm $pnpm_version into $dir" >&2
      mkdir -p "$dir" || return 1
      npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund "pnpm@$pnpm_version" >&2 || return 1
    fi
    export PATH="$dir/node_modules/.bin:$PATH"
  fi

  export TURBO_TELEMETRY_DISABLED=1
  echo "toolchain: node $(node --version), pnpm $(pnpm --version)" >&2
}

rendezvous_toolchain
