#!/usr/bin/env bash
# build-types.sh - build the project and run its tests with every standard build
# type (Debug, Release, RelWithDebInfo, MinSizeRel), with gcc and with clang, warnings
# as errors. Each build goes to build-types/<compiler>-<type>/. Slow (eight builds):
# CI checks one of them (the test build.release); run this before a release.
#
#     scripts/build-types.sh [-L LABEL_REGEX]   # e.g. -L 'e2e|golden' for a subset
set -euo pipefail
cd "$(dirname "$0")/.."

labels=()
if [ "${1:-}" = "-L" ] && [ -n "${2:-}" ]; then
    labels=(-L "$2")
fi

failed=()
for cc in gcc clang; do
    for type in Debug Release RelWithDebInfo MinSizeRel; do
        dir="build-types/$cc-$type"
        echo "== $cc $type ($dir) =="
        if cmake -S . -B "$dir" -DCMAKE_C_COMPILER="$cc" -DCMAKE_BUILD_TYPE="$type" \
            -DASYNCC_WERROR=ON >/dev/null &&
            cmake --build "$dir" -j2 >"$dir.log" 2>&1 &&
            ctest --test-dir "$dir" -j2 -LE valgrind "${labels[@]}" --timeout 300 \
                --output-on-failure >>"$dir.log" 2>&1; then
            tail -n 3 "$dir.log" | head -n 1
        else
            echo "FAILED: see $dir.log"
            failed+=("$cc-$type")
        fi
    done
done
if [ "${#failed[@]}" -ne 0 ]; then
    echo "build-types: failed: ${failed[*]}"
    exit 1
fi
echo "build-types: all 8 builds passed"
