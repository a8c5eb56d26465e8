#!/usr/bin/env bash
# mutate.sh - asyncc never crashes, and what it accepts compiles.
#
#   tests/fuzz/mutate.sh [--seed S] [--count N] [--keep DIR] [--build DIR]
#                        [--asyncc EXE] [--cc CC] [--jobs J]
#
# Mutant I of seed S is a file of the corpus (the golden, e2e and example
# sources) with one to three random line edits: a line deleted, doubled, swapped
# with the next or cut short; a line added before one (an await, a return, a
# brace, a label, a goto); a function made async or an async one made plain.
# Many mutants are no longer C, many are C that asyncc must reject, some are
# new programs it must lower. For each, asyncc must
#   - exit 0 or 1 within 10 seconds, without a signal or a sanitizer report;
#   - when it exits 1, say why in a "file:line:col: error:" or "asyncc:" line;
#   - when it exits 0 on a mutant that compiles as plain C, write C that compiles,
#     and without warnings (-Wall -Wextra) if the mutant has none.
# A failing mutant is kept in DIR/seedS-I/ with asyncc's output and a line tells
# how to check it again. The last line is "N passed, M failed" (with how many
# asyncc accepted); the exit status is 1 when any failed.
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

seed=1 count=100 keep="${TMPDIR:-/tmp}/asyncc-mutate" build="$repo/build" asyncc=""
cc="${CC:-cc}" jobs=2

usage() {
    sed -n "4,5p" "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    [ $# -ge 2 ] || usage
    case "$1" in
    --seed) seed=$2 ;;
    --count) count=$2 ;;
    --keep) keep=$2 ;;
    --build) build=$2 ;;
    --asyncc) asyncc=$2 ;;
    --cc) cc=$2 ;;
    --jobs) jobs=$2 ;;
    *) usage ;;
    esac
    shift 2
done

asyncc=${asyncc:-$build/asyncc/asyncc}
if [ ! -x "$asyncc" ]; then
    echo "mutate: $asyncc not found: build the project first (cmake --build $build)" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mutate.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$keep"
find "$repo/tests/golden" "$repo/tests/e2e" "$repo/examples" -name '*.c' \
    ! -name '*.expected.c' | LC_ALL=C sort >"$work/corpus"

export seed keep asyncc cc work repo
export strict="-Wall -Wextra -Werror -O1"
# The sources' plain meaning, which <asyncc.h> gives only when asked.
export sequential="-DASYNCC_SEQUENTIAL"
export includes="-I$repo/runtime/include -I$repo/tests/golden -I$repo/tests/e2e"

# mutate_file SOURCE RANDOM: the mutant on stdout. The edits come from awk's
# generator seeded with RANDOM (the kept copy is what reproduces a failure).
mutate_file() {
    awk -v seed="$2" '
    BEGIN { srand(seed) }
    { line[++n] = $0 }
    function pick() { return 1 + int(rand() * n) }
    function insert(k, text,   i) { for (i = ++n; i > k; i--) line[i] = line[i - 1]; line[k] = text }
    END {
        split("await(ac_yield());|return 0;|{|}|again:;|goto again;|return;|" \
              "int x = await(ac_yield());|await(missing());|ac_spawn(ac_yield());", extra, "|")
        edits = 1 + int(rand() * 3)
        for (e = 0; e < edits && n > 1; e++) {
            k = pick(); op = int(rand() * 7)
            if (op == 0) { for (i = k; i < n; i++) line[i] = line[i + 1]; n-- }
            else if (op == 1) insert(k, line[k])
            else if (op == 2 && k < n) { t = line[k]; line[k] = line[k + 1]; line[k + 1] = t }
            else if (op == 3) line[k] = substr(line[k], 1, int(rand() * length(line[k])))
            else if (op == 4) insert(k, extra[1 + int(rand() * 10)])
            else if (op == 5) sub(/^(static )?(int|void|unsigned) /, "async &", line[k])
            else sub(/^async /, "", line[k])
        }
        for (i = 1; i <= n; i++) print line[i]
    }' "$1"
}

# Keep the failing mutant $1 and say how to check it again.
report_failure() {
    local kept="$keep/seed$seed-$1"
    rm -rf "$kept"
    cp -r "$work/$1" "$kept"
    printf 'FAIL %s %s: %s\n    again: %s %s -o /dev/null -- %s\n' \
        "$1" "$2" "$kept/$3" "$asyncc" "$kept/$3" "$includes"
}

# compiles FLAGS FILE: whether FILE compiles (to an object: some warnings need the
# optimizer); the compiler's messages go to cc.err.
# shellcheck disable=SC2086  # $1 and $includes are word lists
compiles() {
    "$cc" -std=gnu11 $1 $includes -c "$2" -o "$2.o" 2>cc.err
}

# shellcheck disable=SC2086  # $includes is a word list
check_one() {
    local i=$1 dir="$work/$1" source name status
    mapfile -t corpus <"$work/corpus"
    source=${corpus[$(((seed * 7919 + i * 104729) % ${#corpus[@]}))]}
    name=$(basename "$source")
    mkdir -p "$dir" && cd "$dir" || return
    mutate_file "$source" $((seed * 100003 + i)) >"$name"
    timeout 10 "$asyncc" "$name" -o out.c -- $includes >asyncc.out 2>asyncc.err
    status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
        report_failure "$i" "asyncc exited with status $status" "$name"
    elif grep -q 'Sanitizer\|runtime error:' asyncc.err; then
        report_failure "$i" "sanitizer report (asyncc.err)" "$name"
    elif [ "$status" -eq 1 ] && ! grep -Eq '^[^ ]+:[0-9]+:[0-9]+: error: |^asyncc: ' asyncc.err; then
        report_failure "$i" "exit 1 without a diagnostic" "$name"
    elif [ "$status" -eq 0 ] && compiles "-w $sequential" "$name" && ! compiles "-w" out.c; then
        report_failure "$i" "asyncc's output does not compile (cc.err)" "$name"
    elif [ "$status" -eq 0 ] && compiles "$strict $sequential" "$name" &&
        ! compiles "$strict" out.c; then
        report_failure "$i" "asyncc's output has warnings its input has not (cc.err)" "$name"
    else
        echo "PASS $i $status"
        cd / && rm -rf "$dir"
    fi
}
export -f mutate_file report_failure compiles check_one

# shellcheck disable=SC2016  # $1 is check_one's, expanded by the inner bash
seq 0 $((count - 1)) | xargs -P "$jobs" -I{} bash -c 'check_one "$1"' _ {} >"$work/results"

grep -v '^PASS ' "$work/results"
passed=$(grep -c '^PASS ' "$work/results")
accepted=$(grep -c '^PASS [0-9]* 0$' "$work/results")
echo "$passed passed ($accepted accepted by asyncc, the rest rejected), $((count - passed)) failed"
[ "$passed" -eq "$count" ]
