#!/usr/bin/env bash
# Install Debian's Chromium (and its driver) for the headless browser tests.
# No-op when /usr/bin/chromium already exists. Needs root (or sudo) to install.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install_chromium: /usr/bin/chromium is missing and we are not root; browser tests will be skipped" >&2
        exit 0
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install_chromium: installing Debian's chromium and chromium-driver" >&2
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
test -x /usr/bin/chromium
