#!/usr/bin/env bash
# difftest.sh - differential testing of asyncc against the plain-C meaning.
#
#   tests/fuzz/difftest.sh [--seed S] [--count N] [--start I] [--level 1|2] [--keep DIR]
#                          [--without F,...] [--build DIR] [--asyncc EXE] [--runtime LIB]
#                          [--gen EXE] [--cc CC] [--cflags FLAGS] [--jobs J] [--timeout SECONDS]
#
# For each program I in [start, start+count) of seed S: asyncc_gen writes a random
# annotated program; it is built twice,
#   plain:       $CC -std=gnu11 -O1 -DASYNCC_SEQUENTIAL   (await(e) is e: the oracle)
#   transformed: asyncc, then $CC -std=c11 -Wall -Wextra -Werror -O1, linked with the runtime
# both are run, and their stdout and exit status must be the same. A failing
# program is kept in DIR/seedS-levelL-I/ with both outputs and logs, and a line
# tells how to run it again (a check that died without a verdict is named too,
# as failed). The last line is "N passed, M failed"; the exit status is 1 when
# any failed. --without turns generator features off
# (asyncc_gen --help lists them): to see which one a failure needs, or to test
# around a known bug.
#
# Tools default to those of the CMake build in --build (default: <repo>/build);
# the generator is compiled from tests/fuzz/gen.c when that build has none.
# --cflags go to both compilations (e.g. "-fsanitize=address,undefined"). The
# programs are warning-free for gcc and clang (--cc clang).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

seed=1 count=100 start=0 level=1 keep="${TMPDIR:-/tmp}/asyncc-difftest" jobs=2 timeout=10
build="$repo/build" asyncc="" runtime="" gen="" cc="${CC:-cc}" cflags="" without=""

usage() {
    sed -n "4,7p" "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage
    case "$1" in
    --seed) seed=$2 ;;
    --count) count=$2 ;;
    --start) start=$2 ;;
    --level) level=$2 ;;
    --keep) keep=$2 ;;
    --without) without=$2 ;;
    --build) build=$2 ;;
    --asyncc) asyncc=$2 ;;
    --runtime) runtime=$2 ;;
    --gen) gen=$2 ;;
    --cc) cc=$2 ;;
    --cflags) cflags=$2 ;;
    --jobs) jobs=$2 ;;
    --timeout) timeout=$2 ;;
    *) usage ;;
    esac
    shift 2
done

asyncc=${asyncc:-$build/asyncc/asyncc}
runtime=${runtime:-$build/runtime/libasyncc_runtime.a}
gen=${gen:-$build/tests/fuzz/asyncc_gen}

for tool in "$asyncc" "$runtime"; do
    if [ ! -e "$tool" ]; then
        echo "difftest: $tool not found: build the project first (cmake --build $build)" >&2
        exit 2
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/difftest.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ ! -x "$gen" ]; then
    gen="$work/asyncc_gen"
    "$cc" -std=c11 -O1 -o "$gen" "$here/gen.c" || exit 2
fi
mkdir -p "$keep"

# Everything check_one needs, for the subshells xargs starts.
export seed level without keep timeout asyncc runtime gen cc cflags work repo
export includes="-I$repo/runtime/include -I$repo/tests/e2e"

# Run ./$1 with a time limit: its stdout goes to $1.out, its stderr to $1.err and
# its exit status (124 on timeout, 128+n on a signal) to $1.status.
run_limited() {
    timeout "$timeout" "./$1" >"$1.out" 2>"$1.err"
    echo "exit status $?" >"$1.status"
}

# Keep the failing program $1 and say how to run it again.
report_failure() {
    local i=$1 why=$2 dir="$work/$1"
    local kept="$keep/seed$seed-level$level-$i"
    rm -rf "$kept"
    cp -r "$dir" "$kept"
    # one write, so that parallel reports do not interleave
    printf 'FAIL %s %s: %s\n    again: %s --seed %s --level %s%s --start %s --count 1 --keep %s --asyncc %s --runtime %s\n' \
        "$i" "$why" "$kept/prog.c" "$repo/scripts/difftest.sh" "$seed" "$level" \
        "${without:+ --without $without}" "$i" "$keep" "$asyncc" "$runtime"
}

# One program: prints PASS or a failure report; the caller counts them.
# shellcheck disable=SC2086  # $includes and $cflags are word lists
check_one() {
    local i=$1 dir="$work/$1"
    mkdir -p "$dir"
    cd "$dir" || return
    if ! "$gen" --seed "$seed" --index "$i" --level "$level" ${without:+--without "$without"} \
        >prog.c 2>gen.log; then
        report_failure "$i" "generator failed"
        return
    fi
    if ! "$cc" -std=gnu11 -O1 -DASYNCC_SEQUENTIAL $includes $cflags prog.c "$runtime" -o plain \
        2>plain.log; then
        report_failure "$i" "plain C does not compile (generator bug)"
        return
    fi
    if ! "$asyncc" prog.c -o prog.gen.c -- $includes 2>asyncc.log; then
        report_failure "$i" "asyncc rejected the program"
        return
    fi
    if ! "$cc" -std=c11 -Wall -Wextra -Werror -O1 $includes $cflags prog.gen.c "$runtime" \
        -o transformed 2>transformed.log; then
        report_failure "$i" "asyncc's output does not compile"
        return
    fi
    run_limited plain
    run_limited transformed
    if ! grep -qx "exit status 0" plain.status; then
        report_failure "$i" "plain program failed: $(cat plain.status) (generator bug)"
    elif ! cmp -s plain.out transformed.out; then
        report_failure "$i" "stdout differs (diff $keep/seed$seed-level$level-$i/{plain,transformed}.out)"
    elif ! cmp -s plain.status transformed.status; then
        report_failure "$i" "transformed $(cat transformed.status), plain $(cat plain.status)"
    else
        echo "PASS $i"
        cd / && rm -rf "$dir"
    fi
}
export -f run_limited report_failure check_one

# shellcheck disable=SC2016  # $1 is check_one's, expanded by the inner bash
seq "$start" $((start + count - 1)) |
    xargs -P "$jobs" -I{} bash -c 'check_one "$1"' _ {} >"$work/results"

grep -v '^PASS ' "$work/results"
# A program with no line at all: its check died (out of memory, say).
lost=$(seq "$start" $((start + count - 1)) |
    grep -vxF -f <(sed -n 's/^\(PASS\|FAIL\) \([0-9]*\).*/\2/p' "$work/results"))
[ -z "$lost" ] || echo "FAIL no result for" $lost
passed=$(grep -c '^PASS ' "$work/results")
failed=$((count - passed))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
