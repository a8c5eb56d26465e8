#!/usr/bin/env bash
# demo.sh - install what is missing (Debian), build into build/, then show the
# example examples/fetch/fetch.c: the annotated source, the state machine asyncc
# made of it, and a run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

section() {
    printf '\n==============================================================================\n'
    printf '== %s\n' "$1"
    printf '==============================================================================\n\n'
}

section "Setting up: packages"
setup_packages
section "Setting up: build (cmake -S . -B build && cmake --build build)"
setup_build

section "1. The annotated source: examples/fetch/fetch.c"
cat examples/fetch/fetch.c

section "2. What asyncc generated from it: build/examples/fetch/fetch.asyncc/fetch.gen.c"
cat build/examples/fetch/fetch.asyncc/fetch.gen.c

section "3. Running it: build/examples/fetch/fetch"
build/examples/fetch/fetch
