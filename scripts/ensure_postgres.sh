#!/usr/bin/env bash
# Make PostgreSQL's server binaries available for the storage and search tests.
# No-op when initdb is already on PATH or in /usr/lib/postgresql/*/bin; otherwise installs
# Debian's postgresql (server + contrib, which has pg_trgm) with apt-get. Nothing is
# started here: the tests start a throwaway cluster on loopback themselves
# (tests/store/pg_cluster.py) and remove it at the end. Needs root (or sudo) to install;
# without either, the PostgreSQL tests skip with the reason.
set -euo pipefail

have_initdb() {
    command -v initdb >/dev/null 2>&1 && return 0
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

if have_initdb; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo"
    else
        echo "ensure_postgres: initdb is missing and we are not root; PostgreSQL tests will be skipped" >&2
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure_postgres: installing Debian's postgresql" >&2
$SUDO apt-get update -qq
# policy-rc.d 101: do not let the package start (or create) the system cluster's service
# inside containers without an init system; the tests run their own cluster.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends postgresql postgresql-contrib >/dev/null
have_initdb || { echo "ensure_postgres: postgresql installed but initdb not found" >&2; exit 1; }
