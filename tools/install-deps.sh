#!/usr/bin/env bash
# install-deps.sh: installs what rnnc needs to build, test and run its flows (Debian packages).
# Idempotent: packages already present are left alone. Needs root (or sudo) for apt-get.
set -euo pipefail
pkgs=(build-essential libcjson-dev libhdf5-dev libzip-dev pkg-config verilator iverilog yosys nextpnr-ice40 fpga-icestorm)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all present (${pkgs[*]})"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
