#!/usr/bin/env bash
# check.sh - checks a spin model of the runtime (runtime/model/*.pml) exhaustively:
#
#   tests/model/check.sh MODEL.pml [MUTANT...]
#
# The model must pass: spin's full search finds no assertion violation and no invalid
# end state. Then each MUTANT (a macro the model tests with #ifdef: a plausible mistake
# in the protocol) must make the search fail, so the check is known to catch it.
# Prints one line per search and exits 1 when any verdict is wrong, 2 without spin or cc.
set -u

model=$1
shift
for tool in spin "${CC:-cc}"; do
    command -v "$tool" >/dev/null || { echo "model: $tool not found (apt-get install spin)" >&2; exit 2; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/model.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$model" "$work/"
name=$(basename "$model")

# search [-DMUTANT]: spin's verifier over every interleaving; prints its error count.
search() {
    (
        cd "$work" || exit 2
        rm -f pan* ./*.trail
        spin "$@" -a "$name" >spin.log 2>&1 || { cat spin.log >&2; exit 2; }
        # The searches are small (under 10^6 states, depth under 300): compiling pan.c
        # is most of the time (-O0 is 3-4 times faster than -O2 and searches as fast),
        # then allocating the stack (-m); a deeper search says so below.
        "${CC:-cc}" -O0 -DSAFETY -o pan pan.c >cc.log 2>&1 || { cat cc.log >&2; exit 2; }
        ./pan -m100000 >pan.log 2>&1
        grep -q "search depth too small" pan.log && { echo "depth limit reached" >&2; exit 2; }
        sed -n 's/.*errors: \([0-9]*\).*/\1/p' pan.log
    )
}

status=0
errors=$(search) || exit 2
states=$(sed -n 's/^ *\([0-9]*\) states, stored.*/\1/p' "$work/pan.log")
if [ "$errors" = 0 ]; then
    echo "PASS $name: no error in $states states"
else
    echo "FAIL $name: $errors error(s):"
    grep -E "assert|invalid" "$work/pan.log"
    status=1
fi
for mutant in "$@"; do
    errors=$(search "-D$mutant") || exit 2
    if [ "$errors" = 0 ]; then
        echo "FAIL $name with $mutant: the search found nothing"
        status=1
    else
        echo "PASS $name with $mutant: caught ($(grep -m1 -o 'assertion violated.*' "$work/pan.log"))"
    fi
done
exit $status
