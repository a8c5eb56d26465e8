#!/usr/bin/env bash
# test.sh - install what is missing (Debian), build into build/, run every test.
# Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

echo "== Packages =="
setup_packages
echo "== Build =="
# Warnings are errors here and in CI (not for everyone: ASYNCC_WERROR is off by default).
setup_build -DASYNCC_WERROR=ON
echo "== Tests =="
# A generous per-test ceiling; the drivers also kill any program that hangs.
ctest --test-dir build --output-on-failure -j2 --timeout 300
