#!/bin/bash
# W8 (../shared/bench/WORKLOADS.md): examples/echo_server, on the current-thread loop
# (impl=asyncc) and on the multi-thread runtime's BENCH_WORKERS workers, 2 by default
# (impl=asyncc-mt, unpinned like tokio-mt), beside the anchors' hand-written
# epoll server (c-epoll) and libuv in the same run of the anchors' run.sh, which loads
# each server with loadgen (100 connections, 64-byte messages, W8_SECS seconds) and
# prints its result line, then an "info:" line on stderr with the server's CPU time
# per request (server_cpu_ns_per_req, server_user_ns_per_req).
#
# usage: bench/w8_echo.sh [-r REPS]      (REPS interleaved runs, default 3)
#
# Environment: BUILD_DIR (default /tmp/asyncc-bench-build, a Release build of
#   echo_server), ANCHORS_DIR (default ../shared/anchors from the repository root),
#   ANCHORS_OUT (where the anchors' C servers and loadgen are built, default
#   /tmp/asyncc-anchors); W8_SECS and the anchors' other knobs pass through. Only the
#   anchors' C programs are built here; tokio's server is measured when ANCHORS_OUT
#   holds it (the anchors' build.sh), and is otherwise reported missing. EXTRA_W8
#   ("impl=/path/server ...") measures more servers beside ours, a build of another
#   branch say.
set -eu
. "$(dirname "$0")/paths.sh"
REPS=3
while getopts "r:h" opt; do
    case $opt in
    r) REPS=$OPTARG ;;
    *) sed -n '2,19p' "$0" >&2; exit 2 ;;
    esac
done

cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DASYNCC_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target echo_server >/dev/null
mkdir -p "$ANCHORS_OUT"
for prog in echo_epoll echo_uv loadgen; do
    [ -x "$ANCHORS_OUT/$prog" ] && continue
    case $prog in
    echo_epoll) gcc -std=gnu11 -O2 -o "$ANCHORS_OUT/$prog" "$ANCHORS_DIR/c/echo_epoll.c" ;;
    echo_uv) gcc -std=gnu11 -O2 -o "$ANCHORS_OUT/$prog" "$ANCHORS_DIR/c/echo_uv.c" -luv ;;
    loadgen) gcc -std=gnu11 -O2 -pthread -o "$ANCHORS_OUT/$prog" "$ANCHORS_DIR/loadgen.c" ;;
    esac
done
MT=$(mt_server "$BUILD_DIR/examples/echo_server/echo_server")
trap 'rm -f "$MT"' EXIT
EXTRA_W8="asyncc=$BUILD_DIR/examples/echo_server/echo_server asyncc-mt=$MT ${EXTRA_W8:-}" \
    "$ANCHORS_DIR/run.sh" -r "$REPS" W8
