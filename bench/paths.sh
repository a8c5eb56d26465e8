# shellcheck shell=bash
# paths.sh - sourced by the bench scripts: where the repository, the benchmark build
# and the reference implementations (../shared/anchors) are, each overridable from
# the environment.
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BUILD_DIR=${BUILD_DIR:-/tmp/asyncc-bench-build}
ANCHORS_DIR=${ANCHORS_DIR:-$ROOT/../shared/anchors}
export ANCHORS_OUT=${ANCHORS_OUT:-/tmp/asyncc-anchors}

# mt_server SERVER: a script (in a temporary file, path printed) that runs SERVER on the
# multi-thread runtime's BENCH_WORKERS workers (2 by default; ASYNCC_WORKERS, see
# examples/net/workers.h) and on every CPU: the anchors' run.sh pins the servers it is
# given in EXTRA_W8/EXTRA_W9 to one CPU, and runs its own -mt servers unpinned. The
# script execs, so the server keeps the pid run.sh watches. The caller removes the file.
mt_server() {
    local wrap
    wrap=$(mktemp /tmp/asyncc-mt-server.XXXXXX) || return 1
    printf '#!/bin/sh\nexec taskset -c 0-%d env ASYNCC_WORKERS=%d %s "$@"\n' \
        "$(($(nproc --all) - 1))" "${BENCH_WORKERS:-2}" "$1" >"$wrap"
    chmod +x "$wrap"
    echo "$wrap"
}
