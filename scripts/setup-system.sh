#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing. `npm test` runs it first
# (the `pretest` script) and `.ci/run` runs it before `npm ci`, so both start from one list.
#
#   clang, lld, gcc-riscv64-unknown-elf  build RV32IM guests (the rv32im libgcc.a comes with gcc-riscv64)
#   gcc                                  builds the same C programs for the host (differential tests)
#   redis-server                         the relay's BullMQ tests start their own Redis on a free port
#   rustc-web, cargo-web, rust-web-src   build Rust guests offline (Rust 1.96, -Zbuild-std from the sources)
#   librust-{sha2,serde,serde-derive}-dev  crates the Rust SDK and examples use (/usr/share/cargo/registry)
#
# Needs root or passwordless sudo when something is missing; otherwise it prints the command to run.
set -euo pipefail

packages=(clang lld gcc-riscv64-unknown-elf gcc redis-server)
packages+=(rustc-web cargo-web rust-web-src librust-sha2-dev librust-serde-dev librust-serde-derive-dev)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: missing ${missing[*]}, and this is not a Debian-like system (no apt-get)." >&2
  echo "Install the equivalents of: ${missing[*]}" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "setup-system: the tests need these Debian packages: ${missing[*]}" >&2
  echo "Run: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "setup-system: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
