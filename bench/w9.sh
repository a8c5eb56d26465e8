#!/bin/bash
# W9 of ../shared/bench/WORKLOADS.md: examples/resp/resp_server (impl=asyncc, and on the
# multi-thread runtime's BENCH_WORKERS workers, 2 by default, impl=asyncc-mt) under
# redis-benchmark -t ping,set,get -n 200000 -c 50, beside redis-server and tokio's RESP
# server (the anchors) in the same session: the anchors' run.sh measures them all the
# same way, ours through its EXTRA_W9.
#
# usage: bench/w9.sh [-r REPS]     (default 5 reps, interleaved)
#
# stdout: the anchors' result lines (workload=W9-<test> impl=... ns_per_op=...), then
#   "# medians of REPS runs": per implementation, the median requests' ns_per_op of
#   each test and the median server CPU time per request, total and user (from the
#   anchors' info lines: /proc ticks of the server over the whole run, divided by the
#   800,000 requests).
# stderr: the anchors' progress, info and FAIL lines.
#
# Environment: BUILD_DIR (default /tmp/asyncc-bench-build), ANCHORS_DIR (default
#   ../shared/anchors from the repository root), ANCHORS_OUT (default
#   /tmp/asyncc-anchors; the anchors are built there with their build.sh, which needs
#   root for its Debian packages, when tokio_resp is missing), and the anchors' run.sh
#   knobs (PIN, SERVER_CPU, CLIENT_CPU); EXTRA_W9 ("impl=/path/server ...") measures more
#   servers beside ours, a build of another branch say, with their medians too.
set -u
. "$(dirname "$0")/paths.sh"
REPS=5
while getopts "r:h" opt; do
    case $opt in
    r) REPS=$OPTARG ;;
    *) sed -n '2,22p' "$0" >&2; exit 2 ;;
    esac
done

[ -x "$ANCHORS_DIR/run.sh" ] || { echo "w9.sh: no anchors in $ANCHORS_DIR (set ANCHORS_DIR)" >&2; exit 1; }
echo "# building resp_server in $BUILD_DIR" >&2
cmake -S "$ROOT" -B "$BUILD_DIR" -DASYNCC_TESTS=OFF >/dev/null &&
    cmake --build "$BUILD_DIR" --target resp_server >/dev/null || { echo "w9.sh: build failed" >&2; exit 1; }
if [ ! -x "$ANCHORS_OUT/target/release/tokio_resp" ]; then
    echo "# building the anchors in $ANCHORS_OUT (anchors' build.sh)" >&2
    (cd "$ANCHORS_DIR" && ./build.sh >&2) || { echo "w9.sh: anchors' build.sh failed" >&2; exit 1; }
fi

INFO=$(mktemp /tmp/asyncc-w9.XXXXXX)
RESULTS=$(mktemp /tmp/asyncc-w9.XXXXXX)
MT=$(mt_server "$BUILD_DIR/examples/resp/resp_server")
trap 'rm -f "$INFO" "$RESULTS" "$MT"' EXIT
(cd "$ANCHORS_DIR" && EXTRA_W9="asyncc=$BUILD_DIR/examples/resp/resp_server asyncc-mt=$MT ${EXTRA_W9:-}" \
    ./run.sh -r "$REPS" W9) 2> >(tee "$INFO" >&2) | tee "$RESULTS"
wait
grep -q "impl=asyncc" "$RESULTS" || { echo "w9.sh: no result for resp_server" >&2; exit 1; }

echo "# medians of $REPS runs"
# Result lines and the info lines with the CPU per request, one median per field.
cat "$RESULTS" "$INFO" | awk '
function median(key,    n, i, j, t, a) {
    n = cnt[key]
    for (i = 1; i <= n; i++) a[i] = val[key, i]
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function add(key, v) {
    if (!(key in cnt)) order[++nk] = key
    val[key, ++cnt[key]] = v + 0
}
/^workload=W9-/ || /^info: workload=W9 / {
    delete f
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    if ($1 == "info:") {
        add(f["impl"] " server_cpu_ns_per_req", f["server_cpu_ns_per_req"])
        add(f["impl"] " server_user_ns_per_req", f["server_user_ns_per_req"])
    } else
        add(f["impl"] " " f["workload"] "_ns_per_op", f["ns_per_op"])
}
END { for (k = 1; k <= nk; k++) printf "%s %.1f\n", order[k], median(order[k]) }'
