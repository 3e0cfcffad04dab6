#!/usr/bin/env bash
# Makes sure a PostgreSQL server installation is on the machine, for the tests and benchmarks of
# @rendezvous/store-postgres (its test helper runs initdb and pg_ctl from it; no service is started here).
# Idempotent: does nothing when initdb is already there. Call it from .ci/run before `pnpm test`.
set -euo pipefail

find_initdb () {
  if [ -n "${RENDEZVOUS_PG_BINDIR:-}" ] && [ -x "$RENDEZVOUS_PG_BINDIR/initdb" ]; then
    echo "$RENDEZVOUS_PG_BINDIR/initdb"
    return 0
  fi
  if command -v pg_config >/dev/null 2>&1; then
    local bindir
    bindir="$(pg_config --bindir 2>/dev/null || true)"
    if [ -n "$bindir" ] && [ -x "$bindir/initdb" ]; then
      echo "$bindir/initdb"
      return 0
    fi
  fi
  local candidate
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/initdb" ]; then
      echo "$candidate/initdb"
      return 0
    fi
  done
  return 1
}

if initdb="$(find_initdb)"; then
  echo "postgres: found $initdb" >&2
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "postgres: no PostgreSQL server installation found and not root; install the Debian package postgresql" >&2
  exit 1
fi

echo "postgres: installing PostgreSQL (Debian package postgresql)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends postgresql

# the Debian package starts a cluster of its own; the tests start their own servers and do not use it
if command -v pg_lsclusters >/dev/null 2>&1 && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _rest; do
    pg_ctlcluster "$version" "$cluster" stop >/dev/null 2>&1 || true
  done
fi

initdb="$(find_initdb)" || { echo "postgres: installed, but initdb is still not found" >&2; exit 1; }
echo "postgres: installed $initdb" >&2
