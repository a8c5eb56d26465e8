#!/bin/bash
# Builds and runs asyncc's benchmarks (W1 W1b W2 W2b W3 W4 W4b W5 W6 W7 of
# ../shared/bench/WORKLOADS.md, and A1, an actor's ask round trip, which no anchor has),
# optionally next to the reference implementations in ../shared/anchors.
#
# usage: bench/run.sh [-r REPS] [-a] [WORKLOAD...]
#   WORKLOAD: W1 W1b W2 W2b W3 W4 W4b W5 W6 W7 A1 (default: all of them), or W1mt W1bmt
#             W2bmt W4bmt: W1, W1b, W2b and W4b on the multi-thread runtime
#             (impl=asyncc-mt; BENCH_WORKERS workers, default 2, pinned to the CPUs in
#             CPUS_MT, default 0,1)
#   -r REPS : run each benchmark REPS times (default 5), interleaved: rep 1 of
#             everything, then rep 2, ... so slow drifts of a shared machine hit
#             every implementation alike.
#   -a      : also run the anchors for the same workloads in the same session
#             (anchors' run.sh -r 1 once per rep), building them first with the
#             anchors' build.sh into $ANCHORS_OUT if they are not built there.
#             Their build needs Debian's Rust packages (build.sh apt-installs
#             them as root) and takes several minutes the first time.
#
# stdout: every result line as it is produced, then "# medians" and one line per
#   (workload, impl) in the same format with the median n, ns_per_op,
#   peak_rss_kb and check, then "# ratios": asyncc's median ns_per_op over each
#   other implementation's, per workload.
# stderr: progress, and "FAIL:" lines for a benchmark that failed or timed out.
# Exit status: 1 if any asyncc benchmark failed, else 0.
#
# Environment: BUILD_DIR (default /tmp/asyncc-bench-build), ANCHORS_DIR (default
#   ../shared/anchors from the repository root), ANCHORS_OUT (default
#   /tmp/asyncc-anchors), PIN=0 to run unpinned (default: taskset -c $CPU,
#   CPU=0, as the anchors pin their single-threaded benchmarks), TIMEOUT per
#   benchmark process (120 s).
set -u
. "$(dirname "$0")/paths.sh"
PIN=${PIN:-1}
CPU=${CPU:-0}
CPUS_MT=${CPUS_MT:-0,1}
TIMEOUT=${TIMEOUT:-120}

REPS=5
ANCHORS=0
while getopts "r:ah" opt; do
    case $opt in
    r) REPS=$OPTARG ;;
    a) ANCHORS=1 ;;
    *) sed -n '2,31p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
ALL="W1 W1b W2 W2b W3 W4 W4b W5 W6 W7 A1"
WLS=${*:-$ALL}

# The program that runs each workload.
program_of() {
    case $1 in
    W1) echo w1_spawn ;;
    W1b) echo w1b_spawn_waves ;;
    W2) echo w2_yield ;;
    W2b) echo w2b_yield_many ;;
    W3) echo w3_await_chain ;;
    W4) echo w4_mpsc ;;
    W4b) echo w4b_mpsc_4p ;;
    W5) echo w5_pingpong ;;
    W6) echo w6_timers ;;
    W7) echo w7_idle ;;
    A1) echo a1_actor_ask ;;
    W1mt) echo w1_spawn_mt ;;
    W1bmt) echo w1b_spawn_waves_mt ;;
    W2bmt) echo w2b_yield_many_mt ;;
    W4bmt) echo w4b_mpsc_4p_mt ;;
    *) return 1 ;;
    esac
}
for w in $WLS; do
    program_of "$w" >/dev/null || { echo "run.sh: unknown workload $w (known: $ALL)" >&2; exit 2; }
done
command -v taskset >/dev/null 2>&1 || PIN=0

build_ours() {
    echo "# building asyncc and the benchmarks in $BUILD_DIR" >&2
    cmake -S "$ROOT" -B "$BUILD_DIR" -DASYNCC_TESTS=OFF >/dev/null &&
        cmake --build "$BUILD_DIR" --target benchmarks >/dev/null
}

build_anchors() {
    [ -x "$ANCHORS_OUT/w3_sm_inline" ] && [ -x "$ANCHORS_OUT/target/release/tokio_bench" ] && return 0
    echo "# building the anchors in $ANCHORS_OUT (anchors' build.sh)" >&2
    (cd "$ANCHORS_DIR" && ./build.sh >&2)
}

FAILED=0
# Runs one of our benchmarks; its result line goes to stdout and $RESULTS.
run_ours() {
    local prog out rc pre=()
    prog=$BUILD_DIR/bench/$(program_of "$1")
    if [ "$PIN" = 1 ]; then
        case $1 in
        *mt) pre=(taskset -c "$CPUS_MT") ;;
        *) pre=(taskset -c "$CPU") ;;
        esac
    fi
    out=$(timeout "$TIMEOUT" "${pre[@]}" "$prog")
    rc=$?
    if [ -n "$out" ]; then
        echo "$out"
        echo "$out" >>"$RESULTS"
    fi
    if [ $rc -ne 0 ] || [ -z "$out" ]; then
        echo "FAIL: rc=$rc: $prog" >&2
        FAILED=1
    fi
}

# One rep of every anchor implementation of $WLS (W1mt is W1 to them, W1bmt W1b; A1 they
# lack); result lines to stdout and $RESULTS.
run_anchors() {
    local anchor_wls
    anchor_wls=$(for w in $WLS; do case $w in W*) echo "${w%mt}" ;; esac; done | sort -u)
    [ -n "$anchor_wls" ] || return 0
    # A list of workload names: split on purpose.
    # shellcheck disable=SC2086
    (cd "$ANCHORS_DIR" && PIN=$PIN SERVER_CPU=$CPU TIMEOUT=$TIMEOUT ./run.sh -r 1 $anchor_wls) |
        tee -a "$RESULTS"
}

# stdin: result lines; stdout: one median line per (workload, impl), first-seen order.
medians() {
    awk '
    function median(key, f,    n, i, j, t, a) {
        n = cnt[key]
        for (i = 1; i <= n; i++) a[i] = val[key, f, i] + 0
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    /^workload=/ {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        key = v["workload"] " " v["impl"]
        if (!(key in cnt)) order[++nk] = key
        c = ++cnt[key]
        split("n ns_per_op peak_rss_kb check", fs, " ")
        for (k in fs) val[key, fs[k], c] = v[fs[k]]
    }
    END {
        for (k = 1; k <= nk; k++) {
            split(order[k], p, " ")
            printf "workload=%s impl=%s n=%.0f ns_per_op=%.3f peak_rss_kb=%.0f check=%.0f\n", p[1], p[2],
                median(order[k], "n"), median(order[k], "ns_per_op"), median(order[k], "peak_rss_kb"),
                median(order[k], "check")
        }
    }'
}

# stdin: median lines; stdout: "# W3 asyncc/c-sm-inline = 1.08 (0.265 / 0.245 ns)" per other impl.
ratios() {
    awk '
    /^workload=/ {
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        w = v["workload"]; im = v["impl"]; ns[w, im] = v["ns_per_op"]
        if (!(w in seenw)) { seenw[w] = 1; wl[++nw] = w }
        if (im != "asyncc") others[w] = others[w] " " im
    }
    END {
        for (k = 1; k <= nw; k++) {
            w = wl[k]
            if (!((w, "asyncc") in ns)) continue
            m = split(others[w], impls, " ")
            for (i = 1; i <= m; i++)
                printf "# %s asyncc/%s = %.2f (%.3f / %.3f ns)\n", w, impls[i],
                    (ns[w, impls[i]] > 0 ? ns[w, "asyncc"] / ns[w, impls[i]] : 0), ns[w, "asyncc"], ns[w, impls[i]]
        }
    }'
}

build_ours || { echo "run.sh: build failed (rerun: cmake --build $BUILD_DIR --target benchmarks)" >&2; exit 1; }
if [ "$ANCHORS" = 1 ]; then
    build_anchors || { echo "run.sh: anchors' build.sh failed" >&2; exit 1; }
fi

RESULTS=$(mktemp /tmp/asyncc-bench.XXXXXX)
trap 'rm -f "$RESULTS"' EXIT
for rep in $(seq "$REPS"); do
    echo "# rep $rep/$REPS: $WLS" >&2
    for w in $WLS; do
        run_ours "$w"
    done
    if [ "$ANCHORS" = 1 ]; then
        run_anchors
    fi
done
MEDIANS=$(medians <"$RESULTS")
echo "# medians of $REPS runs"
echo "$MEDIANS"
echo "# ratios of median ns_per_op"
echo "$MEDIANS" | ratios
exit $FAILED
