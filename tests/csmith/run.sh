#!/usr/bin/env bash
# run.sh - csmith's random C programs, converted to async C, must print the same
# checksum as the programs themselves.
#
#   tests/csmith/run.sh [--seed S] [--count N] [--cc CC] [--jobs J] [--keep DIR]
#                       [--timeout SECONDS] [--csmith-options "OPTIONS"] [--build DIR]
#                       [--asyncc EXE] [--runtime LIB] [--convert EXE]
#
# Program I (0 <= I < N) is `csmith --seed S+I OPTIONS`. It is built twice with CC:
#   plain:       the program as csmith wrote it: the oracle
#   transformed: csmith_convert (every function async, each call awaited, a yield
#                first in each function, main blocking on func_1), then asyncc,
#                linked with the runtime
# and both must print the same and exit alike. Both builds are -O1
# -fno-strict-aliasing -w (build_flags below says why the aliasing flag): csmith's
# programs are full of warnings (unused values, tautologies) that say nothing here.
# CC may list several compilers ("gcc clang"): each program is then generated,
# converted and transformed once, and built and compared with each of them.
#
# Verdicts, one line a program and compiler ("PASS 12 gcc"), then
# "N passed, N failed, N skipped" counting those lines:
#   SKIP  csmith failed or timed out, its program does not compile, or the plain
#         program does not exit 0 within SECONDS (csmith programs may loop long);
#         also when the transformed program runs out of time and the plain one, built
#         at -O0, does too (a loop the optimizer removed from the plain program);
#   FAIL  the converter or asyncc rejected the program, asyncc's output does not
#         compile, or the transformed program prints or exits differently (it gets
#         5 x SECONDS + 10: every call yields to the executor, and a loaded machine
#         must not make a slow run a failure). The program is kept in DIR/seedN/
#         with every log, and a line tells how to run it again.
# The exit status is 1 when any program failed, 2 on a bad command line or when a
# tool is missing.
#
# Tools default to those of the CMake build in --build (default: <repo>/build).
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

seed=1 count=30 jobs=2 timeout=5 keep="${TMPDIR:-/tmp}/asyncc-csmith" cc="${CC:-cc}"
build="$repo/build" asyncc="" runtime="" convert="" csmith_options=""
csmith_include=/usr/include/csmith

# "--NAME VALUE" sets the variable NAME (a dash in it read as "_"), for the names
# in this list only.
options=" seed count cc jobs keep timeout csmith-options build asyncc runtime convert "
while [ $# -ge 2 ] && [[ $options == *" ${1#--} "* ]]; do
    name=${1#--}
    printf -v "${name//-/_}" '%s' "$2"
    shift 2
done
if [ $# -gt 0 ]; then
    sed -n "5,7p" "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi

asyncc=${asyncc:-$build/asyncc/asyncc}
runtime=${runtime:-$build/runtime/libasyncc_runtime.a}
convert=${convert:-$build/tests/csmith/csmith_convert}

missing() {
    echo "csmith: $1 not found: $2" >&2
    exit 2
}
command -v csmith >/dev/null || missing csmith "apt-get install csmith"
[ -e "$csmith_include/csmith.h" ] || missing "$csmith_include/csmith.h" "apt-get install libcsmith-dev"
for tool in "$asyncc" "$runtime" "$convert"; do
    [ -e "$tool" ] || missing "$tool" "build the project first (cmake --build $build)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/csmith.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$keep"

# Everything check_one needs, for the subshells xargs starts.
export seed keep timeout asyncc runtime convert cc csmith_options csmith_include work here repo
# -fno-strict-aliasing: csmith's programs pun unions through pointers to their members
# (seed 130521: `int64_t *p = &u.f4;` then `u.f2 = -9;` and `*p = 0;` in one loop),
# which C's aliasing rules leave undefined. The plain build is right only because clang
# sees where p points; once the pointer lives in a frame it cannot, and at -O1 its
# type-based alias analysis reorders the two stores. The oracle is the lowering, not
# that: both builds turn the analysis off.
export build_flags="-O1 -fno-strict-aliasing -w -I$csmith_include"

# Runs "$@" for at most $1 seconds, its output to the files $2.out and $2.err and
# its exit status (124 on a timeout, 128+n on a signal) to $2.status. The status
# of "$@" is returned.
run_limited() {
    local seconds=$1 name=$2
    shift 2
    timeout "$seconds" "$@" >"$name.out" 2>"$name.err"
    local status=$?
    echo "exit status $status" >"$name.status"
    return "$status"
}

# Keeps the program $1 that failed with compiler $2 and says how to run it again.
report_failure() {
    local n=$1 c=$2 why=$3 kept="$keep/seed$1"
    rm -rf "$kept"
    cp -r "$work/$n" "$kept"
    # one write, so that parallel reports do not interleave
    local again="$here/run.sh --seed $n --count 1 --cc $c --timeout $timeout"
    again+="${csmith_options:+ --csmith-options \"$csmith_options\"} --keep $keep"
    again+=" --asyncc $asyncc --runtime $runtime --convert $convert"
    printf 'FAIL %s %s %s\n    kept in %s\n    again: %s\n' "$n" "$c" "$why" "$kept" "$again"
}

# The verdict $1 of program $2 for every compiler, with the reason $3.
verdict_all() {
    local c
    for c in $cc; do
        echo "$1 $2 $c $3"
    done
}

# The conversion of prog.c in the current directory to prog.gen.c: prints why not
# when it cannot be made.
transform() {
    if ! run_limited 60 convert "$convert" prog.c -o prog.async.c -- -I"$csmith_include"; then
        echo "csmith_convert rejected the program: $(head -n 1 convert.err)"
    elif ! run_limited 60 asyncc "$asyncc" prog.async.c -o prog.gen.c -- -I"$csmith_include"; then
        echo "asyncc rejected the program: $(head -n 1 asyncc.err)"
    fi
}

# Whether the plain program, built with compiler $2 at -O0, runs out of the transformed
# program's time too: then the optimizer removed a loop without side effects, which C11
# (6.8.5p6) lets it assume ends, and the transformed program's yields are side effects
# that keep it (csmith's seed 130041 under clang). Only asked when the transformed
# program timed out. $1 names the files.
# shellcheck disable=SC2086  # $build_flags is a word list
loops_unoptimized() {
    run_limited 120 "plain_O0.$1.build" "$2" $build_flags -O0 prog.c -o "plain_O0.$1" &&
        ! run_limited $((5 * timeout + 10)) "plain_O0.$1" "./plain_O0.$1" &&
        [ "$(cat "plain_O0.$1.status")" = "exit status 124" ]
}

# Program $1 (its prog.gen.c made) built and compared with compiler $2, in the
# current directory: prints its verdict.
# shellcheck disable=SC2086  # $build_flags is a word list
check_with() {
    local n=$1 c=$2 base
    base=$(basename "$c")
    if ! run_limited 120 "plain.$base.build" "$c" $build_flags prog.c -o "plain.$base"; then
        echo "SKIP $n $c csmith's program does not compile: $(cat "plain.$base.build.status")"
        return
    fi
    if ! run_limited "$timeout" "plain.$base" "./plain.$base"; then
        echo "SKIP $n $c plain program: $(sed "s/ 124$/ 124, over ${timeout}s/" "plain.$base.status")"
        return
    fi
    if ! run_limited 120 "transformed.$base.build" "$c" $build_flags -I"$repo/runtime/include" \
        prog.gen.c "$runtime" -o "transformed.$base"; then
        report_failure "$n" "$c" "asyncc's output does not compile: $(grep -m 1 error "transformed.$base.build.err")"
        return
    fi
    run_limited $((5 * timeout + 10)) "transformed.$base" "./transformed.$base"
    if [ "$(cat "transformed.$base.status")" = "exit status 124" ] && loops_unoptimized "$base" "$c"; then
        echo "SKIP $n $c plain program: over $((5 * timeout + 10))s at -O0 (a loop -O1 removed)"
    elif ! cmp -s "plain.$base.out" "transformed.$base.out"; then
        report_failure "$n" "$c" "the output differs: $(head -c 80 "transformed.$base.out"), plain $(cat "plain.$base.out")"
    elif ! cmp -s "plain.$base.status" "transformed.$base.status"; then
        report_failure "$n" "$c" "transformed $(cat "transformed.$base.status"), plain $(cat "plain.$base.status")"
    else
        echo "PASS $n $c"
    fi
}

# One program, csmith's seed $1: prints its verdict for each compiler.
# shellcheck disable=SC2086  # $csmith_options and $cc are word lists
check_one() {
    local n=$1 dir="$work/$1" why c
    mkdir -p "$dir"
    cd "$dir" || return
    if ! run_limited 30 csmith csmith --seed "$n" $csmith_options; then
        verdict_all SKIP "$n" "csmith failed: $(cat csmith.status)"
    else
        mv csmith.out prog.c
        why=$(transform)
        if [ -n "$why" ]; then
            for c in $cc; do
                report_failure "$n" "$c" "$why"
            done
        else
            for c in $cc; do
                check_with "$n" "$c"
            done
        fi
    fi
    cd / && rm -rf "$dir" # a failing program was kept by report_failure
}
export -f run_limited report_failure verdict_all transform loops_unoptimized check_with check_one

# shellcheck disable=SC2016  # $1 is check_one's, expanded by the inner bash
seq "$seed" $((seed + count - 1)) |
    xargs -P "$jobs" -I{} bash -c 'check_one "$1"' _ {} >"$work/results"

grep -v '^PASS ' "$work/results"
# A program and compiler with no line at all: its check died (out of memory, say).
# shellcheck disable=SC2086  # $cc is a word list
lost=$(for n in $(seq "$seed" $((seed + count - 1))); do printf "$n %s\n" $cc; done |
    grep -vxF -f <(sed -n 's/^\(PASS\|FAIL\|SKIP\) \([0-9]* [^ ]*\).*/\2/p' "$work/results"))
[ -z "$lost" ] || echo "FAIL no result for ${lost//$'\n'/, }"
passed=$(grep -c '^PASS ' "$work/results")
skipped=$(grep -c '^SKIP ' "$work/results")
# shellcheck disable=SC2206  # $cc is a word list
compilers=($cc)
failed=$((count * ${#compilers[@]} - passed - skipped))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
